"""A form too large for the app's body cap (a file upload, mostly) answers as a page.

The cap (``api.max_body_bytes``) refuses before any route runs, in the API's JSON error shape;
a browser posting a dashboard form gets the same refusal as a page that says what the limit
is and leads back to where the form was."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from delegate.dashboard.rendering import page

TOO_LARGE = 413


class TooLargePage:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.message = (
            f"The file is too large: this server accepts uploads up to {max_bytes // 1024} KiB"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _browser_form(scope):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def as_page(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == TOO_LARGE:
                replaced = True
                back = scope["path"].rsplit("/", 1)[0] or "/"
                request = Request(scope)
                await page(request, "error.html", TOO_LARGE, message=self.message, back=back)(
                    scope, receive, send
                )
            elif not replaced:
                await send(message)

        await self.app(scope, receive, as_page)


def _browser_form(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    accept = dict(scope["headers"]).get(b"accept", b"")
    return b"text/html" in accept
