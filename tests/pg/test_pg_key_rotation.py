"""Key rotation on a scaled-out deployment: the API process and two worker processes follow
the shared key file while a meeting runs, so no initiate, delivery or reply fails."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from delegate.sim import ChatSent, DeliveryAbandoned, DeliveryAttempt, parse_script
from tests.meetings.test_key_rotation import MEETING, run_delegate
from tests.pg.cluster import running_meeting
from tests.pg.test_pg_workers import QUESTIONS, questions_script
from tests.support import settings_env

pytestmark = [pytest.mark.pg, pytest.mark.slow, pytest.mark.timeout(300)]


async def test_rotating_keys_across_processes_breaks_nothing(tmp_path: Path) -> None:
    script = parse_script(questions_script())
    async with running_meeting(tmp_path, workers=2, script=script, speed=3) as meeting:
        env = settings_env(meeting.cluster.settings)
        _, bot = await meeting.initiate()
        async with asyncio.timeout(60):
            while not [e for e in meeting.sim.log(bot) if isinstance(e, ChatSent)]:
                await asyncio.sleep(0.05)
        await asyncio.to_thread(run_delegate, env, "keys", "add")
        await asyncio.to_thread(run_delegate, env, "keys", "reencrypt")
        key_file = meeting.cluster.settings.key_file
        key_file.write_text(key_file.read_text().splitlines()[0] + "\n")
        initiate = f"/integration/recall/{meeting.integration_id}/initiate"
        again = await meeting.api.post(initiate, json=MEETING)
        await meeting.sim.wait_until_done(bot, timeout=120)
        async with asyncio.timeout(60):
            while len([e for e in meeting.sim.log(bot) if isinstance(e, ChatSent)]) < QUESTIONS:
                await asyncio.sleep(0.1)
        log = meeting.sim.log(bot)

    assert again.status_code == 200, again.text
    realtime = [e for e in log if isinstance(e, DeliveryAttempt) and e.target == "realtime"]
    assert realtime and all(e.ok for e in realtime)
    assert not [e for e in log if isinstance(e, DeliveryAbandoned)]
    assert len([e for e in log if isinstance(e, ChatSent)]) == QUESTIONS
