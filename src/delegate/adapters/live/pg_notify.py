"""The live feed across processes on PostgreSQL: LISTEN/NOTIFY on one channel.

Drains run in worker processes and pages are served by API processes, so each process's hub
also sends what it publishes as a notification and delivers what the others sent. Partial
lines (most of the traffic) are sent only for sessions someone watches: a process with
watchers announces them on the same channel, again every ``ANNOUNCE_EVERY_S``. If the listening
connection drops, local watchers get a reset (they may have missed events) and it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from typing import Any

import orjson
import psycopg

from delegate.adapters.live.hub import LiveHub
from delegate.domain.live import LiveEvent, LiveKind

log = logging.getLogger(__name__)

CHANNEL = "delegate_live"
MAX_PAYLOAD = 7900
"""PostgreSQL refuses notifications of 8000 bytes or more."""
ANNOUNCE_EVERY_S = 20.0
WATCH_TTL_S = 60.0
RECONNECT_S = 1.0
ANNOUNCED_PER_NOTIFICATION = 200
"""Session ids per announcement (27 bytes each on the wire)."""
TEXT_FIELDS = ("text",)


def _encode(origin: str, session_id: str, event: LiveEvent) -> bytes:
    message = {"o": origin, "s": session_id, "k": event.kind.value, "d": event.data}
    payload = orjson.dumps(message)
    if len(payload) <= MAX_PAYLOAD:
        return payload
    # A very long turn: its text is shortened on the wire; a reload shows it whole.
    data = dict(event.data)
    for name in TEXT_FIELDS:
        if isinstance(data.get(name), str):
            data[name] = data[name][: MAX_PAYLOAD // 2] + "…"
    message["d"] = data
    payload = orjson.dumps(message)
    return payload if len(payload) <= MAX_PAYLOAD else orjson.dumps({**message, "k": "reset"})


class PgLiveHub(LiveHub):
    """The ``MeetingEvents`` port when several processes share a PostgreSQL database."""

    def __init__(self, conninfo: str) -> None:
        super().__init__()
        self._conninfo = conninfo
        self._origin = secrets.token_hex(6)
        self._sender: psycopg.AsyncConnection[Any] | None = None
        self._send_lock = asyncio.Lock()
        self._remote_watched: dict[str, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._announcing: set[asyncio.Task[None]] = set()
        self._listening = asyncio.Event()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._listen_forever(), name="live-feed-listen"),
            asyncio.create_task(self._announce_forever(), name="live-feed-announce"),
        ]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), 10)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._sender is not None:
            await self._sender.close()
            self._sender = None

    def watched(self, session_id: str) -> bool:
        if super().watched(session_id):
            return True
        until = self._remote_watched.get(session_id)
        return until is not None and until > time.monotonic()

    async def publish(self, session_id: str, event: LiveEvent) -> None:
        self.deliver(session_id, event)
        if event.kind is LiveKind.PARTIAL and not self.watched(session_id):
            return
        await self._notify(_encode(self._origin, session_id, event))

    def _first_watcher(self, session_id: str) -> None:
        message = orjson.dumps({"o": self._origin, "w": [session_id]})
        task = asyncio.get_running_loop().create_task(self._notify(message))
        self._announcing.add(task)  # kept referenced until done
        task.add_done_callback(self._announcing.discard)

    async def _notify(self, payload: bytes) -> None:
        """Best effort: a watcher that misses an event is reset when the connection fails."""
        try:
            async with self._send_lock:
                if self._sender is None or self._sender.closed:
                    self._sender = await psycopg.AsyncConnection.connect(
                        self._conninfo, autocommit=True
                    )
                await self._sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload.decode()))
        except psycopg.Error as exc:
            log.warning("live feed notification failed: %s", type(exc).__name__)
            self._sender = None

    async def _listen_forever(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    async for note in conn.notifies():
                        self._received(note.payload)
            except psycopg.Error as exc:
                log.warning("live feed connection lost (%s); reconnecting", type(exc).__name__)
            self.reset_watchers()
            await asyncio.sleep(RECONNECT_S)

    def _received(self, payload: str) -> None:
        try:
            message = orjson.loads(payload)
            if message.get("o") == self._origin:
                return
            if "w" in message:
                until = time.monotonic() + WATCH_TTL_S
                for session_id in message["w"]:
                    self._remote_watched[str(session_id)] = until
                return
            self.deliver(str(message["s"]), LiveEvent(LiveKind(message["k"]), message["d"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed live feed notification")

    async def _announce_forever(self) -> None:
        while True:
            await asyncio.sleep(ANNOUNCE_EVERY_S)
            now = time.monotonic()
            self._remote_watched = {s: t for s, t in self._remote_watched.items() if t > now}
            watched = self.watched_here()
            for start in range(0, len(watched), ANNOUNCED_PER_NOTIFICATION):
                chunk = watched[start : start + ANNOUNCED_PER_NOTIFICATION]
                await self._notify(orjson.dumps({"o": self._origin, "w": chunk}))
