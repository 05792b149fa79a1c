"""Initiate, meeting sessions and their controls: parse, call one service, map the result."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import PlainTextResponse, Response

from delegate.api.deps import AccountDep, ContainerDep, IntegrationRef, ListQueryDep, SessionId
from delegate.api.openapi import DELETE, INITIATE, MEETING_ACTION, READ, errors
from delegate.api.schemas import IdOut
from delegate.api.session_schemas import (
    ActionOut,
    EmptyIn,
    InitiateIn,
    InitiateOut,
    MessageIn,
    NotesOut,
    ScreenshareIn,
    SessionList,
    SessionOut,
    TranscriptOut,
)
from delegate.domain.transcript_format import CONTENT_TYPES, TranscriptFormat
from delegate.services import meetings, teardown, transcripts
from delegate.services.limits import take_initiate

router = APIRouter(prefix="/integration/recall/{integrationId}", tags=["Meeting sessions"])
SESSION = "/session/{sessionId}"


def _transcript_responses() -> dict[int | str, dict[str, Any]]:
    text = {"schema": {"type": "string"}}
    content: dict[str, Any] = {
        media.split(";")[0]: text
        for fmt, media in CONTENT_TYPES.items()
        if fmt is not TranscriptFormat.JSON
    }
    return {
        200: {
            "model": TranscriptOut,
            "description": "`json`: the turns as objects; the other formats: rendered text",
            "content": content,
        },
        **errors(*READ),
    }


@router.post("/initiate", operation_id="initiateRecall", responses=errors(*INITIATE))
async def initiate(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    body: InitiateIn,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=255,
            description="Retrying with the same key within 24 hours returns the first result "
            "and sends no second bot (an empty value counts as none)",
        ),
    ] = None,
) -> InitiateOut:
    take_initiate(c.limits, account.id)
    result = await meetings.initiate_meeting(
        c.ports,
        account.id,
        integrationId,
        body.meetingUrl,
        body.text,
        body.botName,
        body.joinAt,
        idempotency_key,
        body.replyMode,
        body.voice,
    )
    return InitiateOut(id=result.integration_id, bot=result.bot, sessionId=result.session_id)


@router.get("/session/list", operation_id="listRecallSessions", responses=errors(*READ))
async def list_sessions(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    query: ListQueryDep,
) -> SessionList:
    page = await meetings.list_sessions(c.ports, account.id, integrationId, query)
    return SessionList(items=[SessionOut.of(s) for s in page.items], cursor=page.cursor)


@router.get(SESSION + "/fetch", operation_id="fetchRecallSession", responses=errors(*READ))
async def fetch_session(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    sessionId: SessionId,
) -> SessionOut:
    session = await meetings.fetch_session(c.ports, account.id, integrationId, sessionId)
    participants, replies = await meetings.session_details(c.ports, session)
    return SessionOut.of(session, participants, replies)


@router.post(
    SESSION + "/delete", operation_id="deleteRecallSession", responses=errors(*DELETE, 502)
)
async def delete_session(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    sessionId: SessionId,
) -> IdOut:
    """Delete a session and everything of it. A live bot is told to leave first; when Recall
    cannot be reached the answer is 502 and the session is kept."""
    return IdOut(id=await teardown.delete_session(c.ports, account.id, integrationId, sessionId))


@router.get(
    SESSION + "/transcript",
    operation_id="fetchRecallSessionTranscript",
    response_model=None,
    responses=_transcript_responses(),
)
async def transcript(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    sessionId: SessionId,
    format: Annotated[TranscriptFormat, Query()] = TranscriptFormat.JSON,
) -> Response | TranscriptOut:
    result = await transcripts.session_transcript(
        c.ports, account.id, integrationId, sessionId, format.value
    )
    if isinstance(result, dict):
        return TranscriptOut.model_validate(result)
    return PlainTextResponse(result, media_type=CONTENT_TYPES[format])


@router.get(SESSION + "/notes", operation_id="fetchRecallSessionNotes", responses=errors(*READ))
async def notes(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    sessionId: SessionId,
) -> NotesOut:
    return NotesOut(
        **await transcripts.session_notes(c.ports, account.id, integrationId, sessionId)
    )


@router.post(
    SESSION + "/message/send",
    operation_id="sendRecallSessionMessage",
    responses=errors(*MEETING_ACTION),
)
async def send_message(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    sessionId: SessionId,
    body: MessageIn,
) -> ActionOut:
    result = await meetings.send_message(
        c.ports, account.id, integrationId, sessionId, body.message, body.to
    )
    return ActionOut(**result)


@router.post(
    SESSION + "/screenshare/start",
    operation_id="startRecallSessionScreenshare",
    responses=errors(*MEETING_ACTION),
)
async def screenshare_start(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    sessionId: SessionId,
    body: ScreenshareIn,
) -> ActionOut:
    result = await meetings.start_screenshare(
        c.ports, account.id, integrationId, sessionId, body.url
    )
    return ActionOut(**result)


def _control_route(action: str) -> None:
    async def control(
        c: ContainerDep,
        account: AccountDep,
        integrationId: IntegrationRef,
        sessionId: SessionId,
        body: EmptyIn | None = None,
    ) -> ActionOut:
        result = await meetings.control_session(
            c.ports, account.id, integrationId, sessionId, action
        )
        return ActionOut(**result)

    name = action.replace("/", "_")
    control.__name__ = name
    router.post(
        f"{SESSION}/{action}",
        operation_id="recallSession_" + name,
        summary=f"{action.replace('/', ' ').capitalize()}",
        responses=errors(*MEETING_ACTION),
    )(control)


for _action in meetings.CONTROL_ACTIONS:
    _control_route(_action)
