from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from delegate.bootstrap import build
from delegate.cli import app
from delegate.config import Settings
from delegate.services.accounts import authenticate

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DELEGATE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_token_create_prints_a_token_that_authenticates(data_dir: Path) -> None:
    result = runner.invoke(app, ["token", "create", "--account", "ops"])

    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    assert token.startswith("sk-")

    async def check() -> str:
        container = build(Settings(data_dir=data_dir))
        try:
            return (await authenticate(container.uow, token)).name
        finally:
            await container.aclose()

    assert asyncio.run(check()) == "ops"
    assert token.encode() not in (data_dir / "delegate.db").read_bytes()


def test_db_upgrade_and_key_rotation_commands(data_dir: Path) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and "revision" in upgraded.stdout

    added = runner.invoke(app, ["keys", "add"])
    assert added.exit_code == 0, added.output
    assert len((data_dir / "secret.key").read_text().splitlines()) == 2
    reencrypted = runner.invoke(app, ["keys", "reencrypt"])
    assert reencrypted.exit_code == 0
    assert "0 integration" in reencrypted.stdout
