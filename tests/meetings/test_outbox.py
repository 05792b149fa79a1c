"""The reply outbox: a reply is claimed once, so two drains can never both send it."""

from __future__ import annotations

from delegate.domain.ids import new_id
from delegate.domain.sessions import Reply, ReplyStatus
from tests.meetings.world import World


async def test_a_pending_reply_can_be_claimed_only_once(world: World) -> None:
    started = await world.initiate()
    reply = Reply(
        new_id(),
        started["sessionId"],
        None,
        0,
        "chat",
        {"text": "hi", "to": "everyone"},
        ReplyStatus.PENDING,
        0,
        1,
        None,
    )
    async with world.container.uow() as tx:
        await tx.replies.add(reply)

    async with world.container.uow() as tx:
        first = await tx.replies.claim(reply.id)
    async with world.container.uow() as tx:
        second = await tx.replies.claim(reply.id)
        stored = await tx.replies.with_status(started["sessionId"], ReplyStatus.SENDING)

    assert (first, second) == (True, False)
    assert [(r.id, r.attempts) for r in stored] == [(reply.id, 1)]
    await world.finish(started["bot"]["id"])
