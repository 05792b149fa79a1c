"""What Recall calls: the realtime receiver and the status webhook. Raw bytes are verified
before anything is parsed; the answer comes as soon as the event is durably stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from delegate.api.deps import ContainerDep

router = APIRouter(prefix="/integration/recall/{integrationId}", tags=["Recall callbacks"])


@router.post("/session/{sessionId}/realtime", operation_id="recallRealtime", status_code=200)
async def realtime(
    request: Request,
    c: ContainerDep,
    integrationId: str,
    sessionId: str,
    token: Annotated[str | None, Query(max_length=256)] = None,
) -> dict[str, bool]:
    stored = await c.receiver.receive_realtime(
        integrationId, sessionId, token, request.headers, await request.body()
    )
    return {"stored": stored}


@router.post("/webhook", operation_id="recallWebhook", status_code=200)
async def webhook(request: Request, c: ContainerDep, integrationId: str) -> dict[str, bool]:
    session_id = await c.receiver.receive_status(
        integrationId, request.headers, await request.body()
    )
    return {"accepted": session_id is not None}
