"""MP3 for Recall's ``output_audio``: 16-bit mono PCM encoded with lameenc (``delegate[voice]``)
or, without it, Debian's ``lame``; the spoken text rides along in an ID3 title tag.

The tag is ignored by meeting platforms; the simulator reads it to "transcribe" the bot's
speech back into the meeting, as Recall's transcription does.
"""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import wave
from io import BytesIO

BIT_RATE_KBPS = 64
ID3_TITLE_MAX = 2000


class EncoderMissing(RuntimeError):
    pass


def encoder_problem() -> str | None:
    """Why no MP3 can be made here (None: lameenc or lame is available)."""
    if importlib.util.find_spec("lameenc") is not None or shutil.which("lame"):
        return None
    return "no MP3 encoder: install delegate[voice] (lameenc) or the lame package"


def _syncsafe(size: int) -> bytes:
    return bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))


def id3_title(text: str) -> bytes:
    """An ID3v2.4 tag holding ``text`` as the title (TIT2, UTF-8)."""
    body = b"\x03" + text[:ID3_TITLE_MAX].encode("utf-8")
    frame = b"TIT2" + _syncsafe(len(body)) + b"\x00\x00" + body
    return b"ID3\x04\x00\x00" + _syncsafe(len(frame)) + frame


def _encode_lameenc(pcm: bytes, sample_rate: int) -> bytes:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BIT_RATE_KBPS)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(5)
    return bytes(encoder.encode(pcm) + encoder.flush())


async def _encode_lame_cli(pcm: bytes, sample_rate: int) -> bytes:
    khz = f"{sample_rate / 1000:g}"
    process = await asyncio.create_subprocess_exec(
        *("lame", "--quiet", "-r", "-s", khz, "--bitwidth", "16", "-m", "m"),
        *("-b", str(BIT_RATE_KBPS), "-", "-"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate(pcm)
    if process.returncode != 0 or not out:
        raise EncoderMissing(f"lame failed (exit {process.returncode})")
    return out


async def encode_mp3(pcm: bytes, sample_rate: int, text: str) -> bytes:
    """16-bit little-endian mono ``pcm`` as MP3, tagged with ``text``."""
    if importlib.util.find_spec("lameenc") is not None:
        audio = await asyncio.to_thread(_encode_lameenc, pcm, sample_rate)
    elif shutil.which("lame"):
        audio = await _encode_lame_cli(pcm, sample_rate)
    else:
        raise EncoderMissing(encoder_problem() or "no MP3 encoder")
    return id3_title(text) + audio


def pcm_duration_s(pcm: bytes, sample_rate: int) -> float:
    return len(pcm) / 2 / sample_rate


def wav_to_pcm(wav: bytes) -> tuple[bytes, int]:
    """The frames and rate of a 16-bit mono WAV (what espeak-ng writes)."""
    with wave.open(BytesIO(wav)) as reader:
        if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
            raise ValueError("expected 16-bit mono WAV")
        return reader.readframes(reader.getnframes()), reader.getframerate()


_BITRATES_KBPS = {
    "1": (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    "2": (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
LAYER_III = 1


class NotMp3(ValueError):
    pass


def _skip_id3(data: bytes, at: int) -> int:
    while data[at : at + 3] == b"ID3" and len(data) >= at + 10:
        size = 0
        for byte in data[at + 6 : at + 10]:
            size = (size << 7) | (byte & 0x7F)
        at += 10 + size
    return at


def id3_text(data: bytes) -> str | None:
    """The title our encoder tagged the MP3 with (None when there is none)."""
    if data[:3] != b"ID3" or data[10:14] != b"TIT2":
        return None
    size = 0
    for byte in data[14:18]:
        size = (size << 7) | (byte & 0x7F)
    body = data[20 : 20 + size]
    return body[1:].decode("utf-8", "replace") if body[:1] == b"\x03" else None


def mp3_duration_s(data: bytes) -> float:
    """Play time of an MPEG Layer III stream, from its frame headers; raises ``NotMp3`` when
    no run of valid frames is found."""
    at = _skip_id3(data, 0)
    samples = 0.0
    frames = 0
    while at + 4 <= len(data):
        header = int.from_bytes(data[at : at + 4], "big")
        version = (header >> 19) & 0b11
        layer = (header >> 17) & 0b11
        bitrate_index = (header >> 12) & 0b1111
        rate_index = (header >> 10) & 0b11
        if (
            header >> 21 != 0x7FF
            or version == 1
            or layer != LAYER_III
            or bitrate_index in (0, 15)
            or rate_index == 3
        ):
            if frames:
                break  # trailing bytes (an ID3v1 tag, junk) end the stream
            raise NotMp3("no MPEG Layer III frame header where the audio should start")
        rate = _SAMPLE_RATES[version][rate_index]
        kbps = _BITRATES_KBPS["1" if version == 3 else "2"][bitrate_index]
        per_frame = 1152 if version == 3 else 576
        padding = (header >> 9) & 1
        length = (144 if version == 3 else 72) * kbps * 1000 // rate + padding
        at += length
        samples += per_frame / rate
        frames += 1
    if not frames:
        raise NotMp3("no audio frames")
    return samples
