"""The built-in brain that needs no model.

It recognises a handful of requests by their wording (``offline_requests``) and answers
from what the context holds: the running summary, the recent turns and, when given, a
search over the whole transcript. It never invents content: every answer quotes or lists
what was said. What it cannot do gets a short, honest reply: a note is acknowledged, a
question or task it cannot handle is declined in one sentence, and a question that did not
name the bot (a follow-up that may have been meant for the room) is left alone.

Replies go to everyone, even when the question was a chat sent only to the bot: Recall can
send direct messages on Zoom only, so the reply names the asker instead ("Dana, ...").
"""

from __future__ import annotations

from collections.abc import Sequence

from delegate.adapters.llm.offline_requests import (
    ACTIONS,
    ANYONE_ABOUT,
    DECISIONS,
    DECISIONS_WORD,
    GREETING,
    HELP,
    LEAVE,
    PAUSE,
    PRAISE,
    PROMISED,
    RESUME,
    SAID_ABOUT,
    SHARE,
    SHARE_WHAT,
    STOP_SHARING,
    SUMMARY,
    THANKS,
    WHO,
    Ask,
    Request,
    ask_kind,
    parse_request,
    url_in,
)
from delegate.domain.addressing import tokens
from delegate.domain.knowledge import Knowledge, Passage, citation
from delegate.domain.meeting import (
    Action,
    BrainContext,
    LeaveMeeting,
    MeetingNotes,
    NotesContext,
    Participant,
    PauseRecording,
    ResumeRecording,
    SendChat,
    StartScreenshare,
    StopScreenshare,
    Turn,
    TurnSource,
)
from delegate.domain.notes import (
    bot_names,
    decision_in,
    extract_action_items,
    extract_decisions,
    extract_notes,
    left_out_topic,
    meeting_content,
    tidy,
)
from delegate.domain.pause import pause_minutes
from delegate.domain.summary import (
    Point,
    RunningSummary,
    clip,
    highlights,
    split_sentences,
    topic_words,
)
from delegate.domain.transcript_format import clock
from delegate.domain.validation import page_url_problem

MAX_CHAT_CHARS = 1000
"""Longest reply sent in one chat message: readable in a meeting chat panel."""
_SEARCH_LIMIT = 40
_QUOTES = 3
_RECAP_POINT_CHARS = 200
_RECAP_POINTS = 64
"""Points a recap chooses from: the running summary's and the recent turns'."""
_RECAP_LINES = 7
_RECAP_DECISIONS = 3
_RECAP_COMMITMENTS = 3
_MIN_POINT_WORDS = 4
"""Shorter points ("Sure, I'll do it.") say too little on their own."""

CAPABILITIES = (
    "give a summary so far, list action items or decisions, tell you what someone said "
    "about a topic, say who is here, leave the meeting, pause or resume the recording, "
    "and share a web page (or stop sharing)"
)
ASK_ME = "ask me for a summary, action items, decisions, who said what, or who is here"
_EVERYONE_WORDS = "anyone anybody someone somebody everyone everybody we people they"
_EVERYONE = frozenset(_EVERYONE_WORDS.split())


def _merge(*groups: Sequence[Turn]) -> list[Turn]:
    seen: set[tuple[int, str]] = set()
    out = []
    for group in groups:
        for turn in group:
            key = (turn.seq, turn.text)
            if key not in seen:
                seen.add(key)
                out.append(turn)
    return sorted(out, key=lambda t: t.seq)


def _recap(points: Sequence[Point], ctx: BrainContext, topics: Sequence[str]) -> list[Point]:
    """The points worth repeating in a short recap: the latest decisions, then the latest
    commitments, then the main points (see ``highlights``), each group in meeting order."""
    decisions: list[Point] = []
    commitments: list[Point] = []
    others: list[Point] = []
    for point in points:
        said = Turn(0, None, point.speaker, point.text, TurnSource.SPEECH, 0.0, 0.0)
        if decision_in(point.text):
            decisions.append(point)
        elif extract_action_items([said], ctx.participants):
            commitments.append(point)
        elif point.score > 0 and len(tidy(point.text).split()) >= _MIN_POINT_WORDS:
            others.append(point)
    decisions, commitments = decisions[-_RECAP_DECISIONS:], commitments[-_RECAP_COMMITMENTS:]
    room = max(2, _RECAP_LINES - len(decisions) - len(commitments))
    return [*decisions, *commitments, *highlights(others, topics, room)]


def _chat(text: str) -> SendChat:
    return SendChat(clip(text, MAX_CHAT_CHARS))


def _humans(participants: Sequence[Participant]) -> list[Participant]:
    return [p for p in participants if not p.is_bot]


def _resolve_speaker(who: str, ctx: BrainContext) -> str | None:
    """The display name ``who`` refers to (a first name is enough), or None if unknown."""
    wanted = tokens(who)
    if not wanted:
        return None
    names = [p.name for p in _humans(ctx.participants)]
    names += [t.speaker for t in ctx.recent if not t.by_bot]
    for name in names:
        have = tokens(name)
        if have[: len(wanted)] == wanted or (have and wanted[0] == have[0]):
            return name
    return None


def _best(turns: list[Turn], terms: list[str]) -> list[Turn]:
    """The turns matching the most terms (the newest among equals), in meeting order."""

    def matched(turn: Turn) -> int:
        text = turn.text.lower()
        return sum(term in text for term in terms)

    ranked = sorted(turns, key=lambda t: (matched(t), t.seq), reverse=True)[:_QUOTES]
    return sorted(ranked, key=lambda t: t.seq)


def _quote(turn: Turn, terms: list[str]) -> str:
    sentences = split_sentences(turn.text)
    hits = [s for s in sentences if any(t in s.lower() for t in terms)] if terms else []
    text = " ".join(hits[:2]) if hits else turn.text
    return f'"{clip(text, 220)}" ({clock(turn.start_s)})'


QUOTE_CHARS = 400


def _quote_passage(passage: Passage, question: str) -> str:
    """The passage's sentences that share most words with the question (its opening when
    none does, as for a question in another language), within ``QUOTE_CHARS``."""
    sentences = [s for s in split_sentences(passage.text.replace("\n", " ")) if s.strip()]
    asked = set(tokens(question))
    ranked = sorted(range(len(sentences)), key=lambda i: -len(asked & set(tokens(sentences[i]))))
    overlap = bool(ranked) and bool(asked & set(tokens(sentences[ranked[0]])))
    picked = sorted(ranked[:2]) if overlap else list(range(len(sentences)))
    quote = ""
    for i in picked:
        if quote and len(quote) + 1 + len(sentences[i]) > QUOTE_CHARS:
            break
        quote = f"{quote} {sentences[i]}".strip()
    return clip(quote or passage.text, QUOTE_CHARS).lstrip("# ")


def _from_knowledge(asker: str, knowledge: Knowledge, question: str) -> SendChat:
    """The best passage and its citation when it answers the question; otherwise an honest
    "I don't know" rather than the nearest unrelated passage."""
    best = knowledge.strong()
    if best is None:
        return _chat(f"{asker}, I don't know: my documents say nothing about that.")
    return _chat(f"{asker}, {_quote_passage(best, question)} [1]\n{citation(1, best)}")


class OfflineBrain:
    """A Brain without a model: rules over the context, honest about its limits."""

    async def respond(self, ctx: BrainContext) -> list[Action]:
        """Actions answering ``ctx.trigger``: a chat reply or an action, or nothing when
        the bot was only named in passing or a follow-up it cannot answer was likely
        meant for the room."""
        request = parse_request(ctx)
        text, asker = request.text, request.asker
        control = self._control(ctx, request)
        if control is not None:
            return control
        promised = PROMISED.search(text)
        if promised:
            return [await self._promised(ctx, asker, promised["who"])]
        said = SAID_ABOUT.search(text)
        if said and tokens(said["who"]) != ["you"]:
            who = said["who"]
            if tokens(who) in (["i"], ["me"]):
                who = ctx.trigger.speaker
            return [await self._said_about(ctx, asker, who, said["topic"])]
        anyone = ANYONE_ABOUT.search(text)
        if anyone:
            return [await self._said_about(ctx, asker, "anyone", anyone["topic"])]
        answers: list[Action] = []
        summary = SUMMARY.search(text)
        # "Summarize what we agreed so far" wants the summary, which leads with the
        # decisions; "decisions so far" and "action items" name what they want.
        if DECISIONS_WORD.search(text) or (DECISIONS.search(text) and not summary):
            answers.append(await self._decisions(ctx, asker))
        if ACTIONS.search(text):
            answers.append(await self._action_items(ctx, asker))
        if answers:
            return answers
        if WHO.search(text):
            return [self._who(ctx, asker)]
        if summary:
            return [self._summary(ctx, asker)]
        if HELP.search(text):
            return [_chat(f"{asker}, I can {CAPABILITIES}.")]
        return self._small_talk(ctx, request)

    def _control(self, ctx: BrainContext, request: Request) -> list[Action] | None:
        """Leave, recording and screen-share requests, or None when it is none of those."""
        text, asker = request.text, request.asker
        if STOP_SHARING.search(text):
            return [StopScreenshare(), _chat(f"{asker}, I've stopped sharing.")]
        if SHARE.search(text):
            url = url_in(ctx.trigger.text)
            problem = page_url_problem(url) if url is not None else None
            if url is not None and problem:
                return [_chat(f"{asker}, I can't share that: the address {problem}.")]
            if url is not None:
                return [StartScreenshare(url), _chat(f"{asker}, sharing {url} now.")]
            if SHARE_WHAT.search(text):
                return [_chat(f"{asker}, which page? Send me its full address (https://...).")]
        if RESUME.search(text):
            return [ResumeRecording(), _chat(f"{asker}, recording resumed.")]
        if PAUSE.search(text):
            # The service tells the meeting when it resumes: it knows the limit and the time.
            return [PauseRecording(pause_minutes(text))]
        if LEAVE.search(text):
            return [_chat(f"Okay {asker}, leaving now. Bye everyone!"), LeaveMeeting()]
        return None

    def _small_talk(self, ctx: BrainContext, request: Request) -> list[Action]:
        """Greetings, thanks, notes to keep, and what the offline brain cannot do."""
        asker, plain = request.asker, request.plain
        if GREETING.search(plain) and len(plain.split()) <= 6:
            return [
                _chat(
                    f"Hi {asker}! I'm {ctx.bot_name}, taking notes in this meeting. "
                    "Ask me for a summary, the action items or what someone said."
                )
            ]
        if THANKS.search(plain) and len(plain.split()) <= 6:
            return [_chat(f"You're welcome, {asker}.")]
        if PRAISE.search(plain) and (request.named or ctx.trigger.to_bot):
            return [_chat(f"Thank you, {asker}!")]
        kind = ask_kind(request.text, to_bot=ctx.trigger.to_bot)
        if request.greeted and kind is Ask.NOTHING:
            # "Sure, no problem. Hello Ada.": a hello back, not a menu.
            return [_chat(f"Hi {asker}!")]
        if not (request.named or ctx.trigger.to_bot):
            # A question right after the bot spoke that it has no answer for was most
            # likely put to the room ("can we add seats at the same rate?").
            return []
        if ctx.knowledge is not None and kind in (Ask.QUESTION, Ask.TASK):
            return [_from_knowledge(asker, ctx.knowledge, request.text)]
        if kind is Ask.QUESTION:
            return [_chat(f"{asker}, I can't answer that without a language model; {ASK_ME}.")]
        if kind is Ask.TASK:
            return [_chat(f"{asker}, I can't do that without a language model; {ASK_ME}.")]
        if kind is Ask.NOTE:
            topic = left_out_topic(request.text)
            if topic:
                # The notes leave out every sentence that mentions these words.
                return [_chat(f"Okay {asker}, I'll leave {topic} out of the notes.")]
            return [_chat(f"Noted, {asker}.")]
        # Named in passing ("I brought Ada along to keep notes"): nothing was asked.
        return []

    async def write_notes(self, ctx: NotesContext) -> MeetingNotes:
        """Notes extracted by rules from the whole transcript."""
        return extract_notes(ctx.turns, ctx.participants, bot_name=ctx.bot_name)

    async def _searched(
        self, ctx: BrainContext, speaker: str | None, terms: list[str]
    ) -> list[Turn]:
        if ctx.search is None or not terms:
            return []
        return await ctx.search(speaker, terms, _SEARCH_LIMIT)

    async def _said_about(self, ctx: BrainContext, asker: str, who: str, topic: str) -> SendChat:
        anyone = set(tokens(who)) <= _EVERYONE
        speaker = None if anyone else _resolve_speaker(who, ctx)
        if not anyone and speaker is None:
            return _chat(f"{asker}, I don't know anyone called {who.strip()} in this meeting.")
        terms = list(dict.fromkeys(topic_words(topic)))
        found = await self._searched(ctx, speaker, terms)
        recent = [
            t
            for t in ctx.recent
            if not t.by_bot
            and (speaker is None or t.speaker == speaker)
            and (not terms or any(term in t.text.lower() for term in terms))
        ]
        turns = _best(_merge(found, recent), terms)
        subject = f" about {topic.strip()}" if terms else ""
        if not turns:
            where = (
                "in the meeting" if ctx.search is not None else "in the part of the meeting I have"
            )
            who_text = "anyone say anything" if speaker is None else f"anything {speaker} said"
            return _chat(f"{asker}, I couldn't find {who_text}{subject} {where}.")
        if speaker is None:
            quotes = "; ".join(f"{t.speaker}: {_quote(t, terms)}" for t in turns)
            return _chat(f"{asker}, here is what was said{subject}: {quotes}")
        quotes = "; ".join(_quote(t, terms) for t in turns)
        return _chat(f"{asker}, {speaker} said{subject}: {quotes}")

    async def _promised(self, ctx: BrainContext, asker: str, who: str) -> SendChat:
        """The action items of one person, found over the whole meeting."""
        person = ctx.trigger.speaker if tokens(who) in (["i"], ["me"]) else who
        speaker = _resolve_speaker(person, ctx)
        if speaker is None:
            return _chat(f"{asker}, I don't know anyone called {person.strip()} in this meeting.")
        terms = ["i'll", "i will", "will", "can you", "could you", "would you", "action item"]
        turns = await self._known_turns(ctx, terms)
        items = extract_action_items(
            [t for t in turns if t.seq != ctx.trigger.seq], ctx.participants
        )
        first = tokens(speaker)[:1]
        mine = [i for i in items if i.owner and tokens(i.owner)[:1] == first]
        if not mine:
            return _chat(f"{asker}, I haven't heard {speaker} take on anything yet.")
        lines = "\n".join(f"- {i.text}" for i in mine)
        return _chat(f"{asker}, {speaker} took on:\n{lines}")

    async def _known_turns(self, ctx: BrainContext, terms: list[str]) -> list[Turn]:
        found = await self._searched(ctx, None, terms)
        turns = _merge(ctx.key_points, found, ctx.recent, [ctx.trigger])
        return meeting_content(turns, bot_names(ctx.bot_name, ctx.participants))

    async def _decisions(self, ctx: BrainContext, asker: str) -> SendChat:
        terms = ["decided", "decision", "agreed", "go with", "going with"]
        decisions = extract_decisions(await self._known_turns(ctx, terms))
        if not decisions:
            return _chat(f"{asker}, I haven't heard any decisions yet.")
        lines = "\n".join(f"- {d}" for d in decisions)
        return _chat(f"{asker}, decisions so far:\n{lines}")

    async def _action_items(self, ctx: BrainContext, asker: str) -> SendChat:
        terms = ["action item", "will", "i'll", "can you", "could you", "todo", "follow up"]
        turns = await self._known_turns(ctx, terms)
        items = extract_action_items(
            [t for t in turns if t.seq != ctx.trigger.seq], ctx.participants
        )
        if not items:
            return _chat(f"{asker}, I haven't heard any action items yet.")
        lines = "\n".join(f"- {i.owner or 'Unassigned'}: {i.text}" for i in items)
        return _chat(f"{asker}, action items so far:\n{lines}")

    def _summary(self, ctx: BrainContext, asker: str) -> SendChat:
        """Decisions and commitments first, then the main points, each with its speaker."""
        # The running summary holds the salient points of the whole meeting, the latest
        # included; the recent turns stand in for it only when it is empty.
        bot = bot_names(ctx.bot_name, ctx.participants)
        before = meeting_content([t for t in ctx.recent if t.seq != ctx.trigger.seq], bot)
        said = meeting_content(ctx.key_points, bot) or before
        running = RunningSummary(max_points=_RECAP_POINTS)
        running.extend(said)
        points = _recap(running.points(), ctx, running.topics(10))
        opening = f"{asker}, here's the summary so far:"
        lines = [f"- {p.speaker}: {clip(tidy(p.text), _RECAP_POINT_CHARS)}" for p in points]
        if not lines:
            lines = [f"- {t.speaker}: {clip(t.text, _RECAP_POINT_CHARS)}" for t in before[-3:]]
            opening = f"{asker}, nothing decided or planned yet. Most recently:"
        if not lines:
            return _chat(f"{asker}, nothing has been said yet.")
        # The main points come last, so they give way first when the chat is short.
        while len(lines) > 1 and len(opening) + sum(len(line) + 1 for line in lines) > (
            MAX_CHAT_CHARS
        ):
            lines.pop()
        return _chat("\n".join([opening, *lines]))

    def _who(self, ctx: BrainContext, asker: str) -> SendChat:
        present = [p for p in _humans(ctx.participants) if p.present]
        if present:
            names = ", ".join(f"{p.name} (host)" if p.is_host else p.name for p in present)
            return _chat(f"{asker}, in the meeting now: {names}.")
        speakers = list(dict.fromkeys(t.speaker for t in ctx.recent if not t.by_bot))
        if speakers:
            return _chat(
                f"{asker}, I don't have the participant list; I've heard from "
                f"{', '.join(speakers)}."
            )
        return _chat(f"{asker}, I don't have the participant list yet.")
