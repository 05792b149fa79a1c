"""``delegate mcp`` before it serves: it needs a token, and says how to give one."""

from __future__ import annotations

from typer.testing import CliRunner

from delegate.cli import app


def test_without_a_token_it_says_how_to_give_one() -> None:
    result = CliRunner().invoke(app, ["mcp"], env={"DELEGATE_TOKEN": ""})
    assert result.exit_code == 2
    assert "pass --token or set DELEGATE_TOKEN" in result.output


def test_its_help_says_it_needs_a_running_server() -> None:
    result = CliRunner().invoke(app, ["mcp", "--help"])
    assert result.exit_code == 0
    assert "--token" in result.output and "--base-url" in result.output
    assert "delegate serve" in result.output
