"""What an operation asks of a client, without doing any I/O: one request (``Request``), the same
request until an answer satisfies a condition (``Poll``), or every page of a list (``Walk``,
``Collect``). Resources build plans; ``Delegate`` runs them blocking, ``AsyncDelegate`` awaited,
so both speak exactly the same API from one source."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import quote

from delegate_client._exceptions import TimedOut
from delegate_client.types import MeetingSession, Model, Order, Page

DEFAULT_TAKE = 100

T = TypeVar("T")
M = TypeVar("M", bound=Model)
R = TypeVar("R", covariant=True)
A = TypeVar("A", covariant=True)


@dataclass(frozen=True)
class Call:
    """One HTTP request of the API: method, path below ``/v1``, query, JSON body, headers."""

    method: Literal["GET", "POST"]
    path: str
    params: Mapping[str, str | int] | None = None
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    content: bytes | None = None
    """A body sent as it is instead of JSON (a file upload; ``headers`` give its type)."""


class Plan(Generic[R, A]):
    """What an operation gives back: ``R`` from the sync client, ``A`` from the async one."""


@dataclass(frozen=True)
class Request(Plan[T, Awaitable[T]]):
    """One call; ``parse`` turns the answer's body into the result (``expected`` names it)."""

    call: Call
    parse: Callable[[bytes], T]
    expected: str


@dataclass
class Poll(Plan[T, Awaitable[T]]):
    """Repeat ``request`` every ``interval`` seconds until ``until`` holds for the answer, and
    raise ``TimedOut`` (saying ``still(answer)``) once ``timeout`` seconds have passed."""

    request: Request[T]
    until: Callable[[T], bool]
    still: Callable[[T], str]
    timeout: float
    interval: float
    on_update: Callable[[T], None] | None = None
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.timeout

    def finished(self, answer: T) -> bool:
        """Whether ``answer`` ends the poll; raises ``TimedOut`` when it does not, in time."""
        if self.on_update is not None:
            self.on_update(answer)
        if self.until(answer):
            return True
        if time.monotonic() >= self.deadline:
            raise TimedOut(self.still(answer), "TIMEOUT")
        return False


@dataclass(frozen=True)
class Walk(Plan[Iterator[M], AsyncIterator[M]]):
    """Every item of a list, page after page, following cursors."""

    page: Callable[[str | None], Request[Page[M]]]
    take: int

    def first(self) -> Request[Page[M]]:
        return self.page(None)

    def after(self, page: Page[M]) -> Request[Page[M]] | None:
        """The request of the following page, or ``None`` when ``page`` was the last."""
        if len(page.items) < self.take or not page.cursor:
            return None
        return self.page(page.cursor)


@dataclass(frozen=True)
class Collect(Plan[list[M], Awaitable[list[M]]]):
    """Every item of a list, in one list."""

    walk: Walk[M]


def model(call: Call, cast_to: type[M]) -> Request[M]:
    """A request whose answer is the JSON of ``cast_to``."""
    return Request(call, cast_to.model_validate_json, cast_to.__name__)


def text(call: Call) -> Request[str]:
    """A request whose answer is plain text (UTF-8, as the server writes it)."""
    return Request(call, _utf8, "text")


def _utf8(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def get(path: str, **params: str | int | None) -> Call:
    return Call("GET", path, {k: v for k, v in params.items() if v is not None} or None)


def post(path: str, body: Mapping[str, Any] | None = None, **headers: str | None) -> Call:
    sent = {k.replace("_", "-"): v for k, v in headers.items() if v is not None}
    return Call("POST", path, body=dict(body or {}), headers=sent or None)


def walk(path: str, page: type[Page[M]], order: Order, take: int) -> Walk[M]:
    """Every item of the list at ``path``, ``take`` a page."""
    return Walk(lambda cursor: model(listing(path, cursor, order, take), page), take)


def listing(path: str, cursor: str | None, order: Order, take: int) -> Call:
    return get(path, cursor=cursor, order=order, take=take)


def segment(ref: str) -> str:
    """One path segment (an id or ``@alias``), quoted so it cannot change the route."""
    if not ref:
        raise ValueError("an id is required")
    return quote(ref, safe="@")


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


def bot_path(bot_id: str, verb: str) -> str:
    return f"bot/{segment(bot_id)}/{verb}"


def integration_path(integration_id: str, verb: str) -> str:
    return f"integration/recall/{segment(integration_id)}/{verb}"


def session_path(integration_id: str, session_id: str, verb: str) -> str:
    return integration_path(integration_id, f"session/{segment(session_id)}/{verb}")


def dataset_path(dataset_id: str, verb: str) -> str:
    return f"dataset/{segment(dataset_id)}/{verb}"


def record_path(dataset_id: str, record_id: str, verb: str) -> str:
    return f"dataset/{segment(dataset_id)}/record/{segment(record_id)}/{verb}"


def webhook_path(webhook_id: str, verb: str) -> str:
    return f"webhook/{segment(webhook_id)}/{verb}"


def joined_or_finished(session: MeetingSession) -> bool:
    return session.joined or session.finished
