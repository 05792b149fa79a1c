"""The receivers under input no sender of Recall's would make: absurd signature timestamps are
an ordinary 401, and the realtime route tells an outsider nothing about which sessions exist."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from delegate.adapters.recall.signatures import sign_headers
from tests.meetings.world import World

HUGE = "1" + "0" * 400


@pytest.mark.parametrize("timestamp", [HUGE, "-" + HUGE])
async def test_an_overflowing_signature_timestamp_is_a_401(world: World, timestamp: str) -> None:
    started = await world.initiate()
    token = world.sim.bot(started["bot"]["id"]).endpoints[0].url.split("token=")[1]
    body = orjson.dumps({"event": "bot.done", "data": {"bot": {"id": started["bot"]["id"]}}})
    headers = {**sign_headers(world.secret, body), "webhook-timestamp": timestamp}
    realtime = (
        f"/v1/integration/recall/{world.integration_id}/session/{started['sessionId']}"
        f"/realtime?token={token}"
    )

    answers = [
        await world.api.http.post(realtime, content=body, headers=headers),
        await world.api.http.post(
            f"/v1/integration/recall/{world.integration_id}/webhook", content=body, headers=headers
        ),
    ]

    for r in answers:
        assert r.status_code == 401, r.text
        assert r.json() == {
            "message": "Invalid signature: invalid signature timestamp",
            "code": "NOT_AUTHENTICATED",
        }
    await world.finish(started["bot"]["id"])


async def test_an_unknown_session_answers_like_a_wrong_token(world: World) -> None:
    started = await world.initiate()
    body = orjson.dumps({"event": "transcript.data", "data": {}})
    base = f"/v1/integration/recall/{world.integration_id}/session"
    targets = [
        f"{base}/{started['sessionId']}/realtime?token=wrong",
        f"{base}/cxxxxxxxxxxxxxxxxxxxxxxx/realtime?token=wrong",
        f"{base}/not-an-id/realtime?token=wrong",
        f"/v1/integration/recall/cxxxxxxxxxxxxxxxxxxxxxxx/session/{started['sessionId']}"
        "/realtime?token=wrong",
    ]

    answers = [await world.api.http.post(t, content=body) for t in targets]

    assert {(r.status_code, r.text) for r in answers} == {
        (401, '{"message":"Invalid realtime endpoint token","code":"NOT_AUTHENTICATED"}')
    }
    await world.finish(started["bot"]["id"])


async def _realtime(world: World) -> tuple[str, str, str]:
    started = await world.initiate()
    token = world.sim.bot(started["bot"]["id"]).endpoints[0].url.split("token=")[1]
    path = (
        f"/v1/integration/recall/{world.integration_id}/session/{started['sessionId']}"
        f"/realtime?token={token}"
    )
    return path, started["bot"]["id"], started["sessionId"]


async def test_a_row_the_database_would_refuse_is_still_acknowledged(world: World) -> None:
    # A delivery id longer than the column, and a raw NUL (which PostgreSQL text cannot hold)
    # in a body that is not JSON: both signed, both acknowledged, neither fails its neighbours.
    path, bot_id, session_id = await _realtime(world)
    await world.finish(bot_id)
    long_id = "msg_" + "x" * 400
    odd = b'{"event": "transcript.data", "data": "\x00"}'
    plain = orjson.dumps({"event": "participant_events.speech_on", "data": {}})

    answers = await asyncio.gather(
        world.api.http.post(
            path, content=plain, headers=sign_headers(world.secret, plain, long_id)
        ),
        world.api.http.post(path, content=odd, headers=sign_headers(world.secret, odd)),
        world.api.http.post(
            path, content=plain + b" ", headers=sign_headers(world.secret, plain + b" ")
        ),
    )
    again = await world.api.http.post(
        path, content=plain, headers=sign_headers(world.secret, plain, long_id)
    )

    assert [(r.status_code, r.json()) for r in answers] == [(200, {"stored": True})] * 3
    assert (again.status_code, again.json()) == (200, {"stored": False})
    assert (await world.session(session_id))["deliveriesRefused"] == 0
