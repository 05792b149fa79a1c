"""Token buckets, one per key (a client address, an account): pure, time passed in.

A bucket holds up to ``burst`` tokens and gains ``per_minute`` tokens a minute; each counted
request takes one. An empty bucket refuses, saying how long until a token is back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MINUTE_MS = 60_000


@dataclass
class _Bucket:
    tokens: float
    at_ms: int


class RateLimit:
    """Keyed token buckets. ``per_minute == 0`` turns the limit off (nothing is refused).

    At most ``max_keys`` buckets are kept: full ones are forgotten first (a full bucket is
    the same as none), so memory stays bounded whatever the number of keys."""

    def __init__(self, per_minute: int, burst: int | None = None, max_keys: int = 10_000) -> None:
        self.per_minute = max(0, per_minute)
        self.burst = max(1, burst if burst is not None else per_minute)
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def _bucket(self, key: str, now_ms: int) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._forget_full(now_ms)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now_ms)
            return bucket
        elapsed = max(0, now_ms - bucket.at_ms)
        bucket.tokens = min(
            float(self.burst), bucket.tokens + elapsed * self.per_minute / MINUTE_MS
        )
        bucket.at_ms = max(bucket.at_ms, now_ms)
        return bucket

    def _forget_full(self, now_ms: int) -> None:
        for key in list(self._buckets):
            if self._bucket(key, now_ms).tokens >= self.burst:
                del self._buckets[key]
        while len(self._buckets) >= self.max_keys:  # all busy: drop the oldest
            del self._buckets[next(iter(self._buckets))]

    def _wait_s(self, bucket: _Bucket) -> int:
        missing = 1.0 - bucket.tokens
        return max(1, math.ceil(missing * MINUTE_MS / self.per_minute / 1000))

    def retry_after(self, key: str, now_ms: int) -> int | None:
        """Seconds to wait when ``key``'s bucket is empty, else ``None``; takes nothing."""
        if not self.enabled or key not in self._buckets:
            return None  # a key never counted keeps no bucket
        bucket = self._bucket(key, now_ms)
        return None if bucket.tokens >= 1.0 else self._wait_s(bucket)

    def take(self, key: str, now_ms: int) -> int | None:
        """Take a token: ``None`` when one was there, else the seconds to wait (nothing taken)."""
        if not self.enabled:
            return None
        bucket = self._bucket(key, now_ms)
        if bucket.tokens < 1.0:
            return self._wait_s(bucket)
        bucket.tokens -= 1.0
        return None
