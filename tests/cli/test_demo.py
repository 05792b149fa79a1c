"""``delegate demo`` runs the whole loop and shows the delegate's replies and the notes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from delegate.cli import app


def test_demo_runs_a_meeting_and_prints_replies_and_notes(tmp_path: Path) -> None:
    # A path long enough that an 80-column wrap would have split the line that names it.
    data = tmp_path / ("a-data-directory-with-a-long-name-" * 2)
    result = CliRunner().invoke(app, ["demo", "--speed", "60", "--data-dir", str(data)])

    assert result.exit_code == 0, result.output
    out = result.stdout
    lines = out.splitlines()
    assert "Ada (delegate) chat:" in out
    assert "Dana Lee says:" in out
    assert "Meeting notes" in out
    assert "Action items" in out
    assert any(line.startswith("> Dashboard: http://127.0.0.1:") for line in lines), out
    assert "sign in with the demo's token sk-" in out
    assert any(f"data in {data}" in line for line in lines), out
    assert f"data directory: {data}" in lines
    assert "sqlite" not in out
    assert (data / "delegate.db").exists()
    # The end in the order it happened: the last words, then the final status, then notes.
    ended = next(i for i, line in enumerate(lines) if line.startswith("status ended"))
    said = [i for i, line in enumerate(lines) if " says" in line or " chat" in line]
    assert said and said[-1] < ended < lines.index(next(x for x in lines if "Meeting notes" in x))


def test_demo_leaves_no_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    result = CliRunner().invoke(app, ["demo", "--speed", "100"])

    assert result.exit_code == 0, result.output
    assert "removed at exit" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_demo_refuses_an_unknown_script() -> None:
    result = CliRunner().invoke(app, ["demo", "--script", "nope"])

    assert result.exit_code == 2
    assert "unknown script" in result.output
