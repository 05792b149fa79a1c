"""What an agent asks of a transcript: all of it, the turns after one it has seen, or the
turns that mention something. Pure functions over the SDK's transcript items."""

from __future__ import annotations

from collections.abc import Sequence

from delegate_client import TranscriptItem


def select_turns(
    items: Sequence[TranscriptItem], since_turn: int | None, search: str | None
) -> list[TranscriptItem]:
    """The turns after ``since_turn`` (a turn's ``seq``) whose speaker or text contains every
    word of ``search``, case-insensitively. None means no such condition."""
    words = search.lower().split() if search else []
    return [
        item
        for item in items
        if (since_turn is None or item.seq > since_turn) and _mentions(item, words)
    ]


def _mentions(item: TranscriptItem, words: Sequence[str]) -> bool:
    haystack = f"{item.speaker} {item.text}".lower()
    return all(word in haystack for word in words)
