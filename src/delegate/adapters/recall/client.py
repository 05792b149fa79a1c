"""The Recall.ai REST client: ``RecallGateway`` over one long-lived ``httpx2.AsyncClient``.

Every call goes to ``<base>/api/v1/...`` with ``Authorization: Token <key>``, where ``<base>``
is ``https://{region}.recall.ai`` or, when configured, one base URL for all integrations (the
simulator). Failures become the ``RecallError`` hierarchy of ``services/ports.py``;
passing ones are retried by ``retry.RetryPolicy``. Logs carry methods, paths, statuses and
durations, never keys, headers or bodies.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import httpx2
import structlog

from delegate.adapters.recall.errors import error_for
from delegate.adapters.recall.inbound import SUBSCRIBED_EVENTS
from delegate.adapters.recall.models import (
    PayloadError,
    parse_bot_page,
    snapshot,
)
from delegate.adapters.recall.retry import RetryPolicy, Sleep
from delegate.config import RecallSettings
from delegate.domain.records import REGIONS
from delegate.services.ports import (
    BotSnapshot,
    BotSpec,
    NoWebhookApi,
    RecallConnector,
    RecallError,
    RecallGateway,
    RecallNotFound,
    RecallUnavailable,
)

log = structlog.stdlib.get_logger(__name__)

CHAT_LIMITS = {"google_meet": 500}
DEFAULT_CHAT_LIMIT = 4096

# Recall's defaults wait 20 minutes in a lobby and record without limit. A delegate that is not
# let in should give up sooner (Meet drops it after 10 minutes anyway), and one forgotten in an
# always-on room should not run up hours of cost.
AUTOMATIC_LEAVE: dict[str, Any] = {
    "waiting_room_timeout": 600,
    "noone_joined_timeout": 1200,
    "in_call_recording_timeout": 4 * 3600,
}


_SILENT_FRAME = base64.b64decode(
    "//NIxHwAAANIAAAAAFVVVVVVVVVMQU1FNC4wVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
    "VVVVVVVVVVVVVVVV"
)
SILENT_MP3 = _SILENT_FRAME * 16
"""About half a second of silence: 16 MPEG-2 Layer III frames (16 kHz mono, 32 kbit/s)."""


def region_base_url(region: str) -> str:
    if region not in REGIONS:
        raise ValueError(f"unknown Recall region {region!r}; expected one of {', '.join(REGIONS)}")
    return f"https://{region}.recall.ai"


def new_http_client(
    settings: RecallSettings, transport: httpx2.AsyncBaseTransport | None = None
) -> httpx2.AsyncClient:
    """The one ``AsyncClient`` a process shares for Recall (close it at shutdown)."""
    return httpx2.AsyncClient(
        transport=transport,
        timeout=httpx2.Timeout(settings.timeout_s, connect=min(5.0, settings.timeout_s)),
        limits=httpx2.Limits(max_connections=100, max_keepalive_connections=20),
        # A redirect would carry the API key to wherever it points.
        follow_redirects=False,
    )


def split_message(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at whitespace where possible."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind(space) for space in " \n\t")
        head = rest[:cut].rstrip() if cut > 0 else ""
        if not head:
            # One word longer than the limit: cut it.
            head, cut = rest[:limit], limit
        parts.append(head)
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def _new_key() -> str:
    return str(uuid.uuid4())


def _iso_utc(when: datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("join_at must be timezone-aware")
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def bot_request(spec: BotSpec) -> dict[str, Any]:
    """The create-bot JSON for ``spec`` (API v1.11)."""
    options: dict[str, Any] = {}
    if spec.transcript_provider != "meeting_captions":
        options["language_code"] = spec.transcript_language
    if spec.transcript_provider == "recallai_streaming" and spec.transcript_language == "en":
        # Accuracy mode delays realtime transcripts by 3-10 minutes, too late to take part in a
        # conversation; low-latency mode is English-only, so other languages keep the default.
        options["mode"] = "prioritize_low_latency"
    body: dict[str, Any] = {
        "meeting_url": spec.meeting_url,
        "bot_name": spec.bot_name,
        "recording_config": {
            "transcript": {"provider": {spec.transcript_provider: options}},
            "realtime_endpoints": [
                {"type": "webhook", "url": spec.realtime_url, "events": list(SUBSCRIBED_EVENTS)}
            ],
        },
        "metadata": {str(key): str(value) for key, value in spec.metadata.items()},
        "automatic_leave": dict(AUTOMATIC_LEAVE),
    }
    if spec.join_at is not None:
        body["join_at"] = _iso_utc(spec.join_at)
    if spec.audio_output:
        # Recall's advice when only output_audio is wanted: configure a short silence.
        silence = base64.b64encode(SILENT_MP3).decode()
        body["automatic_audio_output"] = {
            "in_call_recording": {"data": {"kind": "mp3", "b64_data": silence}}
        }
    return body


class RecallClient:
    """One Recall workspace (an API key at a base URL); implements ``RecallGateway``."""

    def __init__(
        self,
        http: httpx2.AsyncClient,
        api_key: str,
        base_url: str,
        settings: RecallSettings | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        settings = settings or RecallSettings()
        self._http = http
        self._base = base_url.rstrip("/").removesuffix("/api/v1")
        self._auth = {"Authorization": f"Token {api_key}", "Accept": "application/json"}
        self._timeout = httpx2.Timeout(settings.timeout_s)
        self._retry = RetryPolicy.from_settings(settings, sleep)

    def __repr__(self) -> str:
        return f"RecallClient(base_url={self._base!r})"

    def _url(self, path: str) -> str:
        return f"{self._base}/api/v1/{path}"

    def _bot(self, bot_id: str, action: str = "") -> str:
        return self._url(f"bot/{quote(bot_id, safe='')}/{action}")

    async def _send(
        self,
        method: str,
        url: str,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx2.Response:
        """One HTTP exchange; a non-2xx answer or a transport failure raises ``RecallError``."""
        path = urlsplit(url).path
        started = time.perf_counter()
        try:
            response = await self._http.request(
                method,
                url,
                json=json,
                headers={**self._auth, **(headers or {})},
                timeout=self._timeout,
            )
        except httpx2.TimeoutException as exc:
            log.warning("recall.timeout", method=method, path=path)
            raise RecallUnavailable(
                f"Recall did not answer within {self._timeout.read} seconds"
            ) from exc
        except httpx2.TransportError as exc:
            log.warning("recall.unreachable", method=method, path=path, error=type(exc).__name__)
            raise RecallUnavailable(f"could not reach Recall at {self._base}") from exc
        log.debug(
            "recall.response",
            method=method,
            path=path,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        if response.is_success:
            return response
        raise error_for(response)

    async def _call(self, method: str, url: str, what: str, json: Any = None) -> httpx2.Response:
        """A retried call; POSTs carry one idempotency key across retries so that a request
        Recall executed before a timeout is not executed twice."""
        headers = {"Idempotency-Key": _new_key()} if method == "POST" else None
        return await self._retry.run(lambda: self._send(method, url, json, headers), what)

    async def create_bot(self, spec: BotSpec, idempotency_key: str | None = None) -> BotSnapshot:
        """Create a bot; retried on 429/5xx/507 (a fresh idempotency key after a 507)."""
        body = bot_request(spec)
        key = idempotency_key or _new_key()

        async def attempt() -> httpx2.Response:
            nonlocal key
            try:
                return await self._send("POST", self._url("bot/"), body, {"Idempotency-Key": key})
            except RecallUnavailable as exc:
                if exc.status == 507:
                    # Recall keeps answering 507 to a key that got one.
                    key = _new_key()
                raise

        response = await self._retry.run(attempt, "create_bot")
        bot = self._snapshot(response)
        log.info("recall.bot_created", bot_id=bot.id)
        return bot

    async def get_bot(self, bot_id: str) -> BotSnapshot:
        return self._snapshot(await self._call("GET", self._bot(bot_id), "get_bot"))

    async def list_bots(
        self, metadata: Mapping[str, str] | None = None, **filters: str | Sequence[str]
    ) -> list[BotSnapshot]:
        """All bots matching ``filters`` (e.g. ``status=["done", "fatal"]``, ``join_at_after``)
        and ``metadata`` (``metadata__KEY=VALUE``), following ``next`` through every page."""
        params: list[tuple[str, str]] = []
        for key, value in filters.items():
            params += [(key, value)] if isinstance(value, str) else [(key, v) for v in value]
        params += [(f"metadata__{key}", value) for key, value in (metadata or {}).items()]
        url: str | None = self._url("bot/") + (f"?{urlencode(params)}" if params else "")
        seen: set[str] = set()
        bots: list[BotSnapshot] = []
        while url and url not in seen:
            seen.add(url)
            response = await self._call("GET", url, "list_bots")
            try:
                page = parse_bot_page(response.content)
                bots += [snapshot(item) for item in page.results]
            except PayloadError as exc:
                raise RecallError(f"unexpected bot list from Recall: {exc}") from None
            url = self._same_origin(urljoin(url, page.next)) if page.next else None
        return bots

    async def list_bots_page(self, page_size: int = 1) -> list[BotSnapshot]:
        """The first page of the workspace's bots, one attempt, no retries: the cheapest
        authenticated call, which tells whether Recall takes the key."""
        url = self._url("bot/") + f"?{urlencode({'page_size': page_size})}"
        response = await self._send("GET", url)
        try:
            return [snapshot(item) for item in parse_bot_page(response.content).results]
        except PayloadError as exc:
            raise RecallError(f"unexpected bot list from Recall: {exc}") from None

    def _same_origin(self, url: str) -> str:
        # ``next`` is an absolute URL built by the server (possibly for a host name it sees
        # behind a proxy); only its path and query are followed, on our base, so the API key
        # never goes to another host.
        parts = urlsplit(url)
        base = urlsplit(self._base)
        return f"{base.scheme}://{base.netloc}{parts.path}" + (
            f"?{parts.query}" if parts.query else ""
        )

    def _snapshot(self, response: httpx2.Response) -> BotSnapshot:
        try:
            return snapshot(response.content)
        except PayloadError as exc:
            raise RecallError(f"unexpected bot object from Recall: {exc}") from None

    async def delete_bot(self, bot_id: str) -> None:
        """Delete a scheduled bot that has not been dispatched yet."""
        await self._call("DELETE", self._bot(bot_id), "delete_bot")

    async def leave_call(self, bot_id: str) -> None:
        await self._call("POST", self._bot(bot_id, "leave_call/"), "leave_call")

    async def send_chat_message(
        self,
        bot_id: str,
        message: str,
        to: str = "everyone",
        pin: bool = False,
        platform: str | None = None,
    ) -> None:
        """Send a chat message; split into several when longer than ``platform`` allows
        (Google Meet 500 characters, others 4096)."""
        limit = CHAT_LIMITS.get(platform or "", DEFAULT_CHAT_LIMIT)
        url = self._bot(bot_id, "send_chat_message/")
        for index, part in enumerate(split_message(message, limit)):
            body: dict[str, Any] = {"to": to, "message": part}
            # Pinning every piece would leave only the last one pinned.
            if pin and index == 0:
                body["pin"] = True
            await self._call("POST", url, "send_chat_message", body)

    async def start_recording(self, bot_id: str) -> None:
        await self._call("POST", self._bot(bot_id, "start_recording/"), "start_recording")

    async def stop_recording(self, bot_id: str) -> None:
        await self._call("POST", self._bot(bot_id, "stop_recording/"), "stop_recording")

    async def pause_recording(self, bot_id: str) -> None:
        await self._call("POST", self._bot(bot_id, "pause_recording/"), "pause_recording")

    async def resume_recording(self, bot_id: str) -> None:
        await self._call("POST", self._bot(bot_id, "resume_recording/"), "resume_recording")

    async def start_screenshare(self, bot_id: str, url: str) -> None:
        """Show a web page as the bot's screenshare (Recall output media)."""
        body = {"screenshare": {"kind": "webpage", "config": {"url": url}}}
        await self._call("POST", self._bot(bot_id, "output_media/"), "start_screenshare", body)

    async def stop_screenshare(self, bot_id: str) -> None:
        body = {"screenshare": True}
        await self._call("DELETE", self._bot(bot_id, "output_media/"), "stop_screenshare", body)

    async def output_audio(self, bot_id: str, mp3: bytes) -> None:
        """Play an MP3 in the meeting (the bot needs ``automatic_audio_output`` configured)."""
        body = {"kind": "mp3", "b64_data": base64.b64encode(mp3).decode()}
        await self._call("POST", self._bot(bot_id, "output_audio/"), "output_audio", body)

    async def stop_output_audio(self, bot_id: str) -> None:
        await self._call("DELETE", self._bot(bot_id, "output_audio/"), "stop_output_audio")

    async def add_status_webhook(self, url: str) -> None:
        """Add a status webhook endpoint to the workspace: the simulator's stand-in for
        Recall's dashboard. Recall itself has no API for it (``NoWebhookApi``), so nothing is
        sent to a region's URL."""
        if self._base in (region_base_url(region) for region in REGIONS):
            raise NoWebhookApi("Recall configures webhook endpoints in its dashboard only")
        try:
            await self._call(
                "POST", self._url("sim/webhook_endpoints/"), "add_status_webhook", {"url": url}
            )
        except RecallNotFound:
            raise NoWebhookApi(
                f"{self._base} has no webhook endpoint API (is it Recall, not the simulator?)"
            ) from None


class HttpRecallConnector:
    """Builds a ``RecallClient`` per integration over one shared ``httpx2.AsyncClient``."""

    def __init__(
        self,
        settings: RecallSettings,
        http: httpx2.AsyncClient,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._settings = settings
        self._http = http
        self._sleep = sleep

    def base_url(self, region: str) -> str:
        """The configured base URL (the simulator) if any, else the region's."""
        return self._settings.base_url or region_base_url(region)

    def gateway(self, api_key: str, region: str) -> RecallClient:
        return RecallClient(
            self._http, api_key, self.base_url(region), self._settings, sleep=self._sleep
        )


if TYPE_CHECKING:
    # Not called: lets mypy check that the classes satisfy the ports.
    def _implements(
        client: RecallClient, connector: HttpRecallConnector
    ) -> tuple[RecallGateway, RecallConnector]:
        return client, connector
