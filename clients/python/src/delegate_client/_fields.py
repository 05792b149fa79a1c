"""The writable fields of each resource, spelled once for its ``create`` and ``update``.

An operation takes them as ``**fields: Unpack[...]``; ``_operations`` shows them in its
signature as the keyword-only parameters they are (each ``None`` by default, meaning "leave
out") and refuses any other keyword, as a plain signature would.
"""

from __future__ import annotations

from typing import Any, TypedDict

from delegate_client.types import ReplyMode


class BotFields(TypedDict, total=False):
    name: str | None
    backstory: str | None
    model: str | None
    alias: str | None
    description: str | None
    meta: dict[str, Any] | None
    reply_mode: ReplyMode | None
    voice: str | None
    commanders: list[str] | None
    dataset_id: str | None


class RecallIntegrationFields(TypedDict, total=False):
    name: str | None
    description: str | None
    alias: str | None
    bot_id: str | None
    api_key: str | None
    webhook_secret: str | None
    region: str | None
    meta: dict[str, Any] | None


class DatasetFields(TypedDict, total=False):
    name: str | None
    description: str | None
    alias: str | None
    meta: dict[str, Any] | None
