"""Scaled out on PostgreSQL: the API in one process, sessions processed by separate
``delegate worker`` processes, which may die at any moment."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from delegate.sim import ChatSent, DeliveryAttempt, MeetingEvent, parse_script
from tests.meetings.scripts import ASKS
from tests.pg.cluster import Meeting, running_meeting

pytestmark = [pytest.mark.pg, pytest.mark.slow]

QUESTIONS = 8


def questions_script() -> str:
    lines = [
        'title = "Rollout check"',
        "[join]\njoining_s = 0.5\nwaiting_room_s = 0\nsetup_s = 0.5",
        '[[participants]]\nid = 100\nname = "Kim Tran"\nis_host = true',
        '[[participants]]\nid = 200\nname = "Lee Park"',
    ]
    for i in range(QUESTIONS):
        lines.append(
            f'[[events]]\nafter = 1.0\nwho = "Lee Park"\n'
            f'say = "Point {i}: rollout step {i} is done."'
        )
        lines.append(
            f'[[events]]\nafter = 1.0\nwho = "Kim Tran"\n'
            f'chat = "{{bot}}, what did Lee say about step {i}?"'
        )
    lines.append("[[events]]\nafter = 6.0\nend = true")
    return "\n\n".join(lines)


async def finished(meeting: Meeting, session_id: str, bot_id: str) -> dict[str, object]:
    """Wait for the meeting to end and every stored event, reply and note to be processed."""
    await meeting.sim.wait_until_done(bot_id, timeout=90)
    await meeting.cluster.wait_for(
        "SELECT max(e.id) - s.cursor FROM meeting_sessions s"
        " JOIN session_events e ON e.session_id = s.id WHERE s.id = :sid GROUP BY s.cursor",
        0,
        sid=session_id,
    )
    async with asyncio.timeout(30):
        while not (session := await meeting.session(session_id))["notesReady"]:
            await asyncio.sleep(0.1)
    return session  # type: ignore[no-any-return]


def spoken(meeting: Meeting, bot_id: str) -> list[str]:
    return [
        e.text
        for e in meeting.sim.log(bot_id)
        if isinstance(e, MeetingEvent)
        and e.kind in ("say", "chat")
        and e.delivered
        and e.text
        and e.participant != "Ada"
    ]


def chats(meeting: Meeting, bot_id: str) -> list[str]:
    return [e.text for e in meeting.sim.log(bot_id) if isinstance(e, ChatSent)]


async def test_two_worker_processes_run_a_whole_meeting(tmp_path: Path) -> None:
    async with running_meeting(tmp_path, workers=2, script=ASKS, speed=10) as meeting:
        session_id, bot_id = await meeting.initiate()
        session = await finished(meeting, session_id, bot_id)
        transcript = await meeting.session(session_id, "transcript")
        notes = await meeting.session(session_id, "notes")
        said, sent = spoken(meeting, bot_id), chats(meeting, bot_id)

    texts = " ".join(t["text"] for t in transcript["items"] if not t["byBot"])
    assert said and all(text in texts for text in said)
    assert len(sent) == 3, sent
    assert "Kim Tran" in sent[0] and "Lee Park" in sent[0]
    assert "book the venue" in sent[1].lower()
    assert {r["status"] for r in session["replies"]} == {"sent"}  # type: ignore[index]
    assert session["status"] == "ended"
    assert notes["status"] == "ready"


async def test_a_killed_workers_session_is_finished_by_another_without_duplicates(
    tmp_path: Path,
) -> None:
    script = parse_script(questions_script())
    async with running_meeting(tmp_path, workers=1, script=script, speed=3) as meeting:
        cluster = meeting.cluster
        # The first reply hangs at "Recall" long enough to kill its worker in the middle.
        meeting.sim.faults.slow_responses(4.0, times=1, on="command")
        session_id, bot_id = await meeting.initiate()
        await cluster.wait_for("SELECT count(*) FROM replies WHERE status = 'sending'", 1)
        cluster.start("worker2", "worker")
        cluster.kill("worker1")
        killed_at = len(chats(meeting, bot_id))
        session = await finished(meeting, session_id, bot_id)
        said, sent = spoken(meeting, bot_id), chats(meeting, bot_id)
        stored = {r[0] for r in await cluster.sql("SELECT delivery_id FROM session_events")}
        replies = Counter(
            r[0] for r in await cluster.sql("SELECT status FROM replies WHERE kind = 'chat'")
        )
        transcript = await meeting.session(session_id, "transcript")
        acked = {
            e.message_id
            for e in meeting.sim.log(bot_id)
            if isinstance(e, DeliveryAttempt) and e.status_code == 200
        }

    texts = " ".join(t["text"] for t in transcript["items"] if not t["byBot"])
    assert acked <= stored, "acknowledged events were lost"
    assert said and all(text in texts for text in said), "events were left unprocessed"
    assert not {text: n for text, n in Counter(sent).items() if n > 1}, "a reply was sent twice"
    # The reply in flight when its worker died is never sent again; every other one is sent.
    assert replies == {"unknown": 1, "sent": QUESTIONS - 1}, replies
    assert len(sent) - killed_at >= QUESTIONS - 2, "the second worker should answer the rest"
    assert session["status"] == "ended"


async def test_worker_processes_deliver_a_meetings_webhooks_in_order(tmp_path: Path) -> None:
    from tests.webhooks.receiver import Receiver, running_receiver

    async with (
        running_receiver(Receiver()) as receiver,
        running_meeting(tmp_path, workers=2, script=ASKS, speed=10) as meeting,
    ):
        hook = (await meeting.api.post("/webhook/create", json={"url": receiver.url})).json()
        receiver.secret = hook["secret"]
        session_id, bot_id = await meeting.initiate()
        await finished(meeting, session_id, bot_id)
        await receiver.wait_for(lambda r: "session.notes_ready" in r.types(), timeout=30)

    types = receiver.types()
    ids = [a.webhook_id for a in receiver.accepted]
    assert all(a.verified for a in receiver.arrivals)
    assert len(ids) == len(set(ids))
    assert types[0] == "session.created" and types[-1] == "session.notes_ready"
    assert {"session.turn", "session.reply_sent", "session.participant_joined"} <= set(types)
    seqs = [
        a.event["data"]["turn"]["seq"]
        for a in receiver.accepted
        if a.event["type"] == "session.turn"
    ]
    assert seqs == sorted(seqs)
