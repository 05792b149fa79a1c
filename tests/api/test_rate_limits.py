"""Rate limits: a client presenting bad tokens is refused 429 for a while (before any
lookup), an account initiating too often is refused 429 with nothing stored and no bot sent,
other accounts and clients are unaffected, and Recall's receivers are never refused."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from delegate.config import LimitSettings, Settings
from delegate.domain.limits import RateLimit
from delegate.services.accounts import create_token
from delegate_client import AsyncDelegate, RateLimited
from tests.meetings.world import PUBLIC, World, make_world
from tests.support import Api


class ManualClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.ms = 1_000_000

    def now_ms(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


async def _world(tmp_path: Path, **limits: int) -> tuple[World, ManualClock]:
    world = await make_world(tmp_path, limits=LimitSettings(**limits))
    clock = ManualClock()
    world.container.limits.clock = clock
    return world, clock


@pytest.fixture
async def limited(tmp_path: Path) -> tuple[World, ManualClock]:
    world, clock = await _world(
        tmp_path,
        auth_failures_per_minute=6,
        auth_failures_burst=3,
        initiates_per_minute=2,
        initiates_burst=2,
    )
    yield world, clock  # type: ignore[misc]
    await world.aclose()


def _client(world: World, address: str) -> httpx2.AsyncClient:
    transport = httpx2.ASGITransport(app=world.app, client=(address, 4242))
    client = httpx2.AsyncClient(transport=transport, base_url=PUBLIC)
    world.clients.append(client)
    return client


async def test_a_burst_of_bad_tokens_is_refused_429_with_retry_after_until_the_window_passes(
    limited: tuple[World, ManualClock],
) -> None:
    world, clock = limited
    attacker = Api(_client(world, "10.0.0.9"), "sk-guessed")
    good_from_attacker = Api(attacker.http, world.api.token)

    failures = [(await attacker.get("bot/list")).status_code for _ in range(3)]
    refused = await attacker.get("bot/list")
    blocked_good = await good_from_attacker.get("bot/list")

    assert failures == [401, 401, 401]
    assert refused.status_code == 429
    assert refused.json() == {
        "message": "Too many failed authentications from this client; retry later",
        "code": "RATE_LIMITED",
    }
    assert 1 <= int(refused.headers["retry-after"]) <= 10
    # The address is refused before any token is looked up, a good one too.
    assert blocked_good.status_code == 429
    # Another client address is not affected.
    assert (await world.api.get("bot/list")).status_code == 200

    clock.advance(int(refused.headers["retry-after"]))
    assert (await good_from_attacker.get("bot/list")).status_code == 200
    assert (await attacker.get("bot/list")).status_code == 401


async def test_a_missing_header_is_not_counted_as_a_failure(
    limited: tuple[World, ManualClock],
) -> None:
    world, _ = limited
    client = _client(world, "10.0.0.8")

    answers = {(await client.get("/v1/bot/list")).status_code for _ in range(10)}

    assert answers == {401}


async def test_initiate_over_the_limit_is_429_stores_nothing_and_sends_no_bot(
    limited: tuple[World, ManualClock],
) -> None:
    world, clock = limited
    first = await world.initiate()
    second = await world.initiate()

    refused = await world.initiate_raw()

    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "RATE_LIMITED"
    assert refused.json()["message"] == "Too many initiates for this account; retry later"
    assert int(refused.headers["retry-after"]) == 30
    assert set(world.sim.bots) == {first["bot"]["id"], second["bot"]["id"]}
    listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")
    assert {s["id"] for s in listed.json()["items"]} == {first["sessionId"], second["sessionId"]}

    clock.advance(30)
    assert (await world.initiate_raw()).status_code == 200
    assert len(world.sim.bots) == 3


async def test_another_account_keeps_its_own_initiate_budget(
    limited: tuple[World, ManualClock],
) -> None:
    world, _ = limited
    await world.initiate()
    await world.initiate()
    assert (await world.initiate_raw()).status_code == 429
    bob = Api(world.api.http, await create_token(world.container.uow, world.container.clock, "bob"))
    bot_id = (await bob.post("bot/create", {"name": "Bo", "backstory": "Notes."})).json()["id"]
    integration = {"name": "sim", "botId": bot_id, "apiKey": "sim-key"}
    bob_integration = (await bob.post("integration/recall/create", integration)).json()["id"]

    started = await bob.post(
        f"integration/recall/{bob_integration}/initiate",
        {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes."},
    )

    assert started.status_code == 200, started.text


async def test_recall_receivers_are_never_refused_even_from_a_blocked_address(
    limited: tuple[World, ManualClock],
) -> None:
    world, clock = limited
    started = await world.initiate()
    # The simulator posts from the same address as the API client; block that address.
    liar = Api(world.api.http, "sk-wrong")
    for _ in range(3):
        await liar.get("bot/list")
    assert (await world.api.get("bot/list")).status_code == 429

    await world.finish(started["bot"]["id"])
    bad_webhook = await world.api.http.post(
        f"/v1/integration/recall/{world.integration_id}/webhook", json={"event": "bot.done"}
    )
    bad_realtime = await world.api.http.post(
        f"/v1/integration/recall/{world.integration_id}/session/{started['sessionId']}"
        "/realtime?token=wrong",
        json={"event": "transcript.data"},
    )

    posts = [e for e in world.sim.log(started["bot"]["id"]) if getattr(e, "url", None)]
    assert posts and all(e.ok for e in posts)
    assert bad_webhook.status_code != 429
    assert bad_realtime.status_code != 429
    clock.advance(60)
    transcript = await world.api.get(
        f"integration/recall/{world.integration_id}/session/{started['sessionId']}/transcript"
    )
    assert transcript.status_code == 200, transcript.text
    assert transcript.json()["items"]


async def test_the_sdk_raises_rate_limited_with_retry_after(
    limited: tuple[World, ManualClock],
) -> None:
    world, _ = limited
    await world.initiate()
    await world.initiate()
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=world.app), base_url=f"{PUBLIC}/v1"
    )

    async with http, AsyncDelegate(api_key=world.api.token, http_client=http) as client:
        with pytest.raises(RateLimited) as caught:
            await client.integration.recall.initiate(
                world.integration_id, meeting_url="https://zoom.us/j/1234567890", text="Hi."
            )

    assert caught.value.status == 429
    assert caught.value.code == "RATE_LIMITED"
    assert caught.value.retry_after == 30


def test_a_limit_of_zero_is_off() -> None:
    off = RateLimit(0)

    assert all(off.take("k", 0) is None for _ in range(1000))


def test_a_bucket_refills_at_its_rate_up_to_its_burst_and_says_how_long_to_wait() -> None:
    limit = RateLimit(per_minute=6, burst=2)

    assert [limit.take("a", 0) for _ in range(3)] == [None, None, 10]
    assert limit.retry_after("a", 5_000) == 5
    assert limit.take("a", 10_000) is None
    assert limit.retry_after("never-counted", 0) is None
    assert limit.take("a", 10_000_000) is None and limit.take("a", 10_000_000) is None
    assert limit.take("a", 10_000_000) == 10


def test_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DELEGATE_LIMITS__INITIATES_PER_MINUTE", "0")
    monkeypatch.setenv("DELEGATE_LIMITS__AUTH_FAILURES_BURST", "5")

    limits = Settings().limits

    assert (limits.initiates_per_minute, limits.auth_failures_burst) == (0, 5)
    assert limits.auth_failures_per_minute == 10
