"""What the dashboard's pages show: an account's meetings across integrations, one meeting
as a whole (session, participants, turns, replies, status history), read in one go, and the
account's datasets with their indexing progress."""

from __future__ import annotations

from dataclasses import dataclass

from delegate.domain.errors import NotFound
from delegate.domain.events import SessionStatus
from delegate.domain.meeting import Participant, Turn
from delegate.domain.records import Integration, ListQuery, Page
from delegate.domain.sessions import MeetingSession, Reply
from delegate.services.context import MeetingPorts
from delegate.services.knowledge import DatasetView
from delegate.services.ports import UnitOfWorkFactory

STATUS_EVENT_PREFIX = "bot."


@dataclass(frozen=True)
class StatusStep:
    event_id: int
    """The stored status event's: the live feed names the step it adds the same way."""
    code: str
    at_ms: int


@dataclass(frozen=True)
class MeetingView:
    session: MeetingSession
    integration: Integration
    participants: list[Participant]
    turns: list[Turn]
    replies: list[Reply]
    history: list[StatusStep]


async def list_account_sessions(
    ports: MeetingPorts, account_id: str, query: ListQuery, status: SessionStatus | None
) -> Page[MeetingSession]:
    """The account's sessions of every integration, newest first by default."""
    async with ports.uow() as tx:
        return await tx.sessions.list_for_account(account_id, query, status)


async def list_dataset_views(
    uow: UnitOfWorkFactory, account_id: str, query: ListQuery
) -> Page[DatasetView]:
    """A page of the account's datasets, each with how far indexing its records has come."""
    async with uow() as tx:
        found = await tx.datasets.list_page(account_id, query)
        views = [DatasetView(d, await tx.datasets.progress(d.id)) for d in found.items]
    return Page(items=views, cursor=found.cursor)


async def account_session(ports: MeetingPorts, account_id: str, session_id: str) -> MeetingSession:
    """One of the account's sessions; another account's answers NotFound."""
    async with ports.uow() as tx:
        session = await tx.sessions.get_by_id(session_id)
    if session is None or session.account_id != account_id:
        raise NotFound("Meeting session not found")
    return session


async def meeting_view(ports: MeetingPorts, account_id: str, session_id: str) -> MeetingView:
    """Everything the live meeting page starts from, read in one transaction."""
    session = await account_session(ports, account_id, session_id)
    async with ports.uow() as tx:
        integration = await tx.integrations.get_by_id(session.integration_id)
        if integration is None:
            raise NotFound("Meeting session not found")
        return MeetingView(
            session=session,
            integration=integration,
            participants=await tx.participants.in_session(session.id),
            turns=await tx.turns.all(session.id),
            replies=await tx.replies.for_session(session.id),
            history=_steps(await tx.events.status_history(session.id)),
        )


def _steps(events: list[tuple[int, str, int]]) -> list[StatusStep]:
    """Status codes in the order they arrived; a webhook and a poll of one change count once
    (the live page skips such a repeat too: ``live.js``)."""
    steps: list[StatusStep] = []
    for event_id, name, at_ms in events:
        code = name.removeprefix(STATUS_EVENT_PREFIX)
        if not steps or steps[-1].code != code:
            steps.append(StatusStep(event_id, code, at_ms))
    return steps
