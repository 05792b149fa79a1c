"""The resources of both clients: ``client.bot``, ``client.integration.recall`` and its sessions,
``client.webhook``, ``client.dataset``.

Each operation is written once and returns a plan; ``Delegate`` runs it and returns the result,
``AsyncDelegate`` returns it awaitable (``_operations`` explains how).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar, Unpack

from delegate_client import _plans as rq
from delegate_client._fields import BotFields, DatasetFields, RecallIntegrationFields
from delegate_client._operations import Mode, Resource, Runner, operation
from delegate_client._plans import Collect, Poll, Request, Walk
from delegate_client.types import (
    ActionResult,
    Bot,
    Dataset,
    DatasetRecord,
    DeliveryQueued,
    IdResult,
    InitiateResult,
    MeetingSession,
    Model,
    Notes,
    Order,
    Page,
    RecallIntegration,
    ReplyMode,
    SearchResult,
    SetupResult,
    Transcript,
    UploadResult,
    Verification,
    Webhook,
    WebhookDelivery,
    WebhookSecret,
)

TextFormat = Literal["text", "markdown", "vtt", "srt"]
M = TypeVar("M", bound=Model)


class Listed(Resource[Mode], Generic[Mode, M]):
    """The three ways to read a list: a page, an iterator over every item, one list of all."""

    _page: type[Page[M]]

    def _list_path(self) -> str:
        raise NotImplementedError

    @operation
    def list(
        self, *, cursor: str | None = None, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Request[Page[M]]:
        """One page; pass its ``cursor`` to read the next one."""
        return rq.model(rq.listing(self._list_path(), cursor, order, take), self._page)

    @operation
    def iterate(self, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE) -> Walk[M]:
        """Every item, following cursors page by page."""
        return rq.walk(self._list_path(), self._page, order, take)

    @operation
    def list_all(self, *, order: Order = "desc") -> Collect[M]:
        """Every item, in one list."""
        return Collect(rq.walk(self._list_path(), self._page, order, rq.DEFAULT_TAKE))


class Bots(Listed[Mode, Bot]):
    """``client.bot``: bots (a backstory and a model) that do the thinking."""

    _page = Page[Bot]

    def _list_path(self) -> str:
        return "bot/list"

    @operation
    def create(self, **fields: Unpack[BotFields]) -> Request[IdResult]:
        """Create a bot; answers its id. ``commanders``: who may give it meeting commands
        (``["host"]`` by default, ``["everyone"]``, or names and emails)."""
        return rq.model(rq.post("bot/create", rq.fields(**fields)), IdResult)

    @operation
    def fetch(self, bot_id: str) -> Request[Bot]:
        """One bot, by id or ``@alias``."""
        return rq.model(rq.get(rq.bot_path(bot_id, "fetch")), Bot)

    @operation
    def update(self, bot_id: str, **fields: Unpack[BotFields]) -> Request[IdResult]:
        """Change the given fields; the others stay as they are."""
        return rq.model(rq.post(rq.bot_path(bot_id, "update"), rq.fields(**fields)), IdResult)

    @operation
    def delete(self, bot_id: str) -> Request[IdResult]:
        """Delete a bot."""
        return rq.model(rq.post(rq.bot_path(bot_id, "delete")), IdResult)


class Integrations(Resource[Mode]):
    """``client.integration``: integrations with other services."""

    def __init__(self, client: Runner) -> None:
        super().__init__(client)
        self.recall: RecallIntegrations[Mode] = RecallIntegrations(client)


class RecallIntegrations(Listed[Mode, RecallIntegration]):
    """``client.integration.recall``: Recall.ai integrations, and sending delegates to meetings."""

    _page = Page[RecallIntegration]

    def _list_path(self) -> str:
        return "integration/recall/list"

    @operation
    def create(self, **fields: Unpack[RecallIntegrationFields]) -> Request[IdResult]:
        """Create a Recall integration; ``api_key`` and ``webhook_secret`` are write-only."""
        return rq.model(rq.post("integration/recall/create", rq.fields(**fields)), IdResult)

    @operation
    def fetch(self, integration_id: str) -> Request[RecallIntegration]:
        """One Recall integration, by id or ``@alias`` (secrets are never returned)."""
        return rq.model(rq.get(rq.integration_path(integration_id, "fetch")), RecallIntegration)

    @operation
    def update(
        self, integration_id: str, **fields: Unpack[RecallIntegrationFields]
    ) -> Request[IdResult]:
        """Change the given fields; the others stay as they are."""
        path = rq.integration_path(integration_id, "update")
        return rq.model(rq.post(path, rq.fields(**fields)), IdResult)

    @operation
    def delete(self, integration_id: str) -> Request[IdResult]:
        """Delete a Recall integration."""
        return rq.model(rq.post(rq.integration_path(integration_id, "delete")), IdResult)

    @operation
    def setup(self, integration_id: str) -> Request[SetupResult]:
        """Register the server's status webhook URL with the integration's Recall workspace
        (the simulator takes it; on Recall itself a ``Conflict`` names the URL to add in
        the dashboard)."""
        return rq.model(rq.post(rq.integration_path(integration_id, "setup")), SetupResult)

    @operation
    def verify(self, integration_id: str) -> Request[Verification]:
        """Check the integration against Recall for real (is the API key taken in its
        region, or is Recall unreachable; is the webhook secret usable; is it set up).
        A failed check is in the answer (``ok`` False), not an exception."""
        return rq.model(rq.post(rq.integration_path(integration_id, "verify")), Verification)

    @operation
    def initiate(
        self,
        integration_id: str,
        *,
        meeting_url: str,
        text: str,
        bot_name: str | None = None,
        join_at: datetime | str | None = None,
        idempotency_key: str | None = None,
        reply_mode: ReplyMode | None = None,
        voice: str | None = None,
    ) -> Request[InitiateResult]:
        """Send a delegate into a meeting with an instruction (``text``).

        Pass an ``idempotency_key`` to retry safely: the same key never sends a second bot.
        """
        body = rq.fields(
            meeting_url=meeting_url,
            text=text,
            bot_name=bot_name,
            join_at=rq.iso(join_at),
            reply_mode=reply_mode,
            voice=voice,
        )
        path = rq.integration_path(integration_id, "initiate")
        return rq.model(rq.post(path, body, idempotency_key=idempotency_key), InitiateResult)

    def sessions(self, integration_id: str) -> Sessions[Mode]:
        """The meeting sessions of one integration."""
        return Sessions(self._client, integration_id)


class Sessions(Listed[Mode, MeetingSession]):
    """The meeting sessions of one Recall integration, and the controls of a live delegate.

    Sessions are listed without participants and replies; ``fetch`` gives them.
    """

    _page = Page[MeetingSession]

    def __init__(self, client: Runner, integration_id: str) -> None:
        super().__init__(client)
        self.integration_id = integration_id

    def _list_path(self) -> str:
        return rq.integration_path(self.integration_id, "session/list")

    def _path(self, session_id: str, verb: str) -> str:
        return rq.session_path(self.integration_id, session_id, verb)

    def _action(self, session_id: str, verb: str, **body: str) -> Request[ActionResult]:
        return rq.model(rq.post(self._path(session_id, verb), body), ActionResult)

    def _session(self, session_id: str) -> Request[MeetingSession]:
        return rq.model(rq.get(self._path(session_id, "fetch")), MeetingSession)

    def _notes(self, session_id: str) -> Request[Notes]:
        return rq.model(rq.get(self._path(session_id, "notes")), Notes)

    @operation
    def fetch(self, session_id: str) -> Request[MeetingSession]:
        """One session with its participants and the delegate's replies."""
        return self._session(session_id)

    @operation
    def delete(self, session_id: str) -> Request[IdResult]:
        """Delete a session and everything of it. A live delegate is told to leave first;
        when Recall cannot be reached the session is kept (``BadGateway``)."""
        return rq.model(rq.post(self._path(session_id, "delete")), IdResult)

    @operation
    def wait(
        self,
        session_id: str,
        *,
        until: Callable[[MeetingSession], bool] = rq.joined_or_finished,
        timeout: float = 300.0,
        interval: float = 1.0,
        on_update: Callable[[MeetingSession], None] | None = None,
    ) -> Poll[MeetingSession]:
        """Poll the session until ``until`` holds (by default: the delegate is in the call, or
        the session ended or failed). Raises ``TimedOut`` after ``timeout`` seconds."""
        return Poll(
            self._session(session_id),
            until=until,
            still=lambda session: f"session {session_id} still {session.status}",
            timeout=timeout,
            interval=interval,
            on_update=on_update,
        )

    @operation
    def transcript(self, session_id: str) -> Request[Transcript]:
        """The transcript, turn by turn (``transcript_text`` renders it)."""
        return rq.model(rq.get(self._path(session_id, "transcript"), format="json"), Transcript)

    @operation
    def transcript_text(self, session_id: str, format: TextFormat = "text") -> Request[str]:
        """The transcript rendered as plain ``text``, ``markdown``, ``vtt`` or ``srt``."""
        return rq.text(rq.get(self._path(session_id, "transcript"), format=format))

    @operation
    def notes(self, session_id: str) -> Request[Notes]:
        """Meeting notes (summary, decisions, action items) once the meeting ended."""
        return self._notes(session_id)

    @operation
    def wait_for_notes(
        self, session_id: str, *, timeout: float = 300.0, interval: float = 1.0
    ) -> Poll[Notes]:
        """Poll the notes until they are written (the meeting ended and they are ready).
        Raises ``TimedOut`` after ``timeout`` seconds."""
        return Poll(
            self._notes(session_id),
            until=lambda notes: notes.status == "ready",
            still=lambda notes: f"notes of session {session_id} still {notes.status}",
            timeout=timeout,
            interval=interval,
        )

    @operation
    def send_message(
        self, session_id: str, message: str, to: str = "everyone"
    ) -> Request[ActionResult]:
        """Post a chat message in the meeting as the delegate."""
        return self._action(session_id, "message/send", message=message, to=to)

    @operation
    def start_recording(self, session_id: str) -> Request[ActionResult]:
        """Start recording the meeting."""
        return self._action(session_id, "recording/start")

    @operation
    def stop_recording(self, session_id: str) -> Request[ActionResult]:
        """Stop recording the meeting."""
        return self._action(session_id, "recording/stop")

    @operation
    def pause_recording(self, session_id: str) -> Request[ActionResult]:
        """Pause the recording."""
        return self._action(session_id, "recording/pause")

    @operation
    def resume_recording(self, session_id: str) -> Request[ActionResult]:
        """Resume a paused recording."""
        return self._action(session_id, "recording/resume")

    @operation
    def start_screenshare(self, session_id: str, url: str) -> Request[ActionResult]:
        """Show a web page (public https URL) as the delegate's screenshare."""
        return self._action(session_id, "screenshare/start", url=url)

    @operation
    def stop_screenshare(self, session_id: str) -> Request[ActionResult]:
        """Stop the delegate's screenshare."""
        return self._action(session_id, "screenshare/stop")

    @operation
    def leave(self, session_id: str) -> Request[ActionResult]:
        """Make the delegate leave the meeting (notes follow)."""
        return self._action(session_id, "leave")


class Webhooks(Listed[Mode, Webhook]):
    """``client.webhook``: endpoints that receive the account's meeting events, signed."""

    _page = Page[Webhook]

    def _list_path(self) -> str:
        return "webhook/list"

    @operation
    def create(
        self,
        *,
        url: str,
        events: list[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> Request[WebhookSecret]:
        """Create an endpoint (all event types when ``events`` is None); the answer holds
        its signing secret, shown only this once."""
        body = rq.fields(url=url, events=events, description=description, enabled=enabled)
        return rq.model(rq.post("webhook/create", body), WebhookSecret)

    @operation
    def fetch(self, webhook_id: str) -> Request[Webhook]:
        """One endpoint (never its secret); ``disabled_reason`` says why deliveries stopped."""
        return rq.model(rq.get(rq.webhook_path(webhook_id, "fetch")), Webhook)

    @operation
    def update(
        self,
        webhook_id: str,
        *,
        url: str | None = None,
        events: list[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> Request[IdResult]:
        """Change the given fields; ``enabled=True`` resumes a disabled endpoint."""
        body = rq.fields(url=url, events=events, description=description, enabled=enabled)
        return rq.model(rq.post(rq.webhook_path(webhook_id, "update"), body), IdResult)

    @operation
    def delete(self, webhook_id: str) -> Request[IdResult]:
        """Delete an endpoint and its delivery log."""
        return rq.model(rq.post(rq.webhook_path(webhook_id, "delete")), IdResult)

    @operation
    def rotate_secret(self, webhook_id: str) -> Request[WebhookSecret]:
        """A new signing secret, used from the next attempt on; shown only this once."""
        return rq.model(rq.post(rq.webhook_path(webhook_id, "secret/rotate")), WebhookSecret)

    @operation
    def send_test(self, webhook_id: str) -> Request[DeliveryQueued]:
        """Send a ``webhook.test`` event; its outcome shows in ``deliveries``."""
        return rq.model(rq.post(rq.webhook_path(webhook_id, "test")), DeliveryQueued)

    @operation
    def deliveries(
        self,
        webhook_id: str,
        *,
        cursor: str | None = None,
        order: Order = "desc",
        take: int = rq.DEFAULT_TAKE,
    ) -> Request[Page[WebhookDelivery]]:
        """One page of the endpoint's delivery log (status, attempts, last code, latency)."""
        path = rq.webhook_path(webhook_id, "delivery/list")
        return rq.model(rq.listing(path, cursor, order, take), Page[WebhookDelivery])

    @operation
    def iterate_deliveries(
        self, webhook_id: str, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Walk[WebhookDelivery]:
        """The whole delivery log, following cursors page by page."""
        path = rq.webhook_path(webhook_id, "delivery/list")
        return rq.walk(path, Page[WebhookDelivery], order, take)

    @operation
    def redeliver(self, webhook_id: str, delivery_id: str) -> Request[DeliveryQueued]:
        """Send a delivery's event again, with the same ``webhook-id``."""
        path = rq.webhook_path(webhook_id, f"delivery/{rq.segment(delivery_id)}/redeliver")
        return rq.model(rq.post(path), DeliveryQueued)


class Datasets(Listed[Mode, Dataset]):
    """``client.dataset``: knowledge bases a bot answers from (``dataset_id``), their
    records, file uploads and search."""

    _page = Page[Dataset]

    def _list_path(self) -> str:
        return "dataset/list"

    @operation
    def create(self, **fields: Unpack[DatasetFields]) -> Request[IdResult]:
        """Create a dataset; answers its id."""
        return rq.model(rq.post("dataset/create", rq.fields(**fields)), IdResult)

    @operation
    def fetch(self, dataset_id: str) -> Request[Dataset]:
        """One dataset, by id or ``@alias``, with its indexing progress (``index``)."""
        return rq.model(rq.get(rq.dataset_path(dataset_id, "fetch")), Dataset)

    @operation
    def update(self, dataset_id: str, **fields: Unpack[DatasetFields]) -> Request[IdResult]:
        """Change the given fields; the others stay as they are."""
        path = rq.dataset_path(dataset_id, "update")
        return rq.model(rq.post(path, rq.fields(**fields)), IdResult)

    @operation
    def delete(self, dataset_id: str) -> Request[IdResult]:
        """Delete a dataset and its records; bots using it answer without one."""
        return rq.model(rq.post(rq.dataset_path(dataset_id, "delete")), IdResult)

    @operation
    def search(
        self, dataset_id: str, search: str, *, take: int | None = None
    ) -> Request[SearchResult]:
        """The records best answering ``search`` (by meaning and words), best first."""
        body = rq.fields(search=search, take=take)
        return rq.model(rq.post(rq.dataset_path(dataset_id, "search"), body), SearchResult)

    @operation
    def upload(
        self, dataset_id: str, name: str, content: bytes, *, content_type: str | None = None
    ) -> Request[UploadResult]:
        """Upload a file (text, Markdown, HTML or PDF, told by ``name``'s extension); it is
        split into records whose ``source`` is ``name``."""
        call = rq.Call(
            "POST",
            rq.dataset_path(dataset_id, "file/upload"),
            params={"name": name},
            headers={"Content-Type": content_type or "application/octet-stream"},
            content=content,
        )
        return rq.model(call, UploadResult)

    @operation
    def records(
        self,
        dataset_id: str,
        *,
        cursor: str | None = None,
        order: Order = "desc",
        take: int = rq.DEFAULT_TAKE,
    ) -> Request[Page[DatasetRecord]]:
        """One page of the dataset's records."""
        path = rq.dataset_path(dataset_id, "record/list")
        return rq.model(rq.listing(path, cursor, order, take), Page[DatasetRecord])

    @operation
    def iterate_records(
        self, dataset_id: str, *, order: Order = "desc", take: int = rq.DEFAULT_TAKE
    ) -> Walk[DatasetRecord]:
        """Every record of the dataset, following cursors page by page."""
        return rq.walk(rq.dataset_path(dataset_id, "record/list"), Page[DatasetRecord], order, take)

    @operation
    def create_record(
        self,
        dataset_id: str,
        text: str,
        *,
        source: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Request[IdResult]:
        """Add a record; found by its words at once, by meaning once indexed."""
        body = rq.fields(text=text, source=source, meta=meta)
        return rq.model(rq.post(rq.dataset_path(dataset_id, "record/create"), body), IdResult)

    @operation
    def fetch_record(self, dataset_id: str, record_id: str) -> Request[DatasetRecord]:
        return rq.model(rq.get(rq.record_path(dataset_id, record_id, "fetch")), DatasetRecord)

    @operation
    def update_record(
        self,
        dataset_id: str,
        record_id: str,
        *,
        text: str | None = None,
        source: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Request[IdResult]:
        """Change the record; it is indexed again."""
        body = rq.fields(text=text, source=source, meta=meta)
        path = rq.record_path(dataset_id, record_id, "update")
        return rq.model(rq.post(path, body), IdResult)

    @operation
    def delete_record(self, dataset_id: str, record_id: str) -> Request[IdResult]:
        return rq.model(rq.post(rq.record_path(dataset_id, record_id, "delete")), IdResult)
