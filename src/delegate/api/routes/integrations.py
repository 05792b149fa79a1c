"""Recall integration routes (CRUD). Secrets go in, never out."""

from __future__ import annotations

from fastapi import APIRouter

from delegate.api.deps import AccountDep, ContainerDep, ListQueryDep
from delegate.api.schemas import (
    IdOut,
    IntegrationIn,
    IntegrationList,
    IntegrationOut,
    SavedOut,
    SetupOut,
)
from delegate.services import integrations

router = APIRouter(prefix="/integration/recall", tags=["Recall integration"])


@router.get("/list", operation_id="listRecallIntegrations")
async def list_integrations(
    c: ContainerDep, account: AccountDep, query: ListQueryDep
) -> IntegrationList:
    page = await integrations.list_integrations(c.uow, account.id, query)
    return IntegrationList(items=[IntegrationOut.of(i) for i in page.items], cursor=page.cursor)


@router.post("/create", operation_id="createRecallIntegration", response_model_exclude_none=True)
async def create_integration(c: ContainerDep, account: AccountDep, body: IntegrationIn) -> SavedOut:
    saved = await integrations.create_integration(c.uow, c.clock, account.id, body.provided())
    return SavedOut(id=saved.id, warning=saved.warning)


@router.get("/{integrationId}/fetch", operation_id="fetchRecallIntegration")
async def fetch_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
) -> IntegrationOut:
    return IntegrationOut.of(await integrations.fetch_integration(c.uow, account.id, integrationId))


@router.post(
    "/{integrationId}/update",
    operation_id="updateRecallIntegration",
    response_model_exclude_none=True,
)
async def update_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
    body: IntegrationIn,
) -> SavedOut:
    saved = await integrations.update_integration(
        c.uow, c.clock, account.id, integrationId, body.provided()
    )
    return SavedOut(id=saved.id, warning=saved.warning)


@router.post("/{integrationId}/setup", operation_id="setupRecallIntegration")
async def setup_integration(c: ContainerDep, account: AccountDep, integrationId: str) -> SetupOut:
    """Register this server's status webhook URL with the integration's Recall workspace.
    On Recall itself (webhook endpoints are set in its dashboard) the answer is 409 with the
    URL to add there; the simulator registers it."""
    done = await integrations.set_up_integration(c.ports, account.id, integrationId)
    return SetupOut(id=done.id, webhookUrl=done.webhook_url)


@router.post("/{integrationId}/delete", operation_id="deleteRecallIntegration")
async def delete_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: str,
) -> IdOut:
    return IdOut(id=await integrations.delete_integration(c.uow, account.id, integrationId))
