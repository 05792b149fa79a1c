"""Request-scoped dependencies: the container, the calling account, JSON-only changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from delegate.bootstrap import Container
from delegate.domain.errors import InvalidInput
from delegate.domain.records import Account, ListQuery, Order
from delegate.services.accounts import authenticate


def container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(container)]


async def current_account(request: Request, c: ContainerDep) -> Account:
    header = request.headers.get("authorization", "")
    parts = header.split()
    token = parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None
    return await authenticate(c.uow, token)


AccountDep = Annotated[Account, Depends(current_account)]


async def require_json(request: Request) -> None:
    """Every change is POST with a JSON body (an empty body is allowed where nothing is needed)."""
    if request.method != "POST":
        return
    content_type = request.headers.get("content-type", "")
    if content_type and not content_type.split(";")[0].strip().endswith("json"):
        raise InvalidInput("Content-Type must be application/json")


def list_query(
    cursor: Annotated[str | None, Query(description="Id of the last item seen")] = None,
    order: Annotated[Order, Query(description="asc or desc by creation time")] = Order.DESC,
    take: Annotated[int, Query(ge=1, le=100, description="Page size (1-100)")] = 100,
) -> ListQuery:
    return ListQuery(cursor=cursor or None, order=order, take=take)


ListQueryDep = Annotated[ListQuery, Depends(list_query)]
