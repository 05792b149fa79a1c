"""Field rules shared by bots and integrations: aliases and meta."""

from __future__ import annotations

from typing import Any

from delegate.domain.errors import Conflict, InvalidInput
from delegate.domain.records import ALIAS_PATTERN


def clean_alias(alias: str | None) -> str | None:
    if alias is None or alias == "":
        return None
    if not ALIAS_PATTERN.match(alias):
        raise InvalidInput(
            '"alias" must contain only lowercase letters, numbers, hyphens and underscores '
            "(at most 128)"
        )
    return alias


def check_meta(meta: Any) -> None:
    if meta is None:
        return
    inner = meta.get("$update") if isinstance(meta, dict) and set(meta) == {"$update"} else meta
    if not isinstance(inner, dict):
        raise InvalidInput('"meta" must be an object')
    bad = [k for k in inner if k.startswith("_") or k.startswith("$")]
    if bad:
        raise InvalidInput(f'"meta" keys must not start with "_" or "$" ({bad[0]})')


async def ensure_alias_free(taken: bool, alias: str | None) -> None:
    if alias and taken:
        raise Conflict(f'"alias" {alias!r} is already used by another record of this account')
