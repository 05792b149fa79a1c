"""Bots and Recall integrations: list, create, edit (secrets write-only), delete, and send
an integration's delegate into a meeting."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from delegate.api.deps import ContainerDep
from delegate.api.schemas import BotIn, IntegrationIn
from delegate.api.session_schemas import InitiateIn
from delegate.dashboard.forms import Form, editable, read_form, validated
from delegate.dashboard.paging import CHOICES, Cursor, RecordId, next_cursor, page_query
from delegate.dashboard.rendering import PageRoute, page
from delegate.dashboard.signin import SignedIn
from delegate.domain.records import REGIONS
from delegate.services import bots, integrations, knowledge, meetings, teardown, verification

router = APIRouter(route_class=PageRoute, include_in_schema=False)
BOT_TEXTS = ("name", "description", "backstory", "model")
INTEGRATION_FIELDS = ("name", "alias", "description", "botId", "region")
SECRETS = ("apiKey", "webhookSecret")


def _bot_fields(form: Form) -> dict[str, Any]:
    """Text fields as typed; an emptied description, backstory or model is cleared, and so
    is an emptied meta (a JSON object, as the API takes it)."""
    fields = editable(form, BOT_TEXTS)
    commanders = form.all("commanders")
    if commanders:
        # One text box, comma-separated; emptied means back to the default (the host).
        fields["commanders"] = [c for c in commanders[0].split(",") if c.strip()] or None
    if form.sent("datasetId"):
        fields["datasetId"] = form.get("datasetId")  # "(none)" unlinks the dataset
    return validated(BotIn, fields).model_dump(exclude_unset=True)


async def _dataset_choices(c: ContainerDep, account_id: str) -> list[Any]:
    return (await knowledge.list_datasets(c.uow, account_id, CHOICES)).items


@router.get("/bots")
async def bots_page(
    request: Request, c: ContainerDep, account: SignedIn, cursor: Cursor = None
) -> HTMLResponse:
    query = page_query(cursor)
    found = await bots.list_bots(c.uow, account.id, query)
    return page(
        request,
        "bots.html",
        bots=found.items,
        next_cursor=next_cursor(found.items, found.cursor, query),
        datasets=await _dataset_choices(c, account.id),
    )


@router.post("/bots")
async def create_bot(request: Request, c: ContainerDep, account: SignedIn) -> RedirectResponse:
    fields = _bot_fields(await read_form(request))
    bot_id = await bots.create_bot(c.uow, c.clock, account.id, fields)
    return RedirectResponse(f"/bots/{bot_id}", status_code=303)


@router.get("/bots/{bot_id}")
async def bot_page(
    request: Request, c: ContainerDep, account: SignedIn, bot_id: RecordId
) -> HTMLResponse:
    bot = await bots.fetch_bot(c.uow, account.id, bot_id)
    return page(request, "bot.html", bot=bot, datasets=await _dataset_choices(c, account.id))


@router.post("/bots/{bot_id}")
async def update_bot(
    request: Request, c: ContainerDep, account: SignedIn, bot_id: RecordId
) -> RedirectResponse:
    fields = _bot_fields(await read_form(request))
    await bots.update_bot(c.uow, c.clock, account.id, bot_id, fields)
    return RedirectResponse(f"/bots/{bot_id}", status_code=303)


@router.post("/bots/{bot_id}/delete")
async def delete_bot(
    request: Request, c: ContainerDep, account: SignedIn, bot_id: RecordId
) -> RedirectResponse:
    await read_form(request)
    await bots.delete_bot(c.uow, account.id, bot_id)
    return RedirectResponse("/bots", status_code=303)


def _integration_fields(form: Form, creating: bool) -> dict[str, Any]:
    """Filled fields only; a secret is changed only when typed (or ticked to be removed).
    Editing, the bot chosen as "(none)" unlinks the bot."""
    fields: dict[str, Any] = form.filled(*INTEGRATION_FIELDS, *SECRETS)
    if not creating:
        fields.setdefault("name", form.get("name") or "")
        fields.setdefault("description", form.get("description") or "")
        if form.sent("botId"):
            fields["botId"] = form.get("botId")
        for secret in form.all("clear"):
            if secret in SECRETS:
                fields[secret] = None
    return validated(IntegrationIn, fields).model_dump(exclude_unset=True)


async def _bot_choices(c: ContainerDep, account_id: str) -> list[Any]:
    return (await bots.list_bots(c.uow, account_id, CHOICES)).items


@router.get("/integrations")
async def integrations_page(
    request: Request, c: ContainerDep, account: SignedIn, cursor: Cursor = None
) -> HTMLResponse:
    query = page_query(cursor)
    found = await integrations.list_integrations(c.uow, account.id, query)
    choices = await _bot_choices(c, account.id)
    return page(
        request,
        "integrations.html",
        integrations=found.items,
        next_cursor=next_cursor(found.items, found.cursor, query),
        bots=choices,
        bot_names={b.id: b.name or b.id for b in choices},
        regions=REGIONS,
    )


@router.post("/integrations")
async def create_integration(
    request: Request, c: ContainerDep, account: SignedIn
) -> RedirectResponse:
    fields = _integration_fields(await read_form(request), creating=True)
    saved = await integrations.create_integration(c.uow, c.clock, account.id, fields)
    return RedirectResponse(f"/integrations/{saved.id}", status_code=303)


async def _integration_view(
    request: Request,
    c: ContainerDep,
    account_id: str,
    integration_id: str,
    verified: verification.Verification | None = None,
) -> HTMLResponse:
    integration = await integrations.fetch_integration(c.uow, account_id, integration_id)
    missing = integrations.missing_setup(integration)
    return page(
        request,
        "integration.html",
        integration=integration,
        bots=await _bot_choices(c, account_id),
        regions=REGIONS,
        warning=missing,
        verified=verified,
    )


@router.get("/integrations/{integration_id}")
async def integration_page(
    request: Request, c: ContainerDep, account: SignedIn, integration_id: RecordId
) -> HTMLResponse:
    return await _integration_view(request, c, account.id, integration_id)


@router.post("/integrations/{integration_id}/verify")
async def verify_integration(
    request: Request, c: ContainerDep, account: SignedIn, integration_id: RecordId
) -> HTMLResponse:
    """Check the integration against Recall and show the checks on its page."""
    await read_form(request)
    verified = await verification.verify_integration(c.ports, account.id, integration_id)
    return await _integration_view(request, c, account.id, integration_id, verified)


@router.post("/integrations/{integration_id}")
async def update_integration(
    request: Request, c: ContainerDep, account: SignedIn, integration_id: RecordId
) -> RedirectResponse:
    fields = _integration_fields(await read_form(request), creating=False)
    await integrations.update_integration(
        c.uow, c.clock, account.id, integration_id, fields, c.ports.auth
    )
    return RedirectResponse(f"/integrations/{integration_id}", status_code=303)


@router.post("/integrations/{integration_id}/delete")
async def delete_integration(
    request: Request, c: ContainerDep, account: SignedIn, integration_id: RecordId
) -> RedirectResponse:
    await read_form(request)
    await teardown.delete_integration(c.ports, account.id, integration_id)
    return RedirectResponse("/integrations", status_code=303)


@router.post("/integrations/{integration_id}/initiate")
async def initiate(
    request: Request, c: ContainerDep, account: SignedIn, integration_id: RecordId
) -> RedirectResponse:
    form = await read_form(request)
    fields: dict[str, Any] = form.filled("meetingUrl", "text", "botName")
    join_at = form.get("joinAt")
    if join_at is not None:
        fields["joinAt"] = join_at + "Z"  # the form's field has no zone: it is labelled UTC
    body = validated(InitiateIn, fields)
    result = await meetings.initiate_meeting(
        c.ports, account.id, integration_id, body.meetingUrl, body.text, body.botName, body.joinAt
    )
    return RedirectResponse(f"/meetings/{result.session_id}", status_code=303)
