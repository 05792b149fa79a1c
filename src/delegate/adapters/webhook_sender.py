"""Posting webhook events: signed with Standard Webhooks (the ``standardwebhooks`` package),
redirects never followed, the response body never read, and, unless the server allows it,
no delivery to a host that resolves to a private, loopback or link-local address.

The address check resolves the host just before the request; a DNS answer that changes in
between (rebinding) is not caught. Operators who need that guarantee put deliveries behind an
egress proxy.
"""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx2
from standardwebhooks import Webhook

from delegate import __version__
from delegate.domain.webhooks import Outcome, is_forbidden_address, parse_retry_after

USER_AGENT = f"delegate-webhooks/{__version__}"


class HttpWebhookSender:
    def __init__(self, http: httpx2.AsyncClient, timeout_s: float, allow_private: bool) -> None:
        self._http = http
        self._timeout_s = timeout_s
        self._allow_private = allow_private

    async def send(self, url: str, secret: str, event_id: str, body: bytes) -> Outcome:
        """One attempt; the endpoint's failures are the outcome, never an exception."""
        started = time.perf_counter()
        if not self._allow_private:
            refused = await self._refused_address(url)
            if refused is not None:
                return refused
        now = datetime.now(UTC)
        headers = {
            "webhook-id": event_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign(event_id, now, body.decode()),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
        }
        try:
            async with asyncio.timeout(self._timeout_s):
                request = self._http.stream(
                    "POST",
                    url,
                    content=body,
                    headers=headers,
                    timeout=self._timeout_s,
                    follow_redirects=False,
                )
                async with request as response:
                    status = response.status_code
                    retry_after = response.headers.get("retry-after")
        except TimeoutError:
            return Outcome(None, _ms(started), f"no answer within {self._timeout_s:g} s")
        except httpx2.TimeoutException:
            return Outcome(None, _ms(started), f"no answer within {self._timeout_s:g} s")
        except httpx2.HTTPError as exc:
            return Outcome(None, _ms(started), f"could not connect ({type(exc).__name__})")
        error = None if 200 <= status < 300 else _status_error(status)
        wait = parse_retry_after(retry_after, time.time()) if status in (429, 503) else None
        return Outcome(status, _ms(started), error, wait)

    async def _refused_address(self, url: str) -> Outcome | None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            return Outcome(None, 0, f"could not resolve the host ({type(exc).__name__})")
        for info in infos:
            if is_forbidden_address(str(info[4][0])):
                message = "the host resolves to a private, loopback or link-local address"
                return Outcome(None, 0, message, retryable=False)
        return None


def _status_error(status: int) -> str:
    if 300 <= status < 400:
        return f"HTTP {status} (redirects are not followed)"
    return f"HTTP {status}"


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
