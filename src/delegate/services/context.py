"""What the meeting use cases need, bundled once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from delegate.domain.errors import InvalidInput
from delegate.domain.records import Integration, IntegrationSecrets
from delegate.services.knowledge import KnowledgePorts
from delegate.services.ports import (
    AuthInvalidations,
    Brain,
    Clock,
    Dispatcher,
    MeetingEvents,
    NoAuthCache,
    NoWatchers,
    RecallConnector,
    RecallGateway,
    RecallInbound,
    UnitOfWorkFactory,
)
from delegate.services.session_state import SessionStateCache
from delegate.services.speaking import VoicePorts


@dataclass
class MeetingPorts:
    uow: UnitOfWorkFactory
    clock: Clock
    recall: RecallConnector
    inbound: RecallInbound
    dispatcher: Dispatcher
    brain: Brain
    public_url: str
    transcript_provider: str = "recallai_streaming"
    transcript_language: str = "en"
    context_tokens: int = 3000
    fallback_brain: Brain | None = None
    """Answers when ``brain`` fails (the offline brain), so a question never goes unanswered."""
    recovered: set[str] = field(default_factory=set)
    """Sessions whose stale reply claims this process has already retired."""
    states: SessionStateCache = field(default_factory=SessionStateCache)
    """What drains know about each session between batches (see ``session_state.py``)."""
    webhooks: Dispatcher | None = None
    """Told which webhook endpoints have new events, once they are committed."""
    voice: VoicePorts | None = None
    """Text-to-speech, for sessions that answer aloud (None: every reply goes to the chat)."""
    knowledge: KnowledgePorts | None = None
    """The knowledge bases bots answer from (``datasetId``)."""
    knowledge_passages: int = 3
    pause_limit_min: int = 15
    """How long a pause asked for without a duration lasts (0: until the owner resumes)."""
    live: MeetingEvents = field(default_factory=NoWatchers)
    """The live feed the dashboard watches: the drain publishes what it applied."""
    auth: AuthInvalidations = field(default_factory=NoAuthCache)
    """Tells every process's receiver to drop cached credentials (deletes, a new secret)."""

    async def gateway(self, integration: Integration) -> RecallGateway:
        """A Recall gateway with the integration's (decrypted) API key."""
        async with self.uow() as tx:
            secrets = await tx.integrations.secrets(integration.id)
        return self.gateway_with(integration, secrets)

    def gateway_with(self, integration: Integration, secrets: IntegrationSecrets) -> RecallGateway:
        """A Recall gateway from secrets already read (one drain decrypts them once)."""
        if not secrets.api_key:
            raise InvalidInput("Recall integration does not have an API key configured")
        return self.recall.gateway(secrets.api_key, integration.region)
