"""Idempotency-Key replay for create requests (recall-api.md §7.4).

Scoped to (API key, path, key). A finished request is replayed for an hour, whatever the new
body says; a request still being handled answers 409.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

REPLAY_WINDOW_S = 3600.0


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: bytes
    headers: dict[str, str]
    stored_at: float


class IdempotencyStore:
    def __init__(self) -> None:
        self._done: dict[tuple[str, str, str], StoredResponse] = {}
        self._pending: set[tuple[str, str, str]] = set()

    def lookup(self, scope: tuple[str, str, str]) -> StoredResponse | None:
        stored = self._done.get(scope)
        if stored is not None and time.monotonic() - stored.stored_at > REPLAY_WINDOW_S:
            del self._done[scope]
            return None
        return stored

    @property
    def pending(self) -> int:
        """How many keyed requests are being worked on now."""
        return len(self._pending)

    def in_flight(self, scope: tuple[str, str, str]) -> bool:
        return scope in self._pending

    def begin(self, scope: tuple[str, str, str]) -> None:
        self._pending.add(scope)

    def finish(
        self, scope: tuple[str, str, str], status: int, body: bytes, headers: dict[str, str]
    ) -> None:
        self._pending.discard(scope)
        self._done[scope] = StoredResponse(status, body, headers, time.monotonic())

    def abandon(self, scope: tuple[str, str, str]) -> None:
        self._pending.discard(scope)
