"""Create/update bot request bodies, checked and normalised the way Recall answers them.

Errors are Django REST Framework field errors (``{"meeting_url": ["..."]}``) because that is
what Recall returns. Defaults are filled in here so the Bot object echoes a complete
``recording_config`` and ``automatic_leave``.
"""

from __future__ import annotations

import base64
import binascii
import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from delegate.adapters.tts.mp3 import mp3_duration_s
from delegate.domain.meeting_urls import InvalidMeetingUrl, MeetingUrl, parse_meeting_url

MAX_BOT_NAME = 100
MAX_B64_AUDIO = 1_835_008
"""Recall's maxLength of ``b64_data`` (about 1.3 MB of MP3)."""
MAX_METADATA_VALUE = 500
DEFAULT_BOT_NAME = "Meeting Notetaker"
SCHEDULE_MIN_AHEAD = timedelta(minutes=10)
ENDPOINT_TYPES = ("webhook", "websocket", "rtmp")
ECHOED_SETTINGS = (
    "chat",
    "output_media",
    "automatic_video_output",
    "automatic_audio_output",
    "variant",
    "zoom",
    "google_meet",
    "breakout_room",
)

RECORDING_DEFAULTS: dict[str, Any] = {
    "transcript": None,
    "realtime_endpoints": [],
    "retention": {"type": "timed", "hours": 168},
    "video_mixed_layout": "speaker_view",
    "video_mixed_mp4": {"metadata": {}},
    "participant_events": {"metadata": {}},
    "meeting_metadata": {"metadata": {}},
    "video_mixed_participant_video_when_screenshare": "overlap",
    "start_recording_on": "participant_join",
    "include_bot_in_recording": {"audio": False},
    "metadata": {},
    "audio_mixed_raw": None,
    "audio_separate_raw": None,
    "video_separate_mp4": None,
    "video_separate_png": None,
    "video_mixed_flv": None,
}
# Artifacts that are "on" unless set to null; given as {} they still get their metadata key.
_ARTIFACTS_WITH_METADATA = ("video_mixed_mp4", "participant_events", "meeting_metadata")

AUTOMATIC_LEAVE_DEFAULTS: dict[str, Any] = {
    "waiting_room_timeout": 1200,
    "noone_joined_timeout": 1200,
    "everyone_left_timeout": {"timeout": 2, "activate_after": None},
    "in_call_not_recording_timeout": 3600,
    "in_call_recording_timeout": None,
    "recording_permission_denied_timeout": 30,
    "silence_detection": {"timeout": 3600, "activate_after": 1200},
    "bot_detection": {
        "using_participant_events": {"timeout": 600, "activate_after": 1200},
    },
}


class ValidationFailed(Exception):
    """A 400 with DRF-style field errors."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(str(errors))
        self.errors = errors


@dataclass(frozen=True)
class BotRequest:
    """A valid create (or merged update) request, with defaults filled in."""

    body: dict[str, Any]
    """The request as given (write-only media stripped), kept to merge later updates into."""
    meeting: MeetingUrl
    bot_name: str
    join_at: datetime | None
    recording_config: dict[str, Any] | None
    automatic_leave: dict[str, Any]
    metadata: dict[str, str]
    settings: dict[str, Any]
    """Echoed settings (``chat``, ``output_media``, ``variant``, ...), null when not given."""

    def scheduled(self, now: datetime) -> bool:
        """Scheduled bots (join_at more than 10 minutes ahead) wait and may be updated."""
        return self.join_at is not None and self.join_at - now > SCHEDULE_MIN_AHEAD


def parse_bot_request(body: Any) -> BotRequest:
    """Check a create body (or an existing body merged with a PATCH)."""
    if not isinstance(body, dict):
        raise ValidationFailed({"non_field_errors": ["Invalid data. Expected a dictionary."]})
    errors: dict[str, Any] = {}
    meeting = _meeting(body.get("meeting_url"), errors)
    bot_name = body.get("bot_name") or DEFAULT_BOT_NAME
    if not isinstance(bot_name, str):
        errors["bot_name"] = ["Not a valid string."]
    elif len(bot_name) > MAX_BOT_NAME:
        errors["bot_name"] = [f"Ensure this field has no more than {MAX_BOT_NAME} characters."]
    join_at = _join_at(body.get("join_at"), errors)
    metadata = _metadata(body.get("metadata"), errors)
    recording_config = _recording_config(body.get("recording_config", {}), errors)
    automatic_leave = _automatic_leave(body.get("automatic_leave"), errors)
    _automatic_audio_output(body.get("automatic_audio_output"), meeting, errors)
    if errors or meeting is None:
        raise ValidationFailed(errors)
    stored = _strip_write_only(body)
    settings = {key: stored.get(key) for key in ECHOED_SETTINGS}
    return BotRequest(
        body=stored,
        meeting=meeting,
        bot_name=str(bot_name),
        join_at=join_at,
        recording_config=recording_config,
        automatic_leave=automatic_leave,
        metadata=metadata,
        settings=settings,
    )


def _automatic_audio_output(value: Any, meeting: MeetingUrl | None, errors: dict[str, Any]) -> None:
    """``{"in_call_recording": {"data": {"kind": "mp3", "b64_data": ...}}}``, a real MP3, and
    not on Webex (Recall has no output audio there)."""
    if value is None:
        return
    if meeting is not None and meeting.platform == "webex":
        errors["automatic_audio_output"] = ["Output audio is not supported on Webex."]
        return
    data = value.get("in_call_recording", {}).get("data") if isinstance(value, dict) else None
    if not isinstance(data, dict) or data.get("kind") != "mp3":
        errors["automatic_audio_output"] = [
            'Expected {"in_call_recording": {"data": {"kind": "mp3", "b64_data": "..."}}}.'
        ]
        return
    problem = mp3_problem(data.get("b64_data"))
    if problem is not None:
        errors["automatic_audio_output"] = {"in_call_recording": {"data": {"b64_data": [problem]}}}


def mp3_problem(b64_data: Any) -> str | None:
    """What is wrong with base64 MP3 data, as Recall words it (None: a playable MP3)."""
    if not isinstance(b64_data, str) or not b64_data:
        return "This field is required."
    if len(b64_data) > MAX_B64_AUDIO:
        return f"Ensure this field has no more than {MAX_B64_AUDIO} characters."
    try:
        mp3_duration_s(base64.b64decode(b64_data, validate=True))
    except (binascii.Error, ValueError):
        return "Invalid mp3 data."
    return None


def _meeting(value: Any, errors: dict[str, Any]) -> MeetingUrl | None:
    if value is None or value == "":
        errors["meeting_url"] = ["This field is required."]
        return None
    if not isinstance(value, str):
        errors["meeting_url"] = ["Not a valid string."]
        return None
    try:
        return parse_meeting_url(value)
    except InvalidMeetingUrl as exc:
        errors["meeting_url"] = [str(exc)]
        return None


def parse_datetime(value: str) -> datetime:
    """ISO 8601; a naive value is taken as UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _join_at(value: Any, errors: dict[str, Any]) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            pass
    errors["join_at"] = [
        "Datetime has wrong format. Use one of these formats instead: "
        "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
    ]
    return None


def _metadata(value: Any, errors: dict[str, Any]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        errors["metadata"] = ["Metadata must be an object of string keys and string values."]
        return {}
    if any(len(v) > MAX_METADATA_VALUE for v in value.values()):
        errors["metadata"] = [f"Metadata values must be at most {MAX_METADATA_VALUE} characters."]
        return {}
    return dict(value)


def parse_recording_config(value: Any) -> dict[str, Any] | None:
    """Check a ``recording_config`` alone (``start_recording`` may carry a new one)."""
    errors: dict[str, Any] = {}
    config = _recording_config(value, errors)
    if errors:
        raise ValidationFailed(errors)
    return config


def _recording_config(value: Any, errors: dict[str, Any]) -> dict[str, Any] | None:
    if value is None:
        # Explicit null: the bot joins without recording until start_recording.
        return None
    if not isinstance(value, dict):
        errors["recording_config"] = {"non_field_errors": ["Expected an object."]}
        return None
    config = copy.deepcopy(RECORDING_DEFAULTS)
    config.update(copy.deepcopy(value))
    for key in _ARTIFACTS_WITH_METADATA:
        if isinstance(config.get(key), dict):
            config[key].setdefault("metadata", {})
    endpoint_errors = _endpoints(config.get("realtime_endpoints"))
    if endpoint_errors:
        errors["recording_config"] = {"realtime_endpoints": endpoint_errors}
        return None
    config["realtime_endpoints"] = [
        {
            "type": ep["type"],
            "url": ep["url"],
            "events": list(ep.get("events") or []),
            "metadata": dict(ep.get("metadata") or {}),
        }
        for ep in config["realtime_endpoints"]
    ]
    transcript = config.get("transcript")
    if transcript is not None:
        provider = transcript.get("provider") if isinstance(transcript, dict) else None
        if not isinstance(provider, dict) or len(provider) != 1:
            errors["recording_config"] = {
                "transcript": {"provider": ["Exactly one transcript provider must be given."]}
            }
            return None
        transcript.setdefault("diarization", {"use_separate_streams_when_available": False})
        transcript.setdefault("metadata", {})
    return config


def _endpoints(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ["Expected a list of items."]
    problems = []
    for index, endpoint in enumerate(value):
        if not isinstance(endpoint, dict):
            problems.append(f"Item {index}: expected an object.")
        elif endpoint.get("type") not in ENDPOINT_TYPES:
            problems.append(f"Item {index}: type must be one of {', '.join(ENDPOINT_TYPES)}.")
        elif not isinstance(endpoint.get("url"), str) or "://" not in endpoint["url"]:
            problems.append(f"Item {index}: url must be an absolute URL.")
        elif not isinstance(endpoint.get("events", []), list) or not all(
            isinstance(e, str) for e in endpoint.get("events", [])
        ):
            problems.append(f"Item {index}: events must be a list of event names.")
    return problems


def _automatic_leave(value: Any, errors: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(AUTOMATIC_LEAVE_DEFAULTS)
    if value is None:
        return merged
    if not isinstance(value, dict):
        errors["automatic_leave"] = {"non_field_errors": ["Expected an object."]}
        return merged
    merged.update(copy.deepcopy(value))
    timeout = merged["waiting_room_timeout"]
    if not isinstance(timeout, int | float) or timeout < 30:
        errors["automatic_leave"] = {
            "waiting_room_timeout": ["Ensure this value is greater than or equal to 30."]
        }
    return merged


def everyone_left_timeout(automatic_leave: dict[str, Any]) -> float:
    """Seconds before leaving an empty call; older docs give an integer, newer an object."""
    value = automatic_leave.get("everyone_left_timeout")
    if isinstance(value, dict):
        value = value.get("timeout")
    return float(value) if isinstance(value, int | float) else 2.0


def _strip_write_only(body: dict[str, Any]) -> dict[str, Any]:
    # b64_data of automatic video/audio output is write-only: never echoed back.
    stored = copy.deepcopy(body)
    for key in ("automatic_video_output", "automatic_audio_output"):
        _drop_key(stored.get(key), "b64_data")
    return stored


def _drop_key(value: Any, key: str) -> None:
    if isinstance(value, dict):
        value.pop(key, None)
        for item in value.values():
            _drop_key(item, key)
