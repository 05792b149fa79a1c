"""SIGKILL during initiate on a scaled-out PostgreSQL deployment: every session is recorded
before Recall answers, an outcome Recall cannot be asked about is kept as ``unknown``, and
after a restart of every process each session is resolved by listing Recall's bots by our
metadata: nothing lost, nothing duplicated, no bot at Recall without a session we can see."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from delegate.services.meetings import OUTCOME_UNKNOWN
from delegate.services.reconcile import NEVER_CREATED
from delegate.sim import DeliveryAttempt, parse_script
from tests.meetings.test_crash_restart import accounted_for, listed_sessions
from tests.pg.cluster import running_meeting

pytestmark = [pytest.mark.pg, pytest.mark.slow, pytest.mark.timeout(300)]

HELD = 4
"""Initiates in flight when every process is killed: two held before Recall does anything,
two after Recall created their bot."""

SCRIPT = "\n\n".join(
    [
        'title = "Standup"',
        "[join]\njoining_s = 0.5\nwaiting_room_s = 0\nsetup_s = 0.5",
        '[[participants]]\nid = 100\nname = "Kim Tran"\nis_host = true',
        '[[participants]]\nid = 200\nname = "Lee Park"',
        *(
            f'[[events]]\nafter = 2.0\nwho = "Lee Park"\nsay = "Step {i} of the rollout is done."'
            for i in range(6)
        ),
        "[[events]]\nafter = 4.0\nend = true",
    ]
)

MEETING = {"meetingUrl": "https://zoom.us/j/1234567890", "text": "Take notes."}


async def test_sigkill_during_initiate_on_postgresql_loses_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    async with running_meeting(
        tmp_path,
        workers=1,
        script=parse_script(SCRIPT),
        speed=4,
        poll_interval_s=1,
        unknown_grace_s=1,
    ) as meeting:
        cluster, sim, api = meeting.cluster, meeting.sim, meeting.api
        initiate = f"/integration/recall/{meeting.integration_id}/initiate"

        # Recall creates the bot but its answer is unreadable, and Recall cannot be asked
        # whether the bot exists: the request fails, the session is kept with outcome unknown.
        sim.faults.garbled_creates(1).server_error(times=None, on="read")
        ambiguous = await api.post(initiate, json=MEETING, timeout=60)
        (unknown_bot,) = list(sim.bots)
        unknown = [s for s in await listed_sessions(api, meeting.integration_id)]

        sim.faults.slow_responses(2, times=2, on="create").hold_create_answers(2)
        in_flight = [
            asyncio.create_task(api.post(initiate, json=MEETING, timeout=60)) for _ in range(HELD)
        ]
        async with asyncio.timeout(60):
            while sim.idempotency.pending < HELD:  # every create is held at Recall
                await asyncio.sleep(0.02)
        cluster.kill("serve")
        cluster.kill("worker1")
        await asyncio.gather(*in_flight, return_exceptions=True)
        recorded = await cluster.sql(
            "SELECT id, status, recall_bot_id, status_reason FROM meeting_sessions"
        )
        async with asyncio.timeout(30):  # the held creates finish at the simulator
            while sim.idempotency.pending:
                await asyncio.sleep(0.05)
        sim.faults.reset()

        cluster.start("serve", "serve")
        cluster.start("worker1", "worker")
        await cluster.wait_healthy()
        async with asyncio.timeout(90):
            while not accounted_for(
                sim, sessions := await listed_sessions(api, meeting.integration_id)
            ):
                await asyncio.sleep(0.2)
        for bot in list(sim.bots):
            await sim.wait_until_done(bot, timeout=120)
        async with asyncio.timeout(60):
            while any(
                s["status"] not in ("ended", "failed")
                for s in await listed_sessions(api, meeting.integration_id)
            ):
                await asyncio.sleep(0.2)
        stored = {r[0] for r in await cluster.sql("SELECT delivery_id FROM session_events")}
        sessions = await listed_sessions(api, meeting.integration_id)

    assert ambiguous.status_code == 502, ambiguous.text
    # Its bot's own deliveries may move the session on (and its reason with it), never its bot.
    assert [s["recallBotId"] for s in unknown] == [None], unknown
    assert f"session {unknown[0]['id']} is kept" in ambiguous.json()["message"]

    # Killed with every create in flight, the database already held each session, none with
    # a bot, and every bot Recall had made by then carried the id of one of them.
    assert len(recorded) == 1 + HELD
    assert all(bot is None for _, _, bot, _ in recorded)
    held = [status for id_, status, _, _ in recorded if id_ != unknown[0]["id"]]
    # (a bot Recall made may have delivered its first events already: the session moves on)
    assert len(held) == HELD and held.count("created") >= 2, held
    recorded_ids = {row[0] for row in recorded}
    assert {b.metadata.get("sessionId") for b in sim.bots.values()} <= recorded_ids

    # After the restart: nothing lost, nothing duplicated.
    assert {s["id"] for s in sessions} == recorded_ids
    per_session = Counter(bot.metadata.get("sessionId") for bot in sim.bots.values())
    assert max(per_session.values()) == 1, "no session has two bots"
    adopted = {s["recallBotId"] for s in sessions if s["recallBotId"] is not None}
    assert adopted == set(sim.bots), "every bot Recall created is its session's"
    assert len(adopted) == 1 + HELD - 2
    by_id = {s["id"]: s for s in sessions}
    was_unknown = by_id[unknown[0]["id"]]
    assert was_unknown["recallBotId"] == unknown_bot
    assert was_unknown["statusReason"] != OUTCOME_UNKNOWN
    assert was_unknown["status"] == "ended"
    never = [s for s in sessions if s["recallBotId"] is None]
    assert [(s["status"], s["statusReason"]) for s in never] == [("failed", NEVER_CREATED)] * 2
    assert all(by_id[s]["status"] == "ended" for s in per_session)
    for bot in sim.bots:
        acked = {
            e.message_id
            for e in sim.log(bot)
            if isinstance(e, DeliveryAttempt) and e.target == "realtime" and e.status_code == 200
        }
        assert acked, f"bot {bot}'s meeting was delivered"
        assert acked <= stored, f"{len(acked - stored)} acknowledged events lost"
