"""A fake OpenAI-compatible server: a real HTTP server on loopback, scripted answers.

It implements ``POST /v1/chat/completions``, records every request body as data and answers
from a script: a completion, an HTTP error, or a stall (to exercise timeouts).
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@dataclass(frozen=True)
class Stall:
    seconds: float


@dataclass(frozen=True)
class Fail:
    status: int
    message: str = "upstream exploded"


Scripted = dict[str, Any] | Stall | Fail


def completion(
    content: str | None = None, tool_calls: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """A Chat Completions response body; ``tool_calls`` are (name, arguments JSON) pairs."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": a}}
            for i, (n, a) in enumerate(tool_calls)
        ]
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


@dataclass
class FakeLlm:
    requests: list[dict[str, Any]] = field(default_factory=list)
    script: list[Scripted] = field(default_factory=list)
    port: int = 0
    models: tuple[str, ...] = ("default-model", "bot-model")
    """What ``GET /v1/models`` lists."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reset(self, *script: Scripted) -> None:
        self.requests.clear()
        self.script[:] = list(script)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/models")
        async def models() -> JSONResponse:
            served = [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models
            ]
            return JSONResponse({"object": "list", "data": served})

        @app.post("/v1/chat/completions")
        async def chat_completions(request: Request) -> JSONResponse:
            self.requests.append(await request.json())
            answer = self.script.pop(0) if self.script else completion("(no script)")
            if isinstance(answer, Stall):
                await asyncio.sleep(answer.seconds)
                return JSONResponse(completion("too late"))
            if isinstance(answer, Fail):
                return JSONResponse(
                    {"error": {"message": answer.message, "type": "server_error"}},
                    status_code=answer.status,
                )
            return JSONResponse(answer)

        return app


class RunningServer:
    """uvicorn serving ``FakeLlm`` in a background thread on a free loopback port."""

    def __init__(self, fake: FakeLlm) -> None:
        config = uvicorn.Config(
            fake.app(),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            timeout_graceful_shutdown=1,
            lifespan="off",
        )
        self.fake = fake
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> FakeLlm:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("fake LLM server did not start")
            time.sleep(0.01)
        socket = self.server.servers[0].sockets[0]
        self.fake.port = socket.getsockname()[1]
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
