"""The Recall client against a fake Recall: paths, headers, bodies, pagination, chat splitting."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx2
import pytest
from structlog.testing import capture_logs

from delegate.adapters.recall.client import HttpRecallConnector, RecallClient, split_message
from delegate.adapters.recall.inbound import SUBSCRIBED_EVENTS
from delegate.config import RecallSettings
from delegate.services.ports import (
    BotSpec,
    RecallGateway,
    RecallNotFound,
    RecallRejected,
    RecallUnauthorized,
)
from tests.recall.fake_recall import API_KEY, FakeRecall, fixture

SPEC = BotSpec(
    meeting_url="https://meet.google.com/hzj-adhd-inu",
    bot_name="Ada's delegate",
    realtime_url="https://delegate.example/v1/integration/recall/i1/session/s1/realtime?token=t",
    metadata={"integrationId": "i1", "sessionId": "s1"},
)


async def test_create_bot_sends_a_v1_11_request(client: RecallClient, recall: FakeRecall) -> None:
    bot = await client.create_bot(SPEC)

    [seen] = recall.requests
    assert (seen.method, seen.host, seen.path) == ("POST", "us-east-1.recall.ai", "/api/v1/bot/")
    assert seen.headers["authorization"] == f"Token {API_KEY}"
    assert seen.headers["content-type"] == "application/json"
    assert seen.headers["idempotency-key"]
    assert seen.body == {
        "meeting_url": "https://meet.google.com/hzj-adhd-inu",
        "bot_name": "Ada's delegate",
        "recording_config": {
            "transcript": {
                "provider": {
                    "recallai_streaming": {"language_code": "en", "mode": "prioritize_low_latency"}
                }
            },
            "realtime_endpoints": [
                {
                    "type": "webhook",
                    "url": SPEC.realtime_url,
                    "events": list(SUBSCRIBED_EVENTS),
                }
            ],
        },
        "metadata": {"integrationId": "i1", "sessionId": "s1"},
        "automatic_leave": {
            "waiting_room_timeout": 600,
            "noone_joined_timeout": 1200,
            "in_call_recording_timeout": 14400,
        },
    }
    assert bot.id in recall.bots
    assert bot.platform == "google_meet"
    assert bot.status is None
    assert bot.raw == recall.bots[bot.id]


async def test_create_bot_sends_join_at_in_utc(client: RecallClient, recall: FakeRecall) -> None:
    paris = timezone(timedelta(hours=2))
    spec = BotSpec(**{**SPEC.__dict__, "join_at": datetime(2026, 3, 2, 17, 0, tzinfo=paris)})

    await client.create_bot(spec)

    assert recall.requests[0].body["join_at"] == "2026-03-02T15:00:00Z"


async def test_create_bot_uses_the_callers_idempotency_key(
    client: RecallClient, recall: FakeRecall
) -> None:
    await client.create_bot(SPEC, idempotency_key="initiate-42")

    assert recall.requests[0].headers["idempotency-key"] == "initiate-42"


@pytest.mark.parametrize(
    ("provider", "language", "options"),
    [
        ("recallai_streaming", "de", {"language_code": "de"}),
        ("meeting_captions", "en", {}),
        ("deepgram_streaming", "fr", {"language_code": "fr"}),
    ],
)
async def test_create_bot_asks_for_the_configured_transcript(
    client: RecallClient,
    recall: FakeRecall,
    provider: str,
    language: str,
    options: dict[str, Any],
) -> None:
    spec = BotSpec(
        **{**SPEC.__dict__, "transcript_provider": provider, "transcript_language": language}
    )

    await client.create_bot(spec)

    transcript = recall.requests[0].body["recording_config"]["transcript"]
    assert transcript == {"provider": {provider: options}}


async def test_get_bot_reports_the_last_status(client: RecallClient, recall: FakeRecall) -> None:
    raw = fixture("bot.json")
    recall.answer(200, raw)

    bot = await client.get_bot(raw["id"])

    assert recall.calls == [("GET", f"/api/v1/bot/{raw['id']}/")]
    assert recall.requests[0].body is None
    assert bot.id == raw["id"]
    assert bot.platform == "google_meet"
    assert bot.status is not None
    assert (bot.status.code, bot.status.created_at) == ("done", "2025-07-17T00:45:10.000000Z")
    assert [s.code for s in bot.status_changes][3:5] == ["in_call_recording", "call_ended"]
    assert bot.status_changes[4].sub_code == "timeout_exceeded_everyone_left"
    assert bot.raw == raw


async def test_requests_carry_the_configured_timeout(
    client: RecallClient, recall: FakeRecall
) -> None:
    bot = recall.add_bot("https://zoom.us/j/123")

    await client.get_bot(bot["id"])

    assert recall.requests[0].timeout == {"connect": 7.5, "read": 7.5, "write": 7.5, "pool": 7.5}


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("us-east-1", "us-east-1.recall.ai"),
        ("us-west-2", "us-west-2.recall.ai"),
        ("eu-central-1", "eu-central-1.recall.ai"),
        ("ap-northeast-1", "ap-northeast-1.recall.ai"),
    ],
)
async def test_the_region_picks_the_host(
    connector: HttpRecallConnector, recall: FakeRecall, region: str, host: str
) -> None:
    bot = recall.add_bot("https://zoom.us/j/123")

    await connector.gateway(API_KEY, region).get_bot(bot["id"])

    assert recall.requests[0].host == host


async def test_a_configured_base_url_wins_over_the_region(
    recall: FakeRecall, recall_http: httpx2.AsyncClient
) -> None:
    settings = RecallSettings(base_url="http://127.0.0.1:9999/")
    bot = recall.add_bot("https://zoom.us/j/123")

    await (
        HttpRecallConnector(settings, recall_http)
        .gateway(API_KEY, "eu-central-1")
        .get_bot(bot["id"])
    )

    seen = recall.requests[0]
    assert (seen.host, seen.path) == ("127.0.0.1", f"/api/v1/bot/{bot['id']}/")


def test_an_unknown_region_is_refused(connector: HttpRecallConnector) -> None:
    with pytest.raises(ValueError, match="unknown Recall region"):
        connector.gateway(API_KEY, "evil.example/")


async def test_a_wrong_key_is_unauthorized(connector: HttpRecallConnector) -> None:
    with pytest.raises(RecallUnauthorized) as caught:
        await connector.gateway("wrong", "us-east-1").get_bot("b1")

    assert caught.value.detail == "Invalid token."


BOT_ACTIONS = [
    ("leave_call", (), "POST", "leave_call/", None),
    ("start_recording", (), "POST", "start_recording/", None),
    ("stop_recording", (), "POST", "stop_recording/", None),
    ("pause_recording", (), "POST", "pause_recording/", None),
    ("resume_recording", (), "POST", "resume_recording/", None),
    (
        "start_screenshare",
        ("https://delegate.example/share/s1",),
        "POST",
        "output_media/",
        {
            "screenshare": {
                "kind": "webpage",
                "config": {"url": "https://delegate.example/share/s1"},
            }
        },
    ),
    ("stop_screenshare", (), "DELETE", "output_media/", {"screenshare": True}),
    (
        "output_audio",
        (b"ID3\x03mp3-bytes",),
        "POST",
        "output_audio/",
        {"kind": "mp3", "b64_data": base64.b64encode(b"ID3\x03mp3-bytes").decode()},
    ),
    ("delete_bot", (), "DELETE", "", None),
]


@pytest.mark.parametrize(("name", "args", "method", "action", "body"), BOT_ACTIONS)
async def test_bot_actions_reach_recalls_paths(
    client: RecallClient,
    recall: FakeRecall,
    name: str,
    args: tuple[Any, ...],
    method: str,
    action: str,
    body: Any,
) -> None:
    bot = recall.add_bot("https://zoom.us/j/123")

    result = await getattr(client, name)(bot["id"], *args)

    assert result is None
    [seen] = recall.requests
    assert (seen.method, seen.path) == (method, f"/api/v1/bot/{bot['id']}/{action}")
    assert seen.body == body
    assert seen.headers["authorization"] == f"Token {API_KEY}"
    # POSTs are idempotent across retries (see test_recall_retries.py).
    assert ("idempotency-key" in seen.headers) == (method == "POST")


async def test_a_bot_id_cannot_change_the_path(client: RecallClient, recall: FakeRecall) -> None:
    with pytest.raises(RecallNotFound):
        await client.leave_call("../../calendar")

    assert recall.requests[0].path == "/api/v1/bot/..%2F..%2Fcalendar/leave_call/"


async def test_a_short_chat_message_is_sent_once(client: RecallClient, recall: FakeRecall) -> None:
    bot = recall.add_bot("https://zoom.us/j/123")

    await client.send_chat_message(bot["id"], "Noted, I'll send the summary.", to="host")

    [seen] = recall.requests
    assert (seen.method, seen.path) == ("POST", f"/api/v1/bot/{bot['id']}/send_chat_message/")
    assert seen.body == {"to": "host", "message": "Noted, I'll send the summary."}


async def test_a_long_message_is_split_for_google_meet(
    client: RecallClient, recall: FakeRecall
) -> None:
    bot = recall.add_bot("https://meet.google.com/hzj-adhd-inu")
    words = [f"word{i:03d}" for i in range(150)]  # 150 * 8 - 1 = 1199 characters

    await client.send_chat_message(bot["id"], " ".join(words), pin=True, platform="google_meet")

    bodies = [seen.body for seen in recall.requests]
    assert len(bodies) == 3
    assert all(len(body["message"]) <= 500 for body in bodies)
    assert " ".join(body["message"] for body in bodies).split() == words
    assert [body.get("pin") for body in bodies] == [True, None, None]


async def test_other_platforms_allow_4096_characters(
    client: RecallClient, recall: FakeRecall
) -> None:
    bot = recall.add_bot("https://zoom.us/j/123")
    message = ("lorem ipsum " * 400).strip()  # 4799 characters

    await client.send_chat_message(bot["id"], message[:4096], platform="zoom")
    await client.send_chat_message(bot["id"], message, platform="zoom")

    lengths = [len(seen.body["message"]) for seen in recall.requests]
    assert lengths[0] == 4096
    assert len(lengths) == 3
    assert all(length <= 4096 for length in lengths)


def test_split_message_cuts_at_whitespace_and_keeps_line_breaks() -> None:
    assert split_message("one two\nthree four", 9) == ["one two", "three", "four"]
    assert split_message("line one\nline two", 100) == ["line one\nline two"]
    assert split_message("", 500) == [""]


def test_split_message_cuts_a_word_longer_than_the_limit() -> None:
    assert split_message("see https://example.com/very/long/path ok", 12) == [
        "see",
        "https://exam",
        "ple.com/very",
        "/long/path",
        "ok",
    ]


async def test_list_bots_follows_next_with_filters(
    client: RecallClient, recall: FakeRecall
) -> None:
    ids = [recall.add_bot(f"https://zoom.us/j/{n}")["id"] for n in range(5)]

    bots = await client.list_bots(status=["done", "fatal"], metadata={"integrationId": "i1"})

    assert [bot.id for bot in bots] == ids
    assert [seen.path for seen in recall.requests] == ["/api/v1/bot/"] * 3
    # ``next`` named another host; the key stayed with ours.
    assert {seen.host for seen in recall.requests} == {"us-east-1.recall.ai"}
    assert [dict(seen.query).get("page") for seen in recall.requests] == [None, "2", "3"]
    for seen in recall.requests:
        assert [v for k, v in seen.query if k == "status"] == ["done", "fatal"]
        assert ("metadata__integrationId", "i1") in seen.query
        assert seen.body is None


async def test_list_bots_of_an_empty_workspace(client: RecallClient, recall: FakeRecall) -> None:
    assert await client.list_bots() == []
    assert recall.calls == [("GET", "/api/v1/bot/")]


async def test_logs_never_carry_the_key_or_bodies(client: RecallClient, recall: FakeRecall) -> None:
    recall.answer(400, {"meeting_url": ["Enter a valid URL."]})

    with capture_logs() as logs:
        with pytest.raises(RecallRejected):
            await client.create_bot(SPEC)
        await client.create_bot(SPEC)

    text = repr(logs)
    assert logs
    assert API_KEY not in text
    assert SPEC.realtime_url not in text
    assert "Enter a valid URL" not in text


def test_the_client_is_a_gateway(client: RecallClient) -> None:
    gateway: RecallGateway = client
    assert API_KEY not in repr(gateway)
