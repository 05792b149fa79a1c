"""``delegate session``: follow and steer a delegate in a meeting, read its transcript and notes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from delegate.cli.options import (
    Cursor,
    IntegrationRef,
    OrderOpt,
    RecordingAction,
    SessionRef,
    Take,
    Timeout,
    TranscriptFormat,
    Yes,
    group,
)
from delegate.cli.remote import Remote, api_command

if TYPE_CHECKING:
    from delegate.cli.output import Columns
    from delegate_client._operations import Sync
    from delegate_client._resources import Sessions
    from delegate_client.types import MeetingSession, Notes

session_app = group("Meeting sessions: follow and steer a delegate, read transcripts and notes.")

SESSION_COLUMNS: Columns = ("id", "status", "bot_name", "meeting_url", "created_at")
SESSION_FIELDS: Columns = (
    "id",
    ("Status", lambda s: f"{s.status} ({s.status_code})" if s.status_code else s.status),
    ("Reason", lambda s: s.status_reason),
    ("Meeting", lambda s: s.meeting_url),
    "platform",
    "bot_name",
    ("Instruction", lambda s: s.text),
    ("Recording", lambda s: "paused" if s.recording_paused else "on"),
    ("Notes", lambda s: "ready" if s.notes_ready else "not yet"),
    (
        "Deliveries refused",
        lambda s: f"{s.deliveries_refused} ({s.refused_reason})" if s.deliveries_refused else "0",
    ),
    ("No transcript", lambda s: s.no_transcript_reason),
    "recall_bot_id",
    "join_at",
    "created_at",
    "ended_at",
)
PARTICIPANT_COLUMNS: Columns = ("name", "is_host", "is_bot", "present")
REPLY_COLUMNS: Columns = (
    "kind",
    "status",
    ("Content", lambda r: r.payload.get("text", r.payload)),
    "sent_at",
)


def wait_for_delegate(
    sessions: Sessions[Sync], session_id: str, timeout: float, interval: float
) -> MeetingSession:
    """Poll with a spinner (on stderr) until the delegate is in the call or the session ended."""
    from delegate.cli import output

    with output.stderr().status(f"Session {session_id}: waiting for the delegate…") as status:
        return sessions.wait(
            session_id,
            timeout=timeout,
            interval=interval,
            on_update=lambda s: status.update(f"Session {session_id}: {s.status}…"),
        )


@session_app.command("list")
@api_command()
def session_list(
    remote: Remote,
    integration: IntegrationRef,
    cursor: Cursor = None,
    order: OrderOpt = "desc",
    take: Take = 100,
) -> None:
    """List the meeting sessions of an integration, newest first."""
    with remote.connect() as client:
        page = client.integration.recall.sessions(integration).list(
            cursor=cursor, order=order, take=take
        )
    remote.page(page, SESSION_COLUMNS, "sessions", take)


@session_app.command("show")
@api_command()
def session_show(remote: Remote, integration: IntegrationRef, session: SessionRef) -> None:
    """Show a session with its participants and the delegate's replies."""
    from delegate.cli import output

    with remote.connect() as client:
        found = client.integration.recall.sessions(integration).fetch(session)
    remote.show(found, SESSION_FIELDS)
    if not remote.as_json and found.participants:
        output.table(found.participants, PARTICIPANT_COLUMNS, title="Participants")
    if not remote.as_json and found.replies:
        output.table(found.replies, REPLY_COLUMNS, title="Replies")


@session_app.command("delete")
@api_command()
def session_delete(
    remote: Remote, integration: IntegrationRef, session: SessionRef, yes: Yes = False
) -> None:
    """Delete a session and everything of it; a delegate still in the meeting leaves first."""
    if not yes:
        typer.confirm(f"Delete session {session}?", abort=True, err=True)
    with remote.connect() as client:
        deleted = client.integration.recall.sessions(integration).delete(session)
    remote.done(deleted, f"Deleted session {deleted.id}")


@session_app.command("transcript")
@api_command()
def session_transcript(
    remote: Remote,
    integration: IntegrationRef,
    session: SessionRef,
    format: Annotated[
        TranscriptFormat | None,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="text (default), markdown, vtt, srt or json."
        ),
    ] = None,
) -> None:
    """Print the transcript, as text or in another format."""
    from delegate.cli import output

    if remote.as_json and format not in (None, "json"):
        raise typer.BadParameter("--json prints the json format", param_hint="'--format'")
    fmt: TranscriptFormat = "json" if remote.as_json else format or "text"
    with remote.connect() as client:
        sessions = client.integration.recall.sessions(integration)
        if fmt == "json":
            output.emit_json(sessions.transcript(session).to_json())
            return
        text = sessions.transcript_text(session, fmt)
    typer.echo(text, nl=not text.endswith("\n"))


@session_app.command("notes")
@api_command()
def session_notes(
    remote: Remote,
    integration: IntegrationRef,
    session: SessionRef,
    wait: Annotated[
        bool, typer.Option(help="Wait until the meeting has ended and its notes are written.")
    ] = False,
    timeout: Timeout = 300.0,
) -> None:
    """Print the meeting notes: summary, decisions and action items."""
    from delegate.cli import output

    with remote.connect() as client:
        sessions = client.integration.recall.sessions(integration)
        if wait:
            with output.stderr().status(f"Session {session}: waiting for the notes…"):
                notes = sessions.wait_for_notes(
                    session, timeout=timeout, interval=remote.poll_interval
                )
        else:
            notes = sessions.notes(session)
    if remote.as_json:
        output.emit_json(notes.to_json())
    else:
        _print_notes(notes)


def _print_notes(notes: Notes) -> None:
    from delegate.cli import output

    if notes.status != "ready":
        why = "the meeting has not ended" if notes.status == "not_ended" else "being written"
        output.note(f"No notes yet ({why}); --wait waits for them.")
        return
    out = output.stdout()
    out.print("Summary", style="bold")
    out.print(notes.summary or "-", markup=False)
    out.print("\nDecisions", style="bold")
    _bullets(notes.decisions)
    out.print("\nAction items", style="bold")
    _bullets(f"{i.text} ({i.owner})" if i.owner else i.text for i in notes.action_items)


def _bullets(lines: Iterable[str]) -> None:
    from delegate.cli import output

    out = output.stdout()
    printed = False
    for line in lines:
        out.print(f"- {line}", markup=False)
        printed = True
    if not printed:
        out.print("(none)")


@session_app.command("say")
@api_command()
def session_say(
    remote: Remote,
    integration: IntegrationRef,
    session: SessionRef,
    message: Annotated[str, typer.Argument(metavar="MESSAGE", help="The chat message.")],
    to: Annotated[
        str, typer.Option(metavar="TO", help="everyone, or a participant id.")
    ] = "everyone",
) -> None:
    """Post a chat message in the meeting as the delegate."""
    with remote.connect() as client:
        sent = client.integration.recall.sessions(integration).send_message(session, message, to)
    remote.done(sent, f"Sent to {to}.")


@session_app.command("leave")
@api_command()
def session_leave(remote: Remote, integration: IntegrationRef, session: SessionRef) -> None:
    """Make the delegate leave the meeting (notes follow)."""
    with remote.connect() as client:
        left = client.integration.recall.sessions(integration).leave(session)
    remote.done(left, "The delegate is leaving the meeting.")


@session_app.command("record")
@api_command()
def session_record(
    remote: Remote,
    integration: IntegrationRef,
    session: SessionRef,
    action: Annotated[RecordingAction, typer.Argument(metavar="start|stop|pause|resume")],
) -> None:
    """Start, stop, pause or resume the recording."""
    with remote.connect() as client:
        sessions = client.integration.recall.sessions(integration)
        recording = {
            "start": sessions.start_recording,
            "stop": sessions.stop_recording,
            "pause": sessions.pause_recording,
            "resume": sessions.resume_recording,
        }
        result = recording[action](session)
    remote.done(result, f"Recording: {action} requested.")


@session_app.command("screenshare")
@api_command()
def session_screenshare(
    remote: Remote,
    integration: IntegrationRef,
    session: SessionRef,
    action: Annotated[Literal["start", "stop"], typer.Argument(metavar="start|stop")],
    url: Annotated[
        str | None, typer.Argument(metavar="URL", help="The page to show (https), for start.")
    ] = None,
) -> None:
    """Show a web page as the delegate's screenshare (start URL), or stop sharing."""
    if (action == "start") != (url is not None):
        need = "start needs a URL" if url is None else "stop takes no URL"
        raise typer.BadParameter(need, param_hint="'URL'")
    with remote.connect() as client:
        sessions = client.integration.recall.sessions(integration)
        result = (
            sessions.start_screenshare(session, url)
            if url is not None
            else sessions.stop_screenshare(session)
        )
    remote.done(result, f"Screenshare: {action} requested.")
