"""The dashboard's pages and forms over HTTP (in-process app and simulator): sign-in cookie,
CSRF and Origin checks, bots and integrations with write-only secrets, the meetings list with
its filter and pages, a 1,000-turn meeting in one request, notes and transcript downloads."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from delegate.domain.meeting import Turn, TurnSource
from tests.meetings.lost import lost_world, play_lost
from tests.meetings.world import PUBLIC, World, make_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    w = await make_world(tmp_path, script="standup")
    yield w
    await w.aclose()


@pytest.fixture
def browser(world: World) -> httpx2.AsyncClient:
    """The app as a signed-in browser: its cookie, and the Origin a browser sends on POST."""
    http = world.api.http
    http.cookies.set("delegate_session", world.api.token)
    return http


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def _post(browser: httpx2.AsyncClient, path: str, fields: dict[str, str]) -> httpx2.Response:
    page = await browser.get("/bots")
    return await browser.post(
        path, data={"csrf": _csrf(page.text), **fields}, headers={"Origin": PUBLIC}
    )


async def test_sign_in_keeps_the_token_in_a_strict_http_only_cookie(world: World) -> None:
    http = world.api.http
    wrong = await http.post("/signin", data={"token": "sk-wrong"})
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    r = await http.post("/signin", data={"token": world.api.token})
    assert r.status_code == 303 and r.headers["location"] == "/meetings"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert (await http.get("/meetings")).status_code == 200
    page = await http.get("/meetings")
    out = await http.post("/signout", data={"csrf": _csrf(page.text)})
    assert out.status_code == 303
    assert (await http.get("/meetings")).headers.get("location") == "/signin"


async def test_pages_send_a_signed_out_browser_to_sign_in(world: World) -> None:
    r = await world.api.http.get("/meetings")
    assert r.status_code == 303 and r.headers["location"] == "/signin"


async def test_a_form_without_the_csrf_value_or_from_another_site_changes_nothing(
    world: World, browser: httpx2.AsyncClient
) -> None:
    no_csrf = await browser.post("/bots", data={"name": "Sneaky"})
    page = await browser.get("/bots")
    other_site = await browser.post(
        "/bots",
        data={"csrf": _csrf(page.text), "name": "Sneaky"},
        headers={"Origin": "https://attacker.example"},
    )
    assert no_csrf.status_code == 403 and other_site.status_code == 403
    assert "Sneaky" not in (await world.api.get("bot/list")).text


async def test_bots_are_created_edited_and_deleted(
    world: World, browser: httpx2.AsyncClient
) -> None:
    created = await _post(browser, "/bots", {"name": "Scribe", "backstory": "Write it down."})
    assert created.status_code == 303
    bot_path = created.headers["location"]
    assert "Write it down." in (await browser.get(bot_path)).text
    edited = await _post(
        browser,
        bot_path,
        {"name": "Scribe 2", "model": "gpt-x", "commanders": "host, lee@example.com"},
    )
    assert edited.status_code == 303
    fetched = (await world.api.get(f"bot/{bot_path.rsplit('/', 1)[-1]}/fetch")).json()
    assert (fetched["name"], fetched["model"], fetched["backstory"]) == ("Scribe 2", "gpt-x", "")
    assert fetched["commanders"] == ["host", "lee@example.com"]
    assert "host, lee@example.com" in (await browser.get(bot_path)).text
    invalid = await _post(browser, bot_path, {"name": ""})
    assert invalid.status_code == 400 and "name" in invalid.text
    assert (await _post(browser, bot_path + "/delete", {})).status_code == 303
    assert (await browser.get(bot_path)).status_code == 404


async def test_a_bots_meta_is_edited_as_a_json_object(
    world: World, browser: httpx2.AsyncClient
) -> None:
    created = await _post(browser, "/bots", {"name": "Tagged", "meta": '{"team": "sales"}'})
    bot_path = created.headers["location"]
    fetch = f"bot/{bot_path.rsplit('/', 1)[-1]}/fetch"
    assert (await world.api.get(fetch)).json()["meta"] == {"team": "sales"}
    assert '"team": "sales"' in (await browser.get(bot_path)).text
    not_an_object = await _post(browser, bot_path, {"name": "Tagged", "meta": "[1, 2]"})
    assert not_an_object.status_code == 400 and "JSON object" in not_an_object.text
    assert (await world.api.get(fetch)).json()["meta"] == {"team": "sales"}
    emptied = await _post(browser, bot_path, {"name": "Tagged", "meta": ""})
    assert emptied.status_code == 303
    assert not (await world.api.get(fetch)).json()["meta"]


async def test_integration_secrets_are_write_only(
    world: World, browser: httpx2.AsyncClient
) -> None:
    created = await _post(
        browser,
        "/integrations",
        {"name": "Team", "apiKey": "rk-very-secret-key", "botId": world.bot_id},
    )
    path = created.headers["location"]
    page = (await browser.get(path)).text
    assert "rk-very-secret-key" not in page and "set; leave empty to keep" in page
    await _post(browser, path, {"name": "Team renamed"})
    listed = (await browser.get("/integrations")).text
    assert "Team renamed" in listed and "rk-very-secret-key" not in listed
    fetched = (await world.api.get(f"integration/recall/{path.rsplit('/', 1)[-1]}/fetch")).json()
    assert fetched["apiKeySet"] is True
    await _post(browser, path, {"name": "Team renamed", "clear": "apiKey"})
    fetched = (await world.api.get(f"integration/recall/{path.rsplit('/', 1)[-1]}/fetch")).json()
    assert fetched["apiKeySet"] is False
    assert fetched["botId"] == world.bot_id


async def test_an_integrations_bot_is_unlinked_by_choosing_none(
    world: World, browser: httpx2.AsyncClient
) -> None:
    created = await _post(browser, "/integrations", {"name": "Linked", "botId": world.bot_id})
    path = created.headers["location"]
    fetch = f"integration/recall/{path.rsplit('/', 1)[-1]}/fetch"
    assert (await world.api.get(fetch)).json()["botId"] == world.bot_id
    unlinked = await _post(browser, path, {"name": "Linked", "botId": ""})
    assert unlinked.status_code == 303
    assert (await world.api.get(fetch)).json()["botId"] is None
    assert f'value="{world.bot_id}" selected' not in (await browser.get(path)).text


async def test_the_verify_button_shows_each_check(
    world: World, browser: httpx2.AsyncClient
) -> None:
    path = f"/integrations/{world.integration_id}"
    assert "Verify" in (await browser.get(path)).text

    good = await _post(browser, f"{path}/verify", {})
    await world.api.post(f"integration/recall/{world.integration_id}/update", {"apiKey": "nope"})
    bad = await _post(browser, f"{path}/verify", {})
    forged = await browser.post(
        f"{path}/verify", data={"csrf": "0" * 32}, headers={"Origin": PUBLIC}
    )

    assert good.status_code == 200 and "All checks passed" in good.text
    assert "apiKey" in good.text and "webhookSecret" in good.text and "setup" in good.text
    assert bad.status_code == 200 and "A check failed" in bad.text
    assert "Recall refused the key" in html.unescape(bad.text)
    assert forged.status_code == 403


async def test_the_meetings_list_filters_by_status_and_pages(
    world: World, browser: httpx2.AsyncClient
) -> None:
    first = await world.initiate()
    await world.finish(first["bot"]["id"])
    second = await world.initiate()
    everything = (await browser.get("/meetings")).text
    assert first["sessionId"] in everything and second["sessionId"] in everything
    ended = (await browser.get("/meetings", params={"status": "ended"})).text
    assert first["sessionId"] in ended and second["sessionId"] not in ended
    page_one = (await browser.get("/meetings", params={"take": 1})).text
    next_link = re.search(r'href="/meetings\?([^"]+)" rel="next"', page_one)
    assert next_link and second["sessionId"] in page_one
    page_two = (await browser.get("/meetings?" + next_link.group(1).replace("&amp;", "&"))).text
    assert first["sessionId"] in page_two and second["sessionId"] not in page_two
    bad = await browser.get("/meetings", params={"status": "sideways"})
    assert bad.status_code == 400


async def test_a_meeting_of_a_thousand_turns_loads_in_one_request(
    world: World, browser: httpx2.AsyncClient
) -> None:
    started = await world.initiate()
    await world.finish(started["bot"]["id"])
    session_id = started["sessionId"]
    async with world.container.uow() as tx:
        first = await tx.turns.last(session_id) or Turn(0, None, "", "", TurnSource.SPEECH, 0, 0)
        for n in range(1, 1001):
            turn = Turn(first.seq + n, 1, "Speaker", f"line {n}", TurnSource.SPEECH, n, n + 1)
            await tx.turns.save(session_id, turn, True, None)
    page = await browser.get(f"/meetings/{session_id}")
    assert page.status_code == 200
    assert page.text.count('class="turn speech') >= 1000 and "line 1000" in page.text


async def test_notes_and_every_transcript_format_download(
    world: World, browser: httpx2.AsyncClient
) -> None:
    started = await world.initiate()
    await world.finish(started["bot"]["id"])
    session_id = started["sessionId"]
    notes = (await browser.get(f"/meetings/{session_id}/notes")).text
    assert 'id="summary"' in notes and 'id="action-items"' in notes
    for fmt in ("json", "text", "markdown", "vtt", "srt"):
        r = await browser.get(f"/meetings/{session_id}/transcript.{fmt}")
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        assert "Priya" in r.text, fmt


async def test_a_meeting_lost_to_a_wrong_webhook_secret_says_so(tmp_path: Path) -> None:
    lost = await lost_world(tmp_path)
    try:
        session_id = (await play_lost(lost))["sessionId"]
        http = lost.api.http
        http.cookies.set("delegate_session", lost.api.token)
        meeting = (await http.get(f"/meetings/{session_id}")).text
        notes = (await http.get(f"/meetings/{session_id}/notes")).text
    finally:
        await lost.aclose()

    shown = " ".join(re.sub(r"<[^>]+>", " ", meeting).split())
    assert re.search(
        r"Deliveries refused: \d+ \(bad signature\); check the integration's webhookSecret",
        html.unescape(shown),
    )
    summary = re.search(r'<p id="summary">([^<]*)</p>', notes)
    assert summary and html.unescape(summary.group(1)).startswith("No transcript: ")


async def test_a_meeting_is_deleted_from_its_page_after_a_confirm(
    world: World, browser: httpx2.AsyncClient
) -> None:
    kept = await world.initiate()
    started = await world.initiate()
    meeting = f"/meetings/{started['sessionId']}"
    page = await browser.get(meeting)
    form = re.search(r'<form id="delete"[^>]*>', page.text)
    assert form and 'hx-confirm="Delete this meeting session' in form.group(0)

    deleted = await browser.post(
        meeting + "/delete", data={"csrf": _csrf(page.text)}, headers={"Origin": PUBLIC}
    )
    assert (deleted.status_code, deleted.headers["location"]) == (303, "/meetings")
    assert (await browser.get(meeting)).status_code == 404
    listed = (await browser.get("/meetings")).text
    assert started["sessionId"] not in listed and kept["sessionId"] in listed
    await world.sim.wait_until_done(started["bot"]["id"], timeout=30)

    kept_page = await browser.get(f"/meetings/{kept['sessionId']}")
    by_htmx = await browser.post(
        f"/meetings/{kept['sessionId']}/delete",
        data={"csrf": _csrf(kept_page.text)},
        headers={"Origin": PUBLIC, "HX-Request": "true"},
    )
    assert by_htmx.status_code == 200 and by_htmx.headers["hx-redirect"] == "/meetings"
    assert (await browser.get(f"/meetings/{kept['sessionId']}")).status_code == 404
