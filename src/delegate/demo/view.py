"""The demo's terminal view: transcript lines as they arrive, who is present, the delegate's
replies highlighted, status changes, then the notes. Plain lines, so it also reads well when
the output is a file or a CI log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel


class LiveView:
    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False)
        self._seen: dict[int, str] = {}
        self._status: str | None = None
        self._present: set[str] = set()

    def step(self, text: str) -> None:
        self.console.print(f"[bold cyan]>[/] {escape(text)}")

    def update(self, session: dict[str, Any], turns: list[dict[str, Any]]) -> None:
        """Print what changed. At the end of the meeting the last words come before the
        final status, as they happened."""
        status = session["status"]
        over = status in ("ended", "failed")
        if not over:
            self._show_status(session)
        self._show_present(session)
        self._show_turns(turns, over)
        if over:
            self._show_status(session)

    def _show_status(self, session: dict[str, Any]) -> None:
        status = session["status"]
        if status != self._status:
            reason = f" ({session['statusReason']})" if session.get("statusReason") else ""
            self.console.print(f"[magenta]status[/] {status}{escape(reason)}")
            self._status = status

    def _show_present(self, session: dict[str, Any]) -> None:
        present = {
            p["name"] for p in session.get("participants") or [] if p["present"] and not p["isBot"]
        }
        if present != self._present:
            self.console.print(f"[dim]present:[/] {escape(', '.join(sorted(present)) or '-')}")
            self._present = present

    def _show_turns(self, turns: list[dict[str, Any]], over: bool) -> None:
        newest = max((t["seq"] for t in turns), default=0)
        for turn in turns:
            # Only the newest turn can still grow (its speaker may go on): print each turn
            # once, when a later one exists or the meeting is over.
            if turn["seq"] in self._seen or (turn["seq"] == newest and not over):
                continue
            self._seen[turn["seq"]] = turn["text"]
            self._turn(turn)

    def _turn(self, turn: dict[str, Any]) -> None:
        clock = f"{int(turn['startS'] // 60):02d}:{int(turn['startS'] % 60):02d}"
        how = "chat" if turn["source"] == "chat" else "says"
        text = escape(turn["text"])
        if turn["byBot"]:
            self.console.print(
                f"[dim]{clock}[/] [bold green]{escape(turn['speaker'])} (delegate) "
                f"{how}:[/] [green]{text}[/]"
            )
        else:
            private = " [yellow](to the delegate)[/]" if turn["toBot"] else ""
            self.console.print(
                f"[dim]{clock}[/] [bold]{escape(turn['speaker'])}[/] {how}{private}: {text}"
            )

    def notes(self, notes: dict[str, Any]) -> None:
        lines = [f"[bold]Summary[/]\n{escape(notes.get('summary') or '')}"]
        if notes.get("decisions"):
            lines.append(
                "[bold]Decisions[/]\n" + "\n".join(f"- {escape(d)}" for d in notes["decisions"])
            )
        if notes.get("actionItems"):
            items = [
                f"- {escape(i['text'])}"
                + (f" [dim]({escape(i['owner'])})[/]" if i.get("owner") else "")
                for i in notes["actionItems"]
            ]
            lines.append("[bold]Action items[/]\n" + "\n".join(items))
        self.console.print(Panel("\n\n".join(lines), title="Meeting notes", expand=False))

    def where(self, data_dir: Path) -> None:
        """Where the demo's database and key file were kept."""
        self.console.print(f"[dim]data directory:[/] {escape(str(data_dir))}")
