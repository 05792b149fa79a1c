"""Verify an integration against Recall for real: does Recall take its API key in its region,
can its webhook secret check signatures, is it set up to send a delegate. Each check is
reported; a failed check is an answer, not an error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from delegate.domain.records import Integration, IntegrationSecrets
from delegate.domain.validation import webhook_secret_problem
from delegate.services.context import MeetingPorts
from delegate.services.integrations import fetch_integration, missing_setup
from delegate.services.ports import RecallError, RecallUnauthorized, RecallUnavailable

Level = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    message: str

    @property
    def ok(self) -> bool:
        return self.level != "error"


@dataclass(frozen=True)
class Verification:
    id: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


async def _api_key(
    ports: MeetingPorts, integration: Integration, secrets: IntegrationSecrets
) -> Check:
    region = integration.region
    if not secrets.api_key:
        return Check(
            "apiKey", "error", "no API key is set: add the Recall API key of the workspace"
        )
    gateway = ports.recall.gateway(secrets.api_key, region)
    try:
        await gateway.list_bots_page(page_size=1)
    except RecallUnauthorized as exc:
        return Check(
            "apiKey",
            "error",
            f'Recall refused the key for region "{region}" (HTTP {exc.status}): the key is '
            "wrong or revoked, or it belongs to a workspace in another region",
        )
    except RecallUnavailable as exc:
        return Check(
            "apiKey", "error", f"Recall unreachable, the key was not checked: {exc.detail}"
        )
    except RecallError as exc:
        return Check("apiKey", "error", f"Recall answered unexpectedly: {exc.detail}")
    return Check("apiKey", "ok", f'Recall accepts the key in region "{region}"')


def _webhook_secret(secrets: IntegrationSecrets) -> Check:
    if not secrets.webhook_secret:
        return Check(
            "webhookSecret",
            "warning",
            "no webhook secret is set: signatures of Recall's webhooks are not checked",
        )
    problem = webhook_secret_problem(secrets.webhook_secret)
    if problem:
        return Check("webhookSecret", "error", f"the webhook secret {problem}")
    return Check("webhookSecret", "ok", "the webhook secret can check Recall's signatures")


def _setup(integration: Integration) -> Check:
    missing = missing_setup(integration)
    if missing:
        return Check("setup", "error", missing)
    return Check("setup", "ok", "bot and API key are set: the integration can send a delegate")


async def verify_integration(ports: MeetingPorts, account_id: str, ref: str) -> Verification:
    """Check ``ref`` against Recall (one authenticated call); changes nothing."""
    integration = await fetch_integration(ports.uow, account_id, ref)
    async with ports.uow() as tx:
        secrets = await tx.integrations.secrets(integration.id)
    return Verification(
        integration.id,
        (
            await _api_key(ports, integration, secrets),
            _webhook_secret(secrets),
            _setup(integration),
        ),
    )
