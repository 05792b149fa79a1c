"""One bot's life in a simulated meeting, driven by an asyncio task.

    (scheduled: wait for join_at) -> joining_call -> [in_waiting_room] -> in_call_not_recording
    -> in_call_recording -> ... script plays ... -> call_ended(sub_code) -> done

or ``joining_call -> fatal(sub_code)``, or a waiting room that ends in ``call_ended``. The
meeting clock starts when the bot is set up in the call (recording starts at the same moment
unless ``recording_config`` is null). Realtime events are produced only while the bot is
``in_call_recording``; ``done`` comes after every queued realtime delivery has been sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from delegate.sim.bots import IN_CALL, BotState, Recording
from delegate.sim.clock import SimClock, Stopwatch, utcnow
from delegate.sim.delivery import (
    REALTIME_MAX_RETRIES,
    STATUS_MAX_RETRIES,
    Courier,
    Delivery,
    Lane,
    make_delivery,
)
from delegate.sim.faults import JoinOutcome
from delegate.sim.log import MeetingEvent, RecordingCommand
from delegate.sim.payloads import (
    bot_participant,
    participant_event_data,
    realtime_envelope,
    status_webhook,
    transcript_data,
)
from delegate.sim.scripts import ScriptParticipant
from delegate.sim.timeline import Moment, Word, expand, speech_moments, words_for
from delegate.sim.validation import everyone_left_timeout
from delegate.sim.variants import output_log, vary_realtime, vary_status

logger = logging.getLogger(__name__)

DONE_AFTER_S = 2.0
"""Simulated seconds between call_ended and done (Recall finishing the upload)."""
SCRIPT_OVER_END_S = 2.0
"""When a script runs out without an ``end``, the host ends the call this much later."""
MEDIA_EVENT = "audio_mixed_raw.data"


@dataclass
class Wiring:
    """What a running bot needs from its simulator. ``webhook_urls`` are the workspace's
    status webhook endpoints: every one gets every bot's status changes, as on Recall."""

    clock: SimClock
    courier: Courier
    webhook_urls: list[str]


@dataclass
class _Playback:
    task: asyncio.Task[None]
    start: float
    words: tuple[Word, ...]


class BotRun:
    """The task and the live state (presence, recording, lanes) of one bot."""

    def __init__(self, wiring: Wiring, bot: BotState, outcome: JoinOutcome) -> None:
        self.wiring = wiring
        self.bot = bot
        self.outcome = outcome
        self._leave = asyncio.Event()
        self._rescheduled = asyncio.Event()
        self._stopwatch: Stopwatch | None = None
        self._recording_start: datetime = utcnow()
        self._recording_offset = 0.0
        self._wants_recording = bot.request.recording_config is not None
        self.recording_on = False
        self.paused = False
        self.present: dict[int, ScriptParticipant] = {}
        self._lanes: dict[str, Lane] = {}
        self._status_lanes: dict[str, Lane] = {}
        self._named: set[int] = set()
        """Who has had their ``participant_events.update`` (``late_names``)."""
        self._held: dict[str, list[Delivery]] = {}
        """Status webhooks held back until another code (``late_status``)."""
        self._speaking: _Playback | None = None
        self._reactions = list(bot.script.reactions)
        self._side_tasks: set[asyncio.Task[None]] = set()
        self.task = asyncio.get_running_loop().create_task(self._run(), name=f"sim-bot-{bot.id}")

    # commands (called by the API; the bot is known to be dispatched and not finished)

    def leave(self) -> None:
        self._leave.set()

    def reschedule(self) -> None:
        self._rescheduled.set()

    def start_recording(self, recording_config: dict[str, Any] | None) -> None:
        self.bot.record(RecordingCommand(command="start"))
        if recording_config is not None:
            self.bot.request = replace(self.bot.request, recording_config=recording_config)
            self.bot.endpoints = self.bot.endpoints_from(recording_config)
        self._wants_recording = True
        if self._stopwatch is not None:
            self._begin_recording()

    def stop_recording(self) -> None:
        self.bot.record(RecordingCommand(command="stop"))
        self._wants_recording = False
        if self.recording_on:
            self.recording_on = self.paused = False
            self._close_recording()
            self._status("in_call_not_recording")

    def pause_recording(self) -> None:
        self.bot.record(RecordingCommand(command="pause"))
        recording = self.bot.current_recording
        if self.recording_on and not self.paused and recording is not None:
            self.paused = True
            recording.set_status("paused")
            self._status("in_call_not_recording")

    def resume_recording(self) -> None:
        self.bot.record(RecordingCommand(command="resume"))
        recording = self.bot.current_recording
        if self.recording_on and self.paused and recording is not None:
            self.paused = False
            recording.set_status("processing")
            self._status("in_call_recording")

    def echo_chat(self, text: str, to: str) -> None:
        """The meeting shows the bot's message; a recording bot receives it back."""
        if self._stopwatch is None or self.bot.status not in IN_CALL:
            return
        echo = Moment(
            self._stopwatch.elapsed(),
            "participant_events.chat_message",
            bot_participant(self.bot),
            text=text,
            to=to,
        )
        self._happen(echo)

    @property
    def delivering(self) -> bool:
        return self.recording_on and not self.paused

    @property
    def meeting_time(self) -> float:
        """Simulated seconds since the meeting clock started (0 before)."""
        return self._stopwatch.elapsed() if self._stopwatch is not None else 0.0

    # the bot's voice (output_audio)

    def play_audio(self, text: str | None, duration: float) -> None:
        """The bot speaks for ``duration``: speech on, then (as Recall transcribes the bot)
        its words in the transcript and speech off. A new clip cuts the one playing."""
        self.stop_audio()
        if self._stopwatch is None or self.bot.status not in IN_CALL:
            return
        start = self._stopwatch.elapsed()
        me = bot_participant(self.bot)
        words = words_for(text, start, duration) if text and text.split() else ()
        self._happen(Moment(start, "participant_events.speech_on", me))
        task = self._spawn(self._finish_clip(start + duration))
        self._speaking = _Playback(task, start, words)
        if self._reactions:
            reaction = self._reactions.pop(0)
            moments = speech_moments(reaction, start + reaction.at, self.bot.bot_name)
            self._spawn(self._play_moments(moments))

    def stop_audio(self) -> bool:
        """Cut the clip playing (True) or do nothing (False); the words said so far are
        transcribed."""
        playing, self._speaking = self._speaking, None
        if playing is None or playing.task.done():
            return False
        playing.task.cancel()
        self._end_speech(playing, self.meeting_time)
        return True

    async def _finish_clip(self, ends_at: float) -> None:
        assert self._stopwatch is not None
        await self._until(self._stopwatch, ends_at)
        playing, self._speaking = self._speaking, None
        if playing is not None:
            self._end_speech(playing, ends_at)

    def _end_speech(self, playing: _Playback, at: float) -> None:
        me = bot_participant(self.bot)
        said = tuple(w for w in playing.words if w.end <= at + 1e-6)
        if said:
            self._happen(Moment(at, "transcript.data", me, said))
        self._happen(Moment(at, "participant_events.speech_off", me))

    async def _play_moments(self, moments: list[Moment]) -> None:
        assert self._stopwatch is not None
        for moment in moments:
            if await self._until(self._stopwatch, moment.at):
                return
            self._happen(moment)

    def _spawn(self, work: Any) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(work)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)
        return task

    # the task

    async def _run(self) -> None:
        try:
            await self._wait_for_join_at()
            self.bot.dispatched = True
            await self._join_and_play()
        except asyncio.CancelledError:
            await self._cancel_lanes()
            raise
        except Exception:
            logger.exception("sim bot task crashed bot=%s", self.bot.id)
            await self._cancel_lanes()
            raise
        for held in self._held.values():
            for delivery in held:
                self._send_status(delivery)
        self._held.clear()
        for lane in list(self._status_lanes.values()):
            await lane.drain()

    async def _wait_for_join_at(self) -> None:
        while (join_at := self.bot.request.join_at) is not None:
            remaining = (join_at - utcnow()).total_seconds()
            if remaining <= 0:
                return
            self._rescheduled.clear()
            try:
                await asyncio.wait_for(self._rescheduled.wait(), self.wiring.clock.real(remaining))
            except TimeoutError:
                return

    async def _join_and_play(self) -> None:
        timing = self.bot.script.join
        self._status("joining_call")
        if await self._wait(timing.joining_s):
            return await self._finish("bot_received_leave_call")
        if self.outcome.kind == "fatal":
            self._status("fatal", self.outcome.sub_code or "bot_errored")
            return None
        if timing.waiting_room_s > 0 or self.outcome.kind != "admitted":
            self._status("in_waiting_room")
            if self.outcome.kind == "waiting_room_timeout":
                limit = float(self.bot.request.automatic_leave["waiting_room_timeout"])
                left = await self._wait(limit)
                return await self._finish(
                    "bot_received_leave_call" if left else "timeout_exceeded_waiting_room"
                )
            left = await self._wait(timing.waiting_room_s)
            if left or self.outcome.kind == "denied":
                return await self._finish(
                    "bot_received_leave_call" if left else "bot_kicked_from_waiting_room"
                )
        self._status("in_call_not_recording")
        if await self._wait(timing.setup_s):
            return await self._finish("bot_received_leave_call")
        self._stopwatch = Stopwatch(self.wiring.clock)
        if self._wants_recording:
            self._begin_recording(at=0.0)
        return await self._finish(await self._play())

    async def _play(self) -> str:
        """Play the script; return the call_ended sub_code."""
        assert self._stopwatch is not None
        stopwatch = self._stopwatch
        timeline = expand(self.bot.script, self.bot.bot_name)
        left_timeout = everyone_left_timeout(self.bot.request.automatic_leave)
        empty_since: float | None = None
        for moment in timeline:
            if empty_since is not None and moment.at > empty_since + left_timeout:
                break
            if await self._until(stopwatch, moment.at):
                return "bot_received_leave_call"
            if moment.event == "meeting.end":
                return moment.sub_code or "call_ended_by_host"
            self._happen(moment)
            if moment.event in ("participant_events.join", "participant_events.leave"):
                empty_since = None if self.present else moment.at
        if empty_since is not None:
            ends_at, sub_code = empty_since + left_timeout, "timeout_exceeded_everyone_left"
        else:
            ends_at, sub_code = stopwatch.elapsed() + SCRIPT_OVER_END_S, "call_ended_by_host"
        if not self.bot.script.participants:
            sub_code = "timeout_exceeded_noone_joined"
        if await self._until(stopwatch, ends_at):
            return "bot_received_leave_call"
        return sub_code

    async def _finish(self, sub_code: str) -> None:
        self.stop_audio()
        for task in list(self._side_tasks):
            task.cancel()
        self._status("call_ended", sub_code)
        self.recording_on = False
        for lane in list(self._lanes.values()):
            await lane.drain()
        for endpoint in self.bot.endpoints:
            if endpoint.status == "running":
                endpoint.status = "done"
        recording = self.bot.current_recording
        if recording is not None and recording.status != "done":
            recording.set_status("done")
        await self.wiring.clock.sleep(DONE_AFTER_S)
        self._status("done")

    async def _wait(self, sim_seconds: float) -> bool:
        """Wait; True if the bot was told to leave meanwhile."""
        try:
            await asyncio.wait_for(self._leave.wait(), self.wiring.clock.real(sim_seconds))
        except TimeoutError:
            return False
        return True

    async def _until(self, stopwatch: Stopwatch, sim_at: float) -> bool:
        if self._leave.is_set():
            return True
        remaining = sim_at - stopwatch.elapsed()
        if remaining <= 0:
            await asyncio.sleep(0)
            return self._leave.is_set()
        return await self._wait(remaining)

    # what happens in the meeting

    def _happen(self, moment: Moment) -> None:
        who = moment.participant
        if moment.event == "participant_events.join" and who is not None:
            self.present[who.id] = who
        elif moment.event == "participant_events.leave" and who is not None:
            self.present.pop(who.id, None)
        self._log(moment)
        if not self.delivering:
            return
        recording = self.bot.current_recording
        inner = self._inner(moment)
        if recording is None or inner is None:
            return
        if moment.event == "transcript.data":
            recording.transcript.append(inner)
        nameless = self._nameless(who)
        for endpoint in self.bot.endpoints:
            if endpoint.wants(moment.event):
                body = realtime_envelope(moment.event, inner, endpoint, self.bot, recording)
                body = self._loosen(body, nameless)
                self._lane(endpoint.id, endpoint.url).put(make_delivery(moment.event, body))
        if moment.event == "transcript.data":
            self._send_media(recording)
        if nameless and who is not None and moment.event == "transcript.data":
            self._named.add(who.id)
            self._happen(Moment(moment.at, "participant_events.update", who))

    def _nameless(self, who: ScriptParticipant | None) -> bool:
        """Is ``who`` still without a name in what Recall sends (``late_names``)?"""
        return (
            self.wiring.courier.faults.names_late
            and who is not None
            and who.id != self.bot.participant_id
            and who.id not in self._named
        )

    def _send_media(self, recording: Recording) -> None:
        """A media buffer after a fragment (``oversize_media``): too large for the receiver."""
        size = self.wiring.courier.faults.media_bytes
        if not size:
            return
        inner = {"buffer": "A" * size, "timestamp": {"relative": None, "absolute": None}}
        for endpoint in self.bot.endpoints:
            body = realtime_envelope(MEDIA_EVENT, inner, endpoint, self.bot, recording)
            self._lane(endpoint.id, endpoint.url).put(make_delivery(MEDIA_EVENT, body))

    def _loosen(self, body: dict[str, Any], nameless: bool) -> dict[str, Any]:
        """``body`` as Recall's looser deliveries have it, when faults ask for that."""
        faults = self.wiring.courier.faults
        if not faults.variants and not nameless:
            return body
        body = copy.deepcopy(body)  # the recording keeps the documented shape
        participant = body["data"]["data"].get("participant")
        if nameless and isinstance(participant, dict):
            participant["name"] = participant["email"] = None
        return vary_realtime(body, faults.variants)

    def _inner(self, moment: Moment) -> dict[str, Any] | None:
        """``data.data`` for the moment, or None if the bot's config does not produce it."""
        config = self.bot.request.recording_config or {}
        who = moment.participant
        if who is None:
            return None
        if moment.event.startswith("transcript."):
            if not config.get("transcript"):
                return None
            return transcript_data(who, moment.words, self._recording_offset, self._recording_start)
        if config.get("participant_events") is None:
            return None
        chat = None
        if moment.event == "participant_events.chat_message":
            chat = {"text": moment.text or "", "to": moment.to or "everyone"}
        relative = moment.at - self._recording_offset
        return participant_event_data(who, relative, self._recording_start, chat)

    def _log(self, moment: Moment) -> None:
        kinds = {
            "participant_events.join": "join",
            "participant_events.leave": "leave",
            "participant_events.chat_message": "chat",
            "transcript.data": "say",
        }
        kind = kinds.get(moment.event)
        if kind is None or moment.participant is None:
            return
        text = moment.text
        if kind == "say":
            text = " ".join(word.text for word in moment.words)
        self.bot.record(
            MeetingEvent(
                kind=kind,
                participant=moment.participant.name,
                text=text,
                to=moment.to,
                sim_time=moment.at,
                delivered=self.delivering,
            )
        )

    # recording

    def _begin_recording(self, at: float | None = None) -> None:
        """Start a new recording at script time ``at`` (now by default): its relative
        timestamps count from there."""
        assert self._stopwatch is not None
        if self.recording_on:
            self._close_recording()
        if not self.bot.recordings and self.bot.request.meeting.platform == "zoom":
            # Zoom bots record locally and need the host's permission first.
            self._status("recording_permission_allowed")
        config = self.bot.request.recording_config or {}
        retention = config.get("retention")
        hours = retention.get("hours") if isinstance(retention, dict) else None
        self.bot.recordings.append(
            Recording(
                metadata=dict(config.get("metadata") or {}),
                retention_hours=float(hours) if isinstance(hours, int | float) else None,
            )
        )
        self._recording_start = utcnow()
        self._recording_offset = self._stopwatch.elapsed() if at is None else at
        self.recording_on, self.paused = True, False
        self._status("in_call_recording")

    def _close_recording(self) -> None:
        recording = self.bot.current_recording
        if recording is not None and recording.status != "done":
            recording.set_status("done")

    # deliveries

    def _status(self, code: str, sub_code: str | None = None) -> None:
        change = self.bot.change_status(code, sub_code)
        faults = self.wiring.courier.faults
        body = vary_status(status_webhook(self.bot, change), faults.variants)
        delivery = make_delivery(f"bot.{code}", body)
        late_after = faults.late_statuses.get(code)
        if late_after is not None:
            self._held.setdefault(late_after, []).append(delivery)
            return
        self._send_status(delivery)
        for held in self._held.pop(code, []):
            self._send_status(held)
        if faults.output_log:
            log_body = output_log(self.bot.id, f"status {code}")
            self._send_status(make_delivery("bot.output_log", log_body))

    def _send_status(self, delivery: Delivery) -> None:
        for url in self.wiring.webhook_urls:
            lane = self._status_lanes.get(url)
            if lane is None:
                lane = Lane(self.wiring.courier, self.bot, url, "status", STATUS_MAX_RETRIES)
                self._status_lanes[url] = lane
            lane.put(delivery)

    def _lane(self, endpoint_id: str, url: str) -> Lane:
        lane = self._lanes.get(endpoint_id)
        if lane is None:
            endpoint = next(ep for ep in self.bot.endpoints if ep.id == endpoint_id)

            def give_up() -> None:
                endpoint.status = "failed"

            lane = Lane(
                self.wiring.courier,
                self.bot,
                url,
                "realtime",
                REALTIME_MAX_RETRIES,
                on_give_up=give_up,
                alive=lambda: endpoint.status != "failed",
            )
            self._lanes[endpoint_id] = lane
        return lane

    async def _cancel_lanes(self) -> None:
        for task in list(self._side_tasks):
            task.cancel()
        lanes = [*self._lanes.values(), *self._status_lanes.values()]
        for lane in lanes:
            with contextlib.suppress(Exception):
                await lane.cancel()
