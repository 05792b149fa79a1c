"""Request and response models of initiate, the meeting sessions and their actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from pydantic.config import JsonDict

from delegate.api.schemas import NOT_BLANK, VOICE_RULE, Body, Out, ReplyModeName
from delegate.domain.meeting import Participant
from delegate.domain.sessions import MeetingSession, NotesStatus, Reply
from delegate.domain.validation import CHAT_RECIPIENTS, JOIN_AT_HORIZON

HTTPS: JsonDict = {"pattern": "^\\s*https://[^\\u0000]*$"}
RECIPIENT: JsonDict = {"pattern": f"^({'|'.join(CHAT_RECIPIENTS)}|[0-9]+)$"}


class InitiateIn(Body):
    meetingUrl: str = Field(
        max_length=2048,
        description="https link of the meeting (Zoom, Google Meet, Teams, Webex, GoTo)",
        json_schema_extra=HTTPS,
    )
    text: str = Field(
        max_length=20000,
        description="The instruction for this meeting",
        json_schema_extra=NOT_BLANK,
    )
    botName: str | None = Field(default=None, max_length=100)
    joinAt: datetime | None = Field(
        default=None,
        description="Schedule the bot (ISO 8601 with a time zone; not in the past, at most "
        f"{JOIN_AT_HORIZON.days} days ahead)",
    )
    replyMode: ReplyModeName | None = Field(
        default=None, description="chat, voice or both for this meeting (default: the bot's)"
    )
    voice: str | None = Field(
        default=None,
        max_length=128,
        description="The voice for this meeting (default: the bot's)",
        json_schema_extra=VOICE_RULE,
    )


class InitiateOut(Out):
    id: str = Field(description="The integration id")
    bot: dict[str, Any] = Field(description="Recall's bot object, untouched")
    sessionId: str


class ParticipantOut(Out):
    id: int
    name: str
    isHost: bool
    isBot: bool
    present: bool
    email: str | None = Field(description="When the meeting platform shares it")

    @classmethod
    def of(cls, p: Participant) -> ParticipantOut:
        return cls(
            id=p.id,
            name=p.name,
            isHost=p.is_host,
            isBot=p.is_bot,
            present=p.present,
            email=p.email,
        )


class ReplyOut(Out):
    id: str
    kind: str
    payload: dict[str, Any]
    status: str
    turnSeq: int | None
    createdAt: int
    sentAt: int | None

    @classmethod
    def of(cls, r: Reply) -> ReplyOut:
        return cls(
            id=r.id,
            kind=r.kind,
            payload=r.payload,
            status=r.status.value,
            turnSeq=r.turn_seq,
            createdAt=r.created_at,
            sentAt=r.sent_at,
        )


class SessionOut(Out):
    id: str
    integrationId: str
    botId: str | None
    recallBotId: str | None
    status: str
    statusCode: str | None = Field(description="Recall's last bot status code")
    statusReason: str | None = Field(
        description="Recall's sub-code (why it ended or failed); ours for a bot not known: "
        "recall_outcome_unknown (Recall could not be asked, reconciled in the background), "
        "recall_bot_never_created (Recall had no bot for the session)"
    )
    platform: str | None
    meetingUrl: str
    botName: str
    text: str
    joinAt: int | None
    recordingPaused: bool
    resumeAt: int | None = Field(
        default=None,
        description="When a recording paused from the meeting resumes by itself (epoch ms)",
    )
    replyMode: str = Field(description="How the delegate answers in this meeting")
    voice: str | None
    replyNotice: str | None = Field(
        description="Why it answers otherwise than asked (Webex has no output audio: chat)"
    )
    notesReady: bool
    createdAt: int
    updatedAt: int
    endedAt: int | None
    deliveriesRefused: int = Field(
        description="Deliveries from Recall for this session answered 401 (wrong signature or "
        "token); with `refusedReason`, why the last one was"
    )
    refusedReason: str | None
    noTranscriptReason: str | None = Field(
        description="Once the notes are written for a session with no transcript: why "
        "(deliveries refused, never admitted, or nothing said)"
    )
    participants: list[ParticipantOut] | None = None
    replies: list[ReplyOut] | None = None

    @classmethod
    def of(
        cls,
        s: MeetingSession,
        participants: list[Participant] | None = None,
        replies: list[Reply] | None = None,
    ) -> SessionOut:
        return cls(
            id=s.id,
            integrationId=s.integration_id,
            botId=s.bot_id,
            recallBotId=s.recall_bot_id,
            status=s.status.value,
            statusCode=s.status_code,
            statusReason=s.status_reason,
            platform=s.platform,
            meetingUrl=s.meeting_url,
            botName=s.bot_name,
            text=s.instruction,
            joinAt=s.join_at,
            recordingPaused=s.recording_paused,
            resumeAt=s.resume_at,
            replyMode=s.reply_mode,
            voice=s.voice,
            replyNotice=s.reply_notice,
            notesReady=s.notes_status is NotesStatus.READY,
            createdAt=s.created_at,
            updatedAt=s.updated_at,
            endedAt=s.ended_at,
            deliveriesRefused=s.deliveries_refused,
            refusedReason=s.refused_reason,
            noTranscriptReason=(s.notes or {}).get("noTranscriptReason"),
            participants=None
            if participants is None
            else [ParticipantOut.of(p) for p in participants],
            replies=None if replies is None else [ReplyOut.of(r) for r in replies],
        )


class SessionList(Out):
    items: list[SessionOut]
    cursor: str | None = None


class MessageIn(Body):
    message: str = Field(min_length=1, max_length=4096, json_schema_extra=NOT_BLANK)
    to: str = Field(
        default="everyone",
        min_length=1,
        max_length=64,
        description="everyone; on Zoom also host, everyone_except_host or a participant id",
        json_schema_extra=RECIPIENT,
    )


class ScreenshareIn(Body):
    url: str = Field(
        max_length=2048,
        description="An https page of a public host name",
        json_schema_extra=HTTPS,
    )


class EmptyIn(Body):
    pass


class ActionOut(Out):
    id: str
    action: str | None = None
    message: str | None = None
    to: str | None = None
    url: str | None = None


class TranscriptItemOut(Out):
    seq: int
    speakerId: int | None
    speaker: str
    text: str
    source: Literal["speech", "chat"]
    startS: float
    endS: float
    toBot: bool
    byBot: bool


class TranscriptOut(Out):
    id: str
    items: list[TranscriptItemOut]


class UnrecordedSpanOut(Out):
    from_: int = Field(alias="from", description="Paused at (epoch ms)")
    to: int | None = Field(default=None, description="Resumed at, or the end of the meeting")
    by: str | None = Field(default=None, description="Who asked for the pause in the meeting")


class NotesOut(Out):
    id: str
    status: Literal["pending", "ready", "not_ended"]
    summary: str | None = None
    decisions: list[str] = Field(default_factory=list)
    actionItems: list[dict[str, Any]] = Field(default_factory=list)
    noTranscriptReason: str | None = Field(
        default=None, description="Why there is no transcript, when there is none"
    )
    unrecordedSpans: list[UnrecordedSpanOut] = Field(
        default_factory=list,
        description="Stretches the recording was paused: nothing said then is in the notes",
    )
    createdAt: int | None = None
