"""Receiver credential invalidations across processes on PostgreSQL: LISTEN/NOTIFY on one
channel, in the live feed's pattern (``pg_notify.py``).

Every process's receiver caches token digests and webhook secrets for a few seconds. A delete
or a changed ``webhookSecret`` is applied to this process's cache at once and sent to the
others, which apply it as soon as it arrives. A process whose listening connection drops may
have missed some: it clears its whole cache, and again once it listens anew.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import Any

import orjson
import psycopg

from delegate.services.ingest import SessionAuthCache

log = logging.getLogger(__name__)

CHANNEL = "delegate_auth"
RECONNECT_S = 1.0


class PgAuthInvalidations:
    """The ``AuthInvalidations`` port when several processes share a PostgreSQL database."""

    def __init__(self, cache: SessionAuthCache, conninfo: str) -> None:
        self.cache = cache
        self._conninfo = conninfo
        self._origin = secrets.token_hex(6)
        self._sender: psycopg.AsyncConnection[Any] | None = None
        self._send_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="auth-invalidations")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), 10)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._sender is not None:
            await self._sender.close()
            self._sender = None

    async def forget_session(self, integration_id: str, session_id: str) -> None:
        self.cache.forget_session(integration_id, session_id)
        await self._notify({"o": self._origin, "i": integration_id, "s": session_id})

    async def forget_integration(self, integration_id: str) -> None:
        self.cache.forget_integration(integration_id)
        await self._notify({"o": self._origin, "i": integration_id})

    async def _notify(self, message: dict[str, str]) -> None:
        """Sent after the change is committed. If it cannot be sent, the other processes
        stop trusting the old entry within ``AUTH_TTL_S`` all the same."""
        try:
            async with self._send_lock:
                if self._sender is None or self._sender.closed:
                    self._sender = await psycopg.AsyncConnection.connect(
                        self._conninfo, autocommit=True
                    )
                payload = orjson.dumps(message).decode()
                await self._sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
        except psycopg.Error as exc:
            log.warning("auth invalidation notification failed: %s", type(exc).__name__)
            self._sender = None

    async def _listen_forever(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    # Whatever was sent while not listening is lost: trust nothing cached.
                    self.cache.clear()
                    self._listening.set()
                    async for note in conn.notifies():
                        self._received(note.payload)
            except psycopg.Error as exc:
                log.warning(
                    "auth invalidations connection lost (%s); reconnecting", type(exc).__name__
                )
            self.cache.clear()
            await asyncio.sleep(RECONNECT_S)

    def _received(self, payload: str) -> None:
        try:
            message = orjson.loads(payload)
            if message.get("o") == self._origin:
                return
            integration_id = str(message["i"])
            if "s" in message:
                self.cache.forget_session(integration_id, str(message["s"]))
            else:
                self.cache.forget_integration(integration_id)
        except (ValueError, KeyError, TypeError):
            log.warning("malformed auth invalidation; forgetting every cached credential")
            self.cache.clear()
