"""An unexpected error still answers ``{message, code}`` 500, on a connection that stays open,
and a wrong method says which ones are allowed. Served by a real uvicorn, because keeping a
connection alive is what the server does, not the app."""

from __future__ import annotations

import asyncio

import orjson

from delegate.api.app import DelegateApp
from delegate.demo.runner import free_port, serving


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on an open connection; ``(0, {}, b"")`` when it was closed."""
    writer.write(request)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 30)
    if not status_line:
        return 0, {}, b""
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode()


async def test_an_unexpected_error_answers_500_and_keeps_the_connection(app: DelegateApp) -> None:
    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken)
    port = free_port()
    async with serving(app, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            failed = await _exchange(reader, writer, _get("/broken"))
            after = await _exchange(reader, writer, _get("/healthz"))
        finally:
            writer.close()

    status, headers, body = failed
    assert status == 500
    assert orjson.loads(body) == {
        "message": "Internal server error",
        "code": "INTERNAL_SERVER_ERROR",
    }
    assert headers.get("connection") != "close"
    assert after[0] == 200, "the server closed the connection after the 500"


async def test_a_wrong_method_answers_405_with_allow(app: DelegateApp) -> None:
    port = free_port()
    async with serving(app, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            fastapi_route = await _exchange(reader, writer, _get("/v1/bot/create"))
            realtime = await _exchange(
                reader, writer, _get("/v1/integration/recall/x/session/y/realtime")
            )
        finally:
            writer.close()

    for status, headers, body in (fastapi_route, realtime):
        assert status == 405
        assert headers["allow"] == "POST"
        assert orjson.loads(body)["code"] == "METHOD_NOT_ALLOWED"
