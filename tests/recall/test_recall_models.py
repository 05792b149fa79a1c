"""Recall's published example payloads parse into our models; odd ones fail clearly."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import orjson
import pytest

from delegate.adapters.recall.models import PayloadError, parse_bot, platform_of, snapshot
from delegate.adapters.recall.realtime import (
    ChatMessageEvent,
    OtherRealtimeEvent,
    ParticipantEvent,
    TranscriptEvent,
    parse_realtime_event,
)
from delegate.adapters.recall.status_webhooks import parse_status_webhook
from tests.recall.fake_recall import FIXTURES, fixture

# --- bot object -------------------------------------------------------------------------------


def test_the_example_bot_parses() -> None:
    bot = parse_bot((FIXTURES / "bot.json").read_bytes())

    assert bot.id == "95db53d7-47f6-4d49-be61-dd4481038958"
    assert bot.platform == "google_meet"
    assert bot.status is not None
    assert bot.status.code == "done"
    assert bot.metadata == {"user_id": "12345"}
    [recording] = bot.recordings
    assert recording.status is not None
    assert recording.status.code == "done"
    shortcuts = recording.media_shortcuts
    assert shortcuts is not None
    assert shortcuts.transcript is not None
    assert shortcuts.transcript.data is not None
    assert shortcuts.transcript.data.download_url is not None
    assert shortcuts.transcript.data.download_url.startswith("https://")
    assert shortcuts.audio_mixed is None
    # Fields we do not model are kept, not dropped.
    assert bot.model_extra is not None
    assert bot.model_extra["automatic_leave"]["waiting_room_timeout"] == 1200


def test_a_snapshot_keeps_the_untouched_bot() -> None:
    raw = fixture("bot.json")
    original = copy.deepcopy(raw)

    bot = snapshot(raw)

    assert bot.raw == original
    assert bot.status is not None
    assert (bot.status.code, bot.status.sub_code) == ("done", None)
    assert bot.status_changes[4].sub_code == "timeout_exceeded_everyone_left"
    assert bot.platform == "google_meet"


def test_a_new_bot_has_no_status() -> None:
    bot = snapshot({"id": "b1", "meeting_url": {"platform": "zoom"}, "status_changes": []})

    assert (bot.status, bot.status_changes, bot.platform) == (None, [], "zoom")


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://meet.google.com/abc-defg-hij", "google_meet"),
        ("https://us02web.zoom.us/j/1234567890?pwd=x", "zoom"),
        (
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0",
            "microsoft_teams",
        ),
        ("https://teams.live.com/meet/123?p=abc", "microsoft_teams_live"),
        ("https://acme.webex.com/meet/ada", "webex"),
        ("https://meet.goto.com/680504437", "goto_meeting"),
        ("https://notzoom.us.example.com/j/1", None),
    ],
)
def test_a_plain_string_meeting_url_still_names_the_platform(
    url: str, platform: str | None
) -> None:
    assert platform_of(url) == platform
    assert parse_bot({"id": "b1", "meeting_url": url}).platform == platform


def test_odd_metadata_values_do_not_fail_the_bot() -> None:
    bot = parse_bot({"id": "b1", "meeting_url": None, "metadata": {"n": 3, "gone": None}})

    assert bot.metadata == {"n": "3"}


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'{"meeting_url": "https://zoom.us/j/1"}'])
def test_a_broken_bot_raises_payload_error(raw: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_bot(raw)


# --- realtime events --------------------------------------------------------------------------


def test_the_example_transcript_parses() -> None:
    event = parse_realtime_event((FIXTURES / "transcript_data.json").read_bytes())

    assert isinstance(event, TranscriptEvent)
    assert event.is_final
    assert event.text == "Hey, my name is John."
    assert (event.start_s, event.end_s) == (12.48, 13.60)
    assert event.words[0].start_timestamp.absolute == datetime(
        2025, 7, 17, 0, 0, 12, 480000, tzinfo=UTC
    )
    assert (event.participant.id, event.participant.name, event.participant.is_host) == (
        100,
        "John Doe",
        True,
    )
    assert event.bot_id == "0b85d2f9-d54a-47f6-b28d-4c63229f4035"
    assert event.data.bot is not None
    assert event.data.bot.metadata == {"user_id": "12345"}


def test_a_partial_transcript_is_not_final() -> None:
    raw = fixture("transcript_data.json")
    raw["event"] = "transcript.partial_data"

    event = parse_realtime_event(orjson.dumps(raw))

    assert isinstance(event, TranscriptEvent)
    assert not event.is_final


def test_the_example_chat_message_parses() -> None:
    event = parse_realtime_event(fixture("participant_chat_message.json"))

    assert isinstance(event, ChatMessageEvent)
    assert (event.text, event.to_bot) == ("!hello", False)
    assert event.participant.name == "Paul"
    assert event.timestamp.relative == 123.45
    assert event.bot_id == "0b85d2f9-d54a-47f6-b28d-4c63229f4035"


def test_a_chat_message_to_the_bot_only() -> None:
    raw = fixture("participant_chat_message.json")
    raw["data"]["data"]["data"]["to"] = "only_bot"

    event = parse_realtime_event(raw)

    assert isinstance(event, ChatMessageEvent)
    assert event.to_bot


@pytest.mark.parametrize(
    "action",
    [
        "join",
        "leave",
        "update",
        "speech_on",
        "speech_off",
        "webcam_on",
        "webcam_off",
        "screenshare_on",
        "screenshare_off",
    ],
)
def test_participant_events_parse(action: str) -> None:
    raw = fixture("participant_chat_message.json")
    raw["event"] = f"participant_events.{action}"
    raw["data"]["data"]["data"] = None
    raw["data"]["data"]["participant"].update(is_host=None, extra_data=None, email="p@x.example")

    event = parse_realtime_event(raw)

    assert isinstance(event, ParticipantEvent)
    assert event.action == action
    assert (event.participant.id, event.participant.is_host) == (200, False)
    assert event.participant.extra_data == {}
    assert event.timestamp.absolute is not None


def test_an_unknown_event_is_kept_rather_than_refused() -> None:
    raw = {
        "event": "audio_mixed_raw.data",
        "data": {"data": {"buffer": "AAAA"}, "bot": {"id": "b1", "metadata": {}}},
    }

    event = parse_realtime_event(raw)

    assert isinstance(event, OtherRealtimeEvent)
    assert (event.event, event.bot_id) == ("audio_mixed_raw.data", "b1")


def test_unknown_fields_are_kept() -> None:
    raw = fixture("transcript_data.json")
    raw["data"]["data"]["language_code"] = "en"

    event = parse_realtime_event(raw)

    assert isinstance(event, TranscriptEvent)
    assert event.data.data.model_extra == {"language_code": "en"}


def test_a_broken_known_event_fails_without_echoing_content() -> None:
    raw = fixture("transcript_data.json")
    raw["data"]["data"] = ["John said something"]

    with pytest.raises(PayloadError) as caught:
        parse_realtime_event(raw)

    assert "transcript.data" in str(caught.value)
    assert "John" not in str(caught.value)


@pytest.mark.parametrize("raw", [b"{", b'"text"', b'{"data": {}}', b'{"event": 3}'])
def test_not_an_event(raw: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_realtime_event(raw)


# --- status webhooks --------------------------------------------------------------------------


def test_the_example_status_webhook_parses() -> None:
    hook = parse_status_webhook((FIXTURES / "status_bot_call_ended.json").read_bytes())

    assert hook.event == "bot.call_ended"
    assert hook.is_bot_status
    assert hook.bot_id == "95db53d7-47f6-4d49-be61-dd4481038958"
    assert (hook.code, hook.sub_code) == ("call_ended", "bot_received_leave_call")
    assert hook.metadata == {"user_id": "12345"}
    assert hook.updated_at == datetime(2025, 7, 17, 0, 45, 2, 118023, tzinfo=UTC)
    assert not hook.legacy


def test_the_legacy_status_change_parses() -> None:
    hook = parse_status_webhook(fixture("status_legacy_status_change.json"))

    assert hook.legacy
    assert hook.is_bot_status
    assert hook.bot_id == "95db53d7-47f6-4d49-be61-dd4481038958"
    assert (hook.code, hook.sub_code) == ("done", None)
    assert hook.metadata == {}
    assert hook.updated_at == datetime(2024, 12, 4, 23, 25, 56, 339940, tzinfo=UTC)


def test_a_recording_webhook_is_not_a_bot_status() -> None:
    hook = parse_status_webhook(fixture("status_recording_done.json"))

    assert not hook.is_bot_status
    assert (hook.event, hook.code, hook.bot_id) == (
        "recording.done",
        "done",
        "95db53d7-47f6-4d49-be61-dd4481038958",
    )


def test_a_status_webhook_without_a_code_takes_it_from_the_event() -> None:
    hook = parse_status_webhook({"event": "bot.joining_call", "data": {"bot": {"id": "b1"}}})

    assert (hook.code, hook.bot_id, hook.metadata) == ("joining_call", "b1", {})


@pytest.mark.parametrize(
    "raw",
    [
        b'{"event": "bot.status_change", "data": {"bot_id": "b1", "status": {}}}',
        b'{"event": "bot.output_log", "data": {"bot_id": "b1", "log": {"message": "x"}}}',
    ],
)
def test_a_legacy_webhook_without_a_status_has_no_code(raw: bytes) -> None:
    hook = parse_status_webhook(raw)

    assert (hook.bot_id, hook.code, hook.legacy) == ("b1", None, True)


@pytest.mark.parametrize(
    "raw",
    [
        b"nope",
        b'{"event": "bot.done", "data": {"data": {"code": "done"}}}',
        b'{"event": "bot.done"}',
    ],
)
def test_a_broken_status_webhook_raises_payload_error(raw: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_status_webhook(raw)
