"""Bodies the simulator sends: realtime events (recall-api.md §5) and status webhooks (§4.3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from delegate.sim.bots import BotState, RealtimeEndpoint, Recording
from delegate.sim.clock import iso
from delegate.sim.scripts import ScriptParticipant
from delegate.sim.timeline import Word


def participant_object(participant: ScriptParticipant) -> dict[str, Any]:
    return {
        "id": participant.id,
        "name": participant.name,
        "is_host": participant.is_host,
        "platform": participant.platform,
        "extra_data": {},
        "email": participant.email,
    }


def bot_participant(bot: BotState) -> ScriptParticipant:
    """The bot as the meeting sees it: its chat comes back from this participant."""
    return ScriptParticipant(id=bot.participant_id, name=bot.bot_name, platform="unknown")


def timestamp(relative: float, recording_start: datetime) -> dict[str, Any]:
    return {
        "absolute": iso(recording_start + timedelta(seconds=relative)),
        "relative": round(relative, 3),
    }


def transcript_data(
    participant: ScriptParticipant, words: tuple[Word, ...], offset: float, start: datetime
) -> dict[str, Any]:
    """``data.data`` of a transcript event; ``offset`` is the script time recording began."""
    return {
        "words": [
            {
                "text": word.text,
                "start_timestamp": timestamp(word.start - offset, start),
                "end_timestamp": timestamp(word.end - offset, start),
            }
            for word in words
        ],
        "participant": participant_object(participant),
    }


def participant_event_data(
    participant: ScriptParticipant,
    relative: float,
    start: datetime,
    chat: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``data.data`` of a ``participant_events.*`` event (``data`` is null except for chat)."""
    return {
        "participant": participant_object(participant),
        "timestamp": timestamp(relative, start),
        "data": chat,
    }


def realtime_envelope(
    event: str,
    inner: dict[str, Any],
    endpoint: RealtimeEndpoint,
    bot: BotState,
    recording: Recording,
) -> dict[str, Any]:
    config = bot.request.recording_config or {}
    if event.startswith("transcript."):
        artifact_key = "transcript"
        artifact = {"id": recording.transcript_id, "metadata": _metadata(config.get("transcript"))}
    else:
        artifact_key = "participant_events"
        artifact = {
            "id": recording.participant_events_id,
            "metadata": _metadata(config.get("participant_events")),
        }
    return {
        "event": event,
        "data": {
            "data": inner,
            "realtime_endpoint": {"id": endpoint.id, "metadata": endpoint.metadata},
            artifact_key: artifact,
            "recording": {"id": recording.id, "metadata": recording.metadata},
            "bot": {"id": bot.id, "metadata": bot.metadata},
        },
    }


def status_webhook(bot: BotState, change: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": f"bot.{change['code']}",
        "data": {
            "data": {
                "code": change["code"],
                "sub_code": change["sub_code"],
                "updated_at": change["created_at"],
            },
            "bot": {"id": bot.id, "metadata": bot.metadata},
        },
    }


def _metadata(artifact_config: Any) -> dict[str, Any]:
    if isinstance(artifact_config, dict) and isinstance(artifact_config.get("metadata"), dict):
        return dict(artifact_config["metadata"])
    return {}
