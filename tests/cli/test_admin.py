from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from delegate.bootstrap import build
from delegate.cli import app
from delegate.config import Settings
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
