"""What a drain's follow-up works on: read in one unit of work once the events are applied,
then passed down to the replies and the notes, so nothing is read twice in one drain."""

from __future__ import annotations

from dataclasses import dataclass, field

from delegate.domain.meeting import Participant, Turn
from delegate.domain.records import Bot, Integration, IntegrationSecrets
from delegate.domain.sessions import MeetingSession, NotesStatus, Reply, ReplyStatus
from delegate.services.context import MeetingPorts
from delegate.services.ports import RecallGateway


@dataclass
class Drain:
    session: MeetingSession
    participants: list[Participant]
    bot: Bot | None
    integration: Integration | None
    waiting: list[Turn]
    """Turns awaiting a reply, oldest first."""
    pending: list[Reply]
    """Stored actions not sent yet, in order; the replies decided in this drain join them."""
    secrets: IntegrationSecrets | None = None
    """Decrypted once per drain, and only when something may be sent."""
    turns: list[Turn] = field(default_factory=list)
    """Every turn of the meeting, read only when its notes are due."""
    _gateway: RecallGateway | None = None

    @property
    def notes_due(self) -> bool:
        return self.session.notes_status is NotesStatus.PENDING

    def gateway(self, ports: MeetingPorts) -> RecallGateway | None:
        """The integration's Recall gateway, built once per drain (None: no bot to act on)."""
        if self.integration is None or self.secrets is None or not self.session.recall_bot_id:
            return None
        if self._gateway is None:
            self._gateway = ports.gateway_with(self.integration, self.secrets)
        return self._gateway


async def read_drain(ports: MeetingPorts, session_id: str) -> Drain | None:
    """The session and all its follow-up needs, in one unit of work."""
    async with ports.uow() as tx:
        session = await tx.sessions.get_by_id(session_id)
        if session is None:
            return None
        waiting = await tx.turns.awaiting_reply(session_id)
        pending = await tx.replies.with_status(session_id, ReplyStatus.PENDING)
        drain = Drain(
            session=session,
            participants=await tx.participants.in_session(session_id),
            bot=await tx.bots.get(session.account_id, session.bot_id) if session.bot_id else None,
            integration=await tx.integrations.get_by_id(session.integration_id),
            waiting=waiting,
            pending=pending,
        )
        if drain.integration is not None and (waiting or pending):
            drain.secrets = await tx.integrations.secrets(drain.integration.id)
        if drain.notes_due:
            drain.turns = await tx.turns.all(session_id)
    return drain
