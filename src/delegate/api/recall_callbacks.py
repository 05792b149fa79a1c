"""The realtime receiver as a plain ASGI handler, in front of the FastAPI app and its
middleware (``app.DelegateApp``).

Recall posts every transcript fragment, chat line and speech on/off of every meeting to this one
route, so it is the only request whose cost is multiplied by the traffic. FastAPI's routing
(tried route by route), dependency resolution and response serialization cost several times what
the receiver itself does; here a request costs one regex match before it reaches the receiver.
Everything else in the API goes through FastAPI. Answers keep the API's shape: ``{"stored"}``
on success, ``{"message", "code"}`` with the usual status on failure.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from urllib.parse import parse_qs

import orjson
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from delegate.api.errors import error_body, status_of
from delegate.domain.errors import DelegateError
from delegate.domain.ids import ID_PATTERN
from delegate.services.ingest import Received, Receiver

log = logging.getLogger(__name__)

REALTIME_PATH = re.compile(
    r"^/(?:api/)?v1/integration/recall/(?P<integration>[^/]+)/session/(?P<session>[^/]+)/realtime/?$"
)
MAX_TOKEN = 256


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


class RealtimeReceiver:
    """Serves ``…/session/{id}/realtime``; any other request is left to the app."""

    def __init__(self, receiver: Receiver, max_bytes: int) -> None:
        self.receiver = receiver
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer the request if it is for the realtime receiver; False when it is not."""
        match = REALTIME_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if match is None:
            return False
        await self._answer(scope, receive, send, match)
        return True

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, match: re.Match[str]
    ) -> None:
        received: Received | None = None
        answer: Mapping[str, object]
        try:
            if scope["method"] != "POST":
                raise _Refused(405, "Method not allowed")
            received = await self._handle(scope, receive, match)
            status, answer = 200, {"stored": received.stored}
        except ClientDisconnect:
            return  # the sender gave up; what was stored stays stored, a retry is deduplicated
        except _Refused as exc:
            status, answer = exc.status, error_body(exc.status, exc.message)
        except DelegateError as exc:
            status = status_of(exc)
            answer = error_body(status, exc.message, exc.code)
        except Exception:
            log.exception("unhandled error on POST %s", scope["path"])
            status, answer = 500, error_body(500, "Internal server error")
        body = orjson.dumps(answer)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if status == 405:
            headers.append((b"allow", b"POST"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if received is not None:
            # After the answer: Recall waits only for the event to be stored.
            await self.receiver.wake(received)

    async def _handle(self, scope: Scope, receive: Receive, match: re.Match[str]) -> Received:
        # Neither the content type nor the size is refused: once the token authenticates the
        # delivery, anything but a 2xx makes Recall give up on the endpoint.
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        token = _token(scope.get("query_string", b""))
        body, size = await self._body(receive)
        return await self.receiver.receive_realtime(
            match["integration"],
            match["session"],
            token,
            headers,
            body,
            too_large=size if size > self.max_bytes else None,
        )

    async def _body(self, receive: Receive) -> tuple[bytes, int]:
        """The body, cut at the cap (the rest is read and dropped), and its full size."""
        chunks: list[bytes] = []
        size = kept = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if kept < self.max_bytes:
                chunks.append(chunk[: self.max_bytes - kept])
                kept += len(chunks[-1])
            if not message.get("more_body", False):
                return b"".join(chunks), size


def _token(query_string: bytes) -> str | None:
    if not query_string:
        return None
    values = parse_qs(query_string.decode("latin-1")).get("token")
    if not values or len(values[-1]) > MAX_TOKEN:
        return None  # no token of ours is that long: answered like a wrong one
    return values[-1]


OPENAPI_PATH = "/v1/integration/recall/{integrationId}/session/{sessionId}/realtime"


def openapi_operation(error: dict[str, object]) -> dict[str, object]:
    """The route's entry in the API description (FastAPI does not see this handler);
    ``error`` is the content of an error response."""
    errors = {
        "401": "Wrong or missing token, wrong signature, or no such session (the same answer)",
    }
    return {
        "post": {
            "tags": ["Recall callbacks"],
            "operationId": "recallRealtime",
            "summary": "Realtime events from Recall for one meeting session",
            "description": "Recall posts transcripts, chat messages and participant events "
            "here (the `realtime_endpoints` URL given when the bot was created). The `token` "
            "is the session's own and authenticates the delivery; with the integration's "
            "`webhookSecret` set, a Standard Webhooks signature (`webhook-id`, "
            "`webhook-timestamp`, `webhook-signature`) that comes with it must be right too. "
            "Every authenticated delivery is answered 200 once stored, even one that cannot be "
            "used (not JSON, no `event`, too large): it is kept raw for inspection. A delivery "
            "seen before answers `stored: false`. Not for API clients: no bearer token is used.",
            "security": [],
            "parameters": [
                {
                    "name": n,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": ID_PATTERN.pattern},
                }
                for n in ("integrationId", "sessionId")
            ]
            + [
                {
                    "name": "token",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "maxLength": MAX_TOKEN},
                }
            ],
            "requestBody": {
                # Any body: an authenticated delivery is answered 2xx and kept, raw when it
                # cannot be used (event ``unusable``), so Recall never retries it forever.
                "required": False,
                "content": {"application/json": {"schema": {}}},
            },
            "responses": {
                "200": {
                    "description": "Stored (or already stored)",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["stored"],
                                "properties": {"stored": {"type": "boolean"}},
                            }
                        }
                    },
                },
                **{
                    status: {"description": text, "content": error}
                    for status, text in errors.items()
                },
            },
        }
    }
