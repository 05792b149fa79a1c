"""``delegate serve`` as a real process: it listens, says where, and refuses a second copy."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from delegate.adapters.db.migrate import current, head
from delegate.config import Settings
from tests.support import make_settings, settings_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_serve(settings: Settings, port: int) -> subprocess.Popen[str]:
    env = settings_env(settings, DELEGATE_API__PORT=str(port))
    return subprocess.Popen(
        [sys.executable, "-m", "delegate", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_healthy(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not become healthy")


def test_serve_listens_upgrades_the_database_and_refuses_a_second_copy(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    port = free_port()
    proc = start_serve(settings, port)
    try:
        wait_healthy(port)
        r = httpx2.get(f"http://127.0.0.1:{port}/v1/bot/list")
        assert r.status_code == 401
        second = start_serve(settings, free_port())
        out, _ = second.communicate(timeout=90)
        if settings.is_sqlite:
            # What it is, not a usage error: which process owns which directory.
            assert second.returncode == 3
            assert f"another delegate serve (pid {proc.pid}) owns the data directory" in out
            assert str(settings.data_dir) in out
            assert "Invalid value" not in out and "Usage" not in out
        else:
            assert second.returncode == 3 and "another delegate serve" in out
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert f"listening on http://127.0.0.1:{port}" in out
    assert "delegate token create" in out
    if settings.is_sqlite:
        assert f"data: {settings.data_dir}" in out
        assert "sqlite" not in out
    assert current(settings.database_url) == head()


def test_a_busy_port_is_one_clear_error_and_exit_code_3(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = start_serve(make_settings(tmp_path), port)
        out, _ = proc.communicate(timeout=60)

    assert proc.returncode == 3
    assert out.strip() == (
        f"Error: cannot listen on 127.0.0.1:{port}: the port is in use (another delegate "
        "serve or sim?); choose another with --port"
    )
