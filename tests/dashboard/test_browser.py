"""The dashboard in a real browser: sign in, send a delegate from the form, watch the meeting
live (transcript lines, the partial line, the delegate's reply, without reloading), steer it
(a chat message reaches the simulator; leave), read the notes. Another account's meeting is
404 and a forged cross-site form is refused. The screenshots in docs/ are taken here."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from delegate.sim import ChatSent
from tests.dashboard.world import MEETING_URL, DashboardWorld

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
WAIT_MS = 60_000
"""Long enough for a busy 2-core machine; every wait ends as soon as its condition holds."""


async def _until(condition: Any, what: str, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def _sign_in(page: Any, world: DashboardWorld) -> None:
    await page.goto(world.base_url + "/")
    await page.get_by_label("Account token").fill(world.token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/meetings")


async def _send_delegate(page: Any) -> str:
    await page.get_by_role("link", name="Integrations").click()
    await page.get_by_role("link", name="Simulated Recall").click()
    await page.get_by_label("Meeting URL").fill(MEETING_URL)
    await page.get_by_label("Instruction").fill("Take notes and answer questions.")
    await page.get_by_role("button", name="Send the delegate").click()
    await page.wait_for_url("**/meetings/*")
    return str(page.url.rsplit("/", 1)[-1])


def _chats(world: DashboardWorld) -> list[str]:
    return [
        e.text
        for bot_id in world.sim.bots
        for e in world.sim.log(bot_id)
        if isinstance(e, ChatSent)
    ]


async def test_watch_steer_and_read_a_meeting(world: DashboardWorld, browser: Any) -> None:
    page = await browser.new_page()
    await _sign_in(page, world)
    session_id = await _send_delegate(page)
    await page.evaluate("window.loadedOnce = true")

    transcript = page.locator("#transcript")
    await transcript.get_by_text("Good morning everyone").wait_for(timeout=WAIT_MS)
    await page.locator("#partials li").first.wait_for(timeout=WAIT_MS)
    await page.locator("#transcript li.reply").first.wait_for(timeout=WAIT_MS)
    await page.locator("#participants").get_by_text("Priya Shah").wait_for(timeout=WAIT_MS)
    assert await page.evaluate("window.loadedOnce === true"), "the page reloaded"
    await page.locator("#partials").get_by_text("While we wait").wait_for(timeout=WAIT_MS)
    IMAGES.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(IMAGES / "dashboard-meeting.png"), full_page=True)

    await page.get_by_label("Chat message").fill("Hello from the dashboard")
    await page.get_by_role("button", name="Send", exact=True).click()
    await _until(lambda: "Hello from the dashboard" in _chats(world), "the chat in the simulator")
    await (
        page.locator("#transcript")
        .get_by_text("Hello from the dashboard")
        .first.wait_for(timeout=WAIT_MS)
    )

    await page.get_by_role("button", name="Leave the meeting").click()
    await page.get_by_text("The meeting has ended").wait_for(timeout=WAIT_MS)
    assert await page.evaluate("window.loadedOnce === true"), "the page reloaded"

    await page.get_by_role("link", name="Read the notes").click()
    await page.wait_for_url(f"**/meetings/{session_id}/notes")
    deadline = time.monotonic() + 60
    while not await page.locator("#summary").count():
        assert time.monotonic() < deadline, "the notes never became ready"
        await asyncio.sleep(0.5)
        await page.reload()
    assert "Download as vtt" in await page.locator("#downloads").inner_text()

    await page.get_by_role("link", name="Meetings").click()
    await page.locator(f"#session-{session_id}").wait_for(timeout=WAIT_MS)
    await page.screenshot(path=str(IMAGES / "dashboard-meetings.png"), full_page=True)


async def test_another_accounts_meeting_is_not_found(world: DashboardWorld, browser: Any) -> None:
    async with world.api(world.other_token) as other:
        started = await other.post(
            f"/integration/recall/{world.other_integration_id}/initiate",
            json={"meetingUrl": MEETING_URL, "text": "Take notes."},
        )
    assert started.status_code == 200, started.text
    theirs = started.json()["sessionId"]
    page = await browser.new_page()
    await _sign_in(page, world)
    for path in (f"/meetings/{theirs}", f"/meetings/{theirs}/notes", f"/meetings/{theirs}/live"):
        response = await page.goto(world.base_url + path)
        assert response is not None and response.status == 404, path
    await page.goto(world.base_url + "/meetings")
    assert await page.locator(f"#session-{theirs}").count() == 0


async def test_a_forged_cross_site_form_is_refused(world: DashboardWorld, browser: Any) -> None:
    page = await browser.new_page()
    await _sign_in(page, world)
    session_id = await _send_delegate(page)
    await page.locator("#participants li").first.wait_for(timeout=WAIT_MS)
    target = f"{world.base_url}/meetings/{session_id}/message"
    forged = (
        f'<form id="f" method="post" action="{target}">'
        '<input name="message" value="forged message"></form>'
        "<script>document.getElementById('f').submit()</script>"
    )

    async def evil_site(route: Any) -> None:
        await route.fulfill(status=200, content_type="text/html", body=forged)

    await page.route("http://attacker.test/**", evil_site)
    async with page.expect_response(target) as refused:
        await page.goto("http://attacker.test/prize")
    assert (await refused.value).status in (401, 403)
    await asyncio.sleep(0)  # the simulator is in this loop: anything sent would be logged now
    assert "forged message" not in _chats(world)
