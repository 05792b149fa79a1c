"""``delegate sim`` serves the simulated Recall API over HTTP (loopback only)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx2
import typer
from typer.testing import CliRunner

from delegate.cli.sim import sim

SERVE = (
    "import typer, sys\n"
    "from delegate.cli.sim import sim\n"
    "app = typer.Typer()\n"
    "app.command()(sim)\n"
    "app(sys.argv[1:])\n"
)


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(sim)
    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(_app(), ["--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--api-key", "--webhook-url", "--webhook-secret"):
        assert option in result.output
    assert "--speed" in result.output
    assert "--script" in result.output


def test_bad_script_is_a_usage_error() -> None:
    result = CliRunner().invoke(_app(), ["--script", "no-such-script"])
    assert result.exit_code == 2
    bad_mapping = CliRunner().invoke(_app(), ["--script-for", "nothing"])
    assert bad_mapping.exit_code == 2


def test_serves_the_api_on_loopback() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--port", str(port), "--api-key", "k1", "--speed", "500"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 40
        while True:
            try:
                httpx2.get(f"{base}/api/v1/bot/", timeout=1)
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.05)
        headers = {"authorization": "Token k1"}
        created = httpx2.post(
            f"{base}/api/v1/bot",
            json={"meeting_url": "https://zoom.us/j/123456789"},
            headers=headers,
        )
        assert created.status_code == 201
        bot_id = created.json()["id"]
        while True:
            bot = httpx2.get(f"{base}/api/v1/bot/{bot_id}/", headers=headers).json()
            if bot["status_changes"] and bot["status_changes"][-1]["code"] == "in_call_recording":
                break
            assert time.monotonic() < deadline, "the bot never started recording"
            time.sleep(0.02)
        assert httpx2.get(f"{base}/api/v1/bot/", headers={"authorization": "x"}).status_code == 401
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"listening on http://127.0.0.1:{port}" in output
