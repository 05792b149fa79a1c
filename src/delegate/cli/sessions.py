"""``delegate session``: follow and steer a delegate in a meeting, read its transcript and notes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Literal

import typer

from delegate.cli import output
from delegate.cli.remote import (
    DEFAULT_BASE_URL,
    AsJson,
    BaseUrl,
    Cursor,
    OrderOpt,
    Take,
    Token,
    connect,
)
from delegate.client._resources import Sessions
from delegate.client.types import (
    ActionResult,
    MeetingSession,
    Notes,
    Participant,
    RecordingAction,
    Reply,
    TranscriptFormat,
)

session_app = typer.Typer(
    help="Meeting sessions: follow and steer a delegate, read transcripts and notes.",
    no_args_is_help=True,
)

IntegrationRef = Annotated[
    str, typer.Argument(metavar="INTEGRATION", help="Recall integration id or @alias.")
]
SessionRef = Annotated[str, typer.Argument(metavar="SESSION", help="Session id.")]

SESSION_COLUMNS: list[output.Column[MeetingSession]] = [
    ("ID", lambda s: s.id),
    ("Status", lambda s: s.status),
    ("Bot name", lambda s: s.bot_name),
    ("Meeting", lambda s: s.meeting_url),
    ("Created", lambda s: output.when(s.created_at)),
]
SESSION_FIELDS: list[output.Column[MeetingSession]] = [
    ("ID", lambda s: s.id),
    ("Status", lambda s: f"{s.status} ({s.status_code})" if s.status_code else s.status),
    ("Reason", lambda s: s.status_reason),
    ("Meeting", lambda s: s.meeting_url),
    ("Platform", lambda s: s.platform),
    ("Bot name", lambda s: s.bot_name),
    ("Instruction", lambda s: s.text),
    ("Recording", lambda s: "paused" if s.recording_paused else "on"),
    ("Notes", lambda s: "ready" if s.notes_ready else "not yet"),
    ("Recall bot", lambda s: s.recall_bot_id),
    ("Join at", lambda s: output.when(s.join_at)),
    ("Created", lambda s: output.when(s.created_at)),
    ("Ended", lambda s: output.when(s.ended_at)),
]
PARTICIPANT_COLUMNS: list[output.Column[Participant]] = [
    ("Name", lambda p: p.name),
    ("Host", lambda p: p.is_host),
    ("Bot", lambda p: p.is_bot),
    ("Present", lambda p: p.present),
]
REPLY_COLUMNS: list[output.Column[Reply]] = [
    ("Kind", lambda r: r.kind),
    ("Status", lambda r: r.status),
    ("Content", lambda r: r.payload.get("text", r.payload)),
    ("Sent", lambda r: output.when(r.sent_at)),
]
RECORDING: dict[RecordingAction, Callable[[Sessions, str], ActionResult]] = {
    "start": Sessions.start_recording,
    "stop": Sessions.stop_recording,
    "pause": Sessions.pause_recording,
    "resume": Sessions.resume_recording,
}


def wait_for_delegate(
    sessions: Sessions, session_id: str, timeout: float, interval: float
) -> MeetingSession:
    """Poll with a spinner (on stderr) until the delegate is in the call or the session ended."""
    with output.stderr().status(f"Session {session_id}: waiting for the delegate…") as status:
        return sessions.wait(
            session_id,
            timeout=timeout,
            interval=interval,
            on_update=lambda s: status.update(f"Session {session_id}: {s.status}…"),
        )


@session_app.command("list")
def session_list(
    ctx: typer.Context,
    integration: IntegrationRef,
    cursor: Cursor = None,
    order: OrderOpt = "desc",
    take: Take = 100,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """List the meeting sessions of an integration, newest first."""
    with connect(ctx, base_url, token) as client:
        sessions = client.integration.recall.sessions(integration)
        page = sessions.list(cursor=cursor, order=order, take=take)
    output.page(page, SESSION_COLUMNS, as_json, "sessions", take)


@session_app.command("show")
def session_show(
    ctx: typer.Context,
    integration: IntegrationRef,
    session: SessionRef,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Show a session with its participants and the delegate's replies."""
    with connect(ctx, base_url, token) as client:
        found = client.integration.recall.sessions(integration).fetch(session)
    output.record(found, SESSION_FIELDS, as_json)
    if not as_json and found.participants:
        output.table(found.participants, PARTICIPANT_COLUMNS, title="Participants")
    if not as_json and found.replies:
        output.table(found.replies, REPLY_COLUMNS, title="Replies")


@session_app.command("transcript")
def session_transcript(
    ctx: typer.Context,
    integration: IntegrationRef,
    session: SessionRef,
    format: Annotated[
        TranscriptFormat | None,
        typer.Option("--format", "-f", help="text (default), markdown, vtt, srt or json."),
    ] = None,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Print the transcript, as text or in another format."""
    if as_json and format not in (None, "json"):
        raise typer.BadParameter("--json prints the json format", param_hint="'--format'")
    fmt: TranscriptFormat = "json" if as_json else format or "text"
    with connect(ctx, base_url, token) as client:
        transcript = client.integration.recall.sessions(integration).transcript(session, fmt)
    if isinstance(transcript, str):
        typer.echo(transcript, nl=not transcript.endswith("\n"))
    else:
        output.emit_json(transcript.to_json())


@session_app.command("notes")
def session_notes(
    ctx: typer.Context,
    integration: IntegrationRef,
    session: SessionRef,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Print the meeting notes: summary, decisions and action items."""
    with connect(ctx, base_url, token) as client:
        notes = client.integration.recall.sessions(integration).notes(session)
    if as_json:
        output.emit_json(notes.to_json())
    else:
        _print_notes(notes)


def _print_notes(notes: Notes) -> None:
    if notes.status != "ready":
        why = "the meeting has not ended" if notes.status == "not_ended" else "being written"
        output.note(f"No notes yet ({why}).")
        return
    out = output.stdout()
    out.print("Summary", style="bold")
    out.print(notes.summary or "-", markup=False)
    out.print("\nDecisions", style="bold")
    _bullets(notes.decisions)
    out.print("\nAction items", style="bold")
    _bullets(f"{i.text} ({i.owner})" if i.owner else i.text for i in notes.action_items)


def _bullets(lines: Iterable[str]) -> None:
    out = output.stdout()
    printed = False
    for line in lines:
        out.print(f"- {line}", markup=False)
        printed = True
    if not printed:
        out.print("(none)")


@session_app.command("say")
def session_say(
    ctx: typer.Context,
    integration: IntegrationRef,
    session: SessionRef,
    message: Annotated[str, typer.Argument(help="The chat message.")],
    to: Annotated[str, typer.Option(help="everyone, or a participant id.")] = "everyone",
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Post a chat message in the meeting as the delegate."""
    with connect(ctx, base_url, token) as client:
        sent = client.integration.recall.sessions(integration).send_message(session, message, to)
    output.done(sent, as_json, f"Sent to {to}.")


@session_app.command("leave")
def session_leave(
    ctx: typer.Context,
    integration: IntegrationRef,
    session: SessionRef,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Make the delegate leave the meeting (notes follow)."""
    with connect(ctx, base_url, token) as client:
        left = client.integration.recall.sessions(integration).leave(session)
    output.done(left, as_json, "The delegate is leaving the meeting.")


@session_app.command("record")
def session_record(
    ctx: typer.Context,
    integration: IntegrationRef,
    session: SessionRef,
    action: Annotated[RecordingAction, typer.Argument(metavar="start|stop|pause|resume")],
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Start, stop, pause or resume the recording."""
    with connect(ctx, base_url, token) as client:
        sessions = client.integration.recall.sessions(integration)
        result = RECORDING[action](sessions, session)
    output.done(result, as_json, f"Recording: {action} requested.")


@session_app.command("screenshare")
def session_screenshare(
    ctx: typer.Context,
    integration: IntegrationRef,
    session: SessionRef,
    action: Annotated[Literal["start", "stop"], typer.Argument(metavar="start|stop")],
    url: Annotated[str | None, typer.Argument(help="The page to show (https), for start.")] = None,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    token: Token = "",
    as_json: AsJson = False,
) -> None:
    """Show a web page as the delegate's screenshare (start URL), or stop sharing."""
    if (action == "start") != (url is not None):
        need = "start needs a URL" if url is None else "stop takes no URL"
        raise typer.BadParameter(need, param_hint="'URL'")
    with connect(ctx, base_url, token) as client:
        sessions = client.integration.recall.sessions(integration)
        result = (
            sessions.start_screenshare(session, url)
            if url is not None
            else sessions.stop_screenshare(session)
        )
    output.done(result, as_json, f"Screenshare: {action} requested.")
