"""Security headers on every HTTP response: API, dashboard, Recall's receivers, docs, /mcp.

A raw ASGI wrapper of ``send`` rather than Starlette's ``BaseHTTPMiddleware``: it touches only
the ``http.response.start`` message (a few list operations), so streamed answers (SSE, the live
feed) and the hot realtime receiver pass through untouched.
"""

from __future__ import annotations

from starlette.types import Message, Scope, Send

EVERY_RESPONSE: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
"""Added to every response (a header the app already set is kept as it is)."""

FRAME_ANCESTORS = b"frame-ancestors 'none'"
API_RESPONSES: tuple[tuple[bytes, bytes], ...] = ((b"cache-control", b"no-store"),)
"""Also on API answers (``/v1``, ``/api``): tokens and meeting content must not be cached."""

API_PREFIXES = ("/v1/", "/api/")


def secured(scope: Scope, send: Send) -> Send:
    """``send`` adding the security headers to the response this ``scope`` answers."""
    path: str = scope.get("path", "")
    api = path.startswith(API_PREFIXES)

    async def send_secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = with_security_headers(list(message.get("headers", ())), api)
        await send(message)

    return send_secured


def with_security_headers(
    headers: list[tuple[bytes, bytes]], api: bool
) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    for name, value in EVERY_RESPONSE:
        if name not in present:
            headers.append((name, value))
    if b"content-security-policy" in present:
        headers = [
            (n, v + b"; " + FRAME_ANCESTORS)
            if n.lower() == b"content-security-policy" and b"frame-ancestors" not in v
            else (n, v)
            for n, v in headers
        ]
    else:
        headers.append((b"content-security-policy", FRAME_ANCESTORS))
    if api:
        headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
        headers.extend(API_RESPONSES)
    return headers
