"""Realtime bodies (recall-api.md §5) for the load generator, built with the simulator's own
payload builders.

The event-specific part (``data.data``) of each moment of a meeting template is rendered once;
each delivery then wraps it in its meeting's envelope with ``orjson.Fragment``, so building a
body costs the generator a microsecond or two instead of re-formatting every word timestamp.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from delegate.sim import Moment
from delegate.sim.payloads import participant_event_data, transcript_data

RECORDING_START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class RenderedMoment:
    at: float
    """Simulated seconds since the recording started."""
    event: str
    inner: bytes
    """``data.data``, already JSON."""


@dataclass(frozen=True)
class MeetingIds:
    """The Recall ids a meeting's deliveries refer to."""

    bot: str
    recording: str
    endpoint: str
    transcript: str
    participant_events: str

    @classmethod
    def fresh(cls) -> MeetingIds:
        return cls(*(str(uuid.uuid4()) for _ in range(5)))


def render(moments: list[Moment]) -> list[RenderedMoment]:
    return [RenderedMoment(m.at, m.event, orjson.dumps(_inner(m))) for m in moments]


def body(moment: RenderedMoment, ids: MeetingIds, metadata: dict[str, str]) -> bytes:
    """The full delivery body of ``moment`` in the meeting ``ids``."""
    if moment.event.startswith("transcript."):
        artifact_key, artifact_id = "transcript", ids.transcript
    else:
        artifact_key, artifact_id = "participant_events", ids.participant_events
    return orjson.dumps(
        {
            "event": moment.event,
            "data": {
                "data": orjson.Fragment(moment.inner),
                "realtime_endpoint": {"id": ids.endpoint, "metadata": {}},
                artifact_key: {"id": artifact_id, "metadata": {}},
                "recording": {"id": ids.recording, "metadata": {}},
                "bot": {"id": ids.bot, "metadata": metadata},
            },
        }
    )


def _inner(m: Moment) -> dict[str, Any]:
    assert m.participant is not None, m
    if m.event.startswith("transcript."):
        return transcript_data(m.participant, m.words, 0.0, RECORDING_START)
    chat = {"text": m.text or "", "to": m.to or "everyone"} if m.text is not None else None
    return participant_event_data(m.participant, m.at, RECORDING_START, chat)
