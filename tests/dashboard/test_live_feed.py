"""The live feed over HTTP: a reconnecting watcher resumes exactly after the last event it saw
(``Last-Event-ID``), a position it cannot be given again gets a reset, and only the signed-in
account's meetings can be watched."""

from __future__ import annotations

import asyncio
import re

import httpx2

from tests.dashboard.sse import Message, messages
from tests.dashboard.world import MEETING_URL, DashboardWorld

EVENTS_WAIT_S = 60.0


def _browser(world: DashboardWorld, token: str | None = None) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        base_url=world.base_url,
        cookies={"delegate_session": token or world.token},
        timeout=httpx2.Timeout(EVENTS_WAIT_S),
    )


async def _start_meeting(world: DashboardWorld) -> str:
    async with world.api() as api:
        r = await api.post(
            f"/integration/recall/{world.integration_id}/initiate",
            json={"meetingUrl": MEETING_URL, "text": "Take notes."},
        )
    assert r.status_code == 200, r.text
    return str(r.json()["sessionId"])


async def _read(
    browser: httpx2.AsyncClient, path: str, count: int, headers: dict[str, str] | None = None
) -> list[Message]:
    got: list[Message] = []
    async with asyncio.timeout(EVENTS_WAIT_S):
        async with browser.stream("GET", path, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            async for message in messages(response):
                got.append(message)
                if len(got) == count or message.event == "reset":
                    break
    return got


async def test_a_reconnecting_watcher_resumes_after_the_last_event_it_saw(
    world: DashboardWorld,
) -> None:
    session_id = await _start_meeting(world)
    path = f"/meetings/{session_id}/live?after={world.container.live.position()}"
    async with _browser(world) as browser:
        witness = await _read(browser, path, 8)
        assert all(m.event == "update" for m in witness)
        # Dropped after the third event: the browser reconnects with the last id it saw.
        resumed = await _read(browser, path, 5, headers={"Last-Event-ID": str(witness[2].id)})
    assert [m.id for m in resumed] == [m.id for m in witness[3:8]]
    assert [m.data for m in resumed] == [m.data for m in witness[3:8]]


async def test_a_position_that_cannot_be_replayed_gets_a_reset(world: DashboardWorld) -> None:
    session_id = await _start_meeting(world)
    async with _browser(world) as browser:
        got = await _read(
            browser, f"/meetings/{session_id}/live", 1, headers={"Last-Event-ID": "0ld0-5"}
        )
    assert got[-1].event == "reset"


async def test_the_feed_shows_turns_as_html_with_their_ids(world: DashboardWorld) -> None:
    session_id = await _start_meeting(world)
    path = f"/meetings/{session_id}/live?after={world.container.live.position()}"
    seen: list[str] = []
    async with (
        _browser(world) as browser,
        asyncio.timeout(EVENTS_WAIT_S),
        browser.stream("GET", path) as response,
    ):
        async for message in messages(response):
            seen.append(message.data)
            if 'id="turn-1"' in message.data:
                break
    turn = next(d for d in seen if 'id="turn-1"' in d)
    assert "Priya Shah" in turn and 'hx-swap-oob="true"' in turn


async def test_only_the_owner_can_watch(world: DashboardWorld) -> None:
    session_id = await _start_meeting(world)
    async with _browser(world, world.other_token) as other, _browser(world, "sk-nope") as nobody:
        theirs = await other.get(f"/meetings/{session_id}/live")
        signed_out = await nobody.get(
            f"/meetings/{session_id}/live", headers={"Accept": "text/event-stream"}
        )
    assert theirs.status_code == 404
    assert signed_out.status_code == 401


STEP = re.compile(r'<li id="(step-[^"]+)" data-code="([^"]+)"')


def _collapsed(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the live page keeps of the steps it is sent: a repeat of the last code (a poll
    confirming a webhook) is dropped, as ``live.js`` does."""
    kept: list[tuple[str, str]] = []
    for step in steps:
        if not kept or kept[-1][1] != step[1]:
            kept.append(step)
    return kept


async def test_the_feed_names_status_steps_as_the_page_does(world: DashboardWorld) -> None:
    # A page that reads the history while a status event is stored but not yet applied shows
    # that step already; the feed's step for it must swap in place, not add a second line.
    session_id = await _start_meeting(world)
    path = f"/meetings/{session_id}/live?after={world.container.live.position()}"
    sent: list[tuple[str, str]] = []
    async with _browser(world) as browser:
        async with asyncio.timeout(EVENTS_WAIT_S), browser.stream("GET", path) as response:
            async for message in messages(response):
                sent += STEP.findall(message.data)
                if sent and sent[-1][1] == "in_call_recording":
                    break
        page = await browser.get(f"/meetings/{session_id}")
    shown = STEP.findall(page.text)
    assert [code for _, code in shown][:2] == ["joining_call", "in_waiting_room"]
    assert _collapsed(sent) == shown
