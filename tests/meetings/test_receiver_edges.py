"""The receivers under input no sender of Recall's would make: absurd signature timestamps are
an ordinary 401, and the realtime route tells an outsider nothing about which sessions exist."""

from __future__ import annotations

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
