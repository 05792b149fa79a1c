"""What each operation sends (method, path, query, body, headers), shared by the sync and async
resources so both speak exactly the same API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

from delegate.client.types import MeetingSession, Order, Page

DEFAULT_TAKE = 100


@dataclass(frozen=True)
class Call:
    method: Literal["GET", "POST"]
    path: str
    params: Mapping[str, str | int] | None = None
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None


def segment(ref: str) -> str:
    """One path segment (an id or ``@alias``), quoted so it cannot change the route."""
    if not ref:
        raise ValueError("an id is required")
    return quote(ref, safe="@")


def get(path: str, **params: str | int | None) -> Call:
    return Call("GET", path, {k: v for k, v in params.items() if v is not None} or None)


def post(path: str, body: Mapping[str, Any] | None = None, **headers: str | None) -> Call:
    sent = {k.replace("_", "-"): v for k, v in headers.items() if v is not None}
    return Call("POST", path, body=dict(body or {}), headers=sent or None)


def listing(path: str, cursor: str | None, order: Order, take: int) -> Call:
    return get(path, cursor=cursor, order=order, take=take)


def fields(**values: Any) -> dict[str, Any]:
    """A request body from keyword arguments: camelCase keys, ``None`` means "leave out"."""
    return {_camel(k): v for k, v in values.items() if v is not None}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def iso(when: datetime | str | None) -> str | None:
    """``join_at`` as ISO 8601; a datetime must carry a timezone so the meeting time is exact."""
    if when is None or isinstance(when, str):
        return when
    if when.tzinfo is None:
        raise ValueError("join_at must be timezone-aware (for example datetime.now(UTC))")
    return when.isoformat()


def next_cursor(page: Page[Any], take: int) -> str | None:
    """The cursor of the following page, or ``None`` when this page was the last."""
    if len(page.items) < take or not page.cursor:
        return None
    return page.cursor


def bot_path(bot_id: str, verb: str) -> str:
    return f"bot/{segment(bot_id)}/{verb}"


def integration_path(integration_id: str, verb: str) -> str:
    return f"integration/recall/{segment(integration_id)}/{verb}"


def session_path(integration_id: str, session_id: str, verb: str) -> str:
    return integration_path(integration_id, f"session/{segment(session_id)}/{verb}")


def joined_or_finished(session: MeetingSession) -> bool:
    return session.joined or session.finished


def webhook_path(webhook_id: str, verb: str) -> str:
    return f"webhook/{segment(webhook_id)}/{verb}"
