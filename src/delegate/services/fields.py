"""Field rules shared by bots and integrations: aliases and meta."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from delegate.domain.errors import Conflict, InvalidInput
from delegate.domain.records import ALIAS_PATTERN, merge_meta


def clean_alias(alias: str | None) -> str | None:
    if alias is None or alias == "":
        return None
    if not ALIAS_PATTERN.fullmatch(alias):
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


async def common_changes(
    fields: dict[str, Any],
    text_fields: tuple[str, ...],
    record_id: str,
    current_meta: dict[str, Any] | None,
    alias_taken: Callable[[str, str | None], Awaitable[bool]],
) -> dict[str, Any]:
    """The changes an update asks for in the fields every record has: text fields (None
    clears to ""), ``alias`` (validated, unique per account) and ``meta`` (replace or merge)."""
    changes: dict[str, Any] = {k: fields[k] or "" for k in text_fields if k in fields}
    if "alias" in fields:
        alias = clean_alias(fields["alias"])
        if alias:
            await ensure_alias_free(await alias_taken(alias, record_id), alias)
        changes["alias"] = alias
    if "meta" in fields:
        changes["meta"] = merge_meta(fields["meta"], current_meta)
    return changes
