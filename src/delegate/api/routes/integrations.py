"""Recall integration routes (CRUD). Secrets go in, never out."""

from __future__ import annotations

from fastapi import APIRouter

from delegate.api.deps import AccountDep, ContainerDep, ListQueryDep
from delegate.api.schemas import IdOut, IntegrationIn, IntegrationList, IntegrationOut
from delegate.services import integrations

router = APIRouter(prefix="/integration/recall", tags=["Recall integration"])


@router.get("/list", operation_id="listRecallIntegrations")
async def list_integrations(
    c: ContainerDep, account: AccountDep, query: ListQueryDep
) -> IntegrationList:
    page = await integrations.list_integrations(c.uow, account.id, query)
    return IntegrationList(items=[IntegrationOut.of(i) for i in page.items], cursor=page.cursor)


@router.post("/create", operation_id="createRecallIntegration")
async def create_integration(c: ContainerDep, account: AccountDep, body: IntegrationIn) -> IdOut:
    fields = body.provided()
    return IdOut(id=await integrations.create_integration(c.uow, c.clock, account.id, fields))


@router.get("/{integrationId}/fetch", operation_id="fetchRecallIntegration")
async def fetch_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
) -> IntegrationOut:
    return IntegrationOut.of(await integrations.fetch_integration(c.uow, account.id, integrationId))


@router.post("/{integrationId}/update", operation_id="updateRecallIntegration")
async def update_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    body: IntegrationIn,
) -> IdOut:
    fields = body.provided()
    return IdOut(
        id=await integrations.update_integration(c.uow, c.clock, account.id, integrationId, fields)
    )


@router.post("/{integrationId}/delete", operation_id="deleteRecallIntegration")
async def delete_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
) -> IdOut:
    return IdOut(id=await integrations.delete_integration(c.uow, account.id, integrationId))
