"""Reply mode and voice from the SDK, async and sync."""

from __future__ import annotations

import pytest

from delegate_client import AsyncDelegate, BadRequest, Delegate
from tests.meetings.world import World


def test_the_sync_sdk_sets_how_a_bot_answers(client: Delegate) -> None:
    bot_id = client.bot.create(name="Ada", reply_mode="both").id
    client.bot.update(bot_id, voice="espeak-ng:en-gb")
    bot = client.bot.fetch(bot_id)

    assert bot.reply_mode == "both" and bot.voice == "espeak-ng:en-gb"


async def test_the_async_sdk_sends_a_delegate_that_speaks(
    aclient: AsyncDelegate, world: World
) -> None:
    bot_id = (await aclient.bot.create(name="Grace", reply_mode="voice", voice="espeak-ng")).id
    bot = await aclient.bot.fetch(bot_id)
    started = await aclient.integration.recall.initiate(
        world.integration_id,
        meeting_url="https://acme.webex.com/meet/jdoe",
        text="Take notes.",
        reply_mode="both",
    )
    session = await aclient.integration.recall.sessions(world.integration_id).fetch(
        started.session_id
    )
    with pytest.raises(BadRequest, match="openai:alloy"):
        await aclient.bot.update(bot_id, voice="openai:alloy")

    assert bot.reply_mode == "voice" and bot.voice == "espeak-ng:en-us"
    assert session.reply_mode == "chat" and session.reply_notice and "webex" in session.reply_notice
