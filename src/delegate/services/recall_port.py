"""What the services need from Recall.ai, and how Recall failures look to them.

The real implementation is ``adapters/recall/client.py``; in tests and demos it talks to the
simulator (``delegate.sim``) through an in-process transport.

    RecallError
    ├── RecallRejected       4xx: the request is wrong; ``detail`` is Recall's message, verbatim
    │   ├── RecallUnauthorized   401/403: bad API key or wrong region
    │   └── RecallNotFound       404: unknown bot
    └── RecallUnavailable    429, 5xx, 507, timeouts, connection errors (retried, then raised)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class RecallError(Exception):
    def __init__(self, detail: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code


class RecallRejected(RecallError):
    pass


class RecallUnauthorized(RecallRejected):
    pass


class RecallNotFound(RecallRejected):
    pass


class NoWebhookApi(RecallError):
    """Recall configures status webhook endpoints in its dashboard only, not through its API."""


class RecallUnavailable(RecallError):
    def __init__(
        self,
        detail: str,
        status: int | None = None,
        code: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(detail, status, code)
        self.retry_after_s = retry_after_s


REALTIME_EVENTS = (
    "transcript.data",
    "transcript.partial_data",
    "participant_events.join",
    "participant_events.leave",
    "participant_events.update",
    "participant_events.speech_on",
    "participant_events.speech_off",
    "participant_events.chat_message",
)


@dataclass(frozen=True)
class BotSpec:
    """What we ask Recall for when a delegate is sent into a meeting."""

    meeting_url: str
    bot_name: str
    realtime_url: str
    metadata: dict[str, str]
    transcript_provider: str = "recallai_streaming"
    transcript_language: str = "en"
    realtime_events: tuple[str, ...] = REALTIME_EVENTS
    join_at: datetime | None = None
    audio_output: bool = False
    """Ask for ``automatic_audio_output`` (a short silence), without which Recall refuses
    ``output_audio``."""


@dataclass(frozen=True)
class BotStatus:
    code: str
    sub_code: str | None = None
    message: str | None = None
    created_at: str | None = None


@dataclass(frozen=True)
class BotSnapshot:
    """A Recall bot as we understand it, plus the untouched object for pass-through."""

    id: str
    status: BotStatus | None
    """The last entry of ``status_changes`` (None before the first change)."""
    platform: str | None
    status_changes: list[BotStatus] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


class RecallGateway(Protocol):
    """One Recall workspace (an API key in a region)."""

    async def create_bot(self, spec: BotSpec, idempotency_key: str | None = None) -> BotSnapshot:
        """Create a bot; retried on 429/5xx/507 (a fresh idempotency key after a 507)."""
        ...

    async def get_bot(self, bot_id: str) -> BotSnapshot: ...

    async def list_bots(self, metadata: Mapping[str, str] | None = None) -> list[BotSnapshot]:
        """Every bot of the workspace whose metadata has these keys and values."""
        ...

    async def delete_bot(self, bot_id: str) -> None:
        """Delete a scheduled bot that has not been dispatched yet."""
        ...

    async def leave_call(self, bot_id: str) -> None: ...

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
        ...

    async def start_recording(self, bot_id: str) -> None: ...

    async def stop_recording(self, bot_id: str) -> None: ...

    async def pause_recording(self, bot_id: str) -> None: ...

    async def resume_recording(self, bot_id: str) -> None: ...

    async def start_screenshare(self, bot_id: str, url: str) -> None:
        """Show a web page as the bot's screenshare (Recall output media)."""
        ...

    async def stop_screenshare(self, bot_id: str) -> None: ...

    async def output_audio(self, bot_id: str, mp3: bytes) -> None:
        """Play an MP3 in the meeting (the bot needs ``automatic_audio_output``)."""
        ...

    async def stop_output_audio(self, bot_id: str) -> None:
        """Stop the audio the bot is playing."""
        ...

    async def add_status_webhook(self, url: str) -> None:
        """Have the workspace send every bot's status changes to ``url``. Raises
        ``NoWebhookApi`` on Recall (its dashboard does this); the simulator has a route."""
        ...


class RecallConnector(Protocol):
    """Builds a gateway for one integration's credentials."""

    def gateway(self, api_key: str, region: str) -> RecallGateway: ...
