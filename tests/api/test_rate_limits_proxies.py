"""Behind a reverse proxy, the failed-authentication limit counts the client the proxy names
in ``X-Forwarded-For``, but only for a proxy the server trusts (``api.trusted_proxies``):
an untrusted peer sending the header is still counted under its own address, so it cannot
dodge the limit by naming a new address with each guess. Served by a real ``delegate serve``,
because reading the header is the server's (uvicorn's) doing, not the app's."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from delegate.config import Settings
from tests.cli.test_serve import free_port, wait_healthy
from tests.support import make_settings, settings_env

BURST = 3
"""Bad tokens one address may present before it is refused 429."""


@contextmanager
def serving(tmp_path: Path, **env: str) -> Iterator[str]:
    """A ``delegate serve`` with a small failed-authentication budget; yields its base URL."""
    settings = make_settings(tmp_path)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "delegate", "serve"],
        env=settings_env(
            settings,
            DELEGATE_API__PORT=str(port),
            DELEGATE_LIMITS__AUTH_FAILURES_BURST=str(BURST),
            # One a minute: nothing refills while the test runs.
            DELEGATE_LIMITS__AUTH_FAILURES_PER_MINUTE="1",
            **env,
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def guess(base: str, forwarded_for: str | None = None) -> int:
    """The status of one request with a wrong token, sent from 127.0.0.1 (as a proxy on the
    same machine would), naming ``forwarded_for`` as the client if given."""
    headers = {"Authorization": "Bearer sk-guessed"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    return httpx2.get(f"{base}/v1/bot/list", headers=headers).status_code


@pytest.mark.slow
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(tmp_path: Path) -> None:
    with serving(tmp_path) as base:  # the default trusts the loopback proxy
        first = [guess(base, "203.0.113.1") for _ in range(BURST + 1)]
        second = guess(base, "203.0.113.2")
        proxy_itself = guess(base)
        # A proxy appends the peer it saw: the client is the last address it did not add.
        chained = guess(base, "198.51.100.9, 203.0.113.1")

    assert first == [401] * BURST + [429]
    assert second == 401, "another client behind the proxy is not refused"
    assert proxy_itself == 401
    assert chained == 429, "the client the proxy saw is counted, not what it claimed before"


@pytest.mark.slow
@pytest.mark.parametrize("trusted", ["", "10.0.0.0/8"])
def test_an_untrusted_peer_cannot_dodge_the_limit_with_x_forwarded_for(
    tmp_path: Path, trusted: str
) -> None:
    with serving(tmp_path, DELEGATE_API__TRUSTED_PROXIES=trusted) as base:
        spoofed = [guess(base, f"203.0.113.{n}") for n in range(1, BURST + 3)]
        plain = guess(base)

    assert spoofed == [401] * BURST + [429, 429], "every guess counts against the peer"
    assert plain == 429


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("10.0.0.300", "'10.0.0.300' is not an IP address or a network like 10.0.0.0/8"),
        ("10.0.0.1/8", "did you mean 10.0.0.0/8?"),
        ("proxy.internal", "'proxy.internal' is not an IP address"),
        ("*, 10.0.0.1", "'*' trusts every peer: give it alone"),
    ],
)
def test_a_bad_trusted_proxies_value_stops_serve_at_start_naming_it(
    tmp_path: Path, value: str, why: str
) -> None:
    settings = make_settings(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "delegate", "serve", "--port", str(free_port())],
        env=settings_env(settings, DELEGATE_API__TRUSTED_PROXIES=value),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert done.stderr.startswith("Error: DELEGATE_API__TRUSTED_PROXIES: ")
    assert why in done.stderr
    assert "Traceback" not in done.stderr and "listening" not in done.stdout


def test_trusted_proxies_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().api.trusted_proxy_list == ["127.0.0.1", "::1"]

    monkeypatch.setenv("DELEGATE_API__TRUSTED_PROXIES", " 10.0.0.0/8 , fd00::/8,192.0.2.7")
    assert Settings().api.trusted_proxy_list == ["10.0.0.0/8", "fd00::/8", "192.0.2.7"]

    monkeypatch.setenv("DELEGATE_API__TRUSTED_PROXIES", "")
    assert Settings().api.trusted_proxy_list == []
