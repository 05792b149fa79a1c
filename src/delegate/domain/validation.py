"""Rules for what we accept before it is stored or sent to Recall: one place per rule, shared
by every path that reaches Recall (the API, the brain's actions) so that Recall only ever sees
input it will take, and the database only text it can store.

Each ``check_*`` raises ``InvalidInput`` with a message naming the field; each ``*_problem``
says what is wrong (or None) for callers that answer differently, such as the brain.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from delegate.domain.errors import InvalidInput
from delegate.domain.meeting_urls import HOST_LABEL

MAX_PAGE_URL = 2048
JOIN_AT_SKEW = timedelta(minutes=5)
"""A ``joinAt`` this far in the past is still "now": clocks of clients drift."""
JOIN_AT_HORIZON = timedelta(days=366)
"""How far ahead a bot may be scheduled."""

CHAT_RECIPIENTS = ("everyone", "host", "everyone_except_host")
"""Recall's named chat recipients; Zoom also takes a participant id (digits)."""
NO_CHAT_PLATFORMS = ("webex", "goto_meeting")
"""Recall cannot send chat messages on these platforms at all."""

# Top-level domains that never lead to a public site (RFC 2606, 6761, 6762, 8375 and the
# private ones routers and companies use).
_LOCAL_TLDS = frozenset(
    {
        "localhost",
        "local",
        "internal",
        "intranet",
        "private",
        "lan",
        "home",
        "corp",
        "localdomain",
        "test",
        "invalid",
        "example",
        "onion",
        "arpa",
    }
)
_API_KEY = re.compile(r"^[\x21-\x7e]+$")


def text_problem(value: str, allow_nul: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text: PostgreSQL refuses NUL in text columns (JSON
    keeps it escaped, hence ``allow_nul``) and invalid Unicode anywhere."""
    if not allow_nul and "\x00" in value:
        return "must not contain NUL characters (\\u0000)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (it contains a lone surrogate)"
    return None


def json_text_problems(value: Any, path: str, nested: bool = False) -> Iterator[tuple[str, str]]:
    """``(path, problem)`` for every string of a value (a text field, or the keys and strings
    inside a JSON object such as ``meta``) that cannot be stored."""
    if isinstance(value, str):
        problem = text_problem(value, allow_nul=nested)
        if problem:
            yield path, problem
    elif isinstance(value, dict):
        for key, inner in value.items():
            problem = text_problem(str(key), allow_nul=True)
            if problem:
                yield path, f"keys {problem}"
            yield from json_text_problems(inner, f"{path}.{key}", nested=True)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from json_text_problems(inner, f"{path}.{index}", nested=True)


def page_url_problem(url: str) -> str | None:
    """Why ``url`` may not be shown as a screenshare (None when it may): only https pages of
    public host names, so that a delegate never shows a local or internal address."""
    text = url.strip()
    if not text:
        return "must be an https URL"
    if len(text) > MAX_PAGE_URL:
        return f"must be at most {MAX_PAGE_URL} characters"
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- parsing the port is what raises for a malformed one
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() != "https":
        return "must be an https URL"
    if parts.username is not None or parts.password is not None:
        return "must not contain credentials"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "must have a host name"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return "must use a host name, not an IP address"
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return "must have a valid host name"
    labels = host.split(".")
    if len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels):
        return "must have a public host name (like example.com)"
    if not labels[-1][0].isalpha():
        # 127.1, 0x7f.1, 2130706433.0: numeric spellings of addresses resolvers still accept.
        return "must use a host name, not an IP address"
    if labels[-1] in _LOCAL_TLDS:
        return "must be a public host, not a local or internal one"
    return None


def check_page_url(url: str, field: str = "url") -> str:
    """The page URL, stripped; raises ``InvalidInput`` naming ``field`` when it may not be
    shared."""
    problem = page_url_problem(url)
    if problem:
        raise InvalidInput(f'"{field}" {problem}')
    return url.strip()


def check_chat_recipient(to: str, platform: str | None) -> str:
    """The chat recipient, if Recall will take it on ``platform``: ``everyone`` anywhere chat
    exists; on Zoom also ``host``, ``everyone_except_host`` or a participant id."""
    if platform in NO_CHAT_PLATFORMS:
        raise InvalidInput(f"Chat messages cannot be sent in {platform} meetings")
    if to == "everyone":
        return to
    if to not in CHAT_RECIPIENTS and not (to.isascii() and to.isdigit()):
        raise InvalidInput(
            '"to" must be "everyone", "host", "everyone_except_host" or a participant id'
        )
    if platform not in (None, "zoom"):
        raise InvalidInput(f'"to" must be "everyone" in {platform} meetings')
    return to


def check_join_at(join_at: datetime | None, now: datetime) -> datetime | None:
    """``joinAt`` in UTC, if it is a time a bot can be scheduled for: with a time zone, not in
    the past and at most ``JOIN_AT_HORIZON`` ahead."""
    if join_at is None:
        return None
    if join_at.tzinfo is None or join_at.utcoffset() is None:
        raise InvalidInput('"joinAt" must include a time zone (e.g. 2026-01-01T10:00:00Z)')
    # Compared before any conversion: astimezone() overflows on years 1 and 9999.
    if join_at < now - JOIN_AT_SKEW:
        raise InvalidInput('"joinAt" must not be in the past')
    if join_at > now + JOIN_AT_HORIZON:
        raise InvalidInput(f'"joinAt" must be at most {JOIN_AT_HORIZON.days} days ahead')
    return join_at.astimezone(UTC)


MIN_WEBHOOK_KEY_BYTES = 16
"""Recall's (Svix) verification secrets hold 24 or 32 random bytes; fewer is a typo."""


def webhook_secret_problem(secret: str) -> str | None:
    """Why ``secret`` cannot verify Recall's signatures (None when it can): the receiver
    decodes the part after ``whsec_`` as base64 into the HMAC key, so anything else would
    make every signed delivery answer 401, and the transcript would be lost."""
    encoded = secret.removeprefix("whsec_")
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return 'must be "whsec_" followed by base64, as Recall\'s dashboard shows it'
    if len(key) < MIN_WEBHOOK_KEY_BYTES:
        return f"is too short: Recall's secrets hold at least {MIN_WEBHOOK_KEY_BYTES} bytes"
    return None


def check_webhook_secret(secret: str | None) -> str | None:
    """The workspace verification secret, if the receiver can use it (empty clears it)."""
    if secret:
        problem = webhook_secret_problem(secret)
        if problem:
            raise InvalidInput(f'"webhookSecret" {problem}')
    return secret


def check_api_key(api_key: str | None) -> str | None:
    """A Recall API key as it can be sent in a header: visible ASCII, no spaces."""
    if api_key is not None and api_key != "" and not _API_KEY.fullmatch(api_key):
        raise InvalidInput('"apiKey" must be visible ASCII characters without spaces')
    return api_key
