"""Initiate, meeting sessions and their controls: parse, call one service, map the result."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import PlainTextResponse, Response

from delegate.api.deps import AccountDep, ContainerDep, ListQueryDep
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
)
from delegate.services import meetings, transcripts

router = APIRouter(prefix="/integration/recall/{integrationId}", tags=["Meeting sessions"])
SESSION = "/session/{sessionId}"


@router.post("/initiate", operation_id="initiateRecall")
async def initiate(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    body: InitiateIn,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> InitiateOut:
    result = await meetings.initiate_meeting(
        c.ports,
        account.id,
        integrationId,
        body.meetingUrl,
        body.text,
        body.botName,
        body.joinAt,
        idempotency_key,
    )
    return InitiateOut(id=result.integration_id, bot=result.bot, sessionId=result.session_id)


@router.get("/session/list", operation_id="listRecallSessions")
async def list_sessions(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    query: ListQueryDep,
) -> SessionList:
    page = await meetings.list_sessions(c.ports, account.id, integrationId, query)
    return SessionList(items=[SessionOut.of(s) for s in page.items], cursor=page.cursor)


@router.get(SESSION + "/fetch", operation_id="fetchRecallSession")
async def fetch_session(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    sessionId: str,
) -> SessionOut:
    session = await meetings.fetch_session(c.ports, account.id, integrationId, sessionId)
    participants, replies = await meetings.session_details(c.ports, session)
    return SessionOut.of(session, participants, replies)


@router.get(
    SESSION + "/transcript", operation_id="fetchRecallSessionTranscript", response_model=None
)
async def transcript(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    sessionId: str,
    format: Annotated[Literal["json", "text", "markdown", "vtt", "srt"], Query()] = "json",
) -> Response | dict[str, object]:
    result = await transcripts.session_transcript(
        c.ports, account.id, integrationId, sessionId, format
    )
    if isinstance(result, dict):
        return result
    media = {"vtt": "text/vtt", "markdown": "text/markdown"}.get(format, "text/plain")
    return PlainTextResponse(result, media_type=f"{media}; charset=utf-8")


@router.get(SESSION + "/notes", operation_id="fetchRecallSessionNotes")
async def notes(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    sessionId: str,
) -> NotesOut:
    return NotesOut(
        **await transcripts.session_notes(c.ports, account.id, integrationId, sessionId)
    )


@router.post(SESSION + "/message/send", operation_id="sendRecallSessionMessage")
async def send_message(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    sessionId: str,
    body: MessageIn,
) -> ActionOut:
    result = await meetings.send_message(
        c.ports, account.id, integrationId, sessionId, body.message, body.to
    )
    return ActionOut(**result)


@router.post(SESSION + "/screenshare/start", operation_id="startRecallSessionScreenshare")
async def screenshare_start(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    sessionId: str,
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
        integrationId: str,
        sessionId: str,
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
    )(control)


for _action in meetings.CONTROL_ACTIONS:
    _control_route(_action)
