"""What Recall calls: the status webhook (the realtime receiver, far busier, is served in front
of FastAPI by ``api/recall_callbacks.py``). Raw bytes are verified before anything is parsed;
the answer comes as soon as the event is durably stored."""

from __future__ import annotations

from fastapi import APIRouter, Request

from delegate.api.deps import ContainerDep

router = APIRouter(prefix="/integration/recall/{integrationId}", tags=["Recall callbacks"])


@router.post("/webhook", operation_id="recallWebhook", status_code=200)
async def webhook(request: Request, c: ContainerDep, integrationId: str) -> dict[str, bool]:
    session_id = await c.receiver.receive_status(
        integrationId, request.headers, await request.body()
    )
    return {"accepted": session_id is not None}
