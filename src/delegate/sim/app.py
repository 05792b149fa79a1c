"""The simulated Recall HTTP API under ``/api/v1/`` (paths with or without the trailing slash).

Routes parse the request, call one ``Simulator`` method and shape the answer the way Recall
does: Bot objects, DRF field errors, ``{"code", "detail"}`` command errors, 401/404/405 bodies.
Every authenticated route first passes the API faults (429, 5xx, slow responses).
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from delegate.sim.bots import BotState
from delegate.sim.clock import utcnow
from delegate.sim.errors import ApiError, field_errors, invalid_token, method_not_allowed, not_found
from delegate.sim.payloads import participant_object
from delegate.sim.validation import (
    ValidationFailed,
    parse_bot_request,
    parse_datetime,
)

if TYPE_CHECKING:
    from delegate.sim.simulator import Simulator

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def _page_size(raw: str | None) -> int:
    """``page_size`` as Recall reads it: a positive number, at most ``MAX_PAGE_SIZE``;
    anything else means the default."""
    try:
        size = int(raw) if raw else PAGE_SIZE
    except ValueError:
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else PAGE_SIZE


CHAT_LIMITS = {"google_meet": 500}
CHAT_LIMIT = 4096
NO_CHAT_PLATFORMS = ("webex", "goto_meeting")
ZOOM_RECIPIENTS = ("everyone", "host", "everyone_except_host")
REPLAYED_HEADERS = ("retry-after",)

Handler = Callable[[Request, str], Awaitable[Response]]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def error_response(error: ApiError) -> Response:
    return json_response(error.body, error.status, error.headers)


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, {"detail": f"JSON parse error - {exc}"}) from exc
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise field_errors(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    return data


def build_app(sim: Simulator) -> Starlette:
    api = _Api(sim)
    routes: list[BaseRoute] = []

    def add(path: str, methods: list[str], handler: Handler, kind: str | None = None) -> None:
        endpoint = api.guarded(handler, kind)
        for variant in (f"/api/v1/{path}/", f"/api/v1/{path}"):
            routes.append(Route(variant, endpoint, methods=methods))

    add("bot", ["GET", "POST"], api.bots)
    add("bot/{bot_id}", ["GET", "PATCH", "DELETE"], api.bot)
    add("bot/{bot_id}/leave_call", ["POST"], api.leave_call, "command")
    add("bot/{bot_id}/send_chat_message", ["POST"], api.send_chat_message, "command")
    for command in ("start", "stop", "pause", "resume"):
        add(f"bot/{{bot_id}}/{command}_recording", ["POST"], api.recording(command), "command")
    add("bot/{bot_id}/output_media", ["POST", "DELETE"], api.output_media, "command")
    add("bot/{bot_id}/output_audio", ["POST", "DELETE"], api.output_audio, "command")
    add("sim/webhook_endpoints", ["GET", "POST", "DELETE"], api.webhook_endpoints)
    routes.append(Route("/api/v1/sim/download/{recording_id}/{name}", api.download))

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 405:
            return error_response(method_not_allowed(request.method))
        if status == 404:
            return error_response(not_found())
        return json_response({"detail": "Server error."}, status)

    return Starlette(routes=routes, exception_handlers={HTTPException: http_error})


class _Api:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def guarded(
        self, handler: Handler, kind: str | None
    ) -> Callable[[Request], Awaitable[Response]]:
        """Authenticate, apply the API faults, run ``handler``, map ``ApiError``."""

        async def endpoint(request: Request) -> Response:
            try:
                key = self._authenticate(request)
                route_kind = kind or self._kind(request)
                fault = self.sim.faults.take_api_fault(route_kind)
                if fault is not None:
                    headers = {}
                    if fault.retry_after_s is not None:
                        headers["retry-after"] = str(fault.retry_after_s)
                    return json_response(fault.body, fault.status, headers)
                if route_kind != "create":
                    # create delays inside the idempotency window, so a retry can see it in flight
                    await self._delay(route_kind)
                return await handler(request, key)
            except ApiError as exc:
                return error_response(exc)

        return endpoint

    @staticmethod
    def _kind(request: Request) -> str:
        if request.method == "GET":
            return "read"
        if request.method == "POST":
            return "create"
        return "update"

    async def _delay(self, kind: str) -> None:
        delay = self.sim.faults.take_response_delay(kind)
        if delay > 0:
            await asyncio.sleep(delay)

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("authorization", "").strip()
        scheme, _, rest = header.partition(" ")
        key = rest.strip() if scheme.lower() == "token" else header
        if key and any(hmac.compare_digest(key.encode(), k.encode()) for k in self.sim.api_keys):
            return key
        raise invalid_token()

    # bots

    async def bots(self, request: Request, key: str) -> Response:
        if request.method == "POST":
            return await self._create_idempotent(request, key)
        return self._list(request)

    async def _create_idempotent(self, request: Request, key: str) -> Response:
        idem_key = request.headers.get("idempotency-key")
        if not idem_key:
            return await self._create(request)
        store = self.sim.idempotency
        scope = (key, "/api/v1/bot/", idem_key)
        stored = store.lookup(scope)
        if stored is not None:
            return Response(stored.body, stored.status, stored.headers, "application/json")
        if store.in_flight(scope):
            raise ApiError(409, {"detail": "A request with this idempotency key is in progress."})
        store.begin(scope)
        try:
            response = await self._create(request)
        except ApiError as exc:
            response = error_response(exc)
        except BaseException:
            store.abandon(scope)
            raise
        headers = {h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers}
        store.finish(scope, response.status_code, bytes(response.body), headers)
        return response

    async def _create(self, request: Request) -> Response:
        await self._delay("create")
        try:
            bot_request = parse_bot_request(await json_body(request))
        except ValidationFailed as exc:
            raise field_errors(exc.errors) from exc
        if not bot_request.scheduled(utcnow()):
            fault = self.sim.faults.take_capacity_fault()
            if fault is not None:
                headers = {"retry-after": str(fault.retry_after_s)} if fault.retry_after_s else {}
                raise ApiError(fault.status, fault.body, headers)
        bot = self.sim.create_bot(bot_request, str(request.base_url))
        hold = self.sim.faults.take_answer_hold()
        if hold > 0:
            await asyncio.sleep(hold)
        if self.sim.faults.take_garbled_create():
            return Response(b"<html>upstream reset</html>", 201, media_type="text/html")
        return json_response(bot.to_recall(), 201)

    def _list(self, request: Request) -> Response:
        params = request.query_params
        try:
            page = int(params.get("page", "1"))
        except ValueError:
            page = 0
        size = _page_size(params.get("page_size"))
        bots = [bot for bot in self.sim.bots.values() if _matches(bot, request)]
        start = (page - 1) * size
        if page < 1 or (start >= len(bots) and page != 1):
            raise ApiError(404, {"detail": "Invalid page."})
        more = start + size < len(bots)
        previous: str | None = None
        if page == 2:
            previous = str(request.url.remove_query_params("page"))
        elif page > 2:
            previous = str(request.url.include_query_params(page=page - 1))
        return json_response(
            {
                "count": len(bots),
                "next": str(request.url.include_query_params(page=page + 1)) if more else None,
                "previous": previous,
                "results": [bot.to_recall() for bot in bots[start : start + size]],
            }
        )

    async def bot(self, request: Request, key: str) -> Response:
        bot = self.sim.find(request.path_params["bot_id"])
        if request.method == "GET":
            return json_response(bot.to_recall())
        if request.method == "DELETE":
            self.sim.delete_bot(bot, request.method)
            return Response(status_code=204)
        body = await json_body(request)
        try:
            bot_request = parse_bot_request({**bot.request.body, **body})
        except ValidationFailed as exc:
            raise field_errors(exc.errors) from exc
        return json_response(self.sim.update_bot(bot, bot_request).to_recall())

    # commands

    async def leave_call(self, request: Request, key: str) -> Response:
        return json_response(self.sim.leave_call(request.path_params["bot_id"]).to_recall())

    async def send_chat_message(self, request: Request, key: str) -> Response:
        bot_id = request.path_params["bot_id"]
        bot, _ = self.sim.live(bot_id)
        body = await json_body(request)
        text, to, pin = _chat_fields(bot, body)
        return json_response(self.sim.send_chat(bot_id, text, to, pin).to_recall())

    def recording(self, command: str) -> Handler:
        async def handler(request: Request, key: str) -> Response:
            body = await json_body(request) if command == "start" else {}
            try:
                bot = self.sim.recording_command(request.path_params["bot_id"], command, body)
            except ValidationFailed as exc:
                raise field_errors(exc.errors) from exc
            return json_response(bot.to_recall())

        return handler

    async def output_media(self, request: Request, key: str) -> Response:
        bot_id = request.path_params["bot_id"]
        body = await json_body(request)
        if request.method == "DELETE":
            kinds = [kind for kind in ("camera", "screenshare") if body.get(kind) is True]
            self.sim.stop_output_media(bot_id, kinds)
            return Response(status_code=204)
        outputs: dict[str, dict[str, Any]] = {}
        for kind in ("camera", "screenshare"):
            spec = body.get(kind)
            if spec is None:
                continue
            config = spec.get("config") if isinstance(spec, dict) else None
            url = config.get("url") if isinstance(config, dict) else None
            if not isinstance(spec, dict) or spec.get("kind") != "webpage" or not url:
                raise field_errors(
                    {kind: ['Expected {"kind": "webpage", "config": {"url": "<absolute url>"}}.']}
                )
            if not isinstance(url, str) or "://" not in url:
                raise field_errors({kind: ["config.url must be an absolute URL."]})
            outputs[kind] = {"kind": "webpage", "config": {"url": url}}
        if not outputs:
            raise field_errors({"non_field_errors": ["Either camera or screenshare is required."]})
        return json_response(self.sim.start_output_media(bot_id, outputs).to_recall())

    async def output_audio(self, request: Request, key: str) -> Response:
        bot_id = request.path_params["bot_id"]
        if request.method == "DELETE":
            self.sim.stop_output_audio(bot_id)
            return Response(status_code=204)
        body = await json_body(request)
        kind, data = body.get("kind"), body.get("b64_data")
        if kind != "mp3":
            raise field_errors({"kind": [f'"{kind}" is not a valid choice.']})
        if not isinstance(data, str) or not data:
            raise field_errors({"b64_data": ["This field is required."]})
        return json_response(self.sim.output_audio(bot_id, kind, data).to_recall())

    # the workspace's status webhook endpoints: what Recall's dashboard (Webhooks) configures

    async def webhook_endpoints(self, request: Request, key: str) -> Response:
        if request.method == "GET":
            return json_response({"results": [{"url": u} for u in self.sim.webhook_urls]})
        url = (await json_body(request)).get("url")
        if not isinstance(url, str) or not url:
            raise field_errors({"url": ["This field is required."]})
        if request.method == "DELETE":
            if not self.sim.remove_webhook_url(url):
                raise not_found()
            return Response(status_code=204)
        try:
            added = self.sim.add_webhook_url(url)
        except ValueError as exc:
            raise field_errors({"url": ["Enter a valid URL."]}) from exc
        return json_response({"url": url}, 201 if added else 200)

    # pre-signed downloads of a finished recording (no API key, like S3 links)

    async def download(self, request: Request) -> Response:
        recording_id, name = request.path_params["recording_id"], request.path_params["name"]
        for bot in self.sim.bots.values():
            for recording in bot.recordings:
                if recording.id != recording_id:
                    continue
                if name == "transcript.json":
                    return json_response(recording.transcript)
                if name == "participants.json":
                    return json_response([participant_object(p) for p in bot.script.participants])
        return error_response(not_found())


def _chat_fields(bot: BotState, body: dict[str, Any]) -> tuple[str, str, bool]:
    platform = bot.request.meeting.platform
    if platform in NO_CHAT_PLATFORMS:
        raise ApiError(400, {"detail": f"Sending chat messages is not supported on {platform}."})
    text, to, pin = body.get("message"), body.get("to", "everyone"), body.get("pin", False)
    if not isinstance(text, str) or not text:
        raise field_errors({"message": ["This field is required."]})
    limit = CHAT_LIMITS.get(platform, CHAT_LIMIT)
    if len(text) > limit:
        raise field_errors({"message": [f"Ensure this field has no more than {limit} characters."]})
    allowed = to in ZOOM_RECIPIENTS or (isinstance(to, str) and to.isdigit())
    if not isinstance(to, str) or (platform == "zoom" and not allowed):
        raise field_errors({"to": [f'"{to}" is not a valid recipient.']})
    if platform != "zoom" and to != "everyone":
        raise field_errors({"to": [f'Only "everyone" is supported on {platform}.']})
    if not isinstance(pin, bool):
        raise field_errors({"pin": ["Must be a valid boolean."]})
    return text, to, pin


def _matches(bot: BotState, request: Request) -> bool:
    params = request.query_params
    statuses = params.getlist("status")
    if statuses and bot.status not in statuses:
        return False
    platforms = params.getlist("platform")
    if platforms and bot.request.meeting.platform not in platforms:
        return False
    if "meeting_url" in params and bot.request.body.get("meeting_url") != params["meeting_url"]:
        return False
    for name, value in params.multi_items():
        if name.startswith("metadata__") and bot.metadata.get(name[10:]) != value:
            return False
    for name, after in (("join_at_after", True), ("join_at_before", False)):
        if name not in params:
            continue
        try:
            bound = parse_datetime(params[name])
        except ValueError as exc:
            raise field_errors({name: ["Enter a valid date/time."]}) from exc
        join_at = bot.request.join_at
        if join_at is None or (join_at < bound if after else join_at > bound):
            return False
    return True
