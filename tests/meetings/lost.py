"""A meeting lost to a wrong ``webhookSecret``: the simulator signs with another secret, so every
delivery is refused and the status is learnt by polling Recall."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.meetings.scripts import host_alone
from tests.meetings.world import World, make_world

HELLO_ALONE = host_alone(
    'at = 1.0\nwho = "Kim Tran"\nsay = "Hello there."', "after = 1.0\nend = true"
)
WRONG_SECRET = "whsec_" + "A" * 32


async def lost_world(tmp_path: Path) -> World:
    """A world whose integration's ``webhookSecret`` is not the one the simulator signs with;
    status polling is fast, so the session still ends."""
    world = await make_world(tmp_path, script=HELLO_ALONE, poll_interval_s=0.2)  # type: ignore[arg-type]
    r = await world.api.post(
        f"integration/recall/{world.integration_id}/update", {"webhookSecret": WRONG_SECRET}
    )
    assert r.status_code == 200, r.text
    return world


async def play_lost(world: World) -> dict[str, Any]:
    """Play the meeting to its end and wait until its notes say why there is no transcript;
    the ``initiate`` answer."""
    started = await world.initiate()
    await world.sim.wait_until_done(started["bot"]["id"], timeout=60)
    async with asyncio.timeout(20):
        while (await world.session(started["sessionId"]))["noTranscriptReason"] is None:
            await world.settle()
    return started
