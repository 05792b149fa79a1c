"""The realtime endpoint's token is kept only as a digest: not in the stored Recall bot
snapshot, not in initiate's answer or its idempotent replay, not in the session."""

from __future__ import annotations

from tests.meetings.test_idempotency import BODY, _path
from tests.meetings.world import World
from tests.support import stored_bytes


def _token_sent(world: World, recall_bot_id: str) -> str:
    url = world.sim.bots[recall_bot_id].endpoints[0].url
    return url.split("token=", 1)[1]


async def test_the_realtime_token_is_never_stored_nor_returned(world: World) -> None:
    headers = {**world.api.headers, "Idempotency-Key": "k-1"}
    first = await world.api.http.post(_path(world), json=BODY, headers=headers)
    assert first.status_code == 200, first.text
    replay = await world.api.http.post(_path(world), json=BODY, headers=headers)
    session = await world.api.get(
        f"integration/recall/{world.integration_id}/session/{first.json()['sessionId']}/fetch"
    )
    token = _token_sent(world, first.json()["bot"]["id"])
    await world.finish(first.json()["bot"]["id"])
    stored = stored_bytes(world.container.settings)

    assert len(token) > 20
    for answer in (first, replay, session):
        assert token not in answer.text
    assert token.encode() not in stored
    assert "token=redacted" in first.text, "the endpoint itself is still shown"
