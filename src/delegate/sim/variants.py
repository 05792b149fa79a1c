"""Payload variants: the loose shapes real Recall deliveries take, applied to what the
simulator sends when a test or a user asks for them (``sim.faults.vary_payloads(...)``).

Each variant changes one thing in a body about to be sent, the way it has been seen from
Recall. A variant that does not apply to an event (``chat_to_null`` on a transcript) leaves it
alone.

Realtime (``data.data`` of the event):

- ``word_absolute_empty``   every word's ``absolute`` timestamp is ``""``
- ``word_text_null``        a last word with ``text: null`` is added to every fragment
- ``relative_null``         every word's ``relative`` timestamp is ``null``
- ``chat_to_null``          a chat message's ``to`` is ``null``
- ``participant_id_null``   the participant's ``id`` is ``null``
- ``no_event``              the body has no ``event`` at all

Status webhooks (``data.data`` of ``bot.*``):

- ``status_updated_at_empty``  ``updated_at`` is ``""``
- ``status_sub_code_number``   ``sub_code`` is a number
- ``status_data_null``         ``data.data`` is ``null``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args

PayloadVariant = Literal[
    "word_absolute_empty",
    "word_text_null",
    "relative_null",
    "chat_to_null",
    "participant_id_null",
    "no_event",
    "status_updated_at_empty",
    "status_sub_code_number",
    "status_data_null",
]
PAYLOAD_VARIANTS: tuple[str, ...] = get_args(PayloadVariant)

Body = dict[str, Any]


def _inner(body: Body) -> dict[str, Any] | None:
    data = body.get("data")
    inner = data.get("data") if isinstance(data, dict) else None
    return inner if isinstance(inner, dict) else None


def _words(body: Body) -> list[dict[str, Any]]:
    inner = _inner(body)
    words = inner.get("words") if inner else None
    return words if isinstance(words, list) else []


def _timestamps(body: Body) -> list[dict[str, Any]]:
    stamps = []
    for word in _words(body):
        for key in ("start_timestamp", "end_timestamp"):
            if isinstance(word.get(key), dict):
                stamps.append(word[key])
    return stamps


def _absolute_empty(body: Body) -> None:
    for stamp in _timestamps(body):
        stamp["absolute"] = ""


def _relative_null(body: Body) -> None:
    for stamp in _timestamps(body):
        stamp["relative"] = None


def _text_null(body: Body) -> None:
    words = _words(body)
    if words:
        words.append({**words[-1], "text": None})


def _chat_to_null(body: Body) -> None:
    inner = _inner(body)
    chat = inner.get("data") if inner else None
    if isinstance(chat, dict) and "to" in chat:
        chat["to"] = None


def _participant_id_null(body: Body) -> None:
    inner = _inner(body)
    participant = inner.get("participant") if inner else None
    if isinstance(participant, dict):
        participant["id"] = None


def _no_event(body: Body) -> None:
    body.pop("event", None)


def _status_field(name: str, value: object) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        inner = _inner(body)
        if inner is not None:
            inner[name] = value

    return change


def _status_data_null(body: Body) -> None:
    data = body.get("data")
    if isinstance(data, dict):
        data["data"] = None


_REALTIME: dict[str, Callable[[Body], None]] = {
    "word_absolute_empty": _absolute_empty,
    "word_text_null": _text_null,
    "relative_null": _relative_null,
    "chat_to_null": _chat_to_null,
    "participant_id_null": _participant_id_null,
    "no_event": _no_event,
}
_STATUS: dict[str, Callable[[Body], None]] = {
    "status_updated_at_empty": _status_field("updated_at", ""),
    "status_sub_code_number": _status_field("sub_code", 42),
    "status_data_null": _status_data_null,
}


def vary_realtime(body: Body, variants: frozenset[str]) -> Body:
    """``body`` (a realtime event) with the asked-for variants applied, in place."""
    for name in sorted(variants & _REALTIME.keys()):
        _REALTIME[name](body)
    return body


def vary_status(body: Body, variants: frozenset[str]) -> Body:
    """``body`` (a status webhook) with the asked-for variants applied, in place."""
    for name in sorted(variants & _STATUS.keys()):
        _STATUS[name](body)
    return body


def output_log(bot_id: str, message: str) -> Body:
    """A legacy (v1.10) ``bot.output_log`` webhook: no status, no metadata."""
    return {
        "event": "bot.output_log",
        "data": {"bot_id": bot_id, "log": {"level": "error", "message": message}},
    }
