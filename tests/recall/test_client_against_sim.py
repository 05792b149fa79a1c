"""The Recall client against the Recall simulator, in-process: the same routes, answers and
faults a delegate meets in production, and payloads our models must understand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import orjson
import pytest

from delegate.adapters.recall.client import HttpRecallConnector, RecallClient
from delegate.adapters.recall.models import (
    ChatMessageEvent,
    ParticipantEvent,
    TranscriptEvent,
    parse_realtime_event,
    parse_status_webhook,
)
from delegate.config import RecallSettings
from delegate.services.ports import (
    BotSnapshot,
    BotSpec,
    RecallNotFound,
    RecallRejected,
    RecallUnauthorized,
)
from delegate.sim import ChatSent, OutputMedia, Simulator

REALTIME_URL = "http://delegate.test/v1/integration/recall/i1/session/s1/realtime"
STATUS_URL = "http://delegate.test/v1/integration/recall/i1/webhook"
SPEC = BotSpec(
    meeting_url="https://meet.google.com/abc-defg-hij",
    bot_name="Notes delegate",
    realtime_url=REALTIME_URL,
    metadata={"integrationId": "i1", "sessionId": "s1"},
)


class Receiver:
    """Our side of Recall's deliveries: records realtime events and status webhooks."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.deliveries.append((str(request.url), orjson.loads(request.content)))
        return httpx2.Response(204)

    def to(self, url: str) -> list[Any]:
        return [body for target, body in self.deliveries if target == url]


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
async def sim(receiver: Receiver) -> AsyncIterator[Simulator]:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(receiver)) as outbound:
        simulator = Simulator(webhook_url=STATUS_URL, outbound=outbound, speed=400)
        yield simulator
        await simulator.aclose()


@pytest.fixture
async def sim_connector(sim: Simulator, waits: list[float]) -> AsyncIterator[HttpRecallConnector]:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    settings = RecallSettings(base_url="http://recall-sim.test", request_budget_s=600.0)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=sim.app)) as http:
        yield HttpRecallConnector(settings, http, sleep=sleep)


@pytest.fixture
def sim_client(sim_connector: HttpRecallConnector) -> RecallClient:
    return sim_connector.gateway("sim-key", "us-east-1")


async def until_status(client: RecallClient, bot_id: str, code: str) -> BotSnapshot:
    for _ in range(500):
        bot = await client.get_bot(bot_id)
        if bot.status is not None and bot.status.code == code:
            return bot
        await asyncio.sleep(0.01)
    raise AssertionError(f"bot never reached {code}")


async def test_a_delegate_joins_acts_and_leaves(sim: Simulator, sim_client: RecallClient) -> None:
    created = await sim_client.create_bot(SPEC)
    assert (created.platform, created.status) == ("google_meet", None)
    await until_status(sim_client, created.id, "in_call_recording")

    words = [f"point{i:03d}" for i in range(120)]  # 1079 characters
    await sim_client.send_chat_message(created.id, " ".join(words), platform="google_meet")
    await sim_client.pause_recording(created.id)
    await sim_client.resume_recording(created.id)
    await sim_client.start_screenshare(created.id, "https://delegate.example/share/s1")
    await sim_client.stop_screenshare(created.id)
    await sim_client.leave_call(created.id)
    state = await sim.wait_until_done(created.id, timeout=20)

    chats = state.entries_of(ChatSent)
    assert len(chats) == 3
    assert all(len(chat.text) <= 500 for chat in chats)
    assert " ".join(chat.text for chat in chats).split() == words
    assert [(m.kind, m.action) for m in state.entries_of(OutputMedia)] == [
        ("screenshare", "start"),
        ("screenshare", "stop"),
    ]
    final = await sim_client.get_bot(created.id)
    codes = [change.code for change in final.status_changes]
    assert codes[-2:] == ["call_ended", "done"]
    assert final.status_changes[-2].sub_code == "bot_received_leave_call"
    assert "in_call_not_recording" in codes[codes.index("in_call_recording") :]


async def test_what_the_simulator_delivers_parses(
    sim: Simulator, sim_client: RecallClient, receiver: Receiver
) -> None:
    bot = await sim_client.create_bot(SPEC)
    await sim.wait_until_done(bot.id, timeout=30)

    events = [parse_realtime_event(body) for body in receiver.to(REALTIME_URL)]
    transcripts = [e for e in events if isinstance(e, TranscriptEvent)]
    assert transcripts
    assert {e.participant.name for e in transcripts if e.is_final} >= {"Priya Shah", "Marco Rossi"}
    assert all(e.text for e in transcripts)
    assert any(isinstance(e, ParticipantEvent) and e.action == "join" for e in events)
    assert all(e.bot_id == bot.id for e in events)
    assert all(isinstance(e, TranscriptEvent | ParticipantEvent | ChatMessageEvent) for e in events)

    hooks = [parse_status_webhook(body) for body in receiver.to(STATUS_URL)]
    bot_hooks = [hook for hook in hooks if hook.is_bot_status]
    assert [hook.code for hook in bot_hooks][-1] == "done"
    assert all(hook.bot_id == bot.id for hook in bot_hooks)
    assert all(hook.metadata == SPEC.metadata for hook in bot_hooks)


async def test_rate_limits_are_waited_out(
    sim: Simulator, sim_client: RecallClient, waits: list[float]
) -> None:
    sim.faults.rate_limit(times=2, retry_after_s=3)

    bot = await sim_client.create_bot(SPEC)

    assert bot.id in sim.bots
    assert len(waits) == 2
    assert all(3.0 <= wait <= 3.3 for wait in waits)


async def test_an_empty_bot_pool_is_retried_with_fresh_keys(
    sim: Simulator, sim_client: RecallClient, waits: list[float]
) -> None:
    # The simulator, like Recall, replays the 507 to a key that got one: only a fresh key
    # can get a bot.
    sim.faults.out_of_bots(times=2, retry_after_s=30)

    bot = await sim_client.create_bot(SPEC, idempotency_key="initiate-1")

    assert list(sim.bots) == [bot.id]
    assert waits == [30.0, 30.0]


async def test_a_retried_create_makes_one_bot(
    sim: Simulator, sim_client: RecallClient, waits: list[float]
) -> None:
    sim.faults.server_error(times=1, status=502)

    first = await sim_client.create_bot(SPEC, idempotency_key="initiate-2")
    again = await sim_client.create_bot(SPEC, idempotency_key="initiate-2")

    assert first.id == again.id
    assert list(sim.bots) == [first.id]
    assert len(waits) == 1


async def test_an_invalid_meeting_url_is_rejected_in_recalls_words(
    sim: Simulator, sim_client: RecallClient, waits: list[float]
) -> None:
    spec = BotSpec(**{**SPEC.__dict__, "meeting_url": "https://example.com/not-a-meeting"})

    with pytest.raises(RecallRejected) as caught:
        await sim_client.create_bot(spec)

    assert caught.value.status == 400
    assert caught.value.detail.startswith("meeting_url: ")
    assert (sim.bots, waits) == ({}, [])


async def test_a_wrong_key_is_unauthorized(sim_connector: HttpRecallConnector) -> None:
    with pytest.raises(RecallUnauthorized, match=r"^Invalid token\.$"):
        await sim_connector.gateway("not-the-key", "us-east-1").list_bots()


async def test_commands_to_a_finished_bot_are_rejected(
    sim: Simulator, sim_client: RecallClient
) -> None:
    bot = await sim_client.create_bot(SPEC)
    await until_status(sim_client, bot.id, "in_call_recording")
    await sim_client.leave_call(bot.id)
    await sim.wait_until_done(bot.id, timeout=20)

    with pytest.raises(RecallRejected) as caught:
        await sim_client.send_chat_message(bot.id, "still there?")

    assert caught.value.code == "cannot_command_completed_bot"
    assert caught.value.detail


async def test_output_audio_needs_audio_output_configured(
    sim: Simulator, sim_client: RecallClient
) -> None:
    bot = await sim_client.create_bot(SPEC)
    await until_status(sim_client, bot.id, "in_call_recording")

    with pytest.raises(RecallRejected, match="automatic_audio_output"):
        await sim_client.output_audio(bot.id, b"ID3 not really an mp3")


async def test_a_scheduled_bot_can_be_deleted_a_dispatched_one_cannot(
    sim: Simulator, sim_client: RecallClient
) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    scheduled = await sim_client.create_bot(BotSpec(**{**SPEC.__dict__, "join_at": later}))
    adhoc = await sim_client.create_bot(SPEC)

    await sim_client.delete_bot(scheduled.id)
    with pytest.raises(RecallRejected) as caught:
        await sim_client.delete_bot(adhoc.id)

    assert caught.value.status == 405
    with pytest.raises(RecallNotFound):
        await sim_client.get_bot(scheduled.id)


async def test_list_bots_filters_on_metadata(sim: Simulator, sim_client: RecallClient) -> None:
    ours = await sim_client.create_bot(SPEC)
    await sim_client.create_bot(BotSpec(**{**SPEC.__dict__, "metadata": {"sessionId": "s2"}}))

    found = await sim_client.list_bots(metadata={"sessionId": "s1"})

    assert [bot.id for bot in found] == [ours.id]
    assert len(await sim_client.list_bots()) == 2
