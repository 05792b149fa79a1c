"""What a participant asks the offline brain, read from the wording alone.

The patterns recognise the requests the offline brain can serve (leave, pause, share, ...)
and sort everything else into a note to acknowledge, a task it cannot do or a question it
cannot answer, so each gets a short, honest reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from delegate.domain.addressing import mentions, name_variants, tokens
from delegate.domain.meeting import BrainContext

_PREFIX = (
    r"(?:^|\b(?:please|can you|could you|would you|will you|go ahead and|you can|you may"
    r"|you should|i need you to|i want you to|i'd like you to)\s+)(?:please\s+)?"
)
STOP_SHARING = re.compile(
    _PREFIX + r"(?:stop|end|quit|close)\s+(?:the\s+|your\s+)?(?:screen\s?)?"
    r"(?:shar(?:ing|e)|screenshare|presenting|presentation)|\bunshare\b",
    re.IGNORECASE,
)
SHARE = re.compile(
    _PREFIX + r"(?:share|show|present|open|put up|pull up|display|bring up)\b", re.IGNORECASE
)
SHARE_WHAT = re.compile(r"\b(?:page|link|site|website|url|tab|screen|web ?page)\b", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_BARE_URL = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|ai|app|co|edu|gov|uk|de|fr|me|info|so|xyz"
    r"|page|site|us|ca|eu)(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
RESUME = re.compile(
    _PREFIX + r"(?:resume|restart|continue|unpause|start)\s+(?:the\s+|your\s+)?"
    r"(?:recording|transcri\w+|taking notes)"
    r"|\bback on the record\b|\b(?:you can|ok to|okay to) record again\b",
    re.IGNORECASE,
)
PAUSE = re.compile(
    _PREFIX + r"(?:pause|stop|halt|suspend)\s+(?:the\s+|your\s+)?"
    r"(?:recording|transcri\w+|taking notes)|\boff the record\b"
    r"|" + _PREFIX + r"pause\s+(?:for|until)\b",
    re.IGNORECASE,
)
LEAVE = re.compile(
    _PREFIX + r"(?:leave|drop(?:\s+off|\s+out)?|hang up|log off|sign off|exit|head out"
    r"|disconnect)(?=\s*(?:$|[.!,?]|now\b|please\b|the (?:meeting|call)\b|us\b|for now\b))"
    r"|\byou (?:can|may|could) (?:go|leave)(?=\s*(?:$|[.!,?]|now\b|too\b))"
    r"|\byou(?:'re| are) (?:free to go|dismissed)\b|\btime for you to (?:go|leave)\b",
    re.IGNORECASE,
)
SAID_ABOUT = re.compile(
    r"\bwhat (?:did|has|was|were|have) (?P<who>[\w .'-]{1,60}?) (?:just )?"
    r"(?:say|said|saying|mention|mentioned|think|thinks|thought|talk|talking)\b"
    r"(?:\s+(?:about|on|regarding|re|concerning|of)\b)?(?P<topic>[^?]*)",
    re.IGNORECASE,
)
ANYONE_ABOUT = re.compile(
    r"\b(?:did (?:anyone|anybody|someone|somebody) (?:mention|say|talk about)"
    r"|what was said about|was there anything (?:said )?about)\b(?P<topic>[^?]*)",
    re.IGNORECASE,
)
DECISIONS_WORD = re.compile(r"\bdecisions?\b", re.IGNORECASE)
"""Asking for the decisions by name; wins over a request for a summary."""
DECISIONS = re.compile(
    r"\b(?:decisions?|decided|what (?:did|have) we (?:agree|decide)\w*)\b", re.IGNORECASE
)
ACTIONS = re.compile(
    r"\b(?:action items?|to-?dos?|next steps|follow[- ]ups|who(?:'s| is) doing what|tasks)\b",
    re.IGNORECASE,
)
SUMMARY = re.compile(
    r"\b(?:summary|summari[sz]e|summari[sz]ing|recap|catch (?:me|us) up|fill (?:me|us) in"
    r"|what (?:have|did) we (?:discuss|cover)|what(?:'s| has) been (?:discussed|said)"
    r"|where (?:are|do) we(?: stand)?|tl;?dr|so far|(?:the )?gist)\b",
    re.IGNORECASE,
)
WHO = re.compile(
    r"\bwho(?:'s| is| are)(?: all)? (?:here|in (?:the|this) (?:meeting|call)|on (?:the|this) call"
    r"|attending|present|joined)|\bwho joined\b|\b(?:list|show)(?: the)? (?:participants|attendees)"
    r"|\bparticipants\b|\battendees\b",
    re.IGNORECASE,
)
_GREETING_WORDS = r"hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|morning|yo"
GREETING = re.compile(rf"^(?:{_GREETING_WORDS})\b", re.IGNORECASE)
THANKS = re.compile(
    r"\b(?:thanks|thank you|cheers|much appreciated|gracias|danke|merci|grazie)\b", re.IGNORECASE
)
PRAISE = re.compile(
    r"\b(?:good|great|nice|excellent|well done|awesome) (?:job|work)\b|\bwell done\b"
    r"|\byou(?:'re| are) (?:doing )?(?:great|awesome|amazing|the best|a star|brilliant)\b"
    r"|\b(?:that's|that is|this is|very|super) (?:helpful|useful)\b",
    re.IGNORECASE,
)
PROMISED = re.compile(
    r"\bwhat (?:did|has|have|does) (?P<who>[\w .'-]{1,60}?) (?:promise|promised|commit"
    r"|committed|agree to|agreed to|sign up for|signed up for|take on|taken on|volunteer for)\b",
    re.IGNORECASE,
)
HELP = re.compile(r"\b(?:what can you do|help|how do you work|what do you do)\b", re.IGNORECASE)

_ASKING = (
    r"^(?:please\s+)?(?:(?:can|could|would|will) you\s+(?:please\s+)?"
    r"|i(?: need| want| would like|'d like) you to\s+|go ahead and\s+)?"
)
_NOTE = re.compile(
    _ASKING + r"(?:note|remember|keep|make sure|be sure|bear in mind|don't|do not|never|avoid"
    r"|ignore|skip|leave out|exclude|mark|flag|fyi|for your information|just so you know"
    r"|for the record|heads up)\b",
    re.IGNORECASE,
)
_TASK = re.compile(
    _ASKING + r"(?:send|e-?mail|mail|forward|book|schedule|reschedule|invite|draft|write"
    r"|create|make|set up|add|remind|call|ping|message|post|upload|file|update|fix|order|buy"
    r"|print|save|export|cancel|join|mute|unmute|translate|start|run|turn)\b",
    re.IGNORECASE,
)
_INFO = re.compile(
    r"^(?:please\s+)?(?:tell|give|explain|describe|find|look up|search|check|compare"
    r"|calculate|estimate|define|list|repeat|read|remind me)\b",
    re.IGNORECASE,
)
# "Is there ...", "are you ...": a question even when speech recognition drops the "?".
# "Ada is great" names the bot as the subject and asks nothing.
_QUESTION = re.compile(
    r"^(?:what|who|whom|whose|where|when|why|how|which)\b|^(?:is|are|was|were|do|does|did"
    r"|can|could|would|will|should|have|has)\s+(?:you|we|i|there|it|this|that|they|he|she"
    r"|anyone|anybody|someone|somebody|everyone)\b",
    re.IGNORECASE,
)
_POLITE = re.compile(
    r"\bplease\b|\b(?:can|could|would|will) you\b|\bi (?:need|want|would like) you\b",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^[\s,.:;!-]*(?:(?:hey|hi|ok(?:ay)?|so|um|uh|and|well)[\s,.:;!-]+)*", re.IGNORECASE
)


class Ask(StrEnum):
    """What a trigger the offline brain has no answer for is asking."""

    NOTE = "note"
    """A statement or a request to keep something in mind: acknowledged."""
    TASK = "task"
    """Something to do that needs more than rules (send an email, book a room)."""
    QUESTION = "question"
    """A question it cannot answer from the transcript."""
    NOTHING = "nothing"
    """Nothing asked: the bot was named in passing."""


@dataclass(frozen=True)
class Request:
    asker: str
    """First name of the person asking, used to address the reply."""
    text: str
    """The trigger with the bot's name and leading fillers removed."""
    plain: str
    """The trigger with the bot's name removed (greetings live in the fillers)."""
    named: bool
    """The trigger names the bot (not only a follow-up or a private chat)."""
    greeted: bool
    """The trigger greets the bot by name ("Hello Ada"), anywhere in it."""


def parse_request(ctx: BrainContext) -> Request:
    """The trigger of ``ctx`` with the bot's name taken out and who is asking."""
    text = ctx.trigger.text
    words = [re.escape(w) for w in ctx.bot_name.split() if w]
    greeted = False
    if words:
        names = [r"[\s-]*".join(words)]
        # The short name only when it really stands for the bot ("Ada", not "The").
        if tokens(ctx.bot_name)[0] in name_variants(ctx.bot_name, ctx.participants):
            names.append(words[0])
        name = r"@?\b(?:" + "|".join(names) + r")(?:['\u2019]s)?\b"
        greeted = bool(
            re.search(rf"\b(?:{_GREETING_WORDS})[\s,]+{name}", text, flags=re.IGNORECASE)
        )
        text = re.sub(name + r"[,:]?", " ", text, flags=re.IGNORECASE)
    plain = " ".join(text.split()).strip(" ,:")
    asker = ctx.trigger.speaker.split()[0] if ctx.trigger.speaker.split() else "there"
    named = mentions(ctx.trigger.text, name_variants(ctx.bot_name, ctx.participants))
    return Request(asker, _LEAD.sub("", plain), plain, named, greeted)


def ask_kind(text: str, *, to_bot: bool) -> Ask:
    """What ``text`` (the request with the bot's name removed) asks for, when the offline
    brain has no answer: a note, a task, a question, or nothing at all."""
    stripped = text.strip()
    if _NOTE.search(stripped):
        return Ask.NOTE
    if _TASK.search(stripped):
        return Ask.TASK
    if "?" in stripped or _QUESTION.search(stripped) or _INFO.search(stripped):
        return Ask.QUESTION
    if to_bot or _POLITE.search(stripped):
        return Ask.NOTE
    return Ask.NOTHING


def url_in(text: str) -> str | None:
    """The first web address in ``text``; a bare "example.com/page" gets ``https://``."""
    found = _URL.search(text)
    url = found.group(0) if found else None
    if url is None:
        bare = _BARE_URL.search(text)
        url = f"https://{bare.group(0)}" if bare else None
    return url.rstrip(".,;:!?)]}'\"") if url else None
