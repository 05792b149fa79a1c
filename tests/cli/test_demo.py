"""``delegate demo`` runs the whole loop and shows the delegate's replies and the notes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from delegate.cli import app


def test_demo_runs_a_meeting_and_prints_replies_and_notes(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--speed", "60", "--data-dir", str(tmp_path / "demo")]
    )

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Ada (delegate) chat:" in out
    assert "Dana Lee says:" in out
    assert "status ended" in out
    assert "Meeting notes" in out
    assert "Action items" in out
    assert str(tmp_path / "demo") in out
    assert (tmp_path / "demo" / "delegate.db").exists()


def test_demo_refuses_an_unknown_script() -> None:
    result = CliRunner().invoke(app, ["demo", "--script", "nope"])

    assert result.exit_code == 2
    assert "unknown script" in result.output
