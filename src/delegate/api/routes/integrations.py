"""Recall integration routes (CRUD). Secrets go in, never out."""

from __future__ import annotations

from fastapi import APIRouter

from delegate.api.deps import AccountDep, ContainerDep, IntegrationRef, ListQueryDep
from delegate.api.openapi import CHANGE, CREATE, DELETE, LIST, MEETING_ACTION, READ, errors
from delegate.api.schemas import (
    CheckOut,
    IdOut,
    IntegrationIn,
    IntegrationList,
    IntegrationOut,
    SavedOut,
    SetupOut,
    VerifyOut,
)
from delegate.services import integrations, teardown, verification

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
    response_model_exclude_none=True,
    # 404: the botId names no bot of this account.
    responses=errors(*CREATE, 404),
)
async def create_integration(c: ContainerDep, account: AccountDep, body: IntegrationIn) -> SavedOut:
    saved = await integrations.create_integration(c.uow, c.clock, account.id, body.provided())
    return SavedOut(id=saved.id, warning=saved.warning)


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
    "/{integrationId}/update",
    operation_id="updateRecallIntegration",
    response_model_exclude_none=True,
    responses=errors(*CHANGE),
)
async def update_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
    body: IntegrationIn,
) -> SavedOut:
    saved = await integrations.update_integration(
        c.uow, c.clock, account.id, integrationId, body.provided(), c.ports.auth
    )
    return SavedOut(id=saved.id, warning=saved.warning)


@router.post(
    "/{integrationId}/setup",
    operation_id="setupRecallIntegration",
    # 409: Recall itself takes webhook endpoints only in its dashboard (the message says where).
    responses=errors(*MEETING_ACTION),
)
async def setup_integration(
    c: ContainerDep, account: AccountDep, integrationId: IntegrationRef
) -> SetupOut:
    """Register this server's status webhook URL with the integration's Recall workspace.
    On Recall itself (webhook endpoints are set in its dashboard) the answer is 409 with the
    URL to add there; the simulator registers it."""
    done = await integrations.set_up_integration(c.ports, account.id, integrationId)
    return SetupOut(id=done.id, webhookUrl=done.webhook_url)


@router.post(
    "/{integrationId}/verify",
    operation_id="verifyRecallIntegration",
    # No 502: a Recall that fails or cannot be reached is a failed check in the answer.
    responses=errors(*READ, 413),
)
async def verify_integration(
    c: ContainerDep, account: AccountDep, integrationId: IntegrationRef
) -> VerifyOut:
    """Check the integration against Recall for real: one authenticated call in its region
    (is the key taken, or is Recall unreachable), whether the webhook secret can check
    signatures, whether it is set up to send a delegate. A failed check is reported in the
    answer (200, ``ok`` false); nothing is changed."""
    done = await verification.verify_integration(c.ports, account.id, integrationId)
    return VerifyOut(
        id=done.id,
        ok=done.ok,
        checks=[
            CheckOut(name=x.name, ok=x.ok, level=x.level, message=x.message) for x in done.checks
        ],
    )


@router.post(
    "/{integrationId}/delete",
    operation_id="deleteRecallIntegration",
    responses=errors(*DELETE, 502),
)
async def delete_integration(
    c: ContainerDep,
    account: AccountDep,
    integrationId: IntegrationRef,
) -> IdOut:
    return IdOut(id=await teardown.delete_integration(c.ports, account.id, integrationId))
