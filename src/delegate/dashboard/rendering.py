"""Templates and the filters they use; one place that turns a domain error into a page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from delegate.api.errors import status_of
from delegate.dashboard.signin import COOKIE, SignInRequired, csrf_value
from delegate.domain.errors import DelegateError
from delegate.domain.sessions import MeetingSession

HERE = Path(__file__).parent
STATIC_URL = "/static/dashboard"
LIVE_FRAGMENTS = "_live.html"
"""The macros both the meeting page and the live feed's events render."""
templates = Jinja2Templates(directory=HERE / "templates")
# Templates ship in the package and do not change while it runs: no stat() per render (the
# live feed renders a fragment for every event to every watcher).
templates.env.auto_reload = False


def when(ms: int | None) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def length(session: MeetingSession) -> str:
    """How long the meeting lasted (or has lasted so far), as h:mm:ss."""
    if session.ended_at is None:
        return ""
    seconds = max(0, (session.ended_at - session.created_at) // 1000)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


templates.env.filters["when"] = when
templates.env.filters["length"] = length
templates.env.filters["clock"] = clock
templates.env.globals["static"] = STATIC_URL


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a full page (or a fragment) with what every template may use."""
    token = request.cookies.get(COOKIE)
    context.setdefault("signed_in", token is not None)
    context["csrf"] = csrf_value(token) if token else ""
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def back_to(request: Request, url: str) -> Response:
    """After a form: a redirect for a plain browser; for htmx, a redirect it follows."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


class PageRoute(APIRoute):
    """Domain errors become an HTML page (the API's JSON mapping stays for /v1); a missing
    sign-in sends a browser to the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                if request.method == "GET" and "text/event-stream" not in request.headers.get(
                    "accept", ""
                ):
                    return RedirectResponse("/signin", status_code=303)
                return page(request, "error.html", 401, message="Sign in first", signed_in=False)
            except DelegateError as exc:
                return page(request, "error.html", status_of(exc), message=exc.message)

        return handle
