"""How long a pause asked for in the meeting lasts, read from the request's words."""

from __future__ import annotations

import pytest

from delegate.domain.pause import (
    MAX_PAUSE_MIN,
    UnrecordedSpan,
    closed,
    opened,
    pause_length,
    pause_minutes,
    paused_message,
    unrecorded_sentence,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("pause the recording for 5 minutes", 5),
        ("go off the record for ten minutes", 10),
        ("pause for half an hour", 30),
        ("pause the recording for an hour", 60),
        ("pause for twenty-five mins", 25),
        ("pause for twenty five minutes", 25),
        ("pause for sixty minutes", 60),
        ("stop the recording for 2 hours", 120),
        ("pause for 3 hours", MAX_PAUSE_MIN),
        ("pause for a minute", 1),
        ("pause for 0 minutes", 1),
        ("pause the recording", None),
        ("off the record please", None),
    ],
)
def test_a_pause_lasts_as_long_as_asked(text: str, minutes: int | None) -> None:
    assert pause_minutes(text) == minutes


def test_a_pause_without_a_duration_gets_the_default_and_zero_means_no_timer() -> None:
    assert pause_length(None, 15) == 15
    assert pause_length(None, 0) is None
    assert pause_length(10, 0) == 10
    assert pause_length(500, 15) == MAX_PAUSE_MIN


def test_the_meeting_is_told_when_the_recording_resumes() -> None:
    at_14_25 = 1_700_000_000_000 - 1_700_000_000_000 % 86_400_000 + (14 * 60 + 25) * 60_000
    message = paused_message(at_14_25, 10)
    assert message.startswith("Recording paused until 14:35 UTC (10 minutes); I'll resume then.")
    assert "owner can resume earlier" in message
    assert "only the owner can resume" in paused_message(at_14_25, None)


def test_spans_open_once_and_close_into_the_notes_sentence() -> None:
    at = 1_700_000_000_000 - 1_700_000_000_000 % 86_400_000 + (14 * 60 + 25) * 60_000
    spans = opened(None, at, "Ada")
    assert opened(spans, at + 1000, "Bo") == spans, "a second pause keeps the open span"
    spans = closed(spans, at + 10 * 60_000)
    assert [UnrecordedSpan.from_payload(s) for s in spans] == [
        UnrecordedSpan(at, at + 10 * 60_000, "Ada")
    ]
    assert unrecorded_sentence([UnrecordedSpan.from_payload(s) for s in spans]) == (
        "The recording was paused from 14:25 UTC to 14:35 UTC at Ada's request; "
        "nothing said then is in these notes."
    )
    assert unrecorded_sentence([]) == ""
