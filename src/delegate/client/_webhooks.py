"""Checking Recall's signatures in your own app (Standard Webhooks, as the server does it)."""

from __future__ import annotations

from collections.abc import Mapping

from delegate.adapters.recall.signatures import SignatureError, verify

__all__ = ["SignatureError", "verify_webhook"]


def verify_webhook(secret: str | list[str], headers: Mapping[str, str], body: bytes | str) -> str:
    """Check that ``body`` was signed by the holder of ``secret`` (a ``whsec_...`` workspace
    secret, or several while one is rotated) within five minutes; return the message id.

    Pass the raw body exactly as received. Raises ``SignatureError`` saying what is wrong.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    raw = body.encode() if isinstance(body, str) else body
    return verify(secret, lowered, raw)
