"""The live feed of one meeting as server-sent events: HTML fragments the page swaps in.

Each event carries its feed position as its SSE id, so a browser that reconnects sends
``Last-Event-ID`` and resumes where it was; the page's first connection starts from the
position it was rendered at (``after``). Each event's fragment is rendered once from the hub's
event and shared by the tabs watching it: nothing is read from the database while a tab watches.
"""

from __future__ import annotations

from collections import OrderedDict
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
KEEP_ALIVE = b": keep-alive\n\n"
POSITION = Annotated[str | None, Query(max_length=64, pattern=r"^[0-9a-f]+-[0-9]+$")]


FRAMES_KEPT = 4096
"""Encoded frames kept in this process, newest last: enough for every tab of a busy meeting to
take its frame from here however far behind it is (a watcher's queue is bounded too)."""


class Frames:
    """Each event's SSE frame, rendered and encoded once and shared by every tab watching it.
    A status change is the exception: its controls carry each tab's own CSRF token."""

    def __init__(self) -> None:
        self._macros: Any = None
        self._kept: OrderedDict[str, bytes] = OrderedDict()

    def load(self) -> None:
        """Compile the fragments now rather than on the first live event, mid-meeting."""
        self._macros = templates.env.get_template(LIVE_FRAGMENTS).module

    def frame(self, item: Positioned, session_id: str, csrf: str) -> bytes:
        event = item.event
        if event.kind is LiveKind.RESET:
            # Not kept: a reset carries the feed's current position, which an event also has.
            return f"id: {item.position}\nevent: reset\ndata: reset\n\n".encode()
        if event.kind is LiveKind.STATUS:
            return _encode(item.position, self._status(event.data, session_id, csrf))
        kept = self._kept.get(item.position)
        if kept is None:
            kept = _encode(item.position, self._fragments(event.kind, event.data, session_id))
            self._kept[item.position] = kept
            if len(self._kept) > FRAMES_KEPT:
                self._kept.popitem(last=False)
        return kept

    @property
    def _live(self) -> Any:
        if self._macros is None:
            self.load()
        return self._macros

    def _fragments(self, kind: LiveKind, data: dict[str, Any], session_id: str) -> str:
        """The HTML an event carries: out-of-band swaps onto the page's elements
        (``_live.html``)."""
        live = self._live
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
        notes = f'<a href="/meetings/{session_id}/notes">The notes are ready</a>'
        return f'<p id="notes-link" hx-swap-oob="true">{notes}</p>'

    def _status(self, data: dict[str, Any], session_id: str, csrf: str) -> str:
        live = self._live
        active = SessionStatus(data["status"]).active
        return "".join(
            str(part)
            for part in (
                live.status(data["status"], data["reason"], True),
                live.step(
                    {"event_id": data["eventId"], "at": data["at"], "code": data["code"]}, True
                ),
                live.controls(session_id, active, csrf, True),
            )
        )


def _encode(position: str, html: str) -> bytes:
    lines = "".join(f"data: {line}\n" for line in html.strip().splitlines())
    return f"id: {position}\nevent: update\n{lines}\n".encode()


frames = Frames()


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

    async def stream() -> AsyncIterator[bytes]:
        yield f"retry: {RETRY_MS}\n\n".encode()
        async for item in c.live.watch(session.id, last_event_id or after):
            if item is None:
                yield KEEP_ALIVE
                continue
            yield frames.frame(item, session.id, csrf)
            if item.event.kind is LiveKind.RESET:
                return

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
