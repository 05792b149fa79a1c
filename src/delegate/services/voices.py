"""Which voices this server can speak with, checked when a bot or a meeting asks for one so
that a wrong voice is a 400 at create/update time, never a failure mid-meeting."""

from __future__ import annotations

from collections.abc import Iterable

from delegate.domain.errors import InvalidInput
from delegate.domain.voice import ReplyMode, VoiceRef
from delegate.services.ports import SpeechEngine


class VoiceCatalog:
    """The configured text-to-speech engines, and the default voice."""

    def __init__(self, engines: Iterable[SpeechEngine], default_voice: str | None = None) -> None:
        self.engines = {engine.name: engine for engine in engines}
        self._default = default_voice

    @property
    def default_voice(self) -> str:
        """The configured default, else the first engine that can speak here."""
        if self._default:
            return self._default
        for engine in self.engines.values():
            if engine.problem(engine.default_voice) is None:
                return f"{engine.name}:{engine.default_voice}"
        return next(iter(self.engines), "none")

    def resolve(self, voice: str | None) -> tuple[SpeechEngine, str]:
        """The engine and voice name of ``voice`` (None: the default); raises InvalidInput
        naming the voice and what is wrong with it."""
        asked = voice or self.default_voice
        ref = VoiceRef.parse(asked)
        engine = self.engines.get(ref.engine)
        if engine is None:
            known = ", ".join(self.engines)
            raise InvalidInput(
                f'unknown voice "{asked}": no engine "{ref.engine}" (known: {known})'
            )
        name = ref.name or engine.default_voice
        problem = engine.problem(name)
        if problem is not None:
            raise InvalidInput(f'voice "{asked}" is not available: {problem}')
        return engine, name

    def check(self, voice: str | None) -> str | None:
        """``voice`` normalised (``engine:name``), after checking it can be spoken; None stays
        None (the default voice, checked when a meeting is sent)."""
        if not voice:
            return None
        engine, name = self.resolve(voice)
        return f"{engine.name}:{name}"


def check_reply_voice(
    catalog: VoiceCatalog | None, mode: ReplyMode, voice: str | None
) -> str | None:
    """The voice to store for ``mode``: a named voice must exist, and a speaking mode needs a
    voice this server can speak (the default one when none is named). Raises InvalidInput."""
    if catalog is None:
        if mode.speaks or voice:
            raise InvalidInput("this server has no text-to-speech configured")
        return None
    checked = catalog.check(voice)
    if mode.speaks and checked is None:
        catalog.resolve(None)
    return checked
