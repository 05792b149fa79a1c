from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from delegate.bootstrap import build
from delegate.cli import app
from delegate.config import Settings
from delegate.domain.errors import NotAuthenticated
from delegate.services.accounts import authenticate
from tests.support import delegate_env, make_settings, stored_bytes

runner = CliRunner()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The test's settings, which the CLI reads from the environment."""
    settings = make_settings(tmp_path)
    for name, value in delegate_env(settings).items():
        monkeypatch.setenv(name, value)
    return settings


def test_token_create_prints_a_token_that_authenticates(settings: Settings) -> None:
    result = runner.invoke(app, ["token", "create", "--account", "ops"])

    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    assert token.startswith("sk-")

    async def check() -> str:
        container = build(settings)
        try:
            return (await authenticate(container.uow, token)).name
        finally:
            await container.aclose()

    assert asyncio.run(check()) == "ops"
    assert token.encode() not in stored_bytes(settings)


def test_db_upgrade_and_key_rotation_commands(settings: Settings) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and "revision" in upgraded.stdout

    added = runner.invoke(app, ["keys", "add"])
    assert added.exit_code == 0, added.output
    assert len(settings.key_file.read_text().splitlines()) == 2
    reencrypted = runner.invoke(app, ["keys", "reencrypt"])
    assert reencrypted.exit_code == 0
    assert "0 integration" in reencrypted.stdout


def test_tokens_are_listed_by_id_and_hint_and_revoked_at_once(settings: Settings) -> None:
    first = runner.invoke(app, ["token", "create", "--account", "ops"]).stdout.split()[0]
    second = runner.invoke(app, ["token", "create", "--account", "ops"]).stdout.split()[0]

    listed = runner.invoke(app, ["token", "list", "--account", "ops"])
    assert listed.exit_code == 0, listed.output
    assert first not in listed.stdout and second not in listed.stdout
    assert f"{first[:7]}…" in listed.stdout and f"{second[:7]}…" in listed.stdout
    rows = [line for line in listed.stdout.splitlines() if "ops" in line]
    token_id = rows[0].split()[1]
    assert len(token_id) == 24

    revoked = runner.invoke(app, ["token", "revoke", token_id])
    assert revoked.exit_code == 0 and token_id in revoked.stdout

    async def account_of(token: str) -> str:
        container = build(settings)
        try:
            return (await authenticate(container.uow, token)).name
        finally:
            await container.aclose()

    with pytest.raises(NotAuthenticated, match="Unknown or revoked API token"):
        asyncio.run(account_of(first))
    assert asyncio.run(account_of(second)) == "ops"
    after = runner.invoke(app, ["token", "list"])
    assert token_id not in after.stdout and f"{second[:7]}…" in after.stdout
    again = runner.invoke(app, ["token", "revoke", token_id])
    assert again.exit_code == 1 and "already revoked" in again.stderr


def test_one_private_data_directory_per_user_whatever_the_working_directory(
    tmp_path: Path,
) -> None:
    """``token create`` in one directory and ``token list`` (like ``serve``) in another use
    the same database: the user's data directory, created 0700 with its files 0600."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DELEGATE_")},
        "XDG_DATA_HOME": str(tmp_path / "home"),
    }
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    delegate = [sys.executable, "-m", "delegate"]

    made = subprocess.run(
        [*delegate, "token", "create", "--account", "me"],
        cwd=here, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    listed = subprocess.run(
        [*delegate, "token", "list"], cwd=there, env=env, capture_output=True, text=True
    )

    data = tmp_path / "home" / "delegate"
    assert f"data: {data}" in made.stderr
    assert made.stdout.strip()[:7] in listed.stdout
    assert not (here / ".delegate").exists() and not (there / ".delegate").exists()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("delegate.db", "secret.key"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name


def test_a_secret_from_empty_stdin_is_a_usage_error(settings: Settings) -> None:
    result = runner.invoke(
        app,
        ["integration", "create", "--api-key", "-", "--token", "sk-x"],
        input="",
    )

    assert result.exit_code == 2
    assert "stdin, which was empty" in result.output
