"""The SDK example ends with notes: after ``leave()``, ``wait_for_notes`` returns them once
they are written, and says so when they are not within the timeout."""

from __future__ import annotations

import pytest

from delegate_client import AsyncDelegate, TimedOut
from tests.meetings.world import World

MEETING = "https://zoom.us/j/1234567890"


async def test_wait_for_notes_after_leave(aclient: AsyncDelegate, world: World) -> None:
    recall = aclient.integration.recall
    started = await recall.initiate(world.integration_id, meeting_url=MEETING, text="Take notes.")
    sessions = recall.sessions(world.integration_id)
    await sessions.wait(started.session_id, timeout=30, interval=0.05)
    with pytest.raises(TimedOut, match="still not_ended"):
        await sessions.wait_for_notes(started.session_id, timeout=0.1, interval=0.05)

    await sessions.leave(started.session_id)
    notes = await sessions.wait_for_notes(started.session_id, timeout=60, interval=0.05)

    assert notes.status == "ready" and notes.summary
