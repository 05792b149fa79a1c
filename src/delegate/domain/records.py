"""Stored records as the services see them, and the rules of their fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from delegate.domain.commanders import DEFAULT_COMMANDERS
from delegate.domain.errors import InvalidInput
from delegate.domain.ids import ID_PATTERN

T = TypeVar("T")

DEFAULT_REGION = "us-east-1"
REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1")
ALIAS_PATTERN = re.compile(r"^[a-z0-9_-]{1,128}$")
REF_PATTERN = re.compile(rf"^(?:{ID_PATTERN.pattern[1:-1]}|@{ALIAS_PATTERN.pattern[1:-1]})$")
"""How a path names a record: its id, or ``@`` and its alias."""


class Order(StrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True)
class PageKey:
    """Where the next page starts: after the record at ``(created_at, id)`` in list order.

    Our cursors carry both, so a page still follows when that record has been deleted since.
    A plain id (ChatBotKit's cursor) has no ``created_at`` and is looked up."""

    id: str
    created_at: int | None = None

    def cursor(self) -> str:
        return self.id if self.created_at is None else f"{self.id}.{self.created_at}"


CURSOR_PATTERN = re.compile(rf"^{ID_PATTERN.pattern[1:-1]}(\.[0-9]{{1,15}})?$")
"""An id, then optionally ``.`` and the record's ``created_at`` (plain syntax: it is also the
pattern the OpenAPI document gives clients)."""


def parse_cursor(cursor: str) -> PageKey:
    """The page key a ``cursor`` stands for; raises ``InvalidInput`` for one we never gave."""
    if not CURSOR_PATTERN.fullmatch(cursor):
        raise InvalidInput('"cursor" must be the "cursor" of a previous page (or an item id)')
    record_id, _, created_at = cursor.partition(".")
    return PageKey(record_id, int(created_at) if created_at else None)


@dataclass(frozen=True)
class ListQuery:
    cursor: PageKey | None = None
    order: Order = Order.DESC
    take: int = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursor: str | None


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    created_at: int


@dataclass(frozen=True)
class ApiToken:
    """An API token as it can be shown: never the token, only its first characters."""

    id: str
    account_name: str
    hint: str
    created_at: int
    revoked_at: int | None


@dataclass(frozen=True)
class Bot:
    id: str
    account_id: str
    alias: str | None
    name: str
    description: str
    backstory: str
    model: str
    meta: dict[str, Any] | None
    created_at: int
    updated_at: int
    reply_mode: str = "chat"
    """``chat``, ``voice`` or ``both`` (``domain/voice.py``)."""
    voice: str | None = None
    """``engine`` or ``engine:name``; None: the server's default voice."""
    commanders: tuple[str, ...] = DEFAULT_COMMANDERS
    """Who may give meeting commands: ``host``, ``everyone``, names, emails
    (``domain/commanders.py``)."""
    dataset_id: str | None = None
    """The knowledge base the delegate answers from (``domain/knowledge.py``)."""


@dataclass(frozen=True)
class Integration:
    id: str
    account_id: str
    bot_id: str | None
    alias: str | None
    name: str
    description: str
    region: str
    meta: dict[str, Any] | None
    api_key_set: bool
    webhook_secret_set: bool
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class IntegrationSecrets:
    api_key: str | None = field(repr=False, default=None)
    webhook_secret: str | None = field(repr=False, default=None)


def merge_meta(new: Any, old: dict[str, Any] | None) -> dict[str, Any] | None:
    """ChatBotKit meta semantics: an object replaces; ``{"$update": {...}}`` merges shallowly."""
    if isinstance(new, dict) and set(new) == {"$update"} and isinstance(new["$update"], dict):
        return {**(old or {}), **new["$update"]}
    return new  # type: ignore[no-any-return]
