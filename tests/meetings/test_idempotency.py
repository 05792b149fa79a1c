"""Idempotency-Key on initiate, Stripe-style: a retry replays, a reused key for another request
is refused, an empty header is no key."""

from __future__ import annotations

from tests.meetings.world import World

BODY = {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes."}


def _path(world: World) -> str:
    return f"/v1/integration/recall/{world.integration_id}/initiate"


async def _sessions(world: World) -> list[dict[str, object]]:
    listed = await world.api.get(f"integration/recall/{world.integration_id}/session/list")
    items: list[dict[str, object]] = listed.json()["items"]
    return items


async def test_a_key_reused_with_a_different_request_is_a_conflict(world: World) -> None:
    headers = {**world.api.headers, "Idempotency-Key": "standup-monday"}
    first = await world.api.http.post(_path(world), json=BODY, headers=headers)
    other = {**BODY, "meetingUrl": "https://zoom.us/j/9999999999"}

    reused = await world.api.http.post(_path(world), json=other, headers=headers)

    assert first.status_code == 200
    assert reused.status_code == 409
    assert reused.json()["code"] == "CONFLICT"
    assert "Idempotency-Key" in reused.json()["message"]
    assert len(world.sim.bots) == 1
    assert len(await _sessions(world)) == 1


async def test_a_retry_of_the_same_request_replays_whatever_its_json_spacing(world: World) -> None:
    headers = {**world.api.headers, "Idempotency-Key": "standup-tuesday"}
    first = await world.api.http.post(_path(world), json=BODY, headers=headers)
    spaced = '{ "text" : "Take notes.",\n  "meetingUrl": "https://zoom.us/j/1234567890" }'

    retry = await world.api.http.post(
        _path(world), content=spaced, headers={**headers, "Content-Type": "application/json"}
    )

    assert retry.status_code == 200
    assert retry.json()["sessionId"] == first.json()["sessionId"]
    assert len(world.sim.bots) == 1


async def test_an_empty_idempotency_key_is_no_key(world: World) -> None:
    headers = {**world.api.headers, "Idempotency-Key": ""}

    first = await world.api.http.post(_path(world), json=BODY, headers=headers)
    second = await world.api.http.post(_path(world), json=BODY, headers=headers)

    assert first.status_code == second.status_code == 200, second.text
    assert first.json()["sessionId"] != second.json()["sessionId"]
    assert len(world.sim.bots) == 2
    assert len(await _sessions(world)) == 2
