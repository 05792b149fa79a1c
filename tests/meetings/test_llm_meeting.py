"""A meeting answered by the LLM brain through a local OpenAI-compatible server; when the model
fails, the offline brain answers instead, so no question goes unanswered."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import SecretStr

from delegate.adapters.llm.openai_brain import OpenAIBrain
from delegate.config import LlmSettings
from delegate.sim import RecordingCommand
from tests.brain.fake_llm import Fail, FakeLlm, RunningServer, completion
from tests.meetings.scripts import ASKS, kim_and_lee
from tests.meetings.world import make_world


async def test_llm_brain_answers_acts_and_writes_notes(tmp_path: Path) -> None:
    notes = {
        "summary": "Budget review for the offsite.",
        "decisions": ["Keep the offsite budget as planned"],
        "action_items": [{"owner": "Lee Park", "text": "Book the venue by Friday"}],
    }
    with RunningServer(FakeLlm()) as fake:
        fake.reset(
            completion(tool_calls=[("send_chat_message", json.dumps({"message": "Kim and Lee."}))]),
            Fail(500),
            completion(
                tool_calls=[
                    ("send_chat_message", json.dumps({"message": "Pausing the recording."})),
                    ("pause_recording", "{}"),
                ]
            ),
            completion(json.dumps(notes)),
        )
        settings = LlmSettings(brain="llm", base_url=fake.base_url, api_key=SecretStr("sk-test"))
        brain = OpenAIBrain(settings)
        world = await make_world(tmp_path, speed=12, brain=brain)
        try:
            # Lee (a guest) asks the question the model answers with a pause.
            await world.api.post(
                f"bot/{world.bot_id}/update", {"model": "tiny-model", "commanders": ["everyone"]}
            )
            world.sim.assign_script("1234567890", ASKS)
            started = await world.initiate("Answer questions about the budget.")
            await world.finish(started["bot"]["id"])
            chats = world.chats(started["bot"]["id"])
            commands = [
                e.command
                for e in world.sim.log(started["bot"]["id"])
                if isinstance(e, RecordingCommand)
            ]
            got_notes = (
                await world.api.get(
                    f"integration/recall/{world.integration_id}/session/{started['sessionId']}/notes"
                )
            ).json()
        finally:
            await world.aclose()
            await brain.aclose()
        requests = list(fake.requests)

    assert chats[0] == "Kim and Lee."
    assert chats[1].startswith("Kim"), "the offline brain answers when the model fails"
    assert chats[2] == "Pausing the recording."
    assert chats[3].startswith("Recording paused until"), "the meeting is told when it resumes"
    assert commands == ["pause"]
    assert len(requests) == 4
    assert {r["model"] for r in requests} == {"tiny-model"}
    first = requests[0]
    assert "Answer questions about the budget." in first["messages"][0]["content"]
    assert {t["function"]["name"] for t in first["tools"]} >= {"send_chat_message", "leave_meeting"}
    # The meeting ended paused: the notes say the rest went unrecorded, at whose request.
    assert got_notes["summary"].startswith("Budget review for the offsite. The recording was")
    assert got_notes["summary"].endswith(
        "at Lee Park's request; nothing said then is in these notes."
    )
    [span] = got_notes["unrecordedSpans"]
    assert span["by"] == "Lee Park" and span["to"] >= span["from"]
    assert got_notes["actionItems"] == [
        {"owner": "Lee Park", "text": "Book the venue by Friday", "due": "friday"}
    ]


FOLLOW_UP = kim_and_lee(
    "Offsite budget",
    """
[[events]]
at = 1.0
who = "Kim Tran"
chat = "{bot}, who is here?"

[[events]]
after = 20.0
who = "Kim Tran"
say = "And what is the budget for the offsite?"

[[events]]
after = 20.0
who = "Kim Tran"
chat = "{bot}, thanks for the help"

[[events]]
after = 20.0
end = true
""",
)


async def test_the_model_vetoes_a_follow_up_and_still_answers_its_name(tmp_path: Path) -> None:
    with RunningServer(FakeLlm()) as fake:
        fake.reset(
            completion(tool_calls=[("send_chat_message", json.dumps({"message": "Kim and Lee."}))]),
            completion(tool_calls=[("stay_silent", "{}")]),
            completion(tool_calls=[("stay_silent", "{}")]),
            completion("not notes"),
        )
        settings = LlmSettings(brain="llm", base_url=fake.base_url, api_key=SecretStr("sk-test"))
        brain = OpenAIBrain(settings)
        world = await make_world(tmp_path, speed=2, brain=brain)
        try:
            world.sim.assign_script("1234567890", FOLLOW_UP)
            started = await world.initiate("Answer questions about the offsite.")
            await world.finish(started["bot"]["id"], timeout=120)
            chats = world.chats(started["bot"]["id"])
        finally:
            await world.aclose()
            await brain.aclose()
        requests = list(fake.requests)

    follow_up, named = (r["messages"][0]["content"] for r in requests[1:3])
    assert "asked a question right after you spoke" in follow_up
    assert "mentioned your name" in named
    # The follow-up the model declined got no reply; the named remark it declined was
    # answered by the offline brain: silence is not an answer to a person who named the bot.
    assert chats[0] == "Kim and Lee."
    assert len(chats) == 2
    assert chats[1].startswith("Kim")
