"""A Recall stand-in for the harness's own setup and for in-process processing runs.

It only records what was asked (as data): the bot specs (whose realtime URL carries each
session's receiver token) and the actions performed. No network, no meeting playback; the
benchmarks that need a meeting to react use the real simulator instead.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from delegate.services.ports import BotSnapshot, BotSpec, BotStatus


@dataclass(frozen=True)
class Performed:
    bot_id: str
    action: str
    text: str | None
    at: float
    """``time.perf_counter()`` when the action reached the stand-in."""


@dataclass
class RecordingRecall:
    """``RecallConnector``: every gateway it hands out records into the same lists."""

    specs: dict[str, BotSpec] = field(default_factory=dict)
    performed: list[Performed] = field(default_factory=list)

    def gateway(self, api_key: str, region: str) -> RecordingGateway:
        return RecordingGateway(self)


class RecordingGateway:
    def __init__(self, recall: RecordingRecall) -> None:
        self._recall = recall

    def _did(self, bot_id: str, action: str, text: str | None = None) -> None:
        self._recall.performed.append(Performed(bot_id, action, text, time.perf_counter()))

    async def create_bot(self, spec: BotSpec, idempotency_key: str | None = None) -> BotSnapshot:
        bot_id = str(uuid.uuid4())
        self._recall.specs[bot_id] = spec
        return _snapshot(bot_id, "joining_call")

    async def get_bot(self, bot_id: str) -> BotSnapshot:
        return _snapshot(bot_id, "in_call_recording")

    async def delete_bot(self, bot_id: str) -> None:
        self._did(bot_id, "delete")

    async def leave_call(self, bot_id: str) -> None:
        self._did(bot_id, "leave")

    async def send_chat_message(
        self,
        bot_id: str,
        message: str,
        to: str = "everyone",
        pin: bool = False,
        platform: str | None = None,
    ) -> None:
        self._did(bot_id, "chat", message)

    async def start_recording(self, bot_id: str) -> None:
        self._did(bot_id, "start_recording")

    async def stop_recording(self, bot_id: str) -> None:
        self._did(bot_id, "stop_recording")

    async def pause_recording(self, bot_id: str) -> None:
        self._did(bot_id, "pause_recording")

    async def resume_recording(self, bot_id: str) -> None:
        self._did(bot_id, "resume_recording")

    async def start_screenshare(self, bot_id: str, url: str) -> None:
        self._did(bot_id, "start_screenshare", url)

    async def stop_screenshare(self, bot_id: str) -> None:
        self._did(bot_id, "stop_screenshare")

    async def output_audio(self, bot_id: str, mp3: bytes) -> None:
        self._did(bot_id, "output_audio")


def _snapshot(bot_id: str, code: str) -> BotSnapshot:
    status = BotStatus(code, None, None, "2026-01-01T09:00:00.000000Z")
    raw = {"id": bot_id, "status_changes": [{"code": code, "sub_code": None}]}
    return BotSnapshot(bot_id, status, "zoom", [status], raw)
