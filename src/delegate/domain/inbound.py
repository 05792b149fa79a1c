"""What the receiver learns of a delivery from Recall before storing it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RealtimeDelivery:
    delivery_id: str
    """Recall's id for the delivery (or a hash of its content): a re-delivery is a no-op."""
    event: str
    wakes: bool
    """It can change what the delegate knows or does, so the session is to be drained."""
    partial: bool = False
    """A partial transcript line: never drained, only shown live to whoever watches."""
    bad_signature: str | None = None
    """Why its signature is wrong (the delivery is then refused, not stored)."""
    unusable: str | None = None
    """Why it cannot be used (not JSON, no ``event``, too large): stored raw all the same,
    under ``event`` "unusable", and never processed."""


@dataclass(frozen=True)
class StatusDelivery:
    delivery_id: str
    event: str
    verified: bool
    """Signed with the integration's webhook secret; an unsigned one is only a hint."""
    bot_id: str | None
    claimed_session_id: str | None
    """The session named in the bot's metadata (checked against the integration)."""
    bad_signature: str | None = None
    """Why its signature is wrong (then refused, and nothing in it is acted on)."""
    unusable: str | None = None
    """Why it is not a bot status webhook we can read (answered 2xx, not stored)."""
