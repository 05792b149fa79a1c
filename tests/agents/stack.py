"""A running ``delegate sim`` and ``delegate serve`` (real processes on free ports), with two
accounts' tokens and, for the first, a bot and an integration set up; and the MCP calls the
tests make, with what they answer parsed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from mcp import Client
from mcp_types import CallToolResult, TextContent

from delegate.config import Settings
from delegate_client import Delegate
from tests.support import free_port, make_settings, settings_env, wait_for

T = TypeVar("T")
MEETING_URL = "https://zoom.us/j/1234567890"


@dataclass
class Stack:
    api_url: str
    sim_url: str
    env: dict[str, str]
    token: str
    other_token: str
    integration_id: str

    @property
    def mcp_url(self) -> str:
        return f"{self.api_url}/mcp"


def _tokens(env: dict[str, str], *accounts: str) -> list[str]:
    """One new token per account, created by ``delegate token create`` (run side by side)."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "delegate", "token", "create", "--account", account],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for account in accounts
    ]
    outputs = [proc.communicate(timeout=60)[0] for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), outputs
    return [out.strip().splitlines()[-1].strip() for out in outputs]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_stack(tmp_path: Path, speed: float = 2) -> Iterator[Stack]:
    """Start the simulator and the server; stop both when the generator closes."""
    settings: Settings = make_settings(tmp_path)
    api_port, sim_port = free_port(), free_port()
    api_url, sim_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{sim_port}"
    env = settings_env(
        settings,
        DELEGATE_API__PORT=str(api_port),
        DELEGATE_RECALL__BASE_URL=sim_url,
        DELEGATE_BASE_URL=api_url,
    )
    log = (tmp_path / "processes.log").open("wb")
    sim = subprocess.Popen(
        [sys.executable, "-m", "delegate", "sim", "--port", str(sim_port), "--speed", str(speed)],
        env=env,
        stdout=log,
        stderr=log,
    )
    serve = None
    try:
        serve = subprocess.Popen(
            [sys.executable, "-m", "delegate", "serve"], env=env, stdout=log, stderr=log
        )
        wait_for(f"{api_url}/healthz")
        wait_for(f"{sim_url}/api/v1/bot/")
        token, other = _tokens(env, "alice", "mallory")
        with Delegate(api_key=token, base_url=api_url) as api:
            bot = api.bot.create(name="Ada", backstory="You are a concise note taker.")
            integration = api.integration.recall.create(
                name="sim", bot_id=bot.id, api_key="sim-key"
            )
            api.integration.recall.setup(integration.id)
        yield Stack(api_url, sim_url, env, token, other, integration.id)
    finally:
        if serve is not None:
            _stop(serve)
        _stop(sim)
        log.close()


def answer(result: CallToolResult) -> dict[str, Any]:
    """The JSON a tool answered (its error included)."""
    text = "".join(c.text for c in result.content if isinstance(c, TextContent))
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


async def ok(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """Call a tool that must succeed; its answer."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, answer(result)
    return answer(result)


async def refused(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """Call a tool that must fail; its ``{message, code}``."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error, answer(result)
    error = answer(result)
    assert set(error) == {"message", "code"}, error
    return error


async def eventually(probe: Callable[[], Awaitable[T | None]], what: str, timeout: float = 90) -> T:
    """Poll ``probe`` until it answers something, within ``timeout`` seconds."""
    import anyio

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await anyio.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")
