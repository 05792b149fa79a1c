"""Transcript rendering: JSON-ready dicts, text, Markdown, WebVTT, SRT."""

from __future__ import annotations

import json

import pytest

from delegate.domain.meeting import Turn, TurnSource
from delegate.domain.transcript_format import (
    TranscriptFormat,
    render,
    timestamp,
    to_dicts,
    to_markdown,
    to_srt,
    to_text,
    to_webvtt,
)

TURNS = [
    Turn(1, 1, "Dana", "Welcome <everyone> & hi.", TurnSource.SPEECH, 2.0, 5.25),
    Turn(
        2,
        2,
        "Priya",
        "Link: https://x.test/a_b\n\nsecond --> line",
        TurnSource.CHAT,
        61.5,
        61.5,
        to_bot=True,
    ),
    Turn(3, 99, "Ada", "*Noted* [1] # done", TurnSource.CHAT, 3725.0042, 3725.0042, by_bot=True),
]


@pytest.mark.parametrize(
    ("seconds", "vtt", "srt"),
    [
        (0, "00:00:00.000", "00:00:00,000"),
        (2.5, "00:00:02.500", "00:00:02,500"),
        (61.0004, "00:01:01.000", "00:01:01,000"),
        (3725.0046, "01:02:05.005", "01:02:05,005"),
        (360_000, "100:00:00.000", "100:00:00,000"),
        (-3, "00:00:00.000", "00:00:00,000"),
    ],
)
def test_timestamps(seconds: float, vtt: str, srt: str) -> None:
    assert timestamp(seconds) == vtt
    assert timestamp(seconds, ",") == srt


def test_dicts_are_json_ready_and_camel_case() -> None:
    rows = to_dicts(TURNS)
    assert rows[1] == {
        "seq": 2,
        "speakerId": 2,
        "speaker": "Priya",
        "text": TURNS[1].text,
        "source": "chat",
        "startS": 61.5,
        "endS": 61.5,
        "toBot": True,
        "byBot": False,
    }
    assert json.loads(render(TURNS, "json")) == rows


def test_text() -> None:
    assert to_text(TURNS).splitlines() == [
        "[00:00:02] Dana: Welcome <everyone> & hi.",
        "[00:01:01] Priya (chat to the bot): Link: https://x.test/a_b",
        "    second --> line",
        "[01:02:05] Ada (chat): *Noted* [1] # done",
    ]


def test_markdown_escapes() -> None:
    md = to_markdown(TURNS)
    assert md.startswith("# Transcript\n")
    assert "**Dana** (00:00:02): Welcome \\<everyone\\> & hi." in md
    assert "https://x.test/a\\_b" in md
    assert "\\*Noted\\* \\[1\\] \\# done" in md


def test_webvtt() -> None:
    vtt = to_webvtt(TURNS)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:02.000 --> 00:00:05.250\n")
    assert "<v Dana>Welcome &lt;everyone&gt; &amp; hi.\n" in vtt
    cues = vtt.strip().split("\n\n")
    assert len(cues) == 4  # header + three cues: no blank line leaked out of a turn
    assert cues[2].splitlines()[1] == "00:01:01.500 --> 00:01:02.500"  # chat gets a duration
    assert "second --&gt; line" in cues[2]
    assert cues[3].splitlines()[0] == "3"


def test_srt() -> None:
    srt = to_srt(TURNS)
    cues = srt.strip().split("\n\n")
    assert [c.splitlines()[0] for c in cues] == ["1", "2", "3"]
    assert cues[0].splitlines()[1] == "00:00:02,000 --> 00:00:05,250"
    assert cues[1].splitlines()[2] == (
        "Priya (chat to the bot): Link: https://x.test/a_b second --> line"
    )
    assert cues[2].splitlines()[1] == "01:02:05,004 --> 01:02:06,004"


def test_render_dispatch() -> None:
    assert render(TURNS, TranscriptFormat.SRT) == to_srt(TURNS)
    assert render([], "vtt") == "WEBVTT\n"
    with pytest.raises(ValueError, match="pdf"):
        render(TURNS, "pdf")
