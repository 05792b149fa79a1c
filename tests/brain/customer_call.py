"""The demo's renewal call (``sim/scripts/customer-call.toml``) as the pipeline turns it
into turns, with the bot's replies left out. The sentences are the script's, word for word."""

from __future__ import annotations

from delegate.domain.meeting import Participant, Turn, TurnSource

BOT = "Ada"
BOT_ID = 9

PEOPLE = [
    Participant(100, "Dana Lee", is_host=True),
    Participant(200, "Sam Ortiz"),
    Participant(300, "Grace Miller"),
    Participant(400, "Raj Patel"),
    Participant(BOT_ID, BOT, is_bot=True),
]
_IDS = {p.name.split()[0]: p.id for p in PEOPLE}
_NAMES = {p.name.split()[0]: p.name for p in PEOPLE}

SCRIPT: list[tuple[float, str, str, str]] = [
    # (seconds, who, "say" | "chat" | "to_bot", text)
    (
        2.0,
        "Dana",
        "say",
        "Hi Sam, hi Grace, thanks for making time. "
        "I brought Ada along to keep notes, I hope that's okay.",
    ),
    (10.0, "Sam", "say", "Sure, no problem. Hello Ada."),
    (
        14.0,
        "Dana",
        "say",
        "So, on pricing: for the renewal we can keep you at forty dollars per seat per month "
        "if you commit to two years, instead of the list price of forty eight. And above two "
        "hundred seats the price drops to thirty five dollars per seat.",
    ),
    (
        34.0,
        "Grace",
        "say",
        "That's helpful. We're at one hundred and eighty seats today, but we expect around two "
        "hundred and fifty by the end of the year.",
    ),
    (
        44.0,
        "Sam",
        "say",
        "Our main concern is single sign-on. We need SAML before the security review in October.",
    ),
    (
        51.0,
        "Dana",
        "say",
        "SAML is on our roadmap for September. I'll confirm the exact date with product.",
    ),
    (
        60.0,
        "Raj",
        "say",
        "Hi all, Raj from Acme IT, sorry for joining late. "
        "Ada, can you summarize what we agreed so far?",
    ),
    (
        76.0,
        "Grace",
        "say",
        "Thanks. One more question about the contract: can we add seats during the year at "
        "the same rate?",
    ),
    (
        85.0,
        "Dana",
        "say",
        "Yes, added seats are prorated at your contracted rate. "
        "I'll put that in writing in the proposal.",
    ),
    (92.0, "Raj", "chat", "Ada, what did Dana say about pricing?"),
    (
        100.0,
        "Sam",
        "to_bot",
        "Ada, please keep the pricing details out of the shared notes, thanks",
    ),
    (
        102.0,
        "Grace",
        "say",
        "So next steps. Dana sends the proposal, and we review it internally.",
    ),
    (
        108.0,
        "Dana",
        "say",
        "I'll send the updated proposal with the two year pricing by Wednesday, and Sam will "
        "check the SAML requirements with the security team.",
    ),
    (118.0, "Sam", "say", "Yes, I'll get the security requirements to you by next Monday."),
    (124.0, "Grace", "say", "Ada, what are the action items?"),
    (134.0, "Raj", "to_bot", "who is here?"),
    (
        140.0,
        "Raj",
        "say",
        "Before we go, Dana, can you include a quote for two hundred and fifty seats as well?",
    ),
    (148.0, "Dana", "say", "Of course. Both quotes will be in the proposal."),
    (153.0, "Grace", "say", "Great, thanks everyone. Talk soon."),
]


def turn(seq: int, at: float, who: str, kind: str, text: str) -> Turn:
    source = TurnSource.SPEECH if kind == "say" else TurnSource.CHAT
    end = at + (len(text) / 15 if kind == "say" else 0.0)
    return Turn(seq, _IDS[who], _NAMES[who], text, source, at, end, to_bot=kind == "to_bot")


def customer_call(until: float | None = None) -> list[Turn]:
    """The call's turns, all of them or those started before ``until`` seconds."""
    lines = [line for line in SCRIPT if until is None or line[0] < until]
    return [turn(i + 1, *line) for i, line in enumerate(lines)]


def bot_reply(seq: int, at: float, text: str) -> Turn:
    return Turn(seq, BOT_ID, BOT, text, TurnSource.CHAT, at, at, by_bot=True)
