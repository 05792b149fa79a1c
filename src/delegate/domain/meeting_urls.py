"""Meeting URLs: which platform a link belongs to and what identifies the meeting.

Recall.ai answers an unusable link with a 400 on ``meeting_url``; we check the same things
before calling it, and the simulator uses this module to answer exactly like Recall. Only
links Recall's bots can join are accepted: https, a known platform host, a recognisable
meeting path. The parsed form mirrors the ``meeting_url`` object Recall returns.

Supported shapes::

    zoom                  https://[sub.]zoom.us/j/<digits>[?pwd=..]  (also zoom.com, /s/, /wc/join/)
    google_meet           https://meet.google.com/abc-defg-hij
    microsoft_teams       https://teams.microsoft.com/l/meetup-join/<thread>/<message>?context={..}
                          https://teams.microsoft.com/meet/<id>?p=<passcode>
    microsoft_teams_live  https://teams.live.com/meet/<id>?p=<passcode>
    webex                 https://<sub>.webex.com/<path>[?MTID=..]
    goto_meeting          https://meet.goto.com/<digits>, https://global.gotomeeting.com/join/<digits>,
                          https://app.gotomeeting.com/?meetingId=<digits>
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

MAX_URL_LENGTH = 2048

_ZOOM_PATH = re.compile(r"^/(?:j|s|wc/join)/(?P<id>[0-9]+)/?$")
_MEET_PATH = re.compile(r"^/(?P<id>[a-z]{3}-[a-z]{4}-[a-z]{3})/?$")
_TEAMS_JOIN = re.compile(r"^/l/meetup-join/(?P<thread>[^/]+)/(?P<message>[^/?#]+)/?$")
_TEAMS_MEET = re.compile(r"^/meet/(?P<id>[A-Za-z0-9]+)/?$")
_GOTO_MEET = re.compile(r"^/(?P<id>[0-9]{6,12})/?$")
_GOTO_JOIN = re.compile(r"^/join/(?P<id>[0-9]{6,12})/?$")
_DIGITS = re.compile(r"^[0-9]{6,12}$")
HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class InvalidMeetingUrl(ValueError):
    """The link is not one a meeting bot can join; ``reason`` says why, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Invalid meeting URL: {reason}.")
        self.reason = reason


@dataclass(frozen=True)
class MeetingUrl:
    """A parsed meeting link.

    ``meeting_id`` always identifies the meeting (for Teams ``meetup-join`` links it is the
    thread id, for Webex the MTID or the path), even where Recall's object leaves
    ``meeting_id`` null; ``to_recall()`` gives Recall's exact layout.
    """

    platform: str
    meeting_id: str
    password: str | None = None
    organizer_id: str | None = None
    tenant_id: str | None = None
    message_id: str | None = None
    thread_id: str | None = None
    business_meeting_id: str | None = None
    business_meeting_password: str | None = None
    meeting_subdomain: str | None = None
    meeting_mtid: str | None = None
    meeting_path: str | None = None

    def to_recall(self) -> dict[str, Any]:
        """The ``meeting_url`` object Recall returns for this link."""
        if self.platform == "zoom":
            return {
                "meeting_id": self.meeting_id,
                "meeting_password": self.password,
                "platform": "zoom",
            }
        if self.platform == "microsoft_teams":
            return {
                "meeting_id": None,
                "meeting_password": None,
                "organizer_id": self.organizer_id,
                "tenant_id": self.tenant_id,
                "message_id": self.message_id,
                "thread_id": self.thread_id,
                "business_meeting_id": self.business_meeting_id,
                "business_meeting_password": self.business_meeting_password,
                "platform": "microsoft_teams",
            }
        if self.platform == "microsoft_teams_live":
            return {
                "meeting_id": self.meeting_id,
                "meeting_password": self.password,
                "platform": "microsoft_teams_live",
            }
        if self.platform == "webex":
            return {
                "meeting_subdomain": self.meeting_subdomain,
                "meeting_mtid": self.meeting_mtid,
                "meeting_path": self.meeting_path,
                "platform": "webex",
            }
        return {"meeting_id": self.meeting_id, "platform": self.platform}


def parse_meeting_url(url: str) -> MeetingUrl:
    """Parse a meeting link; raise ``InvalidMeetingUrl`` naming what is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidMeetingUrl("the URL is empty")
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise InvalidMeetingUrl(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() for ch in text):
        raise InvalidMeetingUrl("the URL contains spaces")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidMeetingUrl("the URL is malformed") from exc
    if parts.scheme.lower() != "https":
        shown = parts.scheme or "none"
        raise InvalidMeetingUrl(f"the scheme must be https (got {shown})")
    if parts.username is not None or parts.password is not None:
        raise InvalidMeetingUrl("the URL must not contain credentials")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise InvalidMeetingUrl("the URL has no host")
    _reject_local_host(host)
    if port not in (None, 443):
        raise InvalidMeetingUrl(f"the port {port} is not used by meeting platforms")
    labels = host.split(".")
    if not all(HOST_LABEL.match(label) for label in labels):
        raise InvalidMeetingUrl(f"the host {host!r} is not a valid host name")

    query = parse_qs(parts.query)
    path = parts.path or "/"
    if host in ("zoom.us", "zoom.com") or host.endswith((".zoom.us", ".zoom.com")):
        return _zoom(path, query)
    if host == "meet.google.com":
        return _google_meet(path)
    if host == "teams.microsoft.com":
        return _teams(path, query, parts.fragment)
    if host == "teams.live.com":
        return _teams_live(path, query)
    if host.endswith(".webex.com"):
        return _webex(labels, path, query)
    if host in ("meet.goto.com", "app.gotomeeting.com", "global.gotomeeting.com"):
        return _goto(host, path, query)
    raise InvalidMeetingUrl(f"the host {host!r} is not a supported meeting platform")


def _reject_local_host(host: str) -> None:
    if host == "localhost" or host.endswith(".localhost"):
        raise InvalidMeetingUrl("localhost is not a meeting platform")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return
    raise InvalidMeetingUrl("an IP address is not a meeting platform host")


def _first(query: dict[str, list[str]], *names: str) -> str | None:
    lowered = {key.lower(): values for key, values in query.items()}
    for name in names:
        values = lowered.get(name.lower())
        if values and values[0]:
            return values[0]
    return None


def _zoom(path: str, query: dict[str, list[str]]) -> MeetingUrl:
    match = _ZOOM_PATH.match(path)
    if not match:
        raise InvalidMeetingUrl("a Zoom link needs a path like /j/<meeting number>")
    return MeetingUrl("zoom", match["id"], password=_first(query, "pwd"))


def _google_meet(path: str) -> MeetingUrl:
    match = _MEET_PATH.match(path.lower())
    if not match:
        raise InvalidMeetingUrl("a Google Meet link needs a meeting code like abc-defg-hij")
    return MeetingUrl("google_meet", match["id"])


def _teams(path: str, query: dict[str, list[str]], fragment: str) -> MeetingUrl:
    # Launcher links wrap the real meetup-join path in the fragment ("/v2/?...#/l/meetup-join/..").
    if not path.startswith(("/l/meetup-join/", "/meet/")) and "/l/meetup-join/" in fragment:
        wrapped = urlsplit(fragment[fragment.index("/l/meetup-join/") :])
        path, query = wrapped.path, parse_qs(wrapped.query)
    meet = _TEAMS_MEET.match(path)
    if meet:
        passcode = _first(query, "p")
        return MeetingUrl(
            "microsoft_teams",
            meet["id"],
            password=passcode,
            business_meeting_id=meet["id"],
            business_meeting_password=passcode,
        )
    join = _TEAMS_JOIN.match(path)
    if not join:
        raise InvalidMeetingUrl(
            "a Teams link needs a path like /l/meetup-join/<thread>/<message> or /meet/<id>"
        )
    thread = unquote(join["thread"])
    if "@thread" not in thread:
        raise InvalidMeetingUrl("the Teams link does not name a meeting thread")
    tenant, organizer = _teams_context(_first(query, "context"))
    return MeetingUrl(
        "microsoft_teams",
        thread,
        organizer_id=organizer,
        tenant_id=tenant,
        message_id=unquote(join["message"]),
        thread_id=thread,
    )


def _teams_context(raw: str | None) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    try:
        context = json.loads(raw)
    except ValueError as exc:
        raise InvalidMeetingUrl("the Teams link's context is not valid JSON") from exc
    if not isinstance(context, dict):
        raise InvalidMeetingUrl("the Teams link's context is not a JSON object")
    tenant, organizer = context.get("Tid"), context.get("Oid")
    return (
        tenant if isinstance(tenant, str) else None,
        organizer if isinstance(organizer, str) else None,
    )


def _teams_live(path: str, query: dict[str, list[str]]) -> MeetingUrl:
    match = _TEAMS_MEET.match(path)
    if not match:
        raise InvalidMeetingUrl("a Teams (personal) link needs a path like /meet/<id>")
    return MeetingUrl("microsoft_teams_live", match["id"], password=_first(query, "p"))


def _webex(labels: list[str], path: str, query: dict[str, list[str]]) -> MeetingUrl:
    if len(labels) < 3 or labels[0] == "www":
        raise InvalidMeetingUrl("a Webex link needs a site host like <site>.webex.com")
    mtid = _first(query, "MTID")
    meeting_path = path.strip("/") or None
    if meeting_path is None and mtid is None:
        raise InvalidMeetingUrl("the Webex link does not name a meeting")
    return MeetingUrl(
        "webex",
        mtid or meeting_path or "",
        meeting_subdomain=labels[0],
        meeting_mtid=mtid,
        meeting_path=meeting_path,
    )


def _goto(host: str, path: str, query: dict[str, list[str]]) -> MeetingUrl:
    meeting_id: str | None = None
    if host == "meet.goto.com":
        match = _GOTO_MEET.match(path)
        meeting_id = match["id"] if match else None
    elif host == "global.gotomeeting.com":
        match = _GOTO_JOIN.match(path)
        meeting_id = match["id"] if match else None
    else:
        candidate = _first(query, "meetingId")
        meeting_id = candidate if candidate and _DIGITS.match(candidate) else None
    if meeting_id is None:
        raise InvalidMeetingUrl("a GoTo Meeting link needs a numeric meeting id")
    return MeetingUrl("goto_meeting", meeting_id)
