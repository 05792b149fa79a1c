"""Initiate: validation, Recall's refusals and outages, idempotency."""

from __future__ import annotations

from pathlib import Path

from tests.meetings.world import World, make_world


async def test_initiate_validates_its_input(world: World) -> None:
    path = f"integration/recall/{world.integration_id}/initiate"
    cases = [
        ({"text": "x"}, '"meetingUrl" is required'),
        ({"meetingUrl": "https://zoom.us/j/123"}, '"text" is required'),
        ({"meetingUrl": "http://zoom.us/j/123", "text": "x"}, '"meetingUrl"'),
        ({"meetingUrl": "https://127.0.0.1/j/123", "text": "x"}, '"meetingUrl"'),
        ({"meetingUrl": "https://localhost/j/1", "text": "x"}, '"meetingUrl"'),
        ({"meetingUrl": "https://example.com/meeting", "text": "x"}, '"meetingUrl"'),
        ({"meetingUrl": "ftp://zoom.us/j/123", "text": "x"}, '"meetingUrl"'),
        ({"meetingUrl": "https://zoom.us/j/123", "text": "  "}, '"text"'),
        ({"meetingUrl": "https://zoom.us/j/123", "text": "x", "joinAt": "soon"}, '"joinAt"'),
    ]
    for body, expected in cases:
        r = await world.api.post(path, body)
        assert r.status_code == 400, body
        assert expected in r.json()["message"], (body, r.json())

    listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")
    assert listed.json()["items"] == []


async def test_initiate_accepts_each_supported_platform(world: World) -> None:
    urls = [
        "https://us02web.zoom.us/j/1234567890?pwd=abc",
        "https://meet.google.com/abc-defg-hij",
        "https://teams.live.com/meet/9876543210?p=secret",
        "https://acme.webex.com/meet/jdoe",
        "https://meet.goto.com/680504437",
    ]
    for url in urls:
        r = await world.api.post(
            f"integration/recall/{world.integration_id}/initiate", {"meetingUrl": url, "text": "x"}
        )
        assert r.status_code == 200, (url, r.text)
        assert r.json()["bot"]["id"]
        await world.sim.aclose()


async def test_initiate_needs_an_api_key_and_a_bot(world: World) -> None:
    no_key = (await world.api.post("integration/recall/create", {"botId": world.bot_id})).json()[
        "id"
    ]
    no_bot = (await world.api.post("integration/recall/create", {"apiKey": "sim-key"})).json()["id"]
    body = {"meetingUrl": "https://zoom.us/j/1234567890", "text": "x"}

    r1 = await world.api.post(f"integration/recall/{no_key}/initiate", body)
    r2 = await world.api.post(f"integration/recall/{no_bot}/initiate", body)

    assert r1.status_code == 400 and "API key" in r1.json()["message"]
    assert r2.status_code == 400 and "bot" in r2.json()["message"]


async def test_recall_rejection_is_a_400_and_stores_nothing(world: World) -> None:
    await world.api.post(f"integration/recall/{world.integration_id}/update", {"apiKey": "wrong"})

    r = await world.initiate_raw()

    assert r.status_code == 400
    assert "Invalid token" in r.json()["message"]
    listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")
    assert listed.json()["items"] == []


async def test_recall_507_and_429_on_create_are_retried(world: World) -> None:
    world.sim.faults.out_of_bots(times=2, retry_after_s=1).rate_limit(
        times=1, retry_after_s=1, on="create"
    )

    r = await world.initiate_raw()

    assert r.status_code == 200, r.text
    assert len(world.sim.bots) == 1


async def test_recall_throttling_answers_503_with_retry_after_at_once(tmp_path: Path) -> None:
    """Recall says come back in 25 s: more than the call's 20 s budget. The initiate does not
    hold its caller: one attempt, 503 with Recall's Retry-After, nothing stored; once Recall
    lets requests through again, the same request sends the bot."""
    world = await make_world(tmp_path, max_retry_wait_s=30.0)
    try:
        world.sim.faults.rate_limit(times=2, retry_after_s=25, on="create")

        first = await world.initiate_raw()
        second = await world.initiate_raw()  # the first consumed one 429 only: no retry
        listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")
        third = await world.initiate_raw()
        bots = len(world.sim.bots)
    finally:
        await world.aclose()

    for r in (first, second):
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "SERVICE_UNAVAILABLE"
        assert "come back later" in r.json()["message"]
        assert r.headers["retry-after"] == "25"
    assert listed.json()["items"] == []
    assert third.status_code == 200, third.text
    assert bots == 1


async def test_recall_outage_on_create_is_a_bad_gateway(world: World) -> None:
    world.sim.faults.server_error(times=None, status=503, on="create")

    r = await world.initiate_raw()

    assert r.status_code == 502
    assert r.json()["code"] == "BAD_GATEWAY"
    assert world.sim.bots == {} or len(world.sim.bots) == 0
    listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")
    assert listed.json()["items"] == []


async def test_idempotency_key_never_sends_a_second_bot(world: World) -> None:
    headers = {**world.api.headers, "Idempotency-Key": "meeting-42"}
    body = {"meetingUrl": "https://zoom.us/j/1234567890", "text": "x"}
    path = f"/v1/integration/recall/{world.integration_id}/initiate"

    first = await world.api.http.post(path, json=body, headers=headers)
    second = await world.api.http.post(path, json=body, headers=headers)

    assert first.status_code == second.status_code == 200
    assert first.json()["sessionId"] == second.json()["sessionId"]
    assert first.json()["bot"]["id"] == second.json()["bot"]["id"]
    assert len(world.sim.bots) == 1
    listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")
    assert len(listed.json()["items"]) == 1
