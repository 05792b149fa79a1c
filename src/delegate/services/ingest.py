"""Receiving Recall's deliveries: verify, store durably, acknowledge, signal. No model or Recall
call happens here, so acknowledgement stays fast whatever the meeting is doing."""

from __future__ import annotations

import hmac
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import structlog

from delegate.domain.errors import NotAuthenticated, NotFound
from delegate.domain.ids import looks_like_id, secret_digest
from delegate.domain.inbound import StatusDelivery
from delegate.domain.live import partial_event
from delegate.domain.sessions import EventKind, NewEvent
from delegate.services.ports import (
    Clock,
    Dispatcher,
    EventSink,
    MeetingEvents,
    NoWatchers,
    RecallInbound,
    UnitOfWorkFactory,
)
from delegate.services.refusals import Refusal, RefusalLog

log = structlog.stdlib.get_logger(__name__)

AUTH_TTL_S = 30.0
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class SessionAuth:
    integration_id: str
    secret_digest: str
    webhook_secret: str | None


class SessionAuthCache:
    """Receiver credentials, cached briefly so an event costs no extra reads: each session's
    token digest, and each integration's webhook secret (decrypted once for all its sessions).
    Entries expire after ``AUTH_TTL_S`` seconds; deletes and a changed ``webhookSecret`` drop
    them at once through ``AuthInvalidations`` (``LocalAuthInvalidations`` in one process)."""

    MAX_ENTRIES = 20_000

    def __init__(self, uow: UnitOfWorkFactory, ttl_s: float = AUTH_TTL_S) -> None:
        self._uow = uow
        self._ttl = ttl_s
        self._digests: dict[tuple[str, str], tuple[float, str]] = {}
        self._secrets: dict[str, tuple[float, str | None]] = {}
        self._generation = 0

    async def get(self, integration_id: str, session_id: str) -> SessionAuth | None:
        now = time.monotonic()
        digest = self._digests.get((integration_id, session_id))
        secret = self._secrets.get(integration_id)
        if digest and digest[0] > now and secret and secret[0] > now:
            return SessionAuth(integration_id, digest[1], secret[1])
        generation = self._generation
        async with self._uow() as tx:
            if not digest or digest[0] <= now:
                found = await tx.sessions.secret_digest(session_id, integration_id)
                if found is None:
                    return None
                digest = (now, found)
                fresh_digest = True
            else:
                fresh_digest = False
            if not secret or secret[0] <= now:
                webhook_secret = (await tx.integrations.secrets(integration_id)).webhook_secret
                secret = (now, webhook_secret)
                fresh_secret = True
            else:
                fresh_secret = False
        # Something forgotten while this read ran may be what it read: not kept then.
        if generation == self._generation:
            if fresh_digest:
                self._keep(self._digests, (integration_id, session_id), digest[1], now)
            if fresh_secret:
                self._keep(self._secrets, integration_id, secret[1], now)
        return SessionAuth(integration_id, digest[1], secret[1])

    def forget_session(self, integration_id: str, session_id: str) -> None:
        self._generation += 1
        self._digests.pop((integration_id, session_id), None)

    def forget_integration(self, integration_id: str) -> None:
        self._generation += 1
        self._secrets.pop(integration_id, None)
        for key in [k for k in self._digests if k[0] == integration_id]:
            del self._digests[key]

    def clear(self) -> None:
        """Forget everything (after invalidations may have been missed)."""
        self._generation += 1
        self._digests.clear()
        self._secrets.clear()

    def _keep(
        self, entries: dict[K, tuple[float, V]], key: K, value: V, now: float
    ) -> tuple[float, V]:
        if len(entries) >= self.MAX_ENTRIES:
            entries.clear()
        # Spread expiries: sessions cached together must not all be read again together.
        entry = (now + self._ttl * random.uniform(0.5, 1.0), value)
        entries[key] = entry
        return entry


class LocalAuthInvalidations:
    """``AuthInvalidations`` within one process: the cache is told directly."""

    def __init__(self, cache: SessionAuthCache) -> None:
        self.cache = cache

    async def forget_session(self, integration_id: str, session_id: str) -> None:
        self.cache.forget_session(integration_id, session_id)

    async def forget_integration(self, integration_id: str) -> None:
        self.cache.forget_integration(integration_id)


@dataclass(frozen=True)
class Received:
    stored: bool
    """False for a delivery seen before."""
    session_id: str
    wake: bool
    """The event can change something: the dispatcher is to be kicked once Recall has its
    answer (``Receiver.wake``)."""
    partial: bytes | None = None
    """A new partial transcript line: shown live to whoever watches the meeting."""


@dataclass
class Receiver:
    uow: UnitOfWorkFactory
    clock: Clock
    sink: EventSink
    dispatcher: Dispatcher
    auth: SessionAuthCache
    inbound: RecallInbound
    live: MeetingEvents = field(default_factory=NoWatchers)
    refusals: RefusalLog = field(default_factory=RefusalLog)

    async def receive_realtime(
        self,
        integration_id: str,
        session_id: str,
        token: str | None,
        headers: Mapping[str, str],
        body: bytes,
        too_large: int | None = None,
    ) -> Received:
        """Store one realtime delivery for the session. The caller answers Recall, then calls
        ``wake`` with the result. ``too_large`` is the size of a body cut at the cap (``body``
        is then its first part).

        The session's token authenticates a delivery; a signature, when the delivery carries
        one and ``webhookSecret`` is set, must be right too (some workspaces sign only their
        status webhooks). Whatever passes is answered 2xx, usable or not: Recall disables an
        endpoint that keeps failing, and the rest of the meeting would be lost."""
        auth = await self._authenticate(integration_id, session_id, token)
        delivery = self.inbound.read_realtime(headers, body, auth.webhook_secret, too_large)
        if delivery.bad_signature is not None:
            await self._refused(session_id, Refusal.BAD_SIGNATURE, delivery.bad_signature)
            raise NotAuthenticated(f"Invalid signature: {delivery.bad_signature}")
        if delivery.unusable is not None:
            log.warning(
                "unusable realtime delivery kept",
                session_id=session_id,
                reason=delivery.unusable,
                size=too_large or len(body),
            )
        event = NewEvent(
            session_id=session_id,
            delivery_id=delivery.delivery_id,
            kind=EventKind.REALTIME,
            event=delivery.event,
            payload=body,
            received_at=self.clock.now_ms(),
        )
        try:
            stored = await self.sink.append(event)
        except Exception:
            # Deleted by another process whose word has not arrived yet: answered like any
            # unknown session, not as a failure of ours.
            self.auth.forget_session(integration_id, session_id)
            if await self.auth.get(integration_id, session_id) is None:
                self.refusals.refused("realtime", session_id[:32], Refusal.UNKNOWN_SESSION)
                raise NotAuthenticated("Invalid realtime endpoint token") from None
            raise
        partial = body if stored and delivery.partial else None
        return Received(stored, session_id, stored and delivery.wakes, partial)

    async def _authenticate(
        self, integration_id: str, session_id: str, token: str | None
    ) -> SessionAuth:
        # An unknown session answers exactly like a wrong token: an outsider must not learn
        # which sessions exist.
        known = looks_like_id(integration_id) and looks_like_id(session_id)
        auth = await self.auth.get(integration_id, session_id) if known else None
        if auth is None:
            self.refusals.refused("realtime", session_id[:32], Refusal.UNKNOWN_SESSION)
            raise NotAuthenticated("Invalid realtime endpoint token")
        presented = secret_digest(token or "")
        if not token or not hmac.compare_digest(presented, auth.secret_digest):
            await self._refused(session_id, Refusal.WRONG_TOKEN)
            raise NotAuthenticated("Invalid realtime endpoint token")
        return auth

    async def _refused(self, session_id: str, reason: str, detail: str = "") -> None:
        """Count a refused delivery on its session (the session fetch shows it) and log it."""
        self.refusals.refused("realtime", session_id, reason, detail)
        async with self.uow() as tx:
            await tx.sessions.count_refused(session_id, reason)

    async def wake(self, received: Received) -> None:
        """Kick the dispatcher for a stored event that matters. A failure here loses nothing:
        the event is stored, and the sweep wakes the session within seconds."""
        if received.partial is not None:
            await self._show_partial(received.session_id, received.partial)
        if not received.wake:
            return
        try:
            await self.dispatcher.kick(received.session_id)
        except Exception:
            log.exception("waking session failed; the sweep will", session_id=received.session_id)

    async def _show_partial(self, session_id: str, body: bytes) -> None:
        # Partials are never drained (they change nothing), so the line a watcher sees growing
        # comes from here, and is parsed only when someone watches.
        if not self.live.watched(session_id):
            return
        line = self.inbound.partial_line(body)
        if line is None:
            return
        sp = line.speaker
        await self.live.publish(session_id, partial_event(sp.id, sp.name, line.text))

    async def receive_status(
        self, integration_id: str, headers: Mapping[str, str], body: bytes
    ) -> str | None:
        """Store a Recall status webhook for the session it concerns; returns the session id,
        or None when it concerns no session of ours or cannot be used (answered 2xx all the
        same: Svix retries anything else for a day, then disables the endpoint). Unsigned
        webhooks are stored as unverified and confirmed with Recall before use."""
        async with self.uow() as tx:
            integration = await tx.integrations.get_by_id(integration_id)
            secrets = await tx.integrations.secrets(integration_id) if integration else None
        if integration is None or secrets is None:
            raise NotFound("Recall integration not found")
        hook = self.inbound.read_status(headers, body, secrets.webhook_secret)
        if hook.bad_signature is not None:
            await self._status_refused(integration_id, hook)
            raise NotAuthenticated(f"Invalid signature: {hook.bad_signature}")
        if hook.unusable is not None:
            log.warning(
                "status webhook ignored",
                integration_id=integration_id,
                reason=hook.unusable,
                size=len(body),
            )
            return None
        session_id = await self._session_for(integration_id, hook.claimed_session_id, hook.bot_id)
        if session_id is None:
            log.info("status webhook for no known session", recall_event=hook.event)
            return None
        stored = await self.sink.append(
            NewEvent(
                session_id=session_id,
                delivery_id=hook.delivery_id,
                kind=EventKind.STATUS if hook.verified else EventKind.STATUS_UNVERIFIED,
                event=hook.event,
                payload=body,
                received_at=self.clock.now_ms(),
            )
        )
        if stored:
            await self.dispatcher.kick(session_id)
        return session_id

    async def _status_refused(self, integration_id: str, hook: StatusDelivery) -> None:
        """A status webhook with a bad signature counts on the session it names, if that is
        one of this integration's (the body is read only to find it, never acted on)."""
        self.refusals.refused(
            "status", integration_id, Refusal.BAD_SIGNATURE, hook.bad_signature or ""
        )
        if hook.unusable is not None:
            return
        session_id = await self._session_for(integration_id, hook.claimed_session_id, hook.bot_id)
        if session_id is not None:
            async with self.uow() as tx:
                await tx.sessions.count_refused(session_id, Refusal.BAD_SIGNATURE)

    async def _session_for(
        self, integration_id: str, claimed: str | None, bot_id: str | None
    ) -> str | None:
        async with self.uow() as tx:
            if claimed:
                session = await tx.sessions.get_by_id(claimed)
                if session and session.integration_id == integration_id:
                    return session.id
            if bot_id:
                session = await tx.sessions.find_by_recall_bot(integration_id, bot_id)
                if session:
                    return session.id
        return None
