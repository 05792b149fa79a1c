"""When a failed delivery is tried again: exponential, jittered, capped; Retry-After wins."""

from __future__ import annotations

import random

from delegate.domain.webhooks import RetryPolicy, parse_retry_after

POLICY = RetryPolicy(max_attempts=12, base_s=2.0, max_wait_s=900.0, disable_after_s=3600.0)


def test_waits_double_with_jitter_and_stop_at_the_cap() -> None:
    rng = random.Random(1)
    waits = [[POLICY.wait_s(n, None, rng) for _ in range(200)] for n in range(1, 13)]

    for n, tried in enumerate(waits, start=1):
        ceiling = min(900.0, 2.0 * 2 ** (n - 1))
        assert ceiling / 2 <= min(tried) and max(tried) <= ceiling
        assert len(set(tried)) > 1, "no jitter"
    assert max(waits[-1]) <= 900.0


def test_retry_after_is_honoured_but_capped() -> None:
    rng = random.Random(1)

    assert POLICY.wait_s(1, 30.0, rng) == 30.0
    assert POLICY.wait_s(1, 86_400.0, rng) == 900.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = 1_445_412_480.0  # Wed, 21 Oct 2015 07:28:00 GMT

    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now) == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
