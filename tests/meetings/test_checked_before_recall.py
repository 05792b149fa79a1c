"""What we can check ourselves never reaches Recall: a bad ``joinAt``, chat recipient or page
answers 400 naming the field and nothing is sent; what Recall refuses for the input reaches the
user as 400 with Recall's reason, not as 502."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from delegate.sim import ChatSent, OutputMedia
from tests.meetings.world import World


def _in(world: World, hours: float) -> str:
    now = datetime.fromtimestamp(world.container.clock.now_ms() / 1000, UTC)
    return (now + timedelta(hours=hours)).isoformat()


async def _live(world: World) -> tuple[str, str]:
    started = await world.initiate()
    sid = started["sessionId"]
    async with asyncio.timeout(30):
        while (await world.session(sid))["status"] != "recording":
            await asyncio.sleep(0.02)
    return sid, started["bot"]["id"]


@pytest.mark.parametrize(
    "join_at",
    [
        "0155-06-10T19:13:42Z",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
        "2000-01-01T00:00:00Z",
        "2999-01-01T00:00:00Z",
    ],
)
async def test_join_at_outside_a_sane_window_is_refused_before_recall(
    world: World, join_at: str
) -> None:
    r = await world.initiate_raw(joinAt=join_at)

    assert r.status_code == 400, r.text
    assert r.json()["code"] == "BAD_REQUEST"
    assert '"joinAt"' in r.json()["message"]
    assert world.sim.bots == {}
    listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")
    assert listed.json()["items"] == []


async def test_a_join_at_in_the_window_schedules_the_bot(world: World) -> None:
    scheduled = await world.initiate_raw(joinAt=_in(world, hours=1))

    assert scheduled.status_code == 200, scheduled.text
    session = await world.session(scheduled.json()["sessionId"])
    assert session["status"] == "scheduled"


@pytest.mark.parametrize("to", ["hd", "Host", "-1", "everyone "])
async def test_an_invalid_chat_recipient_is_refused_before_recall(world: World, to: str) -> None:
    sid, bot = await _live(world)

    r = await world.api.post(
        f"integration/recall/{world.integration_id}/session/{sid}/message/send",
        {"message": "hello", "to": to},
    )

    assert r.status_code == 400, r.text
    assert '"to"' in r.json()["message"]
    # The delegate may chat on its own (it greets people); our message never went out.
    assert "hello" not in [e.text for e in world.sim.log(bot) if isinstance(e, ChatSent)]


async def test_a_zoom_recipient_is_refused_on_google_meet(world: World) -> None:
    started = await world.initiate(meetingUrl="https://meet.google.com/abc-defg-hij")
    sid = started["sessionId"]
    async with asyncio.timeout(30):
        while (await world.session(sid))["status"] != "recording":
            await asyncio.sleep(0.02)

    host = await world.api.post(
        f"integration/recall/{world.integration_id}/session/{sid}/message/send",
        {"message": "hello", "to": "host"},
    )

    assert host.status_code == 400
    assert '"to" must be "everyone" in google_meet meetings' in host.json()["message"]
    assert "hello" not in [
        e.text for e in world.sim.log(started["bot"]["id"]) if isinstance(e, ChatSent)
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.1/",
        "https://localhost./",
        "https://0x7f.1/admin",
        "https://2130706433/",
        "https://[::1]/",
        "https://169.254.169.254/latest/meta-data/",
        "https://metadata.internal/",
        "https://printer.local./",
        "https://intranet/",
        "https://user:secret@example.com/",
        "http://example.com/",
        "https://exa mple.com/",
    ],
)
async def test_a_page_that_is_not_public_is_never_shared(world: World, url: str) -> None:
    sid, bot = await _live(world)

    r = await world.api.post(
        f"integration/recall/{world.integration_id}/session/{sid}/screenshare/start", {"url": url}
    )

    assert r.status_code == 400, (url, r.text)
    assert '"url"' in r.json()["message"]
    assert url not in [e.url for e in world.sim.log(bot) if isinstance(e, OutputMedia)]


async def test_recall_refusing_a_command_for_its_input_is_a_400_with_its_reason(
    world: World,
) -> None:
    # A scheduled bot cannot take commands before it is dispatched: Recall answers 400
    # cannot_command_unstarted_bot. That is about what was asked, not a Recall failure.
    started = await world.initiate_raw(joinAt=_in(world, hours=2))
    assert started.status_code == 200, started.text
    sid = started.json()["sessionId"]

    r = await world.api.post(
        f"integration/recall/{world.integration_id}/session/{sid}/recording/pause"
    )

    assert r.status_code == 400, r.text
    assert r.json()["code"] == "BAD_REQUEST"
    assert "not been started" in r.json()["message"]


async def test_an_empty_idempotency_key_counts_as_none(world: World) -> None:
    path = f"integration/recall/{world.integration_id}/initiate"
    body = {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes."}
    headers = {**world.api.headers, "Idempotency-Key": ""}

    first = await world.api.http.post(f"/v1/{path}", json=body, headers=headers)
    second = await world.api.http.post(f"/v1/{path}", json=body, headers=headers)

    assert first.status_code == 200, first.text
    assert second.status_code == 200, second.text
    assert first.json()["sessionId"] != second.json()["sessionId"]
    assert len(world.sim.bots) == 2
