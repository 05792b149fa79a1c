"""Bots: a name, a backstory (system prompt), a model, and who may command the delegate."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from delegate.domain.commanders import DEFAULT_COMMANDERS, parse_commanders
from delegate.domain.errors import InvalidInput, NotFound
from delegate.domain.ids import new_id
from delegate.domain.records import Bot, ListQuery, Page, merge_meta
from delegate.domain.voice import ReplyMode, parse_reply_mode
from delegate.services.fields import check_meta, clean_alias, common_changes, ensure_alias_free
from delegate.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from delegate.services.voices import VoiceCatalog, check_reply_voice

BOT_FIELDS = (
    "name",
    "description",
    "backstory",
    "model",
    "alias",
    "meta",
    "replyMode",
    "voice",
    "commanders",
    "datasetId",
)


def check_name(fields: dict[str, Any]) -> None:
    """A bot may be created without a name, but a name given must say something: it is who
    the delegate is in the meeting and what participants call it."""
    if "name" in fields and not (fields["name"] or "").strip():
        raise InvalidInput('"name" must not be empty')


def voice_changes(
    fields: dict[str, Any], voices: VoiceCatalog | None, bot: Bot | None
) -> dict[str, Any]:
    """``reply_mode`` and ``voice`` as they will be stored, checked together: an unknown voice
    or an engine this server cannot run is a 400 now, not a silent delegate mid-meeting."""
    if "replyMode" not in fields and "voice" not in fields:
        return {}
    mode = parse_reply_mode(fields.get("replyMode")) or ReplyMode(
        bot.reply_mode if bot else ReplyMode.CHAT
    )
    voice = fields.get("voice", bot.voice if bot else None)
    return {"reply_mode": mode.value, "voice": check_reply_voice(voices, mode, voice)}


def commander_changes(fields: dict[str, Any]) -> dict[str, Any]:
    """``commanders`` as it will be stored, when given (null: back to the host only)."""
    if "commanders" not in fields:
        return {}
    value = fields["commanders"]
    return {"commanders": parse_commanders(value) if value is not None else DEFAULT_COMMANDERS}


async def dataset_changes(
    tx: UnitOfWork, account_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """``dataset_id`` as it will be stored: a dataset of this account (by id or ``@alias``),
    or None when ``datasetId`` is null or ""; another account's dataset is not found."""
    if "datasetId" not in fields:
        return {}
    ref = fields["datasetId"]
    if not ref:
        return {"dataset_id": None}
    dataset = await tx.datasets.get(account_id, str(ref))
    if dataset is None:
        raise NotFound("Dataset not found")
    return {"dataset_id": dataset.id}


async def create_bot(
    uow: UnitOfWorkFactory,
    clock: Clock,
    account_id: str,
    fields: dict[str, Any],
    voices: VoiceCatalog | None = None,
) -> str:
    """Create a bot from the given fields (all optional); returns its id."""
    check_name(fields)
    spoken = voice_changes(fields, voices, None)
    commanders = commander_changes(fields)
    alias = clean_alias(fields.get("alias"))
    check_meta(fields.get("meta"))
    now = clock.now_ms()
    bot = Bot(
        id=new_id(),
        account_id=account_id,
        alias=alias,
        name=fields.get("name") or "",
        description=fields.get("description") or "",
        backstory=fields.get("backstory") or "",
        model=fields.get("model") or "",
        meta=merge_meta(fields.get("meta"), None),
        created_at=now,
        updated_at=now,
        **spoken,
        **commanders,
    )
    async with uow() as tx:
        if alias:
            await ensure_alias_free(await tx.bots.alias_taken(account_id, alias, None), alias)
        bot = replace(bot, **await dataset_changes(tx, account_id, fields))
        await tx.bots.add(bot)
    return bot.id


async def fetch_bot(uow: UnitOfWorkFactory, account_id: str, ref: str) -> Bot:
    async with uow() as tx:
        bot = await tx.bots.get(account_id, ref)
    if bot is None:
        raise NotFound("Bot not found")
    return bot


async def list_bots(uow: UnitOfWorkFactory, account_id: str, query: ListQuery) -> Page[Bot]:
    async with uow() as tx:
        return await tx.bots.list_page(account_id, query)


async def update_bot(
    uow: UnitOfWorkFactory,
    clock: Clock,
    account_id: str,
    ref: str,
    fields: dict[str, Any],
    voices: VoiceCatalog | None = None,
) -> str:
    """Change the given fields; omitted fields keep their value."""
    check_name(fields)
    check_meta(fields.get("meta"))
    async with uow() as tx:
        bot = await tx.bots.get(account_id, ref)
        if bot is None:
            raise NotFound("Bot not found")
        changes = await common_changes(
            fields,
            ("name", "description", "backstory", "model"),
            bot.id,
            bot.meta,
            lambda alias, except_id: tx.bots.alias_taken(account_id, alias, except_id),
        )
        changes.update(voice_changes(fields, voices, bot))
        changes.update(commander_changes(fields))
        changes.update(await dataset_changes(tx, account_id, fields))
        await tx.bots.update(replace(bot, **changes, updated_at=clock.now_ms()))
    return bot.id


async def delete_bot(uow: UnitOfWorkFactory, account_id: str, ref: str) -> str:
    async with uow() as tx:
        bot = await tx.bots.get(account_id, ref)
        if bot is None:
            raise NotFound("Bot not found")
        await tx.bots.delete(account_id, bot.id)
    return bot.id
