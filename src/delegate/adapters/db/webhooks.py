"""Repository of outbound webhooks: endpoints (secret encrypted), events, deliveries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping

from delegate.adapters.db.connection import Connection
from delegate.adapters.db.repositories import paginate
from delegate.adapters.db.tables import (
    meeting_sessions,
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
)
from delegate.domain.records import ListQuery, Page
from delegate.domain.webhooks import (
    Delivery,
    DeliveryStatus,
    SessionIds,
    WebhookEndpoint,
    WebhookEvent,
)
from delegate.services.ports import Cipher

_e = webhook_endpoints
_d = webhook_deliveries
_s = meeting_sessions

_SESSION_IDS = select(_s.c.account_id, _s.c.integration_id, _s.c.bot_id, _s.c.recall_bot_id).where(
    _s.c.id == bindparam("sid")
)
_ENABLED_ENDPOINTS = select(_e).where(
    _e.c.account_id == bindparam("account"), _e.c.enabled.is_(True)
)
_DELIVERY_COLUMNS = [*_d.c, webhook_events.c.type, webhook_events.c.session_id]


def _heads(endpoint_id: str) -> Any:
    """The first pending delivery of each of the endpoint's lanes."""
    return (
        select(func.min(_d.c.seq))
        .where(_d.c.endpoint_id == endpoint_id, _d.c.status == DeliveryStatus.PENDING.value)
        .group_by(_d.c.lane)
        .scalar_subquery()
    )


def secret_context(endpoint_id: str) -> str:
    """Associated data binding an endpoint's signing secret to its row."""
    return f"webhook_endpoints:{endpoint_id}:secret"


def _endpoint(row: RowMapping) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row["id"],
        account_id=row["account_id"],
        url=row["url"],
        description=row["description"],
        events=tuple(row["events"]),
        enabled=bool(row["enabled"]),
        disabled_reason=row["disabled_reason"],
        failing_since=row["failing_since"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(
        id=row["id"],
        endpoint_id=row["endpoint_id"],
        event_id=row["event_id"],
        event_type=row["type"],
        session_id=row["session_id"],
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_status_code=row["last_status_code"],
        last_error=row["last_error"],
        latency_ms=row["latency_ms"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )


class SqlWebhookRepository:
    def __init__(self, conn: Connection, cipher: Cipher) -> None:
        self._conn = conn
        self._cipher = cipher

    async def add_endpoint(self, endpoint: WebhookEndpoint, secret: str) -> None:
        values = {**endpoint.__dict__, "events": list(endpoint.events)}
        values["secret_enc"] = self._cipher.encrypt(secret, secret_context(endpoint.id))
        await self._conn.execute(insert(_e).values(**values))

    async def get_endpoint(self, account_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        stmt = select(_e).where(_e.c.id == endpoint_id, _e.c.account_id == account_id)
        row = (await self._conn.execute(stmt)).mappings().first()
        return _endpoint(row) if row else None

    async def get_endpoint_by_id(self, endpoint_id: str) -> WebhookEndpoint | None:
        row = (
            (await self._conn.execute(select(_e).where(_e.c.id == endpoint_id))).mappings().first()
        )
        return _endpoint(row) if row else None

    async def secret(self, endpoint_id: str) -> str:
        stmt = select(_e.c.secret_enc).where(_e.c.id == endpoint_id)
        token = (await self._conn.execute(stmt)).scalar_one()
        return self._cipher.decrypt(token, secret_context(endpoint_id))

    async def update_endpoint(self, endpoint: WebhookEndpoint, secret: str | None = None) -> None:
        values: dict[str, Any] = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": list(endpoint.events),
            "enabled": endpoint.enabled,
            "disabled_reason": endpoint.disabled_reason,
            "failing_since": endpoint.failing_since,
            "updated_at": endpoint.updated_at,
        }
        if secret is not None:
            values["secret_enc"] = self._cipher.encrypt(secret, secret_context(endpoint.id))
        await self._conn.execute(update(_e).where(_e.c.id == endpoint.id).values(**values))

    async def mark_health(
        self,
        endpoint_id: str,
        failing_since: int | None,
        disabled_reason: str | None = None,
    ) -> None:
        """Record whether the endpoint is failing; a reason disables it."""
        values: dict[str, Any] = {"failing_since": failing_since}
        if disabled_reason is not None:
            values |= {"enabled": False, "disabled_reason": disabled_reason}
        await self._conn.execute(update(_e).where(_e.c.id == endpoint_id).values(**values))

    async def delete_endpoint(self, account_id: str, endpoint_id: str) -> None:
        await self._conn.execute(
            delete(_e).where(_e.c.id == endpoint_id, _e.c.account_id == account_id)
        )

    async def list_endpoints(self, account_id: str, query: ListQuery) -> Page[WebhookEndpoint]:
        rows, cursor = await paginate(self._conn, _e, account_id, query)
        return Page([_endpoint(r) for r in rows], cursor)

    async def session_ids(self, session_id: str) -> SessionIds | None:
        row = (await self._conn.execute(_SESSION_IDS, {"sid": session_id})).first()
        if row is None:
            return None
        return SessionIds(
            row.account_id, row.integration_id, session_id, row.bot_id, row.recall_bot_id
        )

    async def enabled_endpoints(self, account_id: str) -> list[WebhookEndpoint]:
        rows = (await self._conn.execute(_ENABLED_ENDPOINTS, {"account": account_id})).mappings()
        return [_endpoint(r) for r in rows]

    async def add_event(
        self, account_id: str, event: WebhookEvent, deliveries: list[tuple[str, str]]
    ) -> None:
        """Store ``event`` and, for each ``(delivery id, endpoint id)``, a pending delivery."""
        await self._conn.execute(
            insert(webhook_events).values(
                id=event.id,
                account_id=account_id,
                session_id=event.session_id,
                type=event.type,
                body=event.body.decode(),
                created_at=event.created_at,
            )
        )
        await self.add_deliveries(account_id, event, deliveries)

    async def add_deliveries(
        self, account_id: str, event: WebhookEvent, deliveries: list[tuple[str, str]]
    ) -> None:
        if not deliveries:
            return
        await self._conn.execute(
            insert(_d),
            [
                {
                    "id": delivery_id,
                    "account_id": account_id,
                    "endpoint_id": endpoint_id,
                    "event_id": event.id,
                    "lane": event.session_id or "",
                    "status": DeliveryStatus.PENDING.value,
                    "attempts": 0,
                    "next_attempt_at": event.created_at,
                    "created_at": event.created_at,
                }
                for delivery_id, endpoint_id in deliveries
            ],
        )

    async def event(self, event_id: str) -> WebhookEvent | None:
        row = (
            await self._conn.execute(select(webhook_events).where(webhook_events.c.id == event_id))
        ).first()
        if row is None:
            return None
        return WebhookEvent(row.id, row.type, row.session_id, row.body.encode(), row.created_at)

    async def lane_heads(
        self, endpoint_id: str, due_by: int, limit: int
    ) -> list[tuple[Delivery, bytes]]:
        """The oldest pending delivery of each lane (endpoint and session) that is due by
        ``due_by``, with its body: what may be sent now without overtaking an earlier event
        of the same session."""
        stmt = (
            select(*_DELIVERY_COLUMNS, webhook_events.c.body)
            .join(webhook_events, webhook_events.c.id == _d.c.event_id)
            .where(_d.c.seq.in_(_heads(endpoint_id)), _d.c.next_attempt_at <= due_by)
            .order_by(_d.c.seq)
            .limit(limit)
        )
        rows = (await self._conn.execute(stmt)).mappings()
        return [(_delivery(r), r["body"].encode()) for r in rows]

    async def next_attempt_at(self, endpoint_id: str) -> int | None:
        """When the earliest lane of the endpoint is due next (None: nothing pending)."""
        stmt = select(func.min(_d.c.next_attempt_at)).where(_d.c.seq.in_(_heads(endpoint_id)))
        return (await self._conn.execute(stmt)).scalar()

    async def record_attempt(self, delivery_id: str, **values: Any) -> None:
        await self._conn.execute(update(_d).where(_d.c.id == delivery_id).values(**values))

    async def get_delivery(
        self, account_id: str, endpoint_id: str, delivery_id: str
    ) -> Delivery | None:
        stmt = (
            select(*_DELIVERY_COLUMNS)
            .join(webhook_events, webhook_events.c.id == _d.c.event_id)
            .where(
                and_(
                    _d.c.id == delivery_id,
                    _d.c.endpoint_id == endpoint_id,
                    _d.c.account_id == account_id,
                )
            )
        )
        row = (await self._conn.execute(stmt)).mappings().first()
        return _delivery(row) if row else None

    async def list_deliveries(
        self, account_id: str, endpoint_id: str, query: ListQuery
    ) -> Page[Delivery]:
        rows, cursor = await paginate(
            self._conn, _d, account_id, query, _d.c.endpoint_id == endpoint_id
        )
        if not rows:
            return Page([], cursor)
        ids = [r["id"] for r in rows]
        stmt = (
            select(*_DELIVERY_COLUMNS)
            .join(webhook_events, webhook_events.c.id == _d.c.event_id)
            .where(_d.c.id.in_(ids))
        )
        found = {r["id"]: _delivery(r) for r in (await self._conn.execute(stmt)).mappings()}
        return Page([found[i] for i in ids], cursor)

    async def endpoints_with_pending(self, due_before: int, limit: int) -> list[str]:
        """Enabled endpoints with a delivery due by ``due_before`` (the sweep's work)."""
        stmt = (
            select(_d.c.endpoint_id)
            .join(_e, _e.c.id == _d.c.endpoint_id)
            .where(
                _d.c.status == DeliveryStatus.PENDING.value,
                _d.c.next_attempt_at <= due_before,
                _e.c.enabled.is_(True),
            )
            .distinct()
            .limit(limit)
        )
        return list((await self._conn.execute(stmt)).scalars())

    async def reencrypt_after(self, after_id: str, limit: int) -> tuple[int, str | None]:
        rows = (
            await self._conn.execute(
                select(_e.c.id, _e.c.secret_enc)
                .where(_e.c.id > after_id)
                .order_by(_e.c.id)
                .limit(limit)
            )
        ).all()
        for row in rows:
            plain = self._cipher.decrypt(row.secret_enc, secret_context(row.id))
            token = self._cipher.encrypt(plain, secret_context(row.id))
            await self._conn.execute(
                update(_e)
                .where(_e.c.id == row.id, _e.c.secret_enc == row.secret_enc)
                .values(secret_enc=token)
            )
        return len(rows), rows[-1].id if len(rows) == limit else None
