"""Sign-in, the meetings list, the live meeting page, its controls and its notes."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from delegate.api.deps import ContainerDep, list_query
from delegate.api.session_schemas import MessageIn, ScreenshareIn
from delegate.dashboard.forms import read_form, validated
from delegate.dashboard.rendering import PageRoute, is_htmx, page
from delegate.dashboard.signin import SignedIn, forget, remember, same_origin
from delegate.domain.errors import InvalidInput
from delegate.domain.events import SessionStatus
from delegate.domain.ids import ID_PATTERN
from delegate.domain.live import participant_event, reply_event, turn_event
from delegate.domain.records import ListQuery
from delegate.domain.sessions import refusal_hint
from delegate.domain.transcript_format import CONTENT_TYPES, TranscriptFormat
from delegate.services import dashboard, meetings, teardown, transcripts
from delegate.services.accounts import authenticate

router = APIRouter(route_class=PageRoute, include_in_schema=False)
SessionPath = Annotated[str, Path(pattern=ID_PATTERN.pattern)]
ListQueryDep = Annotated[ListQuery, Depends(list_query)]
FILE_SUFFIX = {TranscriptFormat.MARKDOWN: "md", TranscriptFormat.TEXT: "txt"}


@router.get("/")
async def home(account: SignedIn) -> RedirectResponse:
    return RedirectResponse("/meetings", status_code=303)


@router.get("/signin")
async def signin_page(request: Request) -> HTMLResponse:
    return page(request, "signin.html", signed_in=False)


@router.post("/signin")
async def signin(request: Request, c: ContainerDep) -> Response:
    # Before sign-in there is no session to derive a CSRF value from: the Origin check and
    # the token itself (which an attacker does not have) protect this form.
    same_origin(request)
    body = (await request.body()).decode("utf-8", "replace")
    token = next((v for k, v in parse_qsl(body) if k == "token"), "").strip()
    await authenticate(c.uow, token or None)
    response = RedirectResponse("/meetings", status_code=303)
    remember(response, request, token)
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    await read_form(request)
    response = RedirectResponse("/signin", status_code=303)
    forget(response)
    return response


@router.get("/meetings")
async def meetings_page(
    request: Request,
    c: ContainerDep,
    account: SignedIn,
    query: ListQueryDep,
    status: Annotated[str, Query(max_length=32)] = "",
) -> HTMLResponse:
    wanted = _status(status)
    found = await dashboard.list_account_sessions(c.ports, account.id, query, wanted)
    next_query = f"cursor={found.cursor}&order={query.order.value}&take={query.take}"
    if wanted is not None:
        next_query += f"&status={wanted.value}"
    more = found.cursor is not None and len(found.items) == query.take
    return page(
        request,
        "meetings.html",
        sessions=found.items,
        statuses=[s.value for s in SessionStatus],
        status=status,
        next_cursor=found.cursor if more else None,
        next_query=next_query,
    )


def _status(value: str) -> SessionStatus | None:
    if not value:
        return None
    try:
        return SessionStatus(value)
    except ValueError:
        raise InvalidInput(f'"status" must be one of {[s.value for s in SessionStatus]}') from None


@router.get("/meetings/{session_id}")
async def meeting_page(
    request: Request, c: ContainerDep, account: SignedIn, session_id: SessionPath
) -> HTMLResponse:
    # The feed's position is taken before the stored state is read: whatever happens in
    # between is replayed to the page (an update it already shows is applied twice, harmlessly).
    position = c.live.position()
    view = await dashboard.meeting_view(c.ports, account.id, session_id)
    replies_by_turn: dict[int | None, list[dict[str, object]]] = {}
    for r in view.replies:
        data = reply_event(r, r.status, r.sent_at or r.created_at).data
        replies_by_turn.setdefault(r.turn_seq, []).append(data)
    return page(
        request,
        "meeting.html",
        s=view.session,
        refusal_hint=refusal_hint(view.session.refused_reason),
        position=position,
        turns=[turn_event(t).data for t in view.turns],
        replies_by_turn=replies_by_turn,
        participants=[participant_event(p).data for p in view.participants],
        history=[{"event_id": h.event_id, "at": h.at_ms, "code": h.code} for h in view.history],
    )


def _done(request: Request, session_id: str, message: str) -> Response:
    """After a control: htmx shows the message in place, a plain form reloads the page."""
    if is_htmx(request):
        return page(request, "_flash.html", message=message)
    return RedirectResponse(f"/meetings/{session_id}", status_code=303)


@router.post("/meetings/{session_id}/message")
async def send_message(
    request: Request, c: ContainerDep, account: SignedIn, session_id: SessionPath
) -> Response:
    form = await read_form(request)
    body = validated(MessageIn, form.filled("message", "to"))
    session = await dashboard.account_session(c.ports, account.id, session_id)
    await meetings.send_message(
        c.ports, account.id, session.integration_id, session.id, body.message, body.to
    )
    return _done(request, session.id, "Sent.")


@router.post("/meetings/{session_id}/screenshare/start")
async def share_page(
    request: Request, c: ContainerDep, account: SignedIn, session_id: SessionPath
) -> Response:
    form = await read_form(request)
    body = validated(ScreenshareIn, form.filled("url"))
    session = await dashboard.account_session(c.ports, account.id, session_id)
    await meetings.start_screenshare(
        c.ports, account.id, session.integration_id, session.id, body.url
    )
    return _done(request, session.id, f"Sharing {body.url}.")


CONTROL_MESSAGES = {
    "recording/pause": "Recording paused.",
    "recording/resume": "Recording resumed.",
    "screenshare/stop": "Stopped sharing.",
    "leave": "The delegate is leaving the meeting.",
}


def _control_route(action: str, message: str) -> None:
    async def control(
        request: Request, c: ContainerDep, account: SignedIn, session_id: SessionPath
    ) -> Response:
        await read_form(request)
        session = await dashboard.account_session(c.ports, account.id, session_id)
        await meetings.control_session(
            c.ports, account.id, session.integration_id, session.id, action
        )
        return _done(request, session.id, message)

    control.__name__ = "control_" + action.replace("/", "_")
    router.post(f"/meetings/{{session_id}}/{action}")(control)


for _action, _message in CONTROL_MESSAGES.items():
    _control_route(_action, _message)


@router.post("/meetings/{session_id}/delete")
async def delete_meeting(
    request: Request, c: ContainerDep, account: SignedIn, session_id: SessionPath
) -> Response:
    """Delete the session (its live delegate leaves first), then back to the meetings list."""
    await read_form(request)
    session = await dashboard.account_session(c.ports, account.id, session_id)
    await teardown.delete_session(c.ports, account.id, session.integration_id, session.id)
    if is_htmx(request):
        return Response(headers={"HX-Redirect": "/meetings"})
    return RedirectResponse("/meetings", status_code=303)


@router.get("/meetings/{session_id}/notes")
async def notes_page(
    request: Request, c: ContainerDep, account: SignedIn, session_id: SessionPath
) -> HTMLResponse:
    session = await dashboard.account_session(c.ports, account.id, session_id)
    notes = await transcripts.session_notes(c.ports, account.id, session.integration_id, session.id)
    return page(
        request,
        "notes.html",
        s=session,
        notes=notes,
        formats=[f.value for f in TranscriptFormat],
    )


@router.get("/meetings/{session_id}/transcript.{fmt}")
async def download_transcript(
    c: ContainerDep, account: SignedIn, session_id: SessionPath, fmt: TranscriptFormat
) -> Response:
    session = await dashboard.account_session(c.ports, account.id, session_id)
    result = await transcripts.session_transcript(
        c.ports, account.id, session.integration_id, session.id, fmt.value
    )
    name = f"transcript-{session.id}.{FILE_SUFFIX.get(fmt, fmt.value)}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if isinstance(result, dict):
        return Response(orjson.dumps(result), media_type=CONTENT_TYPES[fmt], headers=headers)
    return PlainTextResponse(result, media_type=CONTENT_TYPES[fmt], headers=headers)
