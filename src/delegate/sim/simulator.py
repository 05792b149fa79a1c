"""The Recall simulator: bots, their meetings, and the ASGI app that serves Recall's API.

    sim = Simulator(api_keys={"sim-key"}, workspace_secret=secret, webhook_url=url,
                    outbound=client, speed=200, default_script="standup")
    sim.app                       # ASGI app serving /api/v1/... like Recall
    sim.faults                    # fault injection (see faults.py)
    await sim.wait_until_done(bot_id, timeout=10)
    sim.bots[bot_id].chat_sent    # what the bot did, as typed entries
    await sim.aclose()

Bot tasks run on the event loop that serves the request creating the bot, so the simulator
works in-process (``httpx2.ASGITransport(app=sim.app)``) as well as under uvicorn.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2

from delegate.adapters.recall.signatures import SignatureError, compute
from delegate.adapters.tts.mp3 import id3_text, mp3_duration_s
from delegate.domain.meeting_urls import MeetingUrl
from delegate.sim import errors
from delegate.sim.app import build_app
from delegate.sim.bots import BotState, new_uuid
from delegate.sim.clock import SimClock, utcnow
from delegate.sim.delivery import Courier
from delegate.sim.faults import Faults
from delegate.sim.idempotency import IdempotencyStore
from delegate.sim.log import (
    ChatSent,
    Entry,
    LeaveRequested,
    OutputAudio,
    OutputAudioStopped,
    OutputMedia,
)
from delegate.sim.meeting import BotRun, Wiring
from delegate.sim.scripts import Script, load_script
from delegate.sim.validation import BotRequest, mp3_problem, parse_recording_config

ScriptSource = str | Path | Script


class Simulator:
    """A simulated Recall workspace (one region, one set of API keys)."""

    def __init__(
        self,
        api_keys: Iterable[str] = ("sim-key",),
        workspace_secret: str | None = None,
        webhook_url: str | Iterable[str] | None = None,
        outbound: httpx2.AsyncClient | None = None,
        speed: float = 1.0,
        default_script: ScriptSource = "standup",
        scripts: Mapping[str, ScriptSource] | None = None,
    ) -> None:
        """``webhook_url`` is the workspace's status webhook endpoint (or several); more can be
        added at any time (``add_webhook_url``, or ``POST /api/v1/sim/webhook_endpoints/``,
        the simulator's stand-in for Recall's dashboard). ``scripts`` maps meeting ids
        (``MeetingUrl.meeting_id``) to the script they play; other meetings play
        ``default_script``. Scripts are shipped names, paths or objects."""
        self.api_keys = frozenset([api_keys] if isinstance(api_keys, str) else api_keys)
        if workspace_secret is not None:
            try:
                compute(workspace_secret, "msg_check", 0, b"")
            except SignatureError as exc:
                raise ValueError(f"workspace_secret: {exc}") from exc
        self.workspace_secret = workspace_secret
        self.clock = SimClock(speed)
        self.faults = Faults()
        self.idempotency = IdempotencyStore()
        self.bots: dict[str, BotState] = {}
        self._runs: dict[str, BotRun] = {}
        self._outbound = outbound
        self._own_outbound: httpx2.AsyncClient | None = None
        self._default_script = self._resolve(default_script)
        self._scripts: dict[str, Script] = {}
        for meeting_id, source in (scripts or {}).items():
            self.assign_script(meeting_id, source)
        self._courier = Courier(self._client, workspace_secret, self.clock, self.faults)
        urls = [webhook_url] if isinstance(webhook_url, str) else list(webhook_url or [])
        self._wiring = Wiring(self.clock, self._courier, [])
        for url in urls:
            self.add_webhook_url(url)
        self.app = build_app(self)

    # configuration

    @property
    def webhook_urls(self) -> list[str]:
        """The workspace's status webhook endpoints, in the order they were added."""
        return list(self._wiring.webhook_urls)

    @property
    def webhook_url(self) -> str | None:
        """The first status webhook endpoint; setting it replaces them all (None: none)."""
        return self._wiring.webhook_urls[0] if self._wiring.webhook_urls else None

    @webhook_url.setter
    def webhook_url(self, value: str | None) -> None:
        self._wiring.webhook_urls.clear()
        if value is not None:
            self.add_webhook_url(value)

    def add_webhook_url(self, url: str) -> bool:
        """Add a status webhook endpoint (from now on it gets every bot's status changes);
        False when it was there already. Raises ``ValueError`` for a URL that is not
        absolute http(s)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an absolute http(s) URL: {url!r}")
        if url in self._wiring.webhook_urls:
            return False
        self._wiring.webhook_urls.append(url)
        return True

    def remove_webhook_url(self, url: str) -> bool:
        """Stop sending status webhooks to ``url``; False when it was not an endpoint."""
        if url not in self._wiring.webhook_urls:
            return False
        self._wiring.webhook_urls.remove(url)
        return True

    @property
    def speed(self) -> float:
        return self.clock.speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value <= 0:
            raise ValueError("speed must be positive")
        self.clock.speed = value

    def assign_script(self, meeting_id: str, script: ScriptSource) -> Script:
        """Bots joining ``meeting_id`` from now on play ``script``."""
        resolved = self._resolve(script)
        self._scripts[meeting_id] = resolved
        return resolved

    def script_for(self, meeting: MeetingUrl) -> Script:
        return self._scripts.get(meeting.meeting_id, self._default_script)

    @staticmethod
    def _resolve(script: ScriptSource) -> Script:
        return script if isinstance(script, Script) else load_script(script)

    def _client(self) -> httpx2.AsyncClient:
        if self._outbound is not None:
            return self._outbound
        if self._own_outbound is None:
            self._own_outbound = httpx2.AsyncClient(timeout=15.0)
        return self._own_outbound

    # reading

    def bot(self, bot_id: str) -> BotState:
        """The bot's state; ``KeyError`` if unknown."""
        return self.bots[bot_id]

    def log(self, bot_id: str) -> list[Entry]:
        """Everything the bot did and received, oldest first."""
        return list(self.bots[bot_id].entries)

    async def wait_until_done(self, bot_id: str, timeout: float = 30.0) -> BotState:  # noqa: ASYNC109 - the public API named in the design
        """Wait until the bot is ``done`` or ``fatal`` and its deliveries are over."""
        run = self._runs[bot_id]
        await asyncio.wait_for(asyncio.shield(run.task), timeout)
        return self.bots[bot_id]

    async def aclose(self) -> None:
        """Stop every bot task and close the outbound client the simulator opened itself."""
        runs = list(self._runs.values())
        for run in runs:
            run.task.cancel()
        await asyncio.gather(*(run.task for run in runs), return_exceptions=True)
        if self._own_outbound is not None:
            await self._own_outbound.aclose()
            self._own_outbound = None

    # what the API does

    def create_bot(self, request: BotRequest, base_url: str) -> BotState:
        script = self.script_for(request.meeting)
        bot = BotState(
            id=new_uuid(),
            request=request,
            script=script,
            base_url=base_url,
            participant_id=max((p.id for p in script.participants), default=0) + 100,
        )
        bot.dispatched = not request.scheduled(bot.created_at)
        self.bots[bot.id] = bot
        outcome = self.faults.take_join_outcome(request.meeting.meeting_id)
        self._runs[bot.id] = BotRun(self._wiring, bot, outcome)
        return bot

    def find(self, bot_id: str) -> BotState:
        bot = self.bots.get(bot_id)
        if bot is None:
            raise errors.not_found()
        return bot

    def update_bot(self, bot: BotState, request: BotRequest) -> BotState:
        if bot.dispatched:
            raise errors.update_failed("Only non-dispatched bots can be updated.")
        if not request.scheduled(utcnow()):
            raise errors.update_failed("Not enough time to launch new bot.")
        bot.request = request
        bot.script = self.script_for(request.meeting)
        bot.endpoints = bot.endpoints_from(request.recording_config)
        bot.output_media = request.settings.get("output_media")
        self._runs[bot.id].reschedule()
        return bot

    def delete_bot(self, bot: BotState, method: str) -> None:
        if bot.dispatched:
            raise errors.method_not_allowed(method)
        self._runs.pop(bot.id).task.cancel()
        del self.bots[bot.id]

    def live(self, bot_id: str) -> tuple[BotState, BotRun]:
        """A bot that can take commands: dispatched and not finished."""
        bot = self.find(bot_id)
        if not bot.dispatched:
            raise errors.command_unstarted()
        if bot.finished:
            raise errors.command_completed()
        return bot, self._runs[bot_id]

    def leave_call(self, bot_id: str) -> BotState:
        bot, run = self.live(bot_id)
        bot.record(LeaveRequested())
        run.leave()
        return bot

    def send_chat(self, bot_id: str, text: str, to: str, pin: bool) -> BotState:
        bot, run = self.live(bot_id)
        bot.record(ChatSent(text=text, to=to, pin=pin))
        run.echo_chat(text, to)
        return bot

    def recording_command(self, bot_id: str, command: str, body: dict[str, Any]) -> BotState:
        bot, run = self.live(bot_id)
        if command == "start":
            config = None
            if body or bot.request.recording_config is None:
                base = bot.request.recording_config or {}
                config = parse_recording_config({**base, **body})
            run.start_recording(config)
        elif command == "stop":
            run.stop_recording()
        elif command == "pause":
            run.pause_recording()
        else:
            run.resume_recording()
        return bot

    def start_output_media(self, bot_id: str, outputs: dict[str, dict[str, Any]]) -> BotState:
        bot, _ = self.live(bot_id)
        current = dict(bot.output_media or {})
        for kind, spec in outputs.items():
            current[kind] = spec
            bot.record(OutputMedia(kind=kind, action="start", url=spec["config"]["url"]))
        bot.output_media = current
        return bot

    def stop_output_media(self, bot_id: str, kinds: list[str]) -> None:
        bot, _ = self.live(bot_id)
        current = dict(bot.output_media or {})
        for kind in kinds:
            if current.pop(kind, None) is not None:
                bot.record(OutputMedia(kind=kind, action="stop"))
        bot.output_media = current or None

    def output_audio(self, bot_id: str, kind: str, b64_data: str) -> BotState:
        """Play an MP3 in the meeting; the bot's speech comes back in the transcript."""
        bot, run = self.live(bot_id)
        if bot.request.meeting.platform == "webex":
            raise errors.coded(
                "output_audio_not_supported", "Output audio is not supported on Webex."
            )
        if not bot.request.settings.get("automatic_audio_output"):
            raise errors.ApiError(
                400,
                {
                    "detail": "automatic_audio_output must be set when the bot is created "
                    "to use output_audio."
                },
            )
        problem = mp3_problem(b64_data)
        if problem is not None:
            raise errors.field_errors({"b64_data": [problem]})
        audio = base64.b64decode(b64_data)
        duration = mp3_duration_s(audio)
        bot.record(
            OutputAudio(
                kind=kind,
                size_bytes=len(audio),
                duration_s=duration,
                text=id3_text(audio),
                mp3=audio,
                sim_time=run.meeting_time,
            )
        )
        run.play_audio(id3_text(audio), duration)
        return bot

    def stop_output_audio(self, bot_id: str) -> None:
        bot, run = self.live(bot_id)
        cut = run.stop_audio()
        bot.record(OutputAudioStopped(sim_time=run.meeting_time, cut=cut))
