"""Request-scoped dependencies: the container, the calling account, JSON-only changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from delegate.bootstrap import Container
from delegate.domain.errors import InvalidInput
from delegate.domain.ids import ID_PATTERN
from delegate.domain.records import (
    CURSOR_PATTERN,
    REF_PATTERN,
    Account,
    ListQuery,
    Order,
    parse_cursor,
)
from delegate.services.limits import authenticate_within_limits


def container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(container)]


# Declared so that the OpenAPI document (and /docs' Authorize button) knows the scheme; a
# missing or malformed header is answered by ``authenticate`` in our error shape.
bearer = HTTPBearer(
    auto_error=False, scheme_name="bearerAuth", description="An account token (sk-...)"
)


async def current_account(
    request: Request,
    c: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Account:
    client = request.client.host if request.client else "unknown"
    token = credentials.credentials if credentials else None
    return await authenticate_within_limits(c.uow, c.limits, client, token)


AccountDep = Annotated[Account, Depends(current_account)]


NOT_JSON = "Content-Type must be application/json"


def is_json(content_type: str) -> bool:
    """A JSON media type (``application/json``, ``…+json``), or none declared."""
    return not content_type or content_type.split(";")[0].strip().endswith("json")


async def require_json(request: Request) -> None:
    """Every change is POST with a JSON body (an empty body is allowed where nothing is needed)."""
    if request.method != "POST":
        return
    if not is_json(request.headers.get("content-type", "")):
        raise InvalidInput(NOT_JSON)


def list_query(
    cursor: Annotated[
        str | None,
        Query(
            max_length=48,
            # Checked by parse_cursor, which says what a cursor is.
            json_schema_extra={"pattern": f"^({CURSOR_PATTERN.pattern[1:-1]})?$"},
            description="The `cursor` of the previous page (an item id is accepted too)",
        ),
    ] = None,
    order: Annotated[Order, Query(description="asc or desc by creation time")] = Order.DESC,
    take: Annotated[int, Query(ge=1, le=100, description="Page size (1-100)")] = 100,
) -> ListQuery:
    return ListQuery(cursor=parse_cursor(cursor) if cursor else None, order=order, take=take)


ListQueryDep = Annotated[ListQuery, Depends(list_query)]

BotRef = Annotated[str, Path(pattern=REF_PATTERN.pattern, description="The bot's id or @alias")]
IntegrationRef = Annotated[
    str, Path(pattern=REF_PATTERN.pattern, description="The integration's id or @alias")
]
IntegrationId = Annotated[str, Path(pattern=ID_PATTERN.pattern, description="The integration's id")]
SessionId = Annotated[str, Path(pattern=ID_PATTERN.pattern, description="The session's id")]
WebhookId = Annotated[str, Path(pattern=ID_PATTERN.pattern, description="The webhook's id")]
DeliveryId = Annotated[str, Path(pattern=ID_PATTERN.pattern, description="The delivery's id")]
DatasetRef = Annotated[
    str, Path(pattern=REF_PATTERN.pattern, description="The dataset's id or @alias")
]
RecordId = Annotated[str, Path(pattern=ID_PATTERN.pattern, description="The record's id")]
