"""Grouping final transcript fragments into turns.

A turn is a run of speech by one speaker; a pause of ``pause_s`` or more, a change of speaker
or a chat message ends it. The caller keeps only the last turn, so assembling costs O(1) per
fragment whatever the meeting length. Partial transcripts never come here: they drive live
views only, and would otherwise be counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from delegate.domain.meeting import Turn, TurnSource

DEFAULT_PAUSE_S = 1.5
"""Silence that ends a turn. Recall's own web agent flushes after 1.2 s; a little more
tolerates the jitter between separately delivered fragments."""


@dataclass(frozen=True)
class Fragment:
    """One final transcript fragment (``transcript.data``), already parsed at the edge."""

    speaker_id: int | None
    speaker: str
    text: str
    start_s: float
    end_s: float
    by_bot: bool = False


def _same_speaker(turn: Turn, fragment: Fragment) -> bool:
    if turn.by_bot != fragment.by_bot:
        return False
    if turn.speaker_id is not None and fragment.speaker_id is not None:
        return turn.speaker_id == fragment.speaker_id
    # Without ids (some platforms omit them) the display name is all there is.
    return turn.speaker == fragment.speaker


def _join(left: str, right: str) -> str:
    left, right = left.strip(), right.strip()
    if not left:
        return right
    if not right:
        return left
    return f"{left} {right}"


def continues(last: Turn | None, fragment: Fragment, pause_s: float = DEFAULT_PAUSE_S) -> bool:
    """Whether ``fragment`` extends ``last`` rather than starting a new turn."""
    if last is None or last.source is not TurnSource.SPEECH:
        return False
    if not _same_speaker(last, fragment):
        return False
    # Overlapping or out-of-order fragments (negative gap) still belong to the same run.
    return fragment.start_s - last.end_s < pause_s


def assemble(
    last: Turn | None, fragment: Fragment, next_seq: int, pause_s: float = DEFAULT_PAUSE_S
) -> tuple[Turn, bool]:
    """The turn ``fragment`` belongs to, and whether that turn is new.

    When the fragment continues ``last`` (same speaker, a speech turn, gap below ``pause_s``)
    the answer is ``last`` extended, keeping its ``seq``; otherwise a new speech turn numbered
    ``next_seq``. Never reads anything but its arguments.
    """
    if last is not None and continues(last, fragment, pause_s):
        extended = replace(
            last,
            text=_join(last.text, fragment.text),
            end_s=max(last.end_s, fragment.end_s),
            speaker=last.speaker or fragment.speaker,
        )
        return extended, False
    turn = Turn(
        seq=next_seq,
        speaker_id=fragment.speaker_id,
        speaker=fragment.speaker,
        text=fragment.text.strip(),
        source=TurnSource.SPEECH,
        start_s=fragment.start_s,
        end_s=max(fragment.start_s, fragment.end_s),
        by_bot=fragment.by_bot,
    )
    return turn, True


def chat_turn(
    seq: int,
    speaker_id: int | None,
    speaker: str,
    text: str,
    at_s: float,
    *,
    to_bot: bool = False,
    by_bot: bool = False,
) -> Turn:
    """A chat message is always a turn of its own."""
    return Turn(
        seq=seq,
        speaker_id=speaker_id,
        speaker=speaker,
        text=text.strip(),
        source=TurnSource.CHAT,
        start_s=at_s,
        end_s=at_s,
        to_bot=to_bot,
        by_bot=by_bot,
    )
