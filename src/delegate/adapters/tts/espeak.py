"""espeak-ng (the Debian package) as a separate process: robotic but tiny, instant and with no
Python dependency; the zero-dependency fallback voice. ``scripts/install`` installs it."""

from __future__ import annotations

import asyncio
import functools
import shutil
import subprocess

from delegate.adapters.tts.mp3 import encode_mp3, encoder_problem, pcm_duration_s, wav_to_pcm
from delegate.domain.voice import Speech

WORDS_PER_MINUTE = 165
LIST_TIMEOUT_S = 10


@functools.cache
def installed_voices() -> frozenset[str]:
    """Language codes and voice names ``espeak-ng --voices`` lists (lower case)."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        return frozenset()
    listing = subprocess.run(  # noqa: S603 - a fixed binary and argument, no shell
        [binary, "--voices"], capture_output=True, text=True, timeout=LIST_TIMEOUT_S, check=False
    ).stdout
    names: set[str] = set()
    for line in listing.splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 4:
            names.update({columns[1].lower(), columns[3].lower()})
    return frozenset(names)


class EspeakEngine:
    """``SpeechEngine`` over the ``espeak-ng`` command."""

    name = "espeak-ng"
    default_voice = "en-us"

    def problem(self, voice: str) -> str | None:
        if shutil.which("espeak-ng") is None:
            return "espeak-ng is not installed (Debian package espeak-ng; scripts/install adds it)"
        if voice.lower() not in installed_voices():
            return f'espeak-ng has no voice "{voice}" (espeak-ng --voices lists them)'
        return encoder_problem()

    async def warm_up(self, voice: str) -> None:
        """Nothing to load: espeak-ng starts in milliseconds."""

    async def synthesize(self, text: str, voice: str) -> Speech:
        process = await asyncio.create_subprocess_exec(
            *("espeak-ng", "-v", voice, "-s", str(WORDS_PER_MINUTE), "--stdout", "--stdin"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        wav, _ = await process.communicate(text.encode())
        if process.returncode != 0:
            raise RuntimeError(f"espeak-ng failed (exit {process.returncode})")
        pcm, rate = wav_to_pcm(wav)
        return Speech(text, await encode_mp3(pcm, rate, text), pcm_duration_s(pcm, rate))
