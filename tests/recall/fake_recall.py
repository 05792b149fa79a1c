"""A stand-in for Recall's REST API behind ``httpx2.MockTransport``, recording requests as data.

By default it behaves like Recall (auth, bot create/retrieve/list/delete, bot actions, the WAF's
403 for a GET with a body); answers queued with ``answer()``/``fail()`` are served first, in
order, to script errors and retries.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2
import orjson

API_KEY = "test-key"
FIXTURES = Path(__file__).parent.parent / "fixtures" / "recall"


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


@dataclass(frozen=True)
class Seen:
    """One request as Recall received it."""

    method: str
    host: str
    path: str
    """As sent, percent-escapes included."""
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: Any
    timeout: dict[str, float | None]


def _platform(url: str) -> dict[str, Any]:
    if "meet.google.com" in url:
        return {"meeting_id": url.rstrip("/").rsplit("/", 1)[-1], "platform": "google_meet"}
    return {"meeting_id": "123456789", "meeting_password": None, "platform": "zoom"}


class FakeRecall:
    page_size = 2

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.bots: dict[str, dict[str, Any]] = {}
        self._queued: deque[Callable[[httpx2.Request], httpx2.Response]] = deque()

    def answer(
        self,
        status: int,
        json: Any = None,
        *,
        text: str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests with this response."""
        for _ in range(times):
            if text is not None:
                self._queued.append(lambda _r: httpx2.Response(status, text=text, headers=headers))
            else:
                self._queued.append(lambda _r: httpx2.Response(status, json=json, headers=headers))

    def fail(self, error: type[httpx2.TransportError], times: int = 1) -> None:
        """Make the next ``times`` requests fail in transport (timeouts, refused connections)."""

        def raise_(request: httpx2.Request) -> httpx2.Response:
            raise error("simulated", request=request)

        self._queued.extend([raise_] * times)

    @property
    def calls(self) -> list[tuple[str, str]]:
        return [(seen.method, seen.path) for seen in self.requests]

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = orjson.loads(request.content) if request.content else None
        self.requests.append(
            Seen(
                method=request.method,
                host=request.url.host,
                path=request.url.raw_path.decode().partition("?")[0],
                query=list(request.url.params.multi_items()),
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body,
                timeout=dict(request.extensions.get("timeout", {})),
            )
        )
        if self._queued:
            return self._queued.popleft()(request)
        return self._default(request, body)

    def add_bot(self, meeting_url: str, **fields: Any) -> dict[str, Any]:
        bot = {
            "id": str(uuid.uuid4()),
            "meeting_url": _platform(meeting_url),
            "bot_name": "Meeting Notetaker",
            "join_at": None,
            "status_changes": [],
            "recordings": [],
            "calendar_meetings": [],
            "metadata": {},
            **fields,
        }
        self.bots[bot["id"]] = bot
        return bot

    def _default(self, request: httpx2.Request, body: Any) -> httpx2.Response:
        if request.headers.get("authorization") != f"Token {API_KEY}":
            return httpx2.Response(401, json={"detail": "Invalid token."})
        if request.method == "GET" and request.content:
            return httpx2.Response(403, text="<html><h1>403 ERROR</h1>Request blocked.</html>")
        parts = request.url.path.removeprefix("/api/v1/").strip("/").split("/")
        if parts == ["bot"] and request.method == "POST":
            fields = {k: v for k, v in body.items() if k != "meeting_url"}
            return httpx2.Response(201, json=self.add_bot(body["meeting_url"], **fields))
        if parts == ["bot"] and request.method == "GET":
            return self._list(request)
        if parts[0] != "bot" or parts[1] not in self.bots:
            return httpx2.Response(404, json={"detail": "Not found."})
        bot = self.bots[parts[1]]
        action = parts[2] if len(parts) > 2 else None
        if action is None and request.method == "GET":
            return httpx2.Response(200, json=bot)
        if action is None and request.method == "DELETE":
            del self.bots[bot["id"]]
            return httpx2.Response(204)
        if action in ("output_media", "output_audio") and request.method == "DELETE":
            return httpx2.Response(204)
        if request.method == "POST":
            return httpx2.Response(200, json=bot)
        return httpx2.Response(405, json={"detail": f'Method "{request.method}" not allowed.'})

    def _list(self, request: httpx2.Request) -> httpx2.Response:
        page = int(request.url.params.get("page", "1"))
        bots = list(self.bots.values())
        start = (page - 1) * self.page_size
        more = start + self.page_size < len(bots)
        query = [(k, v) for k, v in request.url.params.multi_items() if k != "page"]
        # Recall builds ``next`` from the host it sees, which behind a proxy is not ours.
        next_url = (
            "http://internal-lb:8000/api/v1/bot/?" + urlencode([*query, ("page", str(page + 1))])
            if more
            else None
        )
        return httpx2.Response(
            200,
            json={
                "count": len(bots),
                "next": next_url,
                "previous": None,
                "results": bots[start : start + self.page_size],
            },
        )
