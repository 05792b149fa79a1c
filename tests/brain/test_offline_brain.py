"""The offline brain end to end, on contexts built from a realistic meeting."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from delegate.adapters.llm.offline import OfflineBrain
from delegate.domain.context import build_context
from delegate.domain.meeting import (
    Action,
    ActionItem,
    BrainContext,
    LeaveMeeting,
    NotesContext,
    PauseRecording,
    ResumeRecording,
    SendChat,
    StartScreenshare,
    StopScreenshare,
    Turn,
)
from delegate.domain.summary import RunningSummary
from tests.brain.meeting_script import BOT, PARTICIPANTS, build_turns, chat, speech
from tests.brain.synthetic import CHATTER, meeting

TURNS = build_turns()


@dataclass
class MemorySearch:
    """Search over a list of turns (its ``search`` is the brain's hook); records its calls."""

    turns: list[Turn]
    calls: list[tuple[str | None, list[str], int]] = field(default_factory=list)

    async def search(self, speaker: str | None, terms: list[str], limit: int) -> list[Turn]:
        self.calls.append((speaker, terms, limit))
        hits = [
            t
            for t in self.turns
            if (speaker is None or t.speaker == speaker)
            and any(term.lower() in t.text.lower() for term in terms)
        ]
        return hits[-limit:]


def context(
    text: str,
    who: str = "Dana",
    *,
    to_bot: bool = False,
    turns: list[Turn] = TURNS,
    budget: int = 3000,
    search: MemorySearch | None = None,
    summary: str | None = None,
) -> BrainContext:
    running = RunningSummary()
    running.extend(turns)
    trigger = chat(len(turns) + 1, who, text, turns[-1].end_s + 2, to_bot=to_bot)
    return build_context(
        bot_name=BOT,
        backstory="You are Ada, the product team's note taker.",
        instruction="Take notes for Dana and answer questions.",
        participants=PARTICIPANTS,
        summary=running.text() if summary is None else summary,
        recent=turns,
        trigger=trigger,
        token_budget=budget,
        search=search.search if search else None,
        key_points=running.key_turns() if summary is None else (),
    )


async def reply(ctx: BrainContext) -> list[Action]:
    return await OfflineBrain().respond(ctx)


def only_chat(actions: list[Action]) -> SendChat:
    assert len(actions) == 1
    assert isinstance(actions[0], SendChat)
    return actions[0]


async def test_greeting_names_the_asker_and_the_bot() -> None:
    message = only_chat(await reply(context("Hi Ada!", who="Priya")))
    assert message.text.startswith("Hi Priya! I'm Ada Notes")
    assert message.to == "everyone"


async def test_summary_so_far() -> None:
    message = only_chat(await reply(context("Ada, can you give us a summary so far?")))
    lines = message.text.splitlines()
    assert lines[0] == "Dana, here's the summary so far:"
    # Decisions first, then commitments, then the main points; filler ("So, ...") dropped.
    assert lines[1] == "- Dana Whitfield: We decided to launch on March 3rd."
    assert lines[2] == "- Priya Raman: Let's go with the phased rollout, ten percent first."
    assert "- Dana Whitfield: Priya will send the pricing draft by Friday." in lines
    assert len(lines) <= 9 and len(message.text) <= 1000


async def test_recap_without_a_running_summary_uses_recent_turns() -> None:
    message = only_chat(await reply(context("Ada, recap please", summary="")))
    assert "Do we keep the free tier?" in message.text


async def test_action_items_with_owners() -> None:
    message = only_chat(await reply(context("Ada, what are the action items?", who="Sam")))
    assert message.text.splitlines() == [
        "Sam, action items so far:",
        "- Sam Okafor: Fix the login bug before Thursday",
        "- Priya Raman: Send the pricing draft by Friday",
        "- Sam Okafor: Update the roadmap slide",
        "- Priya Raman: Book the user interviews by next Wednesday",
    ]


async def test_decisions() -> None:
    message = only_chat(await reply(context("ada which decisions did we make")))
    assert message.text.splitlines() == [
        "Dana, decisions so far:",
        "- We decided to launch on March 3rd.",
        "- Let's go with the phased rollout, ten percent first.",
    ]


async def test_decisions_outside_the_window_come_from_the_summary_and_search() -> None:
    early = [speech(1, "Dana", "We decided to freeze the API on Monday.", 10.0)]
    long_meeting = early + [
        Turn(t.seq + 1, t.speaker_id, t.speaker, t.text, t.source, t.start_s + 20, t.end_s + 20)
        for t in meeting(minutes=60, sentences=CHATTER)
    ]
    search = MemorySearch(long_meeting)
    ctx = context("Ada, decisions?", turns=long_meeting, budget=800, search=search, summary="")
    assert early[0] not in ctx.recent
    message = only_chat(await reply(ctx))
    assert "We decided to freeze the API on Monday." in message.text
    assert search.calls and search.calls[0][0] is None


async def test_what_did_someone_say_about_a_topic_quotes_them() -> None:
    message = only_chat(await reply(context("Ada, what did Priya say about the free tier?")))
    assert message.text == (
        'Dana, Priya Raman said about the free tier: "I think the free tier stays, but with a '
        'cap of three projects." (00:00:55)'
    )


async def test_what_did_someone_say_uses_search_for_older_turns() -> None:
    old = speech(1, "Sam", "The vendor contract renews in April, so we have time.", 30.0)
    turns = [old] + [
        Turn(t.seq + 1, t.speaker_id, t.speaker, t.text, t.source, t.start_s + 40, t.end_s + 40)
        for t in meeting(minutes=30)
    ]
    search = MemorySearch(turns)
    ctx = context(
        "Ada, what did Sam say about the vendor contract?", turns=turns, budget=600, search=search
    )
    assert old not in ctx.recent
    message = only_chat(await reply(ctx))
    assert '"The vendor contract renews in April, so we have time."' in message.text
    assert search.calls[0][0] == "Sam Okafor"
    assert "vendor" in search.calls[0][1]


async def test_what_did_someone_say_when_nothing_matches_is_honest() -> None:
    message = only_chat(await reply(context("Ada, what did Sam say about the budget?")))
    assert message.text == (
        "Dana, I couldn't find anything Sam Okafor said about the budget in the part of the "
        "meeting I have."
    )
    unknown = only_chat(await reply(context("Ada, what did Bob say about pricing?")))
    assert "I don't know anyone called Bob" in unknown.text


async def test_what_did_i_say_quotes_the_asker() -> None:
    message = only_chat(await reply(context("Ada, what did I say about the login bug?", who="Sam")))
    assert message.text.startswith("Sam, Sam Okafor said about the login bug:")


async def test_a_generic_first_word_of_the_bot_name_is_kept_in_the_request() -> None:
    ctx = context("The Notetaker, please leave the meeting")
    ctx = replace(ctx, bot_name="The Notetaker")
    assert (await reply(ctx))[-1] == LeaveMeeting()


async def test_did_anyone_mention() -> None:
    message = only_chat(await reply(context("Ada, did anyone mention the dashboard?")))
    assert "Sam Okafor:" in message.text
    assert "grafana.example.com" in message.text


async def test_who_is_here_lists_present_people_not_the_bot() -> None:
    message = only_chat(await reply(context("Who's in the meeting, Ada?", who="Sam")))
    assert message.text == (
        "Sam, in the meeting now: Dana Whitfield (host), Priya Raman, Sam Okafor."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ada, please leave the meeting",
        "Thanks Ada, you can go now.",
        "ada drop off",
        "Ada, could you leave now?",
        "Ok Ada, leave the call",
    ],
)
async def test_leave_says_goodbye_then_leaves(text: str) -> None:
    actions = await reply(context(text))
    assert len(actions) == 2
    assert isinstance(actions[0], SendChat)
    assert "Bye" in actions[0].text
    assert actions[1] == LeaveMeeting()


@pytest.mark.parametrize(
    "text",
    [
        "Ada, what did Sam say about the parental leave policy?",
        "I have to drop off at ten, Ada, can you send me the notes?",
        "Ada, please leave a note that the deadline moved",
    ],
)
async def test_leave_is_not_triggered_by_the_word_alone(text: str) -> None:
    assert LeaveMeeting() not in await reply(context(text))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Ada, pause the recording", None),
        ("ada stop recording please", None),
        ("Ada, let's go off the record for a minute", 1),
        ("Ada, pause for half an hour", 30),
        ("Ada, pause the recording for ten minutes", 10),
    ],
)
async def test_pause_recording(text: str, minutes: int | None) -> None:
    # The service tells the meeting how long (it knows the default limit and the time).
    assert await reply(context(text)) == [PauseRecording(minutes)]


async def test_resume_recording() -> None:
    actions = await reply(context("Ada, resume the recording"))
    assert actions == [ResumeRecording(), SendChat("Dana, recording resumed.")]


async def test_share_a_url() -> None:
    actions = await reply(context("Ada, share https://grafana.example.com/d/launch."))
    assert actions[0] == StartScreenshare("https://grafana.example.com/d/launch")
    bare = await reply(context("ada can you show docs.example.com/roadmap"))
    assert bare[0] == StartScreenshare("https://docs.example.com/roadmap")


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "https://127.1/", "https://localhost./"]
)
async def test_a_page_the_api_would_refuse_is_not_shared(url: str) -> None:
    # Anyone in the meeting can ask; the API's rule for pages holds on this path too.
    actions = await reply(context(f"Ada, please share {url}"))

    assert not [a for a in actions if isinstance(a, StartScreenshare)]
    assert "can't share" in only_chat(actions).text


async def test_share_without_a_url_asks_which_page() -> None:
    message = only_chat(await reply(context("Ada, share the dashboard page")))
    assert "which page?" in message.text


async def test_show_without_a_url_is_not_a_share() -> None:
    message = only_chat(await reply(context("Ada, show me the action items")))
    assert "action items so far" in message.text


async def test_stop_sharing() -> None:
    actions = await reply(context("Ada, stop sharing please"))
    assert actions[0] == StopScreenshare()


async def test_a_statement_sent_to_the_bot_is_acknowledged() -> None:
    message = only_chat(await reply(context("the deadline moved to May", to_bot=True)))
    assert message.text == "Noted, Dana."


async def test_unknown_questions_get_a_short_honest_answer() -> None:
    message = only_chat(await reply(context("Ada, what's the weather in Lisbon?", who="Priya")))
    assert message.text == (
        "Priya, I can't answer that without a language model; ask me for a summary, action "
        "items, decisions, who said what, or who is here."
    )


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Ada, note that the deadline moved to May", "Noted, Dana."),
        ("Ada, please remember that Lee is out next week", "Noted, Dana."),
        (
            "Ada, don't put the salaries in the notes",
            "Okay Dana, I'll leave the salaries out of the notes.",
        ),
        ("Ada, please send the notes to Lee", "Dana, I can't do that without a language model;"),
        ("Ada, could you book a room for Friday?", "Dana, I can't do that without a language"),
        ("Ada, tell me a joke", "Dana, I can't answer that without a language model;"),
        ("Ada, why is the build red?", "Dana, I can't answer that without a language model;"),
    ],
)
async def test_what_it_cannot_do_gets_a_short_reply(text: str, answer: str) -> None:
    message = only_chat(await reply(context(text)))
    assert message.text.startswith(answer)
    assert "\n" not in message.text and len(message.text) < 160


async def test_being_named_in_passing_is_not_answered() -> None:
    assert await reply(context("I brought Ada along to keep notes, I hope that's okay.")) == []
    assert await reply(context("Ada's notes from last week had the numbers.")) == []
    assert await reply(context("Ada is great at this")) == []


async def test_an_unnamed_follow_up_it_cannot_answer_stays_quiet() -> None:
    assert await reply(context("and who owns the launch checklist?")) == []
    follow = only_chat(await reply(context("can you also list the action items")))
    assert "action items so far" in follow.text


async def test_summarize_what_we_agreed_is_a_summary() -> None:
    message = only_chat(await reply(context("Ada, can you summarize what we agreed so far?")))
    assert message.text.startswith("Dana, here's the summary so far:")
    decisions = only_chat(await reply(context("Ada, what did we agree on?")))
    assert decisions.text.startswith("Dana, decisions so far:")


async def test_direct_chat_is_answered_to_everyone_naming_the_asker() -> None:
    message = only_chat(await reply(context("who is here?", who="Sam", to_bot=True)))
    assert message.to == "everyone"
    assert message.text.startswith("Sam,")


async def test_write_notes_uses_the_offline_extraction() -> None:
    notes = await OfflineBrain().write_notes(
        NotesContext(
            bot_name=BOT, backstory="", instruction="", participants=PARTICIPANTS, turns=TURNS
        )
    )
    assert ActionItem("Update the roadmap slide", "Sam Okafor") in notes.action_items
    assert notes.decisions[0] == "We decided to launch on March 3rd."
