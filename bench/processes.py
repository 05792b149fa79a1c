"""Starting the servers under test as subprocesses on loopback, pinned to their own core.

On two cores the load generator and the server compete for CPU; pinning the server to core 0
and the generator (this process) to core 1 keeps each from stealing the other's time slices,
so a change in the numbers is a change in the server, not in the scheduler's mood.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVER_CORE = 0
LOAD_CORE = 1


@functools.cache
def cores() -> frozenset[int]:
    """The cores this process could use before it pinned itself (cached on first call)."""
    return frozenset(os.sched_getaffinity(0))


def can_pin() -> bool:
    return len(cores()) >= 2


def pin_self(core: int) -> bool:
    """Pin this process (and threads it starts later) to ``core``; False when not possible."""
    if not can_pin() or core not in cores():
        return False
    os.sched_setaffinity(0, {core})
    return True


def core_list(chosen: int | None) -> str:
    """taskset's list: one core, or all of them (a child must not inherit our single core)."""
    return str(chosen) if chosen is not None else ",".join(str(c) for c in sorted(cores()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**overrides: str) -> dict[str, str]:
    """This environment without any ``DELEGATE_*`` setting, plus ``overrides``: a benchmark
    must not pick up the developer's database or Recall URL by accident."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DELEGATE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(overrides)
    return env


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    pinned: bool

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    async def wait_ready(self, path: str = "/healthz", timeout_s: float = 30.0) -> float:
        """Wait until ``GET path`` answers 200; returns the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            if await _http_ok(self.port, path):
                return time.monotonic() - started
            await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready after {timeout_s:.0f} s:\n{self.log_tail()}")

    def stop(self, kill: bool = False, timeout_s: float = 15.0) -> None:
        """Stop the server: SIGTERM (uvicorn's graceful shutdown) or, with ``kill``, SIGKILL,
        the crash a durability check wants."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start(
    name: str,
    args: list[str],
    env: dict[str, str],
    port: int,
    log_path: Path,
    core: int | None = SERVER_CORE,
) -> Server:
    """Start ``python args...`` pinned to ``core`` with taskset when there are two cores;
    with ``core=None`` the server may use every core (also when this process is pinned)."""
    cmd = [sys.executable, *args]
    pinned = core is not None and can_pin()
    if shutil.which("taskset") is not None and can_pin():
        cmd = ["taskset", "-c", core_list(core if pinned else None), *cmd]
    else:
        pinned = False
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # taskset execs the server: proc.pid is the server itself
            cmd, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return Server(name, proc, port, log_path, pinned)


async def _http_ok(port: int, path: str) -> bool:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1.0)
    except (OSError, TimeoutError):
        return False
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        writer.write(request.encode())
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 2.0)
        return line.split(b" ")[1:2] == [b"200"]
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        return False
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
