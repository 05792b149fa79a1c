"""Rendering a transcript (a list of turns) as JSON-ready dicts, text, Markdown, WebVTT or SRT.

Times are seconds since the recording started. WebVTT uses ``HH:MM:SS.mmm`` and escapes
``&``, ``<`` and ``>``; SRT uses ``HH:MM:SS,mmm``. In both, a cue may not contain a blank
line (it would end the cue), so line breaks inside a turn are folded into spaces, and an
instantaneous chat message gets a short duration so players show it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from enum import StrEnum

from delegate.domain.meeting import Turn, TurnSource

MIN_CUE_S = 1.0


class TranscriptFormat(StrEnum):
    JSON = "json"
    TEXT = "text"
    MARKDOWN = "markdown"
    VTT = "vtt"
    SRT = "srt"


CONTENT_TYPES: dict[TranscriptFormat, str] = {
    TranscriptFormat.JSON: "application/json",
    TranscriptFormat.TEXT: "text/plain; charset=utf-8",
    TranscriptFormat.MARKDOWN: "text/markdown; charset=utf-8",
    TranscriptFormat.VTT: "text/vtt; charset=utf-8",
    TranscriptFormat.SRT: "application/x-subrip; charset=utf-8",
}


def turn_to_dict(turn: Turn) -> dict[str, object]:
    """One turn as a camelCase, JSON-ready dict."""
    return {
        "seq": turn.seq,
        "speakerId": turn.speaker_id,
        "speaker": turn.speaker,
        "text": turn.text,
        "source": turn.source.value,
        "startS": round(turn.start_s, 3),
        "endS": round(turn.end_s, 3),
        "toBot": turn.to_bot,
        "byBot": turn.by_bot,
    }


def to_dicts(turns: Sequence[Turn]) -> list[dict[str, object]]:
    return [turn_to_dict(t) for t in turns]


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def timestamp(seconds: float, separator: str = ".") -> str:
    """``HH:MM:SS.mmm`` (``separator=","`` for SRT). Hours grow past two digits if needed."""
    total = _ms(seconds)
    hours, rest = divmod(total, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def clock(seconds: float) -> str:
    """``HH:MM:SS`` for reading, not for players."""
    return timestamp(seconds)[:-4]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _label(turn: Turn) -> str:
    if turn.source is TurnSource.CHAT:
        return f"{turn.speaker} (chat{' to the bot' if turn.to_bot else ''})"
    return turn.speaker


def _cue_times(turn: Turn) -> tuple[float, float]:
    start = max(0.0, turn.start_s)
    return start, max(turn.end_s, start + MIN_CUE_S)


def to_text(turns: Sequence[Turn]) -> str:
    """``[HH:MM:SS] Dana: text`` per turn; chat messages are marked."""
    lines = []
    for turn in turns:
        body = "\n    ".join(line for line in turn.text.splitlines() if line.strip())
        lines.append(f"[{clock(turn.start_s)}] {_label(turn)}: {body}")
    return "\n".join(lines) + ("\n" if lines else "")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _md_escape(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    # A line starting with "-", "+" or "1." would become a list item.
    return re.sub(r"(?m)^(\s*)([-+]|\d+\.)(\s)", r"\1\\\2\3", escaped)


def to_markdown(turns: Sequence[Turn], title: str = "Transcript") -> str:
    parts = [f"# {_md_escape(title)}", ""]
    for turn in turns:
        body = "  \n".join(_md_escape(line) for line in turn.text.splitlines() if line.strip())
        parts.append(f"**{_md_escape(_label(turn))}** ({clock(turn.start_s)}): {body}")
        parts.append("")
    return "\n".join(parts)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(turns: Sequence[Turn]) -> str:
    parts = ["WEBVTT", ""]
    for number, turn in enumerate(turns, start=1):
        start, end = _cue_times(turn)
        # "-->" may not appear in cue text; the escaped ">" already prevents it.
        text = _vtt_escape(_one_line(turn.text))
        voice = _vtt_escape(_one_line(_label(turn)))
        parts += [str(number), f"{timestamp(start)} --> {timestamp(end)}", f"<v {voice}>{text}", ""]
    return "\n".join(parts)


def to_srt(turns: Sequence[Turn]) -> str:
    parts = []
    for number, turn in enumerate(turns, start=1):
        start, end = _cue_times(turn)
        parts += [
            str(number),
            f"{timestamp(start, ',')} --> {timestamp(end, ',')}",
            f"{_one_line(_label(turn))}: {_one_line(turn.text)}",
            "",
        ]
    return "\n".join(parts)


def render(turns: Sequence[Turn], fmt: TranscriptFormat | str) -> str:
    """The transcript in ``fmt``; raises ValueError for an unknown format name."""
    match TranscriptFormat(fmt):
        case TranscriptFormat.JSON:
            return json.dumps(to_dicts(turns), ensure_ascii=False)
        case TranscriptFormat.TEXT:
            return to_text(turns)
        case TranscriptFormat.MARKDOWN:
            return to_markdown(turns)
        case TranscriptFormat.VTT:
            return to_webvtt(turns)
        case TranscriptFormat.SRT:
            return to_srt(turns)
