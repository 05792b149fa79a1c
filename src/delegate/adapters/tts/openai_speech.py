"""Any OpenAI-compatible ``POST /v1/audio/speech`` server (OpenAI, LocalAI, Kokoro-FastAPI,
openedai-speech, ...), configured like the LLM: ``DELEGATE_VOICE__BASE_URL`` and friends."""

from __future__ import annotations

import httpx2

from delegate.adapters.tts.mp3 import NotMp3, id3_title, mp3_duration_s
from delegate.config import VoiceSettings
from delegate.domain.errors import UpstreamFailed
from delegate.domain.voice import Speech


class OpenAISpeechEngine:
    """``SpeechEngine`` over an OpenAI-compatible speech endpoint. Any voice name is passed
    through: such servers differ in the voices they offer."""

    name = "openai"
    default_voice = "alloy"

    def __init__(self, settings: VoiceSettings, http: httpx2.AsyncClient) -> None:
        self._settings = settings
        self._http = http

    def problem(self, voice: str) -> str | None:
        if not self._settings.base_url:
            return "no speech server is configured (DELEGATE_VOICE__BASE_URL)"
        return None

    async def warm_up(self, voice: str) -> None:
        """Nothing to load here; the server keeps its own models."""

    async def synthesize(self, text: str, voice: str) -> Speech:
        base = (self._settings.base_url or "").rstrip("/")
        try:
            response = await self._http.post(
                f"{base}/audio/speech",
                json={
                    "model": self._settings.model,
                    "input": text,
                    "voice": voice,
                    "response_format": "mp3",
                },
                headers={"Authorization": f"Bearer {self._settings.api_key.get_secret_value()}"},
                timeout=self._settings.timeout_s,
            )
        except httpx2.TransportError as exc:
            raise UpstreamFailed(f"the speech server at {base} is unreachable") from exc
        if not response.is_success:
            raise UpstreamFailed(f"the speech server answered {response.status_code}")
        try:
            duration = mp3_duration_s(response.content)
        except NotMp3 as exc:
            raise UpstreamFailed(f"the speech server sent no MP3: {exc}") from exc
        return Speech(text, id3_title(text) + response.content, duration)
