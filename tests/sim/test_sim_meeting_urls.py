"""Meeting URL parsing: what each platform's links become, and which links are refused."""

from __future__ import annotations

import pytest

from delegate.domain.meeting_urls import InvalidMeetingUrl, parse_meeting_url

TEAMS_JOIN = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzQ1YjE4%40thread.v2/0"
    "?context=%7b%22Tid%22%3a%22tenant-1%22%2c%22Oid%22%3a%22organizer-1%22%7d"
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://zoom.us/j/1234567890?pwd=abc123",
            {"meeting_id": "1234567890", "meeting_password": "abc123", "platform": "zoom"},
        ),
        (
            "https://us02web.zoom.us/j/987654321",
            {"meeting_id": "987654321", "meeting_password": None, "platform": "zoom"},
        ),
        (
            "https://acme.zoom.us/s/555666777?pwd=x&uname=y",
            {"meeting_id": "555666777", "meeting_password": "x", "platform": "zoom"},
        ),
        (
            "https://zoom.us/wc/join/123456789",
            {"meeting_id": "123456789", "meeting_password": None, "platform": "zoom"},
        ),
        (
            "https://zoom.com/j/123456789",
            {"meeting_id": "123456789", "meeting_password": None, "platform": "zoom"},
        ),
        (
            "https://meet.google.com/abc-defg-hij",
            {"meeting_id": "abc-defg-hij", "platform": "google_meet"},
        ),
        (
            "https://meet.google.com/ABC-defg-hij?authuser=0",
            {"meeting_id": "abc-defg-hij", "platform": "google_meet"},
        ),
        (
            TEAMS_JOIN,
            {
                "meeting_id": None,
                "meeting_password": None,
                "organizer_id": "organizer-1",
                "tenant_id": "tenant-1",
                "message_id": "0",
                "thread_id": "19:meeting_NzQ1YjE4@thread.v2",
                "business_meeting_id": None,
                "business_meeting_password": None,
                "platform": "microsoft_teams",
            },
        ),
        (
            "https://teams.microsoft.com/meet/2345678901234?p=AbCdEf",
            {
                "meeting_id": None,
                "meeting_password": None,
                "organizer_id": None,
                "tenant_id": None,
                "message_id": None,
                "thread_id": None,
                "business_meeting_id": "2345678901234",
                "business_meeting_password": "AbCdEf",
                "platform": "microsoft_teams",
            },
        ),
        (
            "https://teams.live.com/meet/9876543210123?p=XyZ",
            {
                "meeting_id": "9876543210123",
                "meeting_password": "XyZ",
                "platform": "microsoft_teams_live",
            },
        ),
        (
            "https://acme.webex.com/meet/jdoe",
            {
                "meeting_subdomain": "acme",
                "meeting_mtid": None,
                "meeting_path": "meet/jdoe",
                "platform": "webex",
            },
        ),
        (
            "https://acme.webex.com/acme/j.php?MTID=m1234abcd",
            {
                "meeting_subdomain": "acme",
                "meeting_mtid": "m1234abcd",
                "meeting_path": "acme/j.php",
                "platform": "webex",
            },
        ),
        (
            "https://meet.goto.com/680504437",
            {"meeting_id": "680504437", "platform": "goto_meeting"},
        ),
        (
            "https://global.gotomeeting.com/join/680504437",
            {"meeting_id": "680504437", "platform": "goto_meeting"},
        ),
        (
            "https://app.gotomeeting.com/?meetingId=680504437",
            {"meeting_id": "680504437", "platform": "goto_meeting"},
        ),
    ],
)
def test_valid_links_become_recalls_meeting_url_object(
    url: str, expected: dict[str, object]
) -> None:
    assert parse_meeting_url(url).to_recall() == expected


def test_teams_launcher_link_is_unwrapped() -> None:
    wrapped = (
        "https://teams.microsoft.com/v2/?meetingjoin=true#/l/meetup-join/"
        "19%3ameeting_NzQ1YjE4%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d"
    )
    parsed = parse_meeting_url(wrapped)
    assert parsed.platform == "microsoft_teams"
    assert parsed.thread_id == "19:meeting_NzQ1YjE4@thread.v2"
    assert parsed.tenant_id == "t"


def test_meeting_id_always_identifies_the_meeting() -> None:
    assert parse_meeting_url(TEAMS_JOIN).meeting_id == "19:meeting_NzQ1YjE4@thread.v2"
    assert parse_meeting_url("https://zoom.us/j/123456789?pwd=p").password == "p"
    assert (
        parse_meeting_url("  https://meet.google.com/abc-defg-hij  ").meeting_id == "abc-defg-hij"
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty"),
        ("not a url", "spaces"),
        ("http://zoom.us/j/123456789", "https"),
        ("ftp://zoom.us/j/123456789", "https"),
        ("zoom.us/j/123456789", "https"),
        ("https://localhost/j/123456789", "localhost"),
        ("https://127.0.0.1/j/123456789", "IP address"),
        ("https://[::1]/j/123456789", "IP address"),
        ("https://user:pw@zoom.us/j/123456789", "credentials"),
        ("https://zoom.us:8443/j/123456789", "port"),
        ("https://example.com/not-a-meeting", "not a supported meeting platform"),
        ("https://zoom.us.evil.com/j/123456789", "not a supported meeting platform"),
        ("https://notzoom.us/j/123456789", "not a supported meeting platform"),
        ("https://zoomgov.com/j/123456789", "not a supported meeting platform"),
        ("https://zoom.us/my/vanity", "Zoom link"),
        ("https://zoom.us/j/abc", "Zoom link"),
        ("https://meet.google.com/abcdefghij", "Google Meet"),
        ("https://meet.google.com/lookup/abc", "Google Meet"),
        ("https://teams.microsoft.com/l/chat/0/0", "Teams link"),
        ("https://teams.microsoft.com/l/meetup-join/not-a-thread/0", "thread"),
        ("https://teams.microsoft.com/l/meetup-join/19%3am%40thread.v2/0?context=nope", "JSON"),
        ("https://teams.live.com/l/meetup-join/x/0", "personal"),
        ("https://webex.com/meet/jdoe", "not a supported meeting platform"),
        ("https://www.webex.com/meet/jdoe", "site host"),
        ("https://acme.webex.com/", "does not name a meeting"),
        ("https://meet.goto.com/abc", "GoTo"),
        ("https://app.gotomeeting.com/?meetingId=abc", "GoTo"),
        ("https://global.gotomeeting.com/join/", "GoTo"),
    ],
)
def test_unusable_links_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(InvalidMeetingUrl) as caught:
        parse_meeting_url(url)
    assert reason in caught.value.reason
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("Invalid meeting URL: ")
