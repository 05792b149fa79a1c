"""Repositories for accounts, tokens, bots and integrations, on SQLAlchemy Core."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, and_, delete, insert, select, tuple_, update
from sqlalchemy.engine import RowMapping

from delegate.adapters.db.connection import Connection
from delegate.adapters.db.tables import accounts, api_tokens, bots, recall_integrations
from delegate.domain.commanders import DEFAULT_COMMANDERS
from delegate.domain.errors import InvalidInput
from delegate.domain.ids import new_id
from delegate.domain.records import (
    DEFAULT_REGION,
    Account,
    ApiToken,
    Bot,
    Integration,
    IntegrationSecrets,
    ListQuery,
    Order,
    Page,
    PageKey,
)
from delegate.services.ports import Cipher


async def paginate(
    conn: Connection, table: Table, account_id: str, query: ListQuery, *where: Any
) -> tuple[list[RowMapping], str | None]:
    """Keyset pagination on (created_at, id) within one account. The cursor returned carries
    the last row's key, so the next page follows even if that row is deleted meanwhile."""
    stmt = select(table).where(table.c.account_id == account_id, *where)
    key = tuple_(table.c.created_at, table.c.id)
    if query.cursor:
        created_at = query.cursor.created_at
        if created_at is None:
            created_at = (
                await conn.execute(
                    select(table.c.created_at).where(
                        and_(table.c.id == query.cursor.id, table.c.account_id == account_id)
                    )
                )
            ).scalar()
            if created_at is None:
                # A bare id is all a ChatBotKit-style client gives; without its record there is
                # no telling where the page starts, and an empty page would look like the end.
                raise InvalidInput('"cursor" names no item of this list (it may have been deleted)')
        bound = tuple_(created_at, query.cursor.id)
        stmt = stmt.where(key > bound if query.order is Order.ASC else key < bound)
    if query.order is Order.ASC:
        stmt = stmt.order_by(table.c.created_at.asc(), table.c.id.asc())
    else:
        stmt = stmt.order_by(table.c.created_at.desc(), table.c.id.desc())
    rows = list((await conn.execute(stmt.limit(query.take))).mappings())
    last = PageKey(rows[-1]["id"], rows[-1]["created_at"]) if rows else None
    return rows, (last.cursor() if last else None)


def _ref_clause(table: Table, account_id: str, ref: str) -> Any:
    column = table.c.alias if ref.startswith("@") else table.c.id
    return and_(table.c.account_id == account_id, column == ref.removeprefix("@"))


class SqlAccountRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def get_or_create(self, name: str, now_ms: int) -> Account:
        row = (await self._conn.execute(select(accounts).where(accounts.c.name == name))).first()
        if row is not None:
            return Account(row.id, row.name, row.created_at)
        account = Account(new_id(), name, now_ms)
        await self._conn.execute(
            insert(accounts).values(id=account.id, name=name, created_at=now_ms)
        )
        return account

    async def add_token(self, account_id: str, digest: str, hint: str, now_ms: int) -> str:
        token_id = new_id()
        await self._conn.execute(
            insert(api_tokens).values(
                id=token_id, account_id=account_id, digest=digest, hint=hint, created_at=now_ms
            )
        )
        return token_id

    async def account_for_token(self, digest: str) -> Account | None:
        row = (
            await self._conn.execute(
                select(accounts)
                .join(api_tokens, api_tokens.c.account_id == accounts.c.id)
                .where(api_tokens.c.digest == digest, api_tokens.c.revoked_at.is_(None))
            )
        ).first()
        return Account(row.id, row.name, row.created_at) if row else None

    async def tokens(self, account_name: str | None) -> list[ApiToken]:
        t = api_tokens
        stmt = (
            select(t.c.id, accounts.c.name, t.c.hint, t.c.created_at, t.c.revoked_at)
            .join(accounts, t.c.account_id == accounts.c.id)
            .where(t.c.revoked_at.is_(None))
            .order_by(t.c.created_at, t.c.id)
        )
        if account_name is not None:
            stmt = stmt.where(accounts.c.name == account_name)
        return [
            ApiToken(row.id, row.name, row.hint, row.created_at, row.revoked_at)
            for row in await self._conn.execute(stmt)
        ]

    async def revoke_token(self, token_id: str, now_ms: int) -> bool:
        t = api_tokens
        result = await self._conn.execute(
            update(t).where(t.c.id == token_id, t.c.revoked_at.is_(None)).values(revoked_at=now_ms)
        )
        return bool(result.rowcount)


def _bot(row: RowMapping) -> Bot:
    return Bot(
        id=row["id"],
        account_id=row["account_id"],
        alias=row["alias"],
        name=row["name"],
        description=row["description"],
        backstory=row["backstory"],
        model=row["model"],
        meta=row["meta"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        reply_mode=row["reply_mode"],
        voice=row["voice"],
        # NULL is a bot stored before the setting existed: the default, the host only.
        commanders=tuple(row["commanders"] or DEFAULT_COMMANDERS),
        dataset_id=row["dataset_id"],
    )


class SqlBotRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, bot: Bot) -> None:
        await self._conn.execute(insert(bots).values(**bot.__dict__))

    async def get(self, account_id: str, ref: str) -> Bot | None:
        row = (
            (await self._conn.execute(select(bots).where(_ref_clause(bots, account_id, ref))))
            .mappings()
            .first()
        )
        return _bot(row) if row else None

    async def update(self, bot: Bot) -> None:
        values = {k: v for k, v in bot.__dict__.items() if k not in ("id", "account_id")}
        await self._conn.execute(update(bots).where(bots.c.id == bot.id).values(**values))

    async def delete(self, account_id: str, bot_id: str) -> None:
        await self._conn.execute(
            delete(bots).where(and_(bots.c.id == bot_id, bots.c.account_id == account_id))
        )

    async def list_page(self, account_id: str, query: ListQuery) -> Page[Bot]:
        rows, cursor = await paginate(self._conn, bots, account_id, query)
        return Page([_bot(r) for r in rows], cursor)

    async def alias_taken(self, account_id: str, alias: str, except_id: str | None) -> bool:
        return await _alias_taken(self._conn, bots, account_id, alias, except_id)


async def _alias_taken(
    conn: Connection, table: Table, account_id: str, alias: str, except_id: str | None
) -> bool:
    stmt = select(table.c.id).where(and_(table.c.account_id == account_id, table.c.alias == alias))
    if except_id:
        stmt = stmt.where(table.c.id != except_id)
    return (await conn.execute(stmt)).first() is not None


def _integration(row: RowMapping) -> Integration:
    return Integration(
        id=row["id"],
        account_id=row["account_id"],
        bot_id=row["bot_id"],
        alias=row["alias"],
        name=row["name"],
        description=row["description"],
        region=row["region"] or DEFAULT_REGION,
        meta=row["meta"],
        api_key_set=row["api_key_enc"] is not None,
        webhook_secret_set=row["webhook_secret_enc"] is not None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


_SECRET_COLUMNS = {"api_key": "api_key_enc", "webhook_secret": "webhook_secret_enc"}


def secret_context(integration_id: str, field: str) -> str:
    """Associated data binding a ciphertext to its row and field."""
    return f"recall_integrations:{integration_id}:{field}"


class SqlIntegrationRepository:
    def __init__(self, conn: Connection, cipher: Cipher) -> None:
        self._conn = conn
        self._cipher = cipher

    def _encrypt(self, integration_id: str, field: str, value: str | None) -> str | None:
        if value is None:
            return None
        return self._cipher.encrypt(value, secret_context(integration_id, field))

    async def add(self, integration: Integration, secrets: IntegrationSecrets) -> None:
        i = integration
        await self._conn.execute(
            insert(recall_integrations).values(
                id=i.id,
                account_id=i.account_id,
                bot_id=i.bot_id,
                alias=i.alias,
                name=i.name,
                description=i.description,
                region=None if i.region == DEFAULT_REGION else i.region,
                meta=i.meta,
                api_key_enc=self._encrypt(i.id, "api_key", secrets.api_key),
                webhook_secret_enc=self._encrypt(i.id, "webhook_secret", secrets.webhook_secret),
                created_at=i.created_at,
                updated_at=i.updated_at,
            )
        )

    async def get(self, account_id: str, ref: str) -> Integration | None:
        table = recall_integrations
        row = (
            (await self._conn.execute(select(table).where(_ref_clause(table, account_id, ref))))
            .mappings()
            .first()
        )
        return _integration(row) if row else None

    async def all_ids(self) -> list[str]:
        table = recall_integrations
        rows = await self._conn.execute(select(table.c.id).order_by(table.c.id))
        return [str(r[0]) for r in rows]

    async def get_by_id(self, integration_id: str) -> Integration | None:
        table = recall_integrations
        row = (
            (await self._conn.execute(select(table).where(table.c.id == integration_id)))
            .mappings()
            .first()
        )
        return _integration(row) if row else None

    async def secrets(self, integration_id: str) -> IntegrationSecrets:
        table = recall_integrations
        row = (
            await self._conn.execute(
                select(table.c.api_key_enc, table.c.webhook_secret_enc).where(
                    table.c.id == integration_id
                )
            )
        ).first()
        if row is None:
            return IntegrationSecrets()
        ctx = secret_context
        return IntegrationSecrets(
            api_key=self._cipher.decrypt(row.api_key_enc, ctx(integration_id, "api_key"))
            if row.api_key_enc
            else None,
            webhook_secret=self._cipher.decrypt(
                row.webhook_secret_enc, ctx(integration_id, "webhook_secret")
            )
            if row.webhook_secret_enc
            else None,
        )

    async def update(self, integration: Integration, secrets: dict[str, str | None]) -> None:
        i = integration
        values: dict[str, Any] = {
            "bot_id": i.bot_id,
            "alias": i.alias,
            "name": i.name,
            "description": i.description,
            "region": None if i.region == DEFAULT_REGION else i.region,
            "meta": i.meta,
            "updated_at": i.updated_at,
        }
        for field, value in secrets.items():
            values[_SECRET_COLUMNS[field]] = self._encrypt(i.id, field, value)
        await self._conn.execute(
            update(recall_integrations).where(recall_integrations.c.id == i.id).values(**values)
        )

    async def delete(self, account_id: str, integration_id: str) -> None:
        t = recall_integrations
        await self._conn.execute(
            delete(t).where(and_(t.c.id == integration_id, t.c.account_id == account_id))
        )

    async def list_page(self, account_id: str, query: ListQuery) -> Page[Integration]:
        rows, cursor = await paginate(self._conn, recall_integrations, account_id, query)
        return Page([_integration(r) for r in rows], cursor)

    async def alias_taken(self, account_id: str, alias: str, except_id: str | None) -> bool:
        return await _alias_taken(self._conn, recall_integrations, account_id, alias, except_id)

    async def reencrypt_after(self, after_id: str, limit: int) -> tuple[int, str | None]:
        t = recall_integrations
        rows = (
            await self._conn.execute(
                select(t.c.id, t.c.api_key_enc, t.c.webhook_secret_enc)
                .where(t.c.id > after_id)
                .order_by(t.c.id)
                .limit(limit)
            )
        ).all()
        changed = 0
        for row in rows:
            values: dict[str, str] = {}
            for field, column in _SECRET_COLUMNS.items():
                token = getattr(row, column)
                if token:
                    plain = self._cipher.decrypt(token, secret_context(row.id, field))
                    values[column] = self._cipher.encrypt(plain, secret_context(row.id, field))
            if values:
                # Only over what was read: a secret changed meanwhile is already on the
                # active key, and is not put back.
                same = [t.c[column] == getattr(row, column) for column in values]
                await self._conn.execute(update(t).where(t.c.id == row.id, *same).values(**values))
                changed += 1
        return changed, rows[-1].id if len(rows) == limit else None
