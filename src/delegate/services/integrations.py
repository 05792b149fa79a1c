"""Recall integrations: which Recall workspace (API key, region) and which bot a delegate uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from delegate.domain.errors import Conflict, InvalidInput, NotFound, UpstreamFailed
from delegate.domain.ids import new_id
from delegate.domain.records import (
    DEFAULT_REGION,
    REGIONS,
    Integration,
    IntegrationSecrets,
    ListQuery,
    Page,
    merge_meta,
)
from delegate.domain.validation import check_api_key, check_webhook_secret
from delegate.services.context import MeetingPorts
from delegate.services.fields import check_meta, clean_alias, common_changes, ensure_alias_free
from delegate.services.ports import (
    AuthInvalidations,
    Clock,
    NoWebhookApi,
    RecallError,
    RecallRejected,
    UnitOfWork,
    UnitOfWorkFactory,
)


@dataclass(frozen=True)
class Saved:
    """A stored integration, and what it still lacks before it can send a delegate."""

    id: str
    warning: str | None = None


@dataclass(frozen=True)
class WebhookSetup:
    id: str
    webhook_url: str


def missing_setup(integration: Integration) -> str | None:
    # Kept for ChatBotKit compatibility (it accepts both missing), but initiate will refuse.
    missing = [
        f'"{f}"'
        for f, ok in (("botId", integration.bot_id), ("apiKey", integration.api_key_set))
        if not ok
    ]
    if not missing:
        return None
    return f"saved without {' and '.join(missing)}: initiate answers 400 until they are set"


def webhook_url(public_url: str, integration_id: str) -> str:
    """Where Recall sends the integration's bot status webhooks."""
    return f"{public_url}/v1/integration/recall/{integration_id}/webhook"


def clean_region(region: str | None) -> str:
    if region is None or region == "":
        return DEFAULT_REGION
    if region not in REGIONS:
        raise InvalidInput(f'"region" must be one of [{", ".join(REGIONS)}]')
    return region


def _secret(value: str | None) -> str | None:
    return value if value else None


async def _resolve_bot(tx: UnitOfWork, account_id: str, ref: str | None) -> str | None:
    if not ref:
        return None
    bot = await tx.bots.get(account_id, ref)
    if bot is None:
        raise NotFound(f'"botId" {ref!r}: bot not found')
    return bot.id


async def create_integration(
    uow: UnitOfWorkFactory, clock: Clock, account_id: str, fields: dict[str, Any]
) -> Saved:
    """Create an integration; ``apiKey``/``webhookSecret`` are encrypted before storage."""
    alias = clean_alias(fields.get("alias"))
    region = clean_region(fields.get("region"))
    check_meta(fields.get("meta"))
    check_api_key(fields.get("apiKey"))
    check_webhook_secret(fields.get("webhookSecret"))
    now = clock.now_ms()
    async with uow() as tx:
        if alias:
            await ensure_alias_free(
                await tx.integrations.alias_taken(account_id, alias, None), alias
            )
        integration = Integration(
            id=new_id(),
            account_id=account_id,
            bot_id=await _resolve_bot(tx, account_id, fields.get("botId")),
            alias=alias,
            name=fields.get("name") or "",
            description=fields.get("description") or "",
            region=region,
            meta=merge_meta(fields.get("meta"), None),
            api_key_set=False,
            webhook_secret_set=False,
            created_at=now,
            updated_at=now,
        )
        await tx.integrations.add(
            integration,
            IntegrationSecrets(
                api_key=_secret(fields.get("apiKey")),
                webhook_secret=_secret(fields.get("webhookSecret")),
            ),
        )
        stored = await tx.integrations.get(account_id, integration.id)
    return Saved(integration.id, missing_setup(stored or integration))


async def fetch_integration(uow: UnitOfWorkFactory, account_id: str, ref: str) -> Integration:
    async with uow() as tx:
        integration = await tx.integrations.get(account_id, ref)
    if integration is None:
        raise NotFound("Recall integration not found")
    return integration


async def list_integrations(
    uow: UnitOfWorkFactory, account_id: str, query: ListQuery
) -> Page[Integration]:
    async with uow() as tx:
        return await tx.integrations.list_page(account_id, query)


async def update_integration(
    uow: UnitOfWorkFactory,
    clock: Clock,
    account_id: str,
    ref: str,
    fields: dict[str, Any],
    auth: AuthInvalidations | None = None,
) -> Saved:
    """Change the given fields; omitted fields (region and alias included) stay as they are.
    A changed ``webhookSecret`` is told to ``auth``: the old one is refused at once."""
    check_meta(fields.get("meta"))
    check_api_key(fields.get("apiKey"))
    check_webhook_secret(fields.get("webhookSecret"))
    async with uow() as tx:
        current = await tx.integrations.get(account_id, ref)
        if current is None:
            raise NotFound("Recall integration not found")
        changes = await common_changes(
            fields,
            ("name", "description"),
            current.id,
            current.meta,
            lambda alias, except_id: tx.integrations.alias_taken(account_id, alias, except_id),
        )
        if "region" in fields:
            changes["region"] = clean_region(fields["region"])
        if "botId" in fields:
            changes["bot_id"] = await _resolve_bot(tx, account_id, fields["botId"])
        secrets = {
            name: _secret(fields[key])
            for key, name in (("apiKey", "api_key"), ("webhookSecret", "webhook_secret"))
            if key in fields
        }
        await tx.integrations.update(
            replace(current, **changes, updated_at=clock.now_ms()), secrets
        )
        stored = await tx.integrations.get(account_id, current.id)
    if auth is not None and "webhookSecret" in fields:
        await auth.forget_integration(current.id)
    return Saved(current.id, missing_setup(stored or current))


async def set_up_integration(ports: MeetingPorts, account_id: str, ref: str) -> WebhookSetup:
    """Register this server's status webhook URL with the integration's Recall workspace
    (what ChatBotKit's ``setup`` does for its messaging integrations); returns the URL.
    Recall itself takes webhook endpoints only in its dashboard: a Conflict names the URL to
    add there. The simulator registers it. Setting it up twice is harmless."""
    integration = await fetch_integration(ports.uow, account_id, ref)
    url = webhook_url(ports.public_url, integration.id)
    gateway = await ports.gateway(integration)
    try:
        await gateway.add_status_webhook(url)
    except NoWebhookApi as exc:
        raise Conflict(
            f"Recall has no API for webhook endpoints ({exc.detail}): add {url} in the Recall "
            "dashboard, Webhooks, for the bot status events"
        ) from exc
    except RecallRejected as exc:
        raise InvalidInput(f"Recall refused the webhook endpoint: {exc.detail}") from exc
    except RecallError as exc:
        raise UpstreamFailed(
            f"Recall is unavailable, the webhook was not set up: {exc.detail}"
        ) from exc
    return WebhookSetup(integration.id, url)


REENCRYPT_BATCH = 100
"""Rows re-encrypted per transaction: short transactions never hold up the serving processes,
and a run stopped midway (even by SIGKILL) leaves every row on a key of the key file, old or
new; running it again finishes the job."""


class Reencryptable(Protocol):
    async def reencrypt_after(self, after_id: str, limit: int) -> tuple[int, str | None]: ...


async def reencrypt_in_batches(
    uow: UnitOfWorkFactory,
    rows: Callable[[UnitOfWork], Reencryptable],
    batch: int = REENCRYPT_BATCH,
) -> int:
    """Re-encrypt the rows of ``rows(tx)`` (a repository with ``reencrypt_after``) with the
    active key, ``batch`` rows per transaction; returns how many changed."""
    changed, after = 0, ""
    while True:
        async with uow() as tx:
            done, last = await rows(tx).reencrypt_after(after, batch)
        changed += done
        if last is None:
            return changed
        after = last


async def reencrypt_secrets(uow: UnitOfWorkFactory, batch: int = REENCRYPT_BATCH) -> int:
    """Re-encrypt all stored secrets with the active key (after a key rotation)."""
    return await reencrypt_in_batches(uow, lambda tx: tx.integrations, batch)
