"""The LLM brain against a fake OpenAI-compatible server on loopback."""

from __future__ import annotations

import itertools
import json
import socket
from dataclasses import replace

import httpx2
import pytest
from pydantic import SecretStr

from delegate.adapters.llm.openai_brain import (
    BrainUnavailable,
    NoUsableAnswer,
    OpenAIBrain,
    parse_notes,
)
from delegate.config import LlmSettings
from delegate.domain.context import build_context
from delegate.domain.meeting import (
    ActionItem,
    BrainContext,
    LeaveMeeting,
    NotesContext,
    PauseRecording,
    ResumeRecording,
    SendChat,
    StartScreenshare,
    StopScreenshare,
)
from delegate.domain.notes import extract_notes
from delegate.domain.summary import RunningSummary
from tests.brain.fake_llm import Fail, FakeLlm, Stall, completion
from tests.brain.meeting_script import BOT, PARTICIPANTS, build_turns, chat

TURNS = build_turns()
NOTES_CTX = NotesContext(
    bot_name=BOT,
    backstory="You are Ada.",
    instruction="Notes for Dana.",
    participants=PARTICIPANTS,
    turns=TURNS,
)


def context(
    text: str = "Ada, what did we decide about the launch?", model: str = "", reason: str = ""
) -> BrainContext:
    running = RunningSummary()
    running.extend(TURNS)
    recent = [*TURNS, chat(len(TURNS) + 1, BOT, "Noted, Sam.", 82.0, by_bot=True)]
    return build_context(
        bot_name=BOT,
        backstory="You are Ada, the product team's meticulous note taker.",
        instruction="Answer questions about the mobile launch.",
        participants=PARTICIPANTS,
        summary=running.text(),
        key_points=running.key_turns(),
        recent=recent,
        trigger=chat(len(recent) + 1, "Dana", text, 85.0, to_bot=True),
        model=model,
        token_budget=1500,
        reason=reason,
    )


async def test_request_carries_model_tools_prompt_and_token_limit(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain
) -> None:
    fake_llm.reset(completion(tool_calls=[("send_chat_message", '{"message": "March 3rd."}')]))
    await llm_brain.respond(context())
    [body] = fake_llm.requests
    assert body["model"] == "default-model"
    assert body["max_tokens"] == 123
    assert "max_completion_tokens" not in body
    assert {t["function"]["name"] for t in body["tools"]} == {
        "send_chat_message",
        "leave_meeting",
        "pause_recording",
        "resume_recording",
        "start_screenshare",
        "stop_screenshare",
        "stay_silent",
    }
    system = body["messages"][0]
    assert system["role"] == "system"
    assert "meticulous note taker" in system["content"]
    assert "You are Ada Notes" in system["content"]
    assert "Answer questions about the mobile launch." in system["content"]
    assert "Dana Whitfield (host), Priya Raman, Sam Okafor" in system["content"]
    assert "Lee Chen" not in system["content"].split("Participants present:")[1].split("\n")[0]
    assert "we decided to launch on March 3rd" in system["content"]  # the running summary
    rest = body["messages"][1:]
    assert rest[-1] == {
        "role": "user",
        "content": "Dana Whitfield (chat to you): Ada, what did we decide about the launch?",
    }
    assert {"role": "assistant", "content": "Noted, Sam."} in rest
    user_text = "\n".join(m["content"] for m in rest if m["role"] == "user")
    assert "Priya Raman: I think the free tier stays" in user_text
    assert "Sam Okafor (chat): here is the dashboard" in user_text
    roles = [m["role"] for m in rest]
    assert all(a != b for a, b in itertools.pairwise(roles))  # alternating


async def test_bot_model_overrides_the_default(fake_llm: FakeLlm, llm_brain: OpenAIBrain) -> None:
    fake_llm.reset(completion("ok"))
    await llm_brain.respond(context(model="llama3.2:3b"))
    assert fake_llm.requests[0]["model"] == "llama3.2:3b"


async def test_max_completion_tokens_when_asked(
    fake_llm: FakeLlm, llm_settings: LlmSettings
) -> None:
    fake_llm.reset(completion("ok"))
    brain = OpenAIBrain(llm_settings, token_limit_param="max_completion_tokens")
    await brain.respond(context())
    await brain.aclose()
    assert fake_llm.requests[0]["max_completion_tokens"] == 123
    assert "max_tokens" not in fake_llm.requests[0]


async def test_tool_calls_become_actions(fake_llm: FakeLlm, llm_brain: OpenAIBrain) -> None:
    fake_llm.reset(
        completion(
            tool_calls=[
                ("leave_meeting", "{}"),
                ("send_chat_message", json.dumps({"message": "Bye all!", "to": "everyone"})),
                ("pause_recording", ""),
                ("resume_recording", "{}"),
                ("start_screenshare", '{"url": "https://grafana.example.com/d/launch"}'),
                ("stop_screenshare", "{}"),
            ]
        )
    )
    assert await llm_brain.respond(context()) == [
        SendChat("Bye all!"),
        PauseRecording(),
        ResumeRecording(),
        StartScreenshare("https://grafana.example.com/d/launch"),
        StopScreenshare(),
        LeaveMeeting(),  # last: after leaving the bot cannot chat any more
    ]


async def test_invalid_tool_calls_are_skipped(fake_llm: FakeLlm, llm_brain: OpenAIBrain) -> None:
    fake_llm.reset(
        completion(
            tool_calls=[
                ("send_chat_message", "{not json"),
                ("send_chat_message", '{"message": ""}'),
                ("start_screenshare", '{"url": "javascript:alert(1)"}'),
                ("start_screenshare", '{"url": "https://169.254.169.254/latest/meta-data/"}'),
                ("start_screenshare", '{"url": "https://127.1/"}'),
                ("launch_rockets", "{}"),
                ("send_chat_message", '{"message": "Launch is March 3rd.", "to": "Priya Raman"}'),
            ]
        )
    )
    assert await llm_brain.respond(context()) == [SendChat("Launch is March 3rd.", to="2")]


async def test_plain_text_becomes_a_chat_message(fake_llm: FakeLlm, llm_brain: OpenAIBrain) -> None:
    fake_llm.reset(completion("<think>they want the date</think>Dana, we launch on March 3rd."))
    assert await llm_brain.respond(context()) == [SendChat("Dana, we launch on March 3rd.")]


async def test_an_empty_answer_is_not_silence(fake_llm: FakeLlm, llm_brain: OpenAIBrain) -> None:
    # The pipeline's fallback brain answers instead of the model.
    fake_llm.reset(completion(None), completion(tool_calls=[("send_chat_message", "{not json")]))
    with pytest.raises(NoUsableAnswer):
        await llm_brain.respond(context())
    with pytest.raises(NoUsableAnswer):
        await llm_brain.respond(context())


async def test_the_model_is_told_why_a_follow_up_reached_it(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain
) -> None:
    fake_llm.reset(completion("ok"), completion("ok"))
    await llm_brain.respond(context("and when is the beta?", reason="follow_up"))
    await llm_brain.respond(context(reason="direct_chat"))
    follow_up, direct = (r["messages"][0]["content"] for r in fake_llm.requests)
    assert "asked a question right after you spoke" in follow_up
    assert "call stay_silent" in follow_up
    assert "sent you a private chat message" in direct
    assert "stay_silent" not in direct


@pytest.mark.parametrize(
    "answer",
    [completion(tool_calls=[("stay_silent", "{}")]), completion("[silent]"), completion("Silent.")],
)
async def test_the_model_can_veto_a_follow_up(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain, answer: dict[str, object]
) -> None:
    fake_llm.reset(answer)
    assert await llm_brain.respond(context("did we decide that?", reason="follow_up")) == []


async def test_silence_is_no_answer_when_the_bot_was_named(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain
) -> None:
    # "Ada, you're doing great" deserves an answer: the fallback brain gives one.
    fake_llm.reset(completion(tool_calls=[("stay_silent", "{}")]))
    with pytest.raises(NoUsableAnswer):
        await llm_brain.respond(context("Ada, you're doing great", reason="named"))


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        # cut off mid-JSON, as a small model hitting its token limit does
        (
            completion(tool_calls=[("send_chat_message", '{"message": "We launch on March 3')]),
            "We launch on March 3",
        ),
        # unescaped quotes inside the message
        (
            completion(tool_calls=[("send_chat_message", '{"message": "It "ships" March 3rd"}')]),
            'It "ships" March 3rd',
        ),
        # the tool call written as text
        (
            completion(
                'Sure! {"name": "send_chat_message", "arguments": {"message": "March 3rd."}}'
            ),
            "March 3rd.",
        ),
        (
            completion(
                '<tool_call>{"name": "send_chat_message", '
                '"arguments": "{\\"message\\": \\"March 3rd.\\"}"}</tool_call>'
            ),
            "March 3rd.",
        ),
    ],
)
async def test_malformed_tool_calls_are_repaired(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain, answer: dict[str, object], said: str
) -> None:
    fake_llm.reset(answer)
    assert await llm_brain.respond(context()) == [SendChat(said)]


async def test_an_over_long_answer_is_clipped(fake_llm: FakeLlm, llm_brain: OpenAIBrain) -> None:
    fake_llm.reset(completion("The launch is on March 3rd. " * 200))
    [answer] = await llm_brain.respond(context())
    assert isinstance(answer, SendChat)
    assert len(answer.text) <= 1000
    assert answer.text.startswith("The launch is on March 3rd.") and answer.text.endswith("…")


async def test_notes_json_is_parsed(fake_llm: FakeLlm, llm_brain: OpenAIBrain) -> None:
    answer = {
        "summary": "Dana, Priya and Sam agreed the launch plan.",
        "decisions": ["Launch on March 3rd", "Phased rollout starting at 10%"],
        "action_items": [
            {"owner": "Sam Okafor", "text": "Fix the login bug before Thursday"},
            {"owner": None, "text": "Review the pricing page copy"},
        ],
    }
    fake_llm.reset(completion("Here are the notes:\n```json\n" + json.dumps(answer) + "\n```"))
    notes = await llm_brain.write_notes(NOTES_CTX)
    assert notes.summary == "Dana, Priya and Sam agreed the launch plan."
    assert notes.decisions == ["Launch on March 3rd", "Phased rollout starting at 10%"]
    assert notes.action_items == [
        ActionItem("Fix the login bug before Thursday", "Sam Okafor"),
        ActionItem("Review the pricing page copy", None),
    ]
    [body] = fake_llm.requests
    assert "tools" not in body
    prompt = body["messages"][1]["content"]
    assert "Update the roadmap slide" in prompt  # the rule-based draft
    assert "[00:00:55] Priya Raman: I think the free tier stays" in prompt


async def test_garbage_notes_fall_back_to_offline_notes(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain
) -> None:
    fake_llm.reset(completion("Sure! The meeting went great, lots of good energy. {oops"))
    notes = await llm_brain.write_notes(NOTES_CTX)
    assert notes == extract_notes(TURNS, PARTICIPANTS)


async def test_long_meeting_notes_prompt_is_bounded(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain
) -> None:
    turns = [
        chat(i, "Dana", f"Point number {i} about the rollout plan.", float(i))
        for i in range(1, 5_001)
    ]
    fake_llm.reset(completion('{"summary": "Long.", "decisions": [], "action_items": []}'))
    ctx = NotesContext(
        bot_name=BOT, backstory="", instruction="", participants=PARTICIPANTS, turns=turns
    )
    assert (await llm_brain.write_notes(ctx)).summary == "Long."
    prompt = fake_llm.requests[0]["messages"][1]["content"]
    assert len(prompt) < 40_000
    assert "Point number 1 about" in prompt
    assert "Point number 5000 about" in prompt
    assert "turns omitted" in prompt


@pytest.mark.timeout(10)
async def test_a_stalled_server_raises_brain_unavailable(
    fake_llm: FakeLlm, llm_settings: LlmSettings
) -> None:
    fake_llm.reset(Stall(30.0))
    brain = OpenAIBrain(llm_settings.model_copy(update={"timeout_s": 0.3}))
    with pytest.raises(BrainUnavailable, match=r"did not answer within 0\.3 s"):
        await brain.respond(context())
    await brain.aclose()


async def test_server_errors_raise_brain_unavailable(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain
) -> None:
    fake_llm.reset(Fail(500), Fail(404, "model not found"))
    with pytest.raises(BrainUnavailable, match="answered 500"):
        await llm_brain.respond(context())
    with pytest.raises(BrainUnavailable, match="answered 404"):
        await llm_brain.write_notes(NOTES_CTX)
    assert len(fake_llm.requests) == 2  # no retries


async def test_unreachable_server_raises_brain_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = LlmSettings(
        base_url=f"http://127.0.0.1:{port}/v1", api_key=SecretStr("x"), timeout_s=2.0
    )
    brain = OpenAIBrain(settings)
    with pytest.raises(BrainUnavailable, match="could not be reached"):
        await brain.respond(context())
    await brain.aclose()


@pytest.mark.parametrize(
    "text",
    [
        '{"summary": "S", "decisions": ["D"], "action_items": [{"owner": "A", "text": "T"}]}',
        'Notes:\n```\n{"summary": "S", "decisions": ["D"], "action_items": ["T"]}\n```\nDone.',
        '<think>hmm {no}</think>{"summary": "S", "decisions": ["D"], "actionItems": []}',
    ],
)
def test_parse_notes_is_lenient(text: str) -> None:
    notes = parse_notes(text)
    assert notes is not None
    assert (notes.summary, notes.decisions) == ("S", ["D"])


@pytest.mark.parametrize("text", ["", "no json here", "[1, 2]", '{"summary": ""}'])
def test_parse_notes_rejects_garbage(text: str) -> None:
    assert parse_notes(text) is None


async def test_a_shared_http_client_is_used_and_left_open(
    fake_llm: FakeLlm, llm_settings: LlmSettings
) -> None:
    fake_llm.reset(completion("hello"))
    async with httpx2.AsyncClient() as http:
        brain = OpenAIBrain(llm_settings, http)
        assert await brain.respond(context()) == [SendChat("hello")]
        await brain.aclose()
        assert not http.is_closed


async def test_model_notes_leave_out_what_was_asked(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain
) -> None:
    asked = chat(len(TURNS) + 1, "Dana", "Ada, leave the salary numbers out of the notes", 90.0)
    answer = {
        "summary": "The launch is on March 3rd. Salary bands go up five percent.",
        "decisions": ["Launch on March 3rd", "Raise the salary bands"],
        "action_items": [
            {"owner": "Sam Okafor", "text": "Send the salary sheet to HR"},
            {"owner": "Priya Raman", "text": "Book the launch venue by Friday"},
        ],
    }
    fake_llm.reset(completion(json.dumps(answer)))
    notes = await llm_brain.write_notes(replace(NOTES_CTX, turns=[*TURNS, asked]))
    assert notes.summary == "The launch is on March 3rd."
    assert notes.decisions == ["Launch on March 3rd"]
    assert notes.action_items == [ActionItem("Book the launch venue by Friday", "Priya Raman")]
    assert notes.action_items[0].due == "friday"
