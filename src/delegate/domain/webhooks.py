"""Outbound webhooks: endpoints, the events they receive, and the rules of their delivery.

Pure rules only: which URLs an endpoint may have (the address part of the SSRF guard; the
delivery adapter checks what a host name resolves to), which events exist, and how long to
wait before the next attempt.
"""

from __future__ import annotations

import base64
import ipaddress
import random
import secrets
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from delegate.domain.errors import InvalidInput

EVENT_TYPES = (
    "session.created",
    "session.status_changed",
    "session.participant_joined",
    "session.participant_left",
    "session.turn",
    "session.reply_sent",
    "session.notes_ready",
    "session.failed",
)
TEST_EVENT = "webhook.test"
"""What the test-send route delivers: every endpoint receives it, whatever it subscribed to."""
MAX_URL_LENGTH = 2048
MAX_DESCRIPTION_LENGTH = 4096


def new_signing_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    """Waiting for its first attempt or its next retry."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    """Refused with a 4xx, or still failing after the last attempt."""


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    account_id: str
    url: str
    description: str
    events: tuple[str, ...]
    enabled: bool
    disabled_reason: str | None
    failing_since: int | None
    created_at: int
    updated_at: int

    def wants(self, event_type: str) -> bool:
        return event_type == TEST_EVENT or event_type in self.events


@dataclass(frozen=True)
class SessionIds:
    """Our ids of a session, as every session event carries them."""

    account_id: str
    integration_id: str
    session_id: str
    bot_id: str | None
    recall_bot_id: str | None


@dataclass(frozen=True)
class WebhookEvent:
    """One event as it is signed and sent: ``body`` is the exact JSON the receiver gets."""

    id: str
    type: str
    session_id: str | None
    body: bytes = field(repr=False)
    created_at: int


@dataclass(frozen=True)
class Delivery:
    """One event on its way to one endpoint (several, after a redelivery)."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    session_id: str | None
    status: DeliveryStatus
    attempts: int
    next_attempt_at: int
    last_status_code: int | None
    last_error: str | None
    latency_ms: int | None
    created_at: int
    finished_at: int | None


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code, or an error before any answer."""

    status_code: int | None
    latency_ms: int
    error: str | None = None
    retry_after_s: float | None = None
    retryable: bool = True
    """False when the attempt could never succeed as it is (the address is not allowed)."""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def worth_retrying(self) -> bool:
        """Timeouts, connection errors, 429 and 5xx are retried; other 4xx are not."""
        if self.status_code is None:
            return self.retryable
        return self.status_code == 429 or self.status_code >= 500


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_s: float
    max_wait_s: float
    disable_after_s: float

    def wait_s(self, attempts: int, retry_after_s: float | None, rng: random.Random) -> float:
        """Seconds before the next attempt after ``attempts`` failed ones: exponential with
        full jitter in its upper half, capped; a receiver's ``Retry-After`` wins (capped too)."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.max_wait_s)
        ceiling = min(self.max_wait_s, self.base_s * 2 ** max(attempts - 1, 0))
        return float(ceiling * rng.uniform(0.5, 1.0))


def parse_retry_after(value: str | None, now_s: float) -> float | None:
    """``Retry-After`` as seconds from now: delay-seconds or an HTTP date; None if unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - now_s, 0.0)


def is_forbidden_address(address: str) -> bool:
    """Private, loopback, link-local, multicast, reserved or unspecified addresses: what an
    endpoint may not reach unless the server allows it (development)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def is_loopback_host(host: str) -> bool:
    literal = _literal_ip(host)
    if literal is not None:
        ip = ipaddress.ip_address(literal)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return ip.is_loopback
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def check_endpoint_url(url: str, allow_private: bool) -> str:
    """The endpoint URL, checked: https (http only to loopback, when private addresses are
    allowed), a host, no credentials, and not a private address unless allowed."""
    text = url.strip()
    if not text:
        raise InvalidInput('"url" must not be empty')
    if len(text) > MAX_URL_LENGTH:
        raise InvalidInput(f'"url" must be at most {MAX_URL_LENGTH} characters')
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018  # raises ValueError for a port out of range
    except ValueError as exc:
        raise InvalidInput(f'"url" is not a valid URL: {exc}') from exc
    if parts.scheme not in ("https", "http"):
        raise InvalidInput('"url" must start with https://')
    if not host:
        raise InvalidInput('"url" must name a host')
    if parts.username is not None or parts.password is not None:
        raise InvalidInput('"url" must not carry credentials (put a secret in the path instead)')
    loopback = is_loopback_host(host)
    if parts.scheme == "http" and not (loopback and allow_private):
        raise InvalidInput(
            '"url" must use https (http is accepted only for loopback in development)'
        )
    literal = _literal_ip(host)
    forbidden = loopback or (literal is not None and is_forbidden_address(literal))
    if forbidden and not allow_private:
        raise InvalidInput(
            '"url" points to a private, loopback or link-local address, which this server '
            "does not deliver to"
        )
    return text


def check_event_types(events: Any) -> tuple[str, ...]:
    """The event types an endpoint subscribes to; all of them when none are given."""
    if events is None:
        return EVENT_TYPES
    if not isinstance(events, list) or not events:
        raise InvalidInput('"events" must be a non-empty list of event types')
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise InvalidInput(
            f'"events" has unknown event types {unknown}: known are [{", ".join(EVENT_TYPES)}]'
        )
    return tuple(dict.fromkeys(events))
