"""The in-process fan-out of live meeting events to the pages watching them.

Every event gets a position ``<epoch>-<n>`` (``n`` counts up in this process; the epoch changes
with each start). A page notes the hub's position before it reads the stored state, then
subscribes from there, so nothing that happens in between is missed; a reconnecting tab sends
the last position it saw (``Last-Event-ID``). The last events of each session are kept in
memory to replay; a position older than that (or from another process or start) gets a reset,
and the page reloads from the database. Nothing is polled per tab.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from delegate.domain.live import LiveEvent, LiveKind

KEPT_PER_SESSION = 500
"""Events replayable per session: a few minutes of a busy meeting."""
UNWATCHED_KEPT_S = 60.0
"""Without watchers a session's events are kept only this long: enough for a page that has
just read the stored state to subscribe, and memory stays small with many meetings."""
SESSIONS_KEPT = 2000
QUEUE_LIMIT = 2000
"""A watcher this far behind (a stalled tab) is reset rather than buffered without bound."""

IDLE_S = 15.0
"""Longest silence on a watcher's stream: proxies and browsers drop idle connections."""

RESET = LiveEvent(LiveKind.RESET, {})


@dataclass(frozen=True)
class Positioned:
    position: str
    event: LiveEvent


class _Watcher:
    """One watching stream: a bounded buffer and a wake-up for its reader. At real-time pace
    every event finds the reader waiting, so waiting must be cheap: a bare future per event,
    and one timer per idle period for the keep-alive (``asyncio.wait_for`` made a task and a
    timer for every event, a third of what a watched event cost)."""

    def __init__(self, idle_s: float) -> None:
        self.items: deque[Positioned] = deque()
        self.overflowed = False
        self.idle = False
        """Nothing came for ``idle_s``: the reader sends a keep-alive."""
        self._idle_s = idle_s
        self._loop = asyncio.get_running_loop()
        self._last_taken = self._loop.time()
        self._waiting: asyncio.Future[None] | None = None
        self._timer = self._loop.call_later(idle_s, self._tick)

    def offer(self, item: Positioned) -> None:
        if self.overflowed:
            return
        if len(self.items) >= QUEUE_LIMIT:
            self.overflowed = True
        else:
            self.items.append(item)
        self._wake()

    def take(self) -> Positioned:
        self._last_taken = self._loop.time()
        return self.items.popleft()

    async def wait(self) -> None:
        """Until something is offered, or the stream has been quiet for ``idle_s``."""
        self._waiting = self._loop.create_future()
        try:
            await self._waiting
        finally:
            self._waiting = None

    def close(self) -> None:
        self._timer.cancel()

    def _wake(self) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(None)

    def _tick(self) -> None:
        quiet = self._loop.time() - self._last_taken
        if quiet >= self._idle_s:
            self.idle = True
            self._last_taken += quiet
            self._wake()
            quiet = 0.0
        self._timer = self._loop.call_later(self._idle_s - quiet, self._tick)


class LiveHub:
    """Fan-out within this process (the ``MeetingEvents`` port when one process serves)."""

    def __init__(self, kept_per_session: int = KEPT_PER_SESSION) -> None:
        self.epoch = secrets.token_hex(4)
        self._count = 0
        self._kept = kept_per_session
        self._recent: OrderedDict[str, deque[tuple[int, float, LiveEvent]]] = OrderedDict()
        self._forgotten: dict[str, int] = {}
        """Per session, the last count no longer replayable (evicted from its buffer)."""
        self._forgotten_sessions = 0
        """The last count of any session whose whole buffer was evicted."""
        self._watchers: dict[str, set[_Watcher]] = {}

    async def start(self) -> None:
        """Nothing to connect within one process."""

    async def stop(self) -> None:
        """Nothing to close within one process."""

    async def publish(self, session_id: str, event: LiveEvent) -> None:
        self.deliver(session_id, event)

    def watched(self, session_id: str) -> bool:
        return bool(self._watchers.get(session_id))

    def position(self) -> str:
        """Where the feed is now: a page subscribes from here after reading stored state."""
        return f"{self.epoch}-{self._count}"

    def deliver(self, session_id: str, event: LiveEvent) -> None:
        """Keep the event for replay and hand it to this process's watchers."""
        self._count += 1
        recent = self._recent.get(session_id)
        if recent is None:
            recent = self._recent[session_id] = deque()
            if len(self._recent) > SESSIONS_KEPT:
                self._evict_oldest_session()
        else:
            self._recent.move_to_end(session_id)
        now = time.monotonic()
        if len(recent) >= self._kept:
            self._forgotten[session_id] = recent.popleft()[0]
        if session_id not in self._watchers:
            while recent and recent[0][1] < now - UNWATCHED_KEPT_S:
                self._forgotten[session_id] = recent.popleft()[0]
        recent.append((self._count, now, event))
        item = Positioned(f"{self.epoch}-{self._count}", event)
        for watcher in self._watchers.get(session_id, ()):
            watcher.offer(item)

    def _first_watcher(self, session_id: str) -> None:
        """A session gained its first watcher in this process (the PostgreSQL feed tells the
        other processes, so that they send its partial lines)."""

    def watched_here(self) -> list[str]:
        return list(self._watchers)

    def reset_watchers(self) -> None:
        """Tell every watcher to reload (this process may have missed events)."""
        for session_id in list(self._watchers):
            self.deliver(session_id, RESET)

    def _evict_oldest_session(self) -> None:
        old_id, old = self._recent.popitem(last=False)
        if old:
            self._forgotten_sessions = max(self._forgotten_sessions, old[-1][0])
        self._forgotten.pop(old_id, None)

    def _replay(self, session_id: str, after: str | None) -> list[Positioned] | None:
        """Events after ``after``; None when some of them can no longer be given."""
        if after is None:
            return []
        epoch, _, count_text = after.partition("-")
        if epoch != self.epoch or not count_text.isdigit():
            return None
        count = int(count_text)
        recent = self._recent.get(session_id)
        forgotten = self._forgotten.get(session_id, 0 if recent else self._forgotten_sessions)
        if count < forgotten:
            return None
        return [Positioned(f"{self.epoch}-{n}", ev) for n, _, ev in recent or () if n > count]

    async def watch(
        self, session_id: str, after: str | None, idle_s: float = IDLE_S
    ) -> AsyncIterator[Positioned | None]:
        """The session's events after position ``after`` (None: from now), then as they come;
        None after ``idle_s`` without one (for a keep-alive). A reset event ends the stream:
        the watcher must reload what is stored."""
        watcher = _Watcher(idle_s)
        # Registered and replayed in one step of the loop: nothing falls between the two.
        if session_id not in self._watchers:
            self._first_watcher(session_id)
        self._watchers.setdefault(session_id, set()).add(watcher)
        try:
            replay = self._replay(session_id, after)
            if replay is None:
                yield Positioned(self.position(), RESET)
                return
            for item in replay:
                yield item
            while True:
                if watcher.overflowed:
                    yield Positioned(self.position(), RESET)
                    return
                if watcher.items:
                    yield watcher.take()
                elif watcher.idle:
                    watcher.idle = False
                    yield None
                else:
                    await watcher.wait()
        finally:
            watcher.close()
            watchers = self._watchers.get(session_id)
            if watchers is not None:
                watchers.discard(watcher)
                if not watchers:
                    del self._watchers[session_id]
