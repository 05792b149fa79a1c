"""Recall integration routes (CRUD). Secrets go in, never out."""

from __future__ import annotations

from fastapi import APIRouter

from delegate.api.deps import AccountDep, ContainerDep, IntegrationRef, ListQueryDep
from delegate.api.openapi import CHANGE, CREATE, DELETE, LIST, READ, errors
from delegate.api.schemas import IdOut, IntegrationIn, IntegrationList, IntegrationOut
from delegate.services import integrations

router = APIRouter(prefix="/integration/recall", tags=["Recall integration"])


@router.get("/list", operation_id="listRecallIntegrations", responses=errors(*LIST))
async def list_integrations(
    c: ContainerDep, account: AccountDep, query: ListQueryDep
) -> IntegrationList:
    page = await integrations.list_integrations(c.uow, account.id, query)
    return IntegrationList(items=[IntegrationOut.of(i) for i in page.items], cursor=page.cursor)


@router.post(
    "/create",
    operation_id="createRecallIntegration",
    # 404: the botId names no bot of this account.
    responses=errors(*CREATE, 404),
)
async def create_integration(c: ContainerDep, account: AccountDep, body: IntegrationIn) -> IdOut:
    fields = body.provided()
    return IdOut(id=await integrations.create_integration(c.uow, c.clock, account.id, fields))


@router.get(
    "/{integrationId}/fetch", operation_id="fetchRecallIntegration", responses=errors(*READ)
)
async def fetch_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
) -> IntegrationOut:
    return IntegrationOut.of(await integrations.fetch_integration(c.uow, account.id, integrationId))


@router.post(
    "/{integrationId}/update", operation_id="updateRecallIntegration", responses=errors(*CHANGE)
)
async def update_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    body: IntegrationIn,
) -> IdOut:
    fields = body.provided()
    return IdOut(
        id=await integrations.update_integration(c.uow, c.clock, account.id, integrationId, fields)
    )


@router.post(
    "/{integrationId}/delete", operation_id="deleteRecallIntegration", responses=errors(*DELETE)
)
async def delete_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
) -> IdOut:
    return IdOut(id=await integrations.delete_integration(c.uow, account.id, integrationId))
