"""The README's Quickstart, followed literally: its commands, in one bash, with real
``delegate sim`` and ``delegate serve`` processes. Status must be live: the session is seen in
the call, and ended, within a few seconds of the simulator's change, not at the next 30 s poll.

What the test changes, as a user on a busy machine would: free ports instead of 8900 and 8000,
its own data directory (XDG_DATA_HOME), the ids the commands printed for the ``<...>``
placeholders, and ``scripts/install && source .venv/bin/activate`` done already (this venv
on PATH)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx2
import pytest

from tests.support import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
LIVE_S = 5.0
"""How soon after the simulator's change the session must show it ("a few seconds")."""
ID = re.compile(r"\b([a-z][a-z0-9]{23})\b")
DONE = "__quickstart_done__"


def quickstart_commands() -> list[str]:
    """The Quickstart's shell commands: continuation lines joined, comments dropped."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1]
    block = section.split("```bash\n", 1)[1].split("\n```", 1)[0]
    commands: list[str] = []
    pending = ""
    for raw in block.splitlines():
        line = raw.split("  #", 1)[0].rstrip() if not raw.startswith("#") else ""
        if not line.strip():
            continue
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        commands.append(pending + line)
        pending = ""
    return commands


class Shell:
    """One bash fed the commands one by one, as a user types them."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            ["bash"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def run(self, command: str, timeout: float = 120) -> tuple[int, str]:
        """Run ``command``; its exit code and what it printed on stdout (background jobs
        may add their banners)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{command}\nprintf '\\n{DONE} %s\\n' $?\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"bash ended during {command!r}: {''.join(lines)}")
            if line.startswith(DONE):
                return int(line.split()[1]), "".join(lines)
            lines.append(line)
        raise AssertionError(f"{command!r} did not finish in {timeout} s")

    def close(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


def created_id(output: str, noun: str) -> str:
    found = re.search(rf"Created {noun} ([a-z][a-z0-9]{{23}})", output)
    assert found, output
    return found.group(1)


def sim_change(sim: str, bot_id: str, codes: tuple[str, ...]) -> datetime:
    bot = httpx2.get(f"{sim}/api/v1/bot/{bot_id}/", headers={"Authorization": "Token sim-key"})
    changes = [c for c in bot.json()["status_changes"] if c["code"] in codes]
    assert changes, bot.json()["status_changes"]
    return datetime.fromisoformat(changes[0]["created_at"].replace("Z", "+00:00"))


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[tuple[Shell, int, int]]:
    api_port, sim_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DELEGATE_")},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "XDG_DATA_HOME": str(tmp_path / "data-home"),
        "DELEGATE_API__PORT": str(api_port),
        "DELEGATE_BASE_URL": f"http://127.0.0.1:{api_port}",
        "NO_COLOR": "1",
    }
    sh = Shell(env, tmp_path / "stderr.log")
    try:
        yield sh, api_port, sim_port
    finally:
        sh.close()


def test_the_readme_quickstart_shows_status_live(
    shell: tuple[Shell, int, int], tmp_path: Path
) -> None:
    sh, api_port, sim_port = shell
    api, sim = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{sim_port}"
    ids: dict[str, str] = {}
    outputs: dict[str, str] = {}
    commands = quickstart_commands()
    assert commands[0] == "scripts/install && source .venv/bin/activate"
    for written in commands[1:]:
        command = written.replace(":8900", f":{sim_port}").replace(
            "--port 8900", f"--port {sim_port}"
        )
        for name, value in ids.items():
            command = command.replace(f"<{name}>", value)
        assert "<" not in command, f"a placeholder the Quickstart never filled: {command}"
        started = time.monotonic()
        code, out = sh.run(command)
        assert code == 0, (command, out, (tmp_path / "stderr.log").read_text())
        outputs[written.split(" <")[0]] = out
        if command.startswith("delegate sim"):
            wait_for(f"{sim}/api/v1/bot/")
        elif "delegate serve" in command:
            wait_for(f"{api}/healthz")
        elif command.startswith("delegate bot create"):
            ids["bot id"] = created_id(out, "bot")
        elif command.startswith("delegate integration create"):
            ids["integration id"] = created_id(out, "integration")
        elif command.startswith("delegate initiate"):
            joined_seen = time.time()
            assert "in_call" in out or "recording" in out, out
            session = next(
                m.group(1) for m in ID.finditer(out) if m.group(1) != ids["integration id"]
            )
            ids["session id"] = session
        elif command.startswith("delegate session notes"):
            notes_seen = time.monotonic() - started
            assert "Summary" in out and "Action items" in out, out

    token_line = sh.run("echo $DELEGATE_TOKEN")[1].strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token_line}"}
    path = f"{api}/v1/integration/recall/{ids['integration id']}/session/{ids['session id']}"
    found = httpx2.get(f"{path}/fetch", headers=headers).json()
    bot_id = found["recallBotId"]

    joined = sim_change(sim, bot_id, ("in_call_not_recording", "in_call_recording"))
    ended = sim_change(sim, bot_id, ("call_ended",))
    assert found["status"] == "ended"
    # Seen by `initiate --wait` (which polls every second) and stored by the server, each
    # within a few seconds of the simulated Recall's change.
    joined_lag = joined_seen - joined.timestamp()
    ended_lag = found["endedAt"] / 1000 - ended.timestamp()
    assert joined_lag < LIVE_S, f"in the call {joined_lag:.1f} s after the simulator said so"
    assert ended_lag < LIVE_S, f"ended {ended_lag:.1f} s after the simulator's call_ended"
    assert notes_seen < 120
    assert "Priya Shah" in outputs["delegate session transcript"]
