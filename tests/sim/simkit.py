"""Helpers for the simulator tests: an in-process receiver, request bodies, polling."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from delegate.sim import Simulator

API_KEY = "sim-key"
RT_URL = "http://receiver/rt?token=s3cr3t"
STATUS_URL = "http://receiver/status"
MakeSim = Callable[..., Simulator]
CreateBot = Callable[..., Awaitable[dict[str, Any]]]

ALL_EVENTS = [
    "transcript.data",
    "transcript.partial_data",
    "participant_events.join",
    "participant_events.leave",
    "participant_events.speech_on",
    "participant_events.speech_off",
    "participant_events.chat_message",
]


@dataclass(frozen=True)
class Received:
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def event(self) -> str:
        return str(self.json["event"])


class Receiver:
    """Records every POST; answers queued failures for a path first, then 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.failures: dict[str, list[int | None]] = {}
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])

    def fail_next(self, path: str, times: int, status: int | None = 500) -> None:
        """The next ``times`` requests to ``path`` answer ``status`` (None: the connection
        breaks, which the simulator sees as a network error)."""
        self.failures.setdefault(path, []).extend([status] * times)

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        self.received.append(
            Received(request.url.path, request.url.query, dict(request.headers), body)
        )
        pending = self.failures.get(request.url.path)
        status = pending.pop(0) if pending else 200
        if status is None:
            raise ConnectionResetError("receiver dropped the connection")
        return Response(status_code=status)

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    @property
    def realtime(self) -> list[Received]:
        return self.at("/rt")

    @property
    def status_hooks(self) -> list[Received]:
        return self.at("/status")


def bot_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "meeting_url": "https://meet.google.com/abc-defg-hij",
        "bot_name": "Ada",
        "metadata": {"session": "s1"},
        "recording_config": {
            "transcript": {"provider": {"recallai_streaming": {"language_code": "en"}}},
            "realtime_endpoints": [{"type": "webhook", "url": RT_URL, "events": ALL_EVENTS}],
        },
    }
    body.update(overrides)
    return body


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` until it holds (the simulator runs on the same loop)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.002)


def client_for(sim: Simulator, key: str | None = API_KEY) -> httpx2.AsyncClient:
    headers = {"authorization": f"Token {key}"} if key else {}
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sim.app), base_url="http://sim", headers=headers
    )


TINY_SCRIPT = """
title = "Tiny"
[join]
joining_s = 1.0
waiting_room_s = 0.0
setup_s = 1.0

[[participants]]
id = 7
name = "Kim"
is_host = true

[[participants]]
id = 8
name = "Lou"
present = false

[[events]]
at = 1.0
who = "Kim"
say = "Hello {bot} how are you"
duration = 2.0

[[events]]
at = 4.0
join = "Lou"

[[events]]
at = 5.0
who = "Lou"
chat = "hi {bot}"
to = "only_bot"

[[events]]
at = 6.0
leave = "Lou"

[[events]]
at = 7.0
end = "call_ended_by_host"
"""


def spaced_script(*times: float, end: float | None = None) -> str:
    """Kim says "line N" at each of ``times`` (simulated seconds), then the host ends."""
    lines = [
        'title = "Spaced"',
        "[join]",
        "joining_s = 0.0",
        "waiting_room_s = 0.0",
        "setup_s = 0.0",
        "[[participants]]",
        "id = 1",
        'name = "Kim"',
    ]
    for index, at in enumerate(times):
        lines += ["[[events]]", f"at = {at}", 'who = "Kim"', f'say = "line {index}"']
    lines += ["[[events]]", f"at = {end if end is not None else times[-1] + 5}", "end = true"]
    return "\n".join(lines)
