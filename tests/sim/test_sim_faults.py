"""Each fault makes the simulator misbehave the way Recall can."""

from __future__ import annotations

import time

import httpx2
import pytest
from simkit import TINY_SCRIPT, MakeSim, Receiver, bot_body, client_for

from delegate.sim import Simulator, parse_script


@pytest.fixture
def tiny(make_sim: MakeSim) -> Simulator:
    return make_sim(default_script=parse_script(TINY_SCRIPT, "tiny"))


async def _play(sim: Simulator, **overrides: object) -> str:
    async with client_for(sim) as api:
        bot = (await api.post("/api/v1/bot/", json=bot_body(**overrides))).json()
    await sim.wait_until_done(bot["id"], timeout=10)
    return str(bot["id"])


async def test_duplicate_deliveries_repeat_id_and_body(tiny: Simulator, receiver: Receiver) -> None:
    tiny.faults.duplicate_deliveries()
    await _play(tiny)
    realtime = receiver.realtime
    assert len(realtime) == 16
    for first, second in zip(realtime[::2], realtime[1::2], strict=True):
        assert first.body == second.body
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert len(receiver.status_hooks) == 2 * 5


async def test_reordered_deliveries_swap_pairs(tiny: Simulator, receiver: Receiver) -> None:
    tiny.faults.reorder_deliveries()
    await _play(tiny)
    events = [r.event for r in receiver.realtime]
    assert events == [
        "participant_events.speech_on",
        "participant_events.join",
        "transcript.data",
        "transcript.partial_data",
        "participant_events.join",
        "participant_events.speech_off",
        "participant_events.leave",
        "participant_events.chat_message",
    ]


async def test_delayed_deliveries_arrive_late_but_all_arrive(
    tiny: Simulator, receiver: Receiver
) -> None:
    tiny.faults.delay_deliveries(0.02)
    started = time.monotonic()
    await _play(tiny)
    assert time.monotonic() - started >= 0.02 * 8
    assert len(receiver.realtime) == 8


async def test_rate_limit_answers_429_with_retry_after(
    api: httpx2.AsyncClient, sim: Simulator
) -> None:
    sim.faults.rate_limit(times=2, retry_after_s=3, on="create")
    assert (await api.get("/api/v1/bot/")).status_code == 200
    for _ in range(2):
        limited = await api.post("/api/v1/bot/", json=bot_body())
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "3"
        assert "throttled" in limited.json()["detail"]
    assert (await api.post("/api/v1/bot/", json=bot_body())).status_code == 201
    assert len(sim.bots) == 1


async def test_server_errors(api: httpx2.AsyncClient, sim: Simulator) -> None:
    sim.faults.server_error(times=1, status=502)
    assert (await api.get("/api/v1/bot/")).status_code == 502
    assert (await api.get("/api/v1/bot/")).status_code == 200
    sim.faults.server_error(times=None, status=503, on="command")
    assert (await api.post("/api/v1/bot/", json=bot_body())).status_code == 201
    bot_id = next(iter(sim.bots))
    assert (await api.post(f"/api/v1/bot/{bot_id}/leave_call/")).status_code == 503
    assert (await api.post(f"/api/v1/bot/{bot_id}/leave_call/")).status_code == 503
    sim.faults.reset()
    assert (await api.post(f"/api/v1/bot/{bot_id}/leave_call/")).status_code == 200


async def test_out_of_bots_507_sticks_to_its_idempotency_key(
    api: httpx2.AsyncClient, sim: Simulator
) -> None:
    sim.faults.out_of_bots(times=1, retry_after_s=30)
    first = await api.post("/api/v1/bot/", json=bot_body(), headers={"idempotency-key": "a"})
    assert first.status_code == 507
    assert first.headers["retry-after"] == "30"
    assert first.json()["code"] == "out_of_adhoc_bots"
    same_key = await api.post("/api/v1/bot/", json=bot_body(), headers={"idempotency-key": "a"})
    assert same_key.status_code == 507
    assert same_key.headers["retry-after"] == "30"
    fresh = await api.post("/api/v1/bot/", json=bot_body(), headers={"idempotency-key": "b"})
    assert fresh.status_code == 201
    assert len(sim.bots) == 1


async def test_slow_responses(api: httpx2.AsyncClient, sim: Simulator) -> None:
    sim.faults.slow_responses(0.1, times=1)
    started = time.monotonic()
    assert (await api.get("/api/v1/bot/")).status_code == 200
    assert time.monotonic() - started >= 0.1
    started = time.monotonic()
    await api.get("/api/v1/bot/")
    assert time.monotonic() - started < 0.1


async def test_fatal_on_join(tiny: Simulator, receiver: Receiver) -> None:
    tiny.faults.fatal_on_join("meeting_password_incorrect", times=1)
    first = tiny.bot(await _play(tiny))
    assert first.statuses == ["joining_call", "fatal"]
    assert first.sub_code == "meeting_password_incorrect"
    assert [h.event for h in receiver.status_hooks] == ["bot.joining_call", "bot.fatal"]
    assert receiver.realtime == []
    second = tiny.bot(await _play(tiny))
    assert second.status == "done"


async def test_waiting_room_denial(tiny: Simulator) -> None:
    tiny.faults.deny_waiting_room()
    bot = tiny.bot(await _play(tiny))
    assert bot.statuses == ["joining_call", "in_waiting_room", "call_ended", "done"]
    assert bot.status_changes[2]["sub_code"] == "bot_kicked_from_waiting_room"


async def test_waiting_room_timeout(tiny: Simulator) -> None:
    tiny.faults.waiting_room_timeout()
    bot = tiny.bot(await _play(tiny, automatic_leave={"waiting_room_timeout": 60}))
    assert bot.statuses == ["joining_call", "in_waiting_room", "call_ended", "done"]
    assert bot.status_changes[2]["sub_code"] == "timeout_exceeded_waiting_room"


async def test_faults_for_one_meeting_only(tiny: Simulator) -> None:
    tiny.faults.fatal_on_join("meeting_not_started", meeting_id="111111111")
    failing = tiny.bot(await _play(tiny, meeting_url="https://zoom.us/j/111111111"))
    fine = tiny.bot(await _play(tiny, meeting_url="https://zoom.us/j/222222222"))
    assert failing.sub_code == "meeting_not_started"
    assert fine.status == "done"


@pytest.mark.parametrize(
    ("url", "statuses", "sub_code"),
    [
        ("https://zoom.us/j/404404404", ["joining_call", "fatal"], "meeting_not_found"),
        ("https://meet.google.com/err-notf-und", ["joining_call", "fatal"], "meeting_not_found"),
        (
            "https://zoom.us/j/403403403",
            ["joining_call", "in_waiting_room", "call_ended"],
            "bot_kicked_from_waiting_room",
        ),
        (
            "https://meet.google.com/err-wait-out",
            ["joining_call", "in_waiting_room", "call_ended"],
            "timeout_exceeded_waiting_room",
        ),
    ],
)
async def test_magic_meeting_ids_fail_without_settings(
    tiny: Simulator, url: str, statuses: list[str], sub_code: str
) -> None:
    bot = tiny.bot(await _play(tiny, meeting_url=url))
    assert bot.statuses[: len(statuses)] == statuses
    assert bot.status_changes[len(statuses) - 1]["sub_code"] == sub_code
