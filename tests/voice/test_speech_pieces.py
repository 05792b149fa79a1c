"""A long answer is cut so that a participant never waits for the whole text."""

from __future__ import annotations

from delegate.domain.voice import MAX_PIECE_CHARS, speech_pieces


def test_an_answer_is_spoken_sentence_by_sentence() -> None:
    pieces = speech_pieces("Lee books the venue. Kim sends the agenda! Anything else?")

    assert pieces == ["Lee books the venue.", "Kim sends the agenda!", "Anything else?"]


def test_the_first_sentence_is_cut_at_a_natural_pause_so_it_starts_sooner() -> None:
    pieces = speech_pieces("Kim, in the meeting now: Kim Tran (host), Lee Park.")

    assert pieces == ["Kim, in the meeting now:", "Kim Tran (host), Lee Park."]


def test_a_sentence_without_end_is_cut_into_pieces_short_enough_to_start_quickly() -> None:
    text = " ".join(f"item {n}," for n in range(200))

    pieces = speech_pieces(text)

    assert len(pieces) > 5 and all(len(p) <= MAX_PIECE_CHARS for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_short_answers_stay_whole() -> None:
    assert speech_pieces("  Hi   Sam!  ") == ["Hi Sam!"]
