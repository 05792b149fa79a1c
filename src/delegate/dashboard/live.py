"""The live feed of one meeting as server-sent events: HTML fragments the page swaps in.

Each event carries its feed position as its SSE id, so a browser that reconnects sends
``Last-Event-ID`` and resumes where it was; the page's first connection starts from the
position it was rendered at (``after``). Fragments are rendered per watcher from the hub's
events: nothing is read from the database while a tab watches.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from delegate.adapters.live.hub import Positioned
from delegate.api.deps import ContainerDep
from delegate.dashboard.pages import SessionPath
from delegate.dashboard.rendering import LIVE_FRAGMENTS, PageRoute, templates
from delegate.dashboard.signin import COOKIE, SignedIn, csrf_value
from delegate.domain.events import SessionStatus
from delegate.domain.live import LiveKind
from delegate.services import dashboard

router = APIRouter(route_class=PageRoute, include_in_schema=False)
RETRY_MS = 2000
"""How soon a browser reconnects after the stream drops."""
POSITION = Annotated[str | None, Query(max_length=64, pattern=r"^[0-9a-f]+-[0-9]+$")]


def _fragments(kind: LiveKind, data: dict[str, Any], session_id: str, csrf: str) -> str:
    """The HTML an event carries: out-of-band swaps onto the page's elements (``_live.html``)."""
    live: Any = templates.env.get_template(LIVE_FRAGMENTS).module
    if kind is LiveKind.TURN:
        # A final line replaces its speaker's partial one.
        gone = f'<li id="partial-{data["speakerId"]}" hx-swap-oob="delete"></li>'
        return str(live.turn(data, True)) + gone
    if kind is LiveKind.PARTIAL:
        return str(live.partial(data, True))
    if kind is LiveKind.PARTICIPANT:
        return str(live.participant(data, True))
    if kind is LiveKind.REPLY:
        return str(live.reply(data, True))
    if kind is LiveKind.STATUS:
        active = SessionStatus(data["status"]).active
        return "".join(
            str(part)
            for part in (
                live.status(data["status"], data["reason"], True),
                live.step({"at": data["at"], "code": data["code"]}, True),
                live.controls(session_id, active, csrf, True),
            )
        )
    notes = f"/meetings/{session_id}/notes"
    return f'<p id="notes-link" hx-swap-oob="true"><a href="{notes}">The notes are ready</a></p>'


def _message(item: Positioned, session_id: str, csrf: str) -> str:
    event = item.event
    if event.kind is LiveKind.RESET:
        return f"id: {item.position}\nevent: reset\ndata: reset\n\n"
    html = _fragments(event.kind, event.data, session_id, csrf)
    lines = "".join(f"data: {line}\n" for line in html.strip().splitlines())
    return f"id: {item.position}\nevent: update\n{lines}\n"


@router.get("/meetings/{session_id}/live")
async def live_feed(
    request: Request,
    c: ContainerDep,
    account: SignedIn,
    session_id: SessionPath,
    after: POSITION = None,
    last_event_id: Annotated[str | None, Header(max_length=64)] = None,
) -> StreamingResponse:
    session = await dashboard.account_session(c.ports, account.id, session_id)
    csrf = csrf_value(request.cookies.get(COOKIE, ""))

    async def stream() -> AsyncIterator[str]:
        yield f"retry: {RETRY_MS}\n\n"
        async for item in c.live.watch(session.id, last_event_id or after):
            if item is None:
                yield ": keep-alive\n\n"
                continue
            yield _message(item, session.id, csrf)
            if item.event.kind is LiveKind.RESET:
                return

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
