"""Bot routes: parse, call one service, map the result."""

from __future__ import annotations

from fastapi import APIRouter

from delegate.api.deps import AccountDep, BotRef, ContainerDep, ListQueryDep
from delegate.api.openapi import CHANGE, CREATE, DELETE, LIST, READ, errors
from delegate.api.schemas import BotIn, BotList, BotOut, IdOut
from delegate.services import bots

router = APIRouter(prefix="/bot", tags=["Bot"])


@router.get("/list", operation_id="listBots", responses=errors(*LIST))
async def list_bots(c: ContainerDep, account: AccountDep, query: ListQueryDep) -> BotList:
    page = await bots.list_bots(c.uow, account.id, query)
    return BotList(items=[BotOut.of(b) for b in page.items], cursor=page.cursor)


# 404: a ``datasetId`` that names no dataset of the account.
@router.post("/create", operation_id="createBot", responses=errors(*CREATE, 404))
async def create_bot(c: ContainerDep, account: AccountDep, body: BotIn) -> IdOut:
    voices = c.ports.voice.catalog if c.ports.voice else None
    return IdOut(id=await bots.create_bot(c.uow, c.clock, account.id, body.provided(), voices))


@router.get("/{botId}/fetch", operation_id="fetchBot", responses=errors(*READ))
async def fetch_bot(c: ContainerDep, account: AccountDep, botId: BotRef) -> BotOut:
    return BotOut.of(await bots.fetch_bot(c.uow, account.id, botId))


@router.post("/{botId}/update", operation_id="updateBot", responses=errors(*CHANGE))
async def update_bot(
    c: ContainerDep,
    account: AccountDep,
    botId: BotRef,
    body: BotIn,
) -> IdOut:
    voices = c.ports.voice.catalog if c.ports.voice else None
    return IdOut(
        id=await bots.update_bot(c.uow, c.clock, account.id, botId, body.provided(), voices)
    )


@router.post("/{botId}/delete", operation_id="deleteBot", responses=errors(*DELETE))
async def delete_bot(c: ContainerDep, account: AccountDep, botId: BotRef) -> IdOut:
    return IdOut(id=await bots.delete_bot(c.uow, account.id, botId))
