"""The state of one simulated bot, and the Recall Bot object it is shown as.

``BotState`` is plain data: what the API returns is derived from it, the lifecycle task
updates it, and tests read it (``sim.bots[bot_id]``) together with its log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from delegate.sim.clock import iso, utcnow
from delegate.sim.log import (
    ChatSent,
    DeliveryAttempt,
    Entry,
    MeetingEvent,
    OutputAudio,
    OutputMedia,
    RecordingCommand,
    StatusChanged,
)
from delegate.sim.scripts import Script
from delegate.sim.validation import BotRequest

FINISHED = frozenset({"call_ended", "done", "fatal"})
IN_CALL = frozenset({"in_call_not_recording", "in_call_recording"})

E = TypeVar("E", bound=Entry)


def new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass
class RealtimeEndpoint:
    """A ``recording_config.realtime_endpoints`` item; ``status`` is running, done or failed."""

    type: str
    url: str
    events: tuple[str, ...]
    metadata: dict[str, str]
    id: str = field(default_factory=new_uuid)
    status: str = "running"

    def wants(self, event: str) -> bool:
        return self.type == "webhook" and self.status == "running" and event in self.events


@dataclass
class Recording:
    """One recording of a bot (a new one after each start_recording)."""

    metadata: dict[str, str]
    id: str = field(default_factory=new_uuid)
    created_at: datetime = field(default_factory=utcnow)
    completed_at: datetime | None = None
    status: str = "processing"
    status_at: datetime = field(default_factory=utcnow)
    retention_hours: float | None = 168
    transcript_id: str = field(default_factory=new_uuid)
    participant_events_id: str = field(default_factory=new_uuid)
    video_mixed_id: str = field(default_factory=new_uuid)
    meeting_metadata_id: str = field(default_factory=new_uuid)
    transcript: list[dict[str, Any]] = field(default_factory=list)
    """Final transcript segments (the download format), kept for the transcript download."""

    def set_status(self, code: str) -> None:
        self.status = code
        self.status_at = utcnow()
        if code == "done":
            self.completed_at = self.status_at


@dataclass
class BotState:
    id: str
    request: BotRequest
    script: Script
    base_url: str
    """Where the simulator was reached when the bot was created (for absolute URLs)."""
    participant_id: int
    """The bot's own participant id in the meeting (its chat is echoed from it)."""
    created_at: datetime = field(default_factory=utcnow)
    dispatched: bool = False
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)
    endpoints: list[RealtimeEndpoint] = field(default_factory=list)
    output_media: dict[str, Any] | None = None
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.output_media = self.request.settings.get("output_media")
        self.endpoints = self.endpoints_from(self.request.recording_config)

    @staticmethod
    def endpoints_from(recording_config: dict[str, Any] | None) -> list[RealtimeEndpoint]:
        if recording_config is None:
            return []
        return [
            RealtimeEndpoint(ep["type"], ep["url"], tuple(ep["events"]), dict(ep["metadata"]))
            for ep in recording_config["realtime_endpoints"]
        ]

    # reading

    @property
    def status(self) -> str | None:
        """The current status code (last of ``status_changes``), None before dispatch."""
        return self.status_changes[-1]["code"] if self.status_changes else None

    @property
    def sub_code(self) -> str | None:
        return self.status_changes[-1]["sub_code"] if self.status_changes else None

    @property
    def statuses(self) -> list[str]:
        return [change["code"] for change in self.status_changes]

    @property
    def finished(self) -> bool:
        """Left the call (or never got in): commands are refused."""
        return self.status in FINISHED

    @property
    def bot_name(self) -> str:
        return self.request.bot_name

    @property
    def metadata(self) -> dict[str, str]:
        return self.request.metadata

    def entries_of(self, kind: type[E]) -> list[E]:
        return [entry for entry in self.entries if isinstance(entry, kind)]

    @property
    def chat_sent(self) -> list[ChatSent]:
        return self.entries_of(ChatSent)

    @property
    def meeting_events(self) -> list[MeetingEvent]:
        return self.entries_of(MeetingEvent)

    @property
    def deliveries(self) -> list[DeliveryAttempt]:
        return self.entries_of(DeliveryAttempt)

    @property
    def recording_commands(self) -> list[str]:
        return [entry.command for entry in self.entries_of(RecordingCommand)]

    @property
    def media_outputs(self) -> list[OutputMedia]:
        return self.entries_of(OutputMedia)

    @property
    def audio_outputs(self) -> list[OutputAudio]:
        return self.entries_of(OutputAudio)

    @property
    def current_recording(self) -> Recording | None:
        return self.recordings[-1] if self.recordings else None

    # changing

    def record(self, entry: Entry) -> None:
        self.entries.append(entry)

    def change_status(self, code: str, sub_code: str | None = None) -> dict[str, Any]:
        change = {"code": code, "message": None, "created_at": iso(utcnow()), "sub_code": sub_code}
        self.status_changes.append(change)
        self.record(StatusChanged(code=code, sub_code=sub_code))
        return change

    # the Recall Bot object

    def to_recall(self) -> dict[str, Any]:
        request = self.request
        config = request.recording_config
        return {
            "id": self.id,
            "meeting_url": request.meeting.to_recall(),
            "bot_name": request.bot_name,
            "join_at": iso(request.join_at) if request.join_at else None,
            "recording_config": config,
            **request.settings,
            "output_media": self.output_media,
            "automatic_leave": request.automatic_leave,
            "status_changes": list(self.status_changes),
            "recordings": [self._recording(r) for r in self.recordings],
            "calendar_meetings": [],
            "slack_team": None,
            "metadata": request.metadata,
        }

    def _recording(self, recording: Recording) -> dict[str, Any]:
        def status(code: str) -> dict[str, Any]:
            return {"code": code, "sub_code": None, "updated_at": iso(recording.status_at)}

        media_code = "done" if recording.status == "done" else "processing"
        config = self.request.recording_config or {}
        transcript_config = config.get("transcript")
        done = recording.status == "done"
        base = f"{self.base_url}api/v1/sim/download/{recording.id}"
        expires = (
            iso(recording.completed_at + timedelta(hours=recording.retention_hours))
            if recording.completed_at and recording.retention_hours
            else None
        )

        def media(media_id: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
            return {
                "id": media_id,
                "created_at": iso(recording.created_at),
                "status": status(media_code),
                "metadata": {},
                "data": data if done else {key: None for key in data},
                **extra,
            }

        shortcuts: dict[str, Any] = {
            "video_mixed": media(recording.video_mixed_id, {"download_url": None}, format="mp4"),
            "transcript": None,
            "participant_events": media(
                recording.participant_events_id,
                {
                    "participant_events_download_url": None,
                    "speaker_timeline_download_url": None,
                    "participants_download_url": f"{base}/participants.json",
                },
            ),
            "meeting_metadata": media(recording.meeting_metadata_id, {"title": self.script.title}),
            "audio_mixed": None,
        }
        if transcript_config:
            shortcuts["transcript"] = media(
                recording.transcript_id,
                {
                    "download_url": f"{base}/transcript.json",
                    "provider_data_download_url": None,
                },
                diarization=transcript_config.get("diarization"),
                provider=transcript_config.get("provider"),
            )
        return {
            "id": recording.id,
            "created_at": iso(recording.created_at),
            "started_at": iso(recording.created_at),
            "completed_at": iso(recording.completed_at) if recording.completed_at else None,
            "expires_at": expires,
            "status": status(recording.status),
            "metadata": recording.metadata,
            "media_shortcuts": shortcuts,
        }
