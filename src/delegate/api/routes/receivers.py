"""What Recall calls: the status webhook (the realtime receiver, far busier, is served in front
of FastAPI by ``api/recall_callbacks.py``). Raw bytes are verified before anything is parsed;
the answer comes as soon as the event is durably stored."""

from __future__ import annotations

from fastapi import APIRouter, Request

from delegate.api.deps import ContainerDep, IntegrationId
from delegate.api.openapi import errors
from delegate.api.schemas import Out

router = APIRouter(prefix="/integration/recall/{integrationId}", tags=["Recall callbacks"])


class WebhookOut(Out):
    accepted: bool
    """False when the webhook concerns no session of ours (answered 200 so Recall stops)."""


@router.post(
    "/webhook",
    operation_id="recallWebhook",
    status_code=200,
    summary="Bot status webhooks from Recall",
    description="Configure this URL as the workspace's status webhook in Recall's dashboard. "
    "With the integration's `webhookSecret` set, only deliveries with a valid Standard "
    "Webhooks signature are accepted; without it, a webhook is only a hint, confirmed by "
    "fetching the bot from Recall. Not for API clients: no bearer token is used.",
    responses=errors(400, 401, 404, 413),
    openapi_extra={
        "requestBody": {
            # Any body: a delivery that passes authentication is answered 2xx even when we
            # cannot use it (it is logged and ignored), so that Recall does not retry it.
            "required": False,
            "content": {"application/json": {"schema": {}}},
        }
    },
)
async def webhook(request: Request, c: ContainerDep, integrationId: IntegrationId) -> WebhookOut:
    session_id = await c.receiver.receive_status(
        integrationId, request.headers, await request.body()
    )
    return WebhookOut(accepted=session_id is not None)
