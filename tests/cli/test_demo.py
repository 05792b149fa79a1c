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


async def test_demo_pushes_the_meetings_events_to_a_webhook_url(tmp_path: Path) -> None:
    from rich.console import Console

    from delegate.demo.runner import DemoOptions, run_demo
    from delegate.demo.view import LiveView
    from tests.webhooks.receiver import Receiver, running_receiver

    console = Console(record=True, width=200)
    async with running_receiver(Receiver()) as receiver:
        # The receiver takes every event; they are verified below with the secret the demo
        # printed, as its user would.
        options = DemoOptions(data_dir=tmp_path, speed=100, webhook_url=receiver.url)
        await run_demo(options, LiveView(console))
    out = console.export_text()
    secret = next(w for w in out.split() if w.startswith("whsec_"))
    types = {a.event["type"] for a in receiver.arrivals}

    assert f"events go to {receiver.url}" in out
    assert "Webhook deliveries:" in out and "pending" not in out.split("Webhook deliveries:")[1]
    assert {"session.created", "session.turn", "session.notes_ready"} <= types
    assert all(a.verifies_with(secret) for a in receiver.arrivals)


def test_demo_with_voice_answers_aloud_and_saves_what_it_said(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = CliRunner().invoke(app, ["demo", "--voice", "--speed", "20", "--data-dir", str(data)])

    assert result.exit_code == 0, result.output
    [folder] = list((data / "demo-audio").iterdir())
    clips = sorted(folder.glob("*.mp3"))
    said = (folder / "said.txt").read_text(encoding="utf-8").splitlines()
    assert clips and len(said) == len(clips)
    assert all(clip.stat().st_size > 1000 for clip in clips)
    assert "Ada (delegate) says:" in result.stdout
    assert f"spoken answers saved in {folder}" in result.stdout
