"""The built-in brain that needs no model.

It recognises a handful of requests by their wording and answers from what the context
holds: the running summary, the recent turns and, when given, a search over the whole
transcript. Anything else gets an honest "I can't do that offline" and the list of what it
can do. It never invents content: every answer quotes or lists what was said.

Replies go to everyone, even when the question was a chat sent only to the bot: Recall can
send direct messages on Zoom only, so the reply names the asker instead ("Dana, ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from delegate.domain.addressing import is_question, name_variants, tokens
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
from delegate.domain.notes import extract_action_items, extract_decisions, extract_notes
from delegate.domain.summary import RunningSummary, clip, split_sentences, topic_words
from delegate.domain.transcript_format import clock

MAX_CHAT_CHARS = 1000
"""Longest reply sent in one chat message: readable in a meeting chat panel."""
_SEARCH_LIMIT = 40
_QUOTES = 3

CAPABILITIES = (
    "give a summary so far, list action items or decisions, tell you what someone said "
    "about a topic, say who is here, leave the meeting, pause or resume the recording, "
    "and share a web page (or stop sharing)"
)

_PREFIX = (
    r"(?:^|\b(?:please|can you|could you|would you|will you|go ahead and|you can|you may"
    r"|you should|i need you to|i want you to|i'd like you to)\s+)(?:please\s+)?"
)
_STOP_SHARING = re.compile(
    _PREFIX + r"(?:stop|end|quit|close)\s+(?:the\s+|your\s+)?(?:screen\s?)?"
    r"(?:shar(?:ing|e)|screenshare|presenting|presentation)|\bunshare\b",
    re.IGNORECASE,
)
_SHARE = re.compile(
    _PREFIX + r"(?:share|show|present|open|put up|pull up|display|bring up)\b", re.IGNORECASE
)
_SHARE_WHAT = re.compile(r"\b(?:page|link|site|website|url|tab|screen|web ?page)\b", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_BARE_URL = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|ai|app|co|edu|gov|uk|de|fr|me|info|so|xyz"
    r"|page|site|us|ca|eu)(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_RESUME = re.compile(
    _PREFIX + r"(?:resume|restart|continue|unpause|start)\s+(?:the\s+|your\s+)?"
    r"(?:recording|transcri\w+|taking notes)"
    r"|\bback on the record\b|\b(?:you can|ok to|okay to) record again\b",
    re.IGNORECASE,
)
_PAUSE = re.compile(
    _PREFIX + r"(?:pause|stop|halt|suspend)\s+(?:the\s+|your\s+)?"
    r"(?:recording|transcri\w+|taking notes)|\boff the record\b",
    re.IGNORECASE,
)
_LEAVE = re.compile(
    _PREFIX + r"(?:leave|drop(?:\s+off|\s+out)?|hang up|log off|sign off|exit|head out"
    r"|disconnect)(?=\s*(?:$|[.!,?]|now\b|please\b|the (?:meeting|call)\b|us\b|for now\b))"
    r"|\byou (?:can|may|could) (?:go|leave)(?=\s*(?:$|[.!,?]|now\b|too\b))"
    r"|\byou(?:'re| are) (?:free to go|dismissed)\b|\btime for you to (?:go|leave)\b",
    re.IGNORECASE,
)
_SAID_ABOUT = re.compile(
    r"\bwhat (?:did|has|was|were|have) (?P<who>[\w .'-]{1,60}?) (?:just )?"
    r"(?:say|said|saying|mention|mentioned|think|thinks|thought|talk|talking)\b"
    r"(?:\s+(?:about|on|regarding|re|concerning|of)\b)?(?P<topic>[^?]*)",
    re.IGNORECASE,
)
_ANYONE_ABOUT = re.compile(
    r"\b(?:did (?:anyone|anybody|someone|somebody) (?:mention|say|talk about)"
    r"|what was said about|was there anything (?:said )?about)\b(?P<topic>[^?]*)",
    re.IGNORECASE,
)
_DECISIONS = re.compile(
    r"\b(?:decisions?|decided|what (?:did|have) we (?:agree|decide)\w*)\b", re.IGNORECASE
)
_ACTIONS = re.compile(
    r"\b(?:action items?|to-?dos?|next steps|follow[- ]ups|who(?:'s| is) doing what|tasks)\b",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"\b(?:summary|summari[sz]e|recap|catch (?:me|us) up|what (?:have|did) we (?:discuss|cover)"
    r"|what(?:'s| has) been (?:discussed|said)|tl;?dr|so far)\b",
    re.IGNORECASE,
)
_WHO = re.compile(
    r"\bwho(?:'s| is| are)(?: all)? (?:here|in (?:the|this) (?:meeting|call)|on (?:the|this) call"
    r"|attending|present|joined)|\bwho joined\b|\b(?:list|show)(?: the)? (?:participants|attendees)"
    r"|\bparticipants\b|\battendees\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|morning|yo)\b", re.IGNORECASE
)
_THANKS = re.compile(r"\b(?:thanks|thank you|cheers|much appreciated)\b", re.IGNORECASE)
_HELP = re.compile(r"\b(?:what can you do|help|how do you work|what do you do)\b", re.IGNORECASE)
_REQUEST = re.compile(
    r"^(?:note|remember|add|write|send|draft|email|translate|book|schedule|find|look|check"
    r"|keep|make|create|set|record|read|give|tell)\b|\b(?:can|could|would|will) you\b"
    r"|\bplease\b|\bi (?:need|want|would like) you\b",
    re.IGNORECASE,
)
_EVERYONE_WORDS = "anyone anybody someone somebody everyone everybody we people they"
_EVERYONE = frozenset(_EVERYONE_WORDS.split())
_LEAD = re.compile(
    r"^[\s,.:;!-]*(?:(?:hey|hi|ok(?:ay)?|so|um|uh|and|well)[\s,.:;!-]+)*", re.IGNORECASE
)


@dataclass(frozen=True)
class _Request:
    asker: str
    """First name of the person asking, used to address the reply."""
    text: str
    """The trigger with the bot's name and leading fillers removed."""
    plain: str
    """The trigger with the bot's name removed (greetings live in the fillers)."""


def _request(ctx: BrainContext) -> _Request:
    text = ctx.trigger.text
    words = [re.escape(w) for w in ctx.bot_name.split() if w]
    if words:
        names = [r"[\s-]*".join(words)]
        # The short name only when it really stands for the bot ("Ada", not "The").
        if tokens(ctx.bot_name)[0] in name_variants(ctx.bot_name, ctx.participants):
            names.append(words[0])
        text = re.sub(
            r"@?\b(?:" + "|".join(names) + r")(?:['\u2019]s)?\b[,:]?",
            " ",
            text,
            flags=re.IGNORECASE,
        )
    plain = " ".join(text.split()).strip(" ,:")
    asker = ctx.trigger.speaker.split()[0] if ctx.trigger.speaker.split() else "there"
    return _Request(asker=asker, text=_LEAD.sub("", plain), plain=plain)


def _is_request(text: str) -> bool:
    return "?" in text or is_question(text) or bool(_REQUEST.search(text))


def _url_in(text: str) -> str | None:
    found = _URL.search(text)
    url = found.group(0) if found else None
    if url is None:
        bare = _BARE_URL.search(text)
        url = f"https://{bare.group(0)}" if bare else None
    return url.rstrip(".,;:!?)]}'\"") if url else None


def _summary_turns(summary: str) -> list[Turn]:
    """The running summary's "- Speaker: point" lines as turns, so extraction sees the
    whole meeting's salient points, not just the recent window."""
    out = []
    for line in summary.splitlines():
        match = re.match(r"^-\s+(?P<speaker>[^:]{1,80}):\s+(?P<text>.+)$", line.strip())
        if match:
            out.append(Turn(0, None, match["speaker"], match["text"], TurnSource.SPEECH, 0.0, 0.0))
    return out


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


def _fit(lines: list[str], tail: list[str], max_chars: int) -> list[str]:
    """Header lines, as many of the newest points as fit, then ``tail`` if it still fits.

    A chat message is short, so the oldest points give way first: someone asking for a
    recap mid-meeting mostly missed the recent part.
    """
    header = [line for line in lines if not line.startswith("- ")]
    points = [line for line in lines if line.startswith("- ")]
    size = sum(len(line) + 1 for line in header)
    kept: list[str] = []
    for point in reversed(points):
        if size + len(point) + 1 > max_chars:
            break
        kept.insert(0, point)
        size += len(point) + 1
    if len(kept) < len(points):
        left_out = len(points) - len(kept)
        header.append(f"(... {left_out} earlier point{'s' if left_out > 1 else ''} left out)")
    body = [*header, *kept]
    if tail and size + sum(len(line) + 1 for line in tail) <= max_chars:
        body += tail
    return body


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


class OfflineBrain:
    """A Brain without a model: rules over the context, honest about its limits."""

    async def respond(self, ctx: BrainContext) -> list[Action]:
        """Actions answering ``ctx.trigger``; always at least one chat reply or action."""
        request = _request(ctx)
        text, asker = request.text, request.asker
        if _STOP_SHARING.search(text):
            return [StopScreenshare(), _chat(f"{asker}, I've stopped sharing.")]
        if _SHARE.search(text):
            url = _url_in(ctx.trigger.text)
            if url is not None:
                return [StartScreenshare(url), _chat(f"{asker}, sharing {url} now.")]
            if _SHARE_WHAT.search(text):
                return [_chat(f"{asker}, which page? Send me its full address (https://...).")]
        if _RESUME.search(text):
            return [ResumeRecording(), _chat(f"{asker}, recording resumed.")]
        if _PAUSE.search(text):
            return [
                PauseRecording(),
                _chat(f'{asker}, recording paused. Say "resume recording" to start again.'),
            ]
        if _LEAVE.search(text):
            return [_chat(f"Okay {asker}, leaving now. Bye everyone!"), LeaveMeeting()]
        said = _SAID_ABOUT.search(text)
        if said and tokens(said["who"]) != ["you"]:
            who = said["who"]
            if tokens(who) in (["i"], ["me"]):
                who = ctx.trigger.speaker
            return [await self._said_about(ctx, asker, who, said["topic"])]
        anyone = _ANYONE_ABOUT.search(text)
        if anyone:
            return [await self._said_about(ctx, asker, "anyone", anyone["topic"])]
        answers: list[Action] = []
        if _DECISIONS.search(text):
            answers.append(await self._decisions(ctx, asker))
        if _ACTIONS.search(text):
            answers.append(await self._action_items(ctx, asker))
        if answers:
            return answers
        if _WHO.search(text):
            return [self._who(ctx, asker)]
        if _SUMMARY.search(text):
            return [self._summary(ctx, asker)]
        if _HELP.search(text):
            return [_chat(f"{asker}, I can {CAPABILITIES}.")]
        if _GREETING.search(request.plain) and len(request.plain.split()) <= 6:
            return [
                _chat(
                    f"Hi {asker}! I'm {ctx.bot_name}, taking notes in this meeting. "
                    "Ask me for a summary, the action items or what someone said."
                )
            ]
        if _THANKS.search(request.plain) and len(request.plain.split()) <= 6:
            return [_chat(f"You're welcome, {asker}.")]
        if not ctx.trigger.to_bot and not _is_request(text):
            # Named in passing ("I brought Ada along to keep notes"): nothing was asked.
            return []
        return [
            _chat(
                f"{asker}, I'm running without a language model, so I can't answer that. "
                f"I can {CAPABILITIES}."
            )
        ]

    async def write_notes(self, ctx: NotesContext) -> MeetingNotes:
        """Notes extracted by rules from the whole transcript."""
        return extract_notes(ctx.turns, ctx.participants)

    async def _searched(
        self, ctx: BrainContext, speaker: str | None, terms: list[str]
    ) -> list[Turn]:
        if ctx.search is None or not terms:
            return []
        return await ctx.search.search(speaker, terms, _SEARCH_LIMIT)

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

    async def _known_turns(self, ctx: BrainContext, terms: list[str]) -> list[Turn]:
        found = await self._searched(ctx, None, terms)
        return _merge(_summary_turns(ctx.summary), found, ctx.recent, [ctx.trigger])

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
        summary = ctx.summary.strip()
        if not summary:
            running = RunningSummary()
            running.extend(ctx.recent)
            summary = running.text(MAX_CHAT_CHARS)
        lines = summary.splitlines()
        recent = [t for t in ctx.recent if not t.by_bot][-3:]
        latest = [
            f"- {t.speaker}: {clip(t.text, 160)}"
            for t in recent
            if not any(t.text.startswith(line.split(": ", 1)[-1][:40]) for line in lines)
        ]
        if not lines and not latest:
            return _chat(f"{asker}, nothing has been said yet.")
        opening = f"{asker}, here's the summary so far:"
        tail = ["Most recently:", *latest] if latest else []
        return _chat("\n".join([opening, *_fit(lines, tail, MAX_CHAT_CHARS - len(opening) - 1)]))

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
