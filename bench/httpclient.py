"""A minimal HTTP/1.1 keep-alive client for the load generator.

Why not httpx2: at thousands of requests per second its per-request overhead would make the
generator (one core) the bottleneck and hide the server's cost. This client writes a request,
reads the status line, the headers and a ``Content-Length`` body, nothing more; loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib


class ConnectionLost(Exception):
    """The server closed the connection or the request timed out (the caller may resend)."""


class HttpConnection:
    """One keep-alive connection; requests on it go one at a time, like a Recall endpoint's."""

    def __init__(self, host: str, port: int, timeout_s: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self.reconnects = 0
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), self.timeout_s
        )

    async def post(self, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        """POST ``body`` to ``target`` (path and query); returns status and response body."""
        head = [f"POST {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        head.append(f"Content-Length: {len(body)}")
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        try:
            if self._writer is None or self._writer.is_closing():
                self.reconnects += 1
                await self.connect()
            assert self._reader is not None and self._writer is not None
            self._writer.write(data)
            await self._writer.drain()
            return await asyncio.wait_for(self._response(self._reader), self.timeout_s)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            raise ConnectionLost(type(exc).__name__) from exc

    @staticmethod
    async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            lowered = name.strip().lower()
            if lowered == b"content-length":
                length = int(value)
            elif lowered == b"transfer-encoding":
                raise ValueError("chunked responses are not supported by the bench client")
        return status, await reader.readexactly(length) if length else b""

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, asyncio.CancelledError):
                await writer.wait_closed()
