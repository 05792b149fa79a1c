"""Speaking a reply in the meeting: piece by piece through Recall's ``output_audio``, with
barge-in.

The first piece is posted as soon as it is synthesised while the next one is being
synthesised. Between pieces, and while one plays, the session's stored realtime events are
read: a participant who starts speaking stops the delegate (``DELETE output_audio``) and the
rest of that answer is dropped. The events table is what every process shares, so this works
with the API and the worker in different processes. The delegate's own speech, which Recall
transcribes too, never counts as a participant speaking.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from delegate.domain.errors import DelegateError
from delegate.domain.events import (
    MeetingEvent,
    SpeechStarted,
    SpeechStopped,
    TranscriptFinal,
    TranscriptPartial,
)
from delegate.domain.sessions import MeetingSession, StoredEvent
from delegate.domain.voice import ReplyMode, Speech, is_own_speech, speech_pieces
from delegate.services.ports import RecallGateway, SpeechEngine, UnitOfWorkFactory
from delegate.services.voices import VoiceCatalog

log = logging.getLogger(__name__)

POLL_S = 0.05
"""How often the events are read while the delegate speaks (barge-in reaction time)."""
EVENTS_PER_READ = 200


@dataclass
class VoicePorts:
    """What speaking needs beyond the meeting ports; built by the composition root."""

    catalog: VoiceCatalog
    read_speech: Callable[[StoredEvent], MeetingEvent | None]
    """Who speaks, from a stored event (``RecallInbound.speech``); None for other events."""
    _warming: set[asyncio.Task[None]] = field(default_factory=set)

    def warm_up(self, voice: str | None) -> None:
        """Start loading ``voice`` in the background (a meeting that speaks was just sent)."""
        engine, name = self.catalog.resolve(voice)
        task = asyncio.get_running_loop().create_task(self._warm(engine, name))
        self._warming.add(task)
        task.add_done_callback(self._warming.discard)

    @staticmethod
    async def _warm(engine: SpeechEngine, name: str) -> None:
        try:
            await engine.warm_up(name)
        except Exception as exc:  # a failed warm-up only means a slower first answer
            log.warning("could not load voice %s:%s (%s)", engine.name, name, exc)


@dataclass(frozen=True)
class Spoken:
    """How a spoken reply went, stored with the reply."""

    pieces: int
    played: int
    seconds: float
    interrupted_by: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "pieces": self.pieces,
            "played": self.played,
            "seconds": round(self.seconds, 2),
            "interruptedBy": self.interrupted_by,
        }


def speaks(session: MeetingSession, to: str) -> bool:
    """Replies meant for everyone are spoken when the session speaks; a private answer stays
    in the chat, where only its recipient sees it."""
    return ReplyMode(session.reply_mode).speaks and to == "everyone"


class _Listener:
    """Reads the session's speech events stored after ``cursor``."""

    def __init__(
        self, uow: UnitOfWorkFactory, voice: VoicePorts, session: MeetingSession, cursor: int
    ) -> None:
        self._uow = uow
        self._voice = voice
        self._session = session
        self._cursor = cursor
        self.own_stops = 0

    async def interrupter(self) -> str | None:
        """The first participant (not the delegate) heard since the last read, if any."""
        async with self._uow() as tx:
            events = await tx.events.after(self._session.id, self._cursor, EVENTS_PER_READ)
        for stored in events:
            self._cursor = stored.id
            event = self._voice.read_speech(stored)
            if not isinstance(
                event, SpeechStarted | SpeechStopped | TranscriptPartial | TranscriptFinal
            ):
                continue
            own = is_own_speech(event.speaker.id, event.speaker.name, self._session.bot_name)
            if own and isinstance(event, SpeechStopped):
                self.own_stops += 1
            elif not own and not isinstance(event, SpeechStopped):
                return event.speaker.name
        return None

    async def while_playing(self, clip: Speech, played: int) -> str | None:
        """Wait until the clip has played (its duration, or Recall reporting the delegate's
        speech over); the participant who spoke meanwhile, if any."""
        deadline = time.monotonic() + clip.duration_s
        while True:
            who = await self.interrupter()
            if who is not None or self.own_stops >= played:
                return who
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            await asyncio.sleep(min(POLL_S, left))


async def speak(
    uow: UnitOfWorkFactory,
    voice: VoicePorts,
    gateway: RecallGateway,
    session: MeetingSession,
    text: str,
) -> Spoken:
    """Say ``text`` in the meeting, piece by piece, stopping when a participant speaks."""
    assert session.recall_bot_id is not None  # replies are sent only once the bot exists
    engine, name = voice.catalog.resolve(session.voice)
    pieces = speech_pieces(text) or [text]
    upcoming = _synthesize(engine, pieces[0], name)
    listener: _Listener | None = None
    played, seconds = 0, 0.0
    try:
        for index in range(len(pieces)):
            clip = await upcoming
            if index + 1 < len(pieces):
                upcoming = _synthesize(engine, pieces[index + 1], name)
            if listener is None:
                # Talk before the delegate's first words is the meeting going on, not an
                # interruption: only speech from here on counts.
                async with uow() as tx:
                    listener = _Listener(uow, voice, session, await tx.events.last_id(session.id))
            who = await listener.interrupter()
            if who is None:
                await gateway.output_audio(session.recall_bot_id, clip.mp3)
                played, seconds = played + 1, seconds + clip.duration_s
                who = await listener.while_playing(clip, played)
                if who is not None:
                    await gateway.stop_output_audio(session.recall_bot_id)
            if who is not None:
                log.info(
                    "session %s: barge-in after %d of %d pieces", session.id, played, len(pieces)
                )
                return Spoken(len(pieces), played, seconds, who)
    finally:
        upcoming.cancel()
    return Spoken(len(pieces), played, seconds)


def _synthesize(engine: SpeechEngine, text: str, voice: str) -> asyncio.Task[Speech]:
    return asyncio.create_task(engine.synthesize(text, voice))


async def deliver_chat_reply(
    uow: UnitOfWorkFactory,
    voice: VoicePorts | None,
    gateway: RecallGateway,
    session: MeetingSession,
    text: str,
    to: str,
) -> Spoken | None:
    """A reply the way the session answers: written, spoken or both. Returns how it was
    spoken (None: it was only written). When synthesis fails, a voice-only session writes the
    answer instead, so it is never lost."""
    assert session.recall_bot_id is not None  # replies are sent only once the bot exists
    mode = ReplyMode(session.reply_mode)
    aloud = voice is not None and speaks(session, to)
    if not aloud or mode.writes:
        await gateway.send_chat_message(
            session.recall_bot_id, text, to=to, platform=session.platform
        )
    if voice is None or not aloud:
        return None
    try:
        return await speak(uow, voice, gateway, session, text)
    except (DelegateError, OSError, RuntimeError, ValueError) as exc:
        # Synthesis failed (an engine gone since the bot was saved, a speech server down).
        log.warning("session %s: could not speak a reply (%s)", session.id, exc)
        if not mode.writes:
            await gateway.send_chat_message(
                session.recall_bot_id, text, to=to, platform=session.platform
            )
        return None
