"""Checking Recall's signatures in your own app (Standard Webhooks, as the server does it).

signed content = f"{id}.{timestamp}." + raw body;  signature = base64(HMAC-SHA256(key, content))
where key is the secret after ``whsec_``, base64-decoded. The ``webhook-signature`` header holds
one or more ``v1,<signature>`` separated by spaces; any match passes. Legacy workspaces send
``svix-*`` headers instead of ``webhook-*``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

__all__ = ["SignatureError", "verify_webhook"]

TOLERANCE_S = 300
# Ten digits are the seconds of our era; a much longer number is no timestamp.
MAX_TIMESTAMP_DIGITS = 12
_NAMES = ("id", "timestamp", "signature")


class SignatureError(Exception):
    """The request is not signed by the holder of the secret (the message says why)."""


def verify_webhook(secret: str | list[str], headers: Mapping[str, str], body: bytes | str) -> str:
    """Check that ``body`` was signed by the holder of ``secret`` (a ``whsec_...`` workspace
    secret, or several while one is rotated) within five minutes; return the message id.

    Pass the raw body exactly as received. Raises ``SignatureError`` saying what is wrong.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id, timestamp, signatures = _signed_headers(lowered)
    if abs(time.time() - timestamp) > TOLERANCE_S:
        raise SignatureError("signature timestamp outside the tolerance")
    content = f"{msg_id}.{timestamp}.".encode() + (body.encode() if isinstance(body, str) else body)
    for candidate in [secret] if isinstance(secret, str) else secret:
        expected = _signature(candidate, content)
        if any(hmac.compare_digest(given, expected) for given in signatures):
            return msg_id
    raise SignatureError("no matching signature")


def _signed_headers(headers: Mapping[str, str]) -> tuple[str, int, list[bytes]]:
    """The message id, the timestamp and the ``v1`` signatures of a signed request."""
    values = [headers.get(f"webhook-{name}") or headers.get(f"svix-{name}") for name in _NAMES]
    msg_id, raw_timestamp, signature_header = values
    if not (msg_id and raw_timestamp and signature_header):
        raise SignatureError("missing signature headers")
    if not (
        raw_timestamp.isascii()
        and raw_timestamp.isdigit()
        and len(raw_timestamp) <= MAX_TIMESTAMP_DIGITS
    ):
        raise SignatureError("invalid signature timestamp")
    return msg_id, int(raw_timestamp), _v1_signatures(signature_header)


def _v1_signatures(header: str) -> list[bytes]:
    signatures = []
    for part in header.split():
        version, separator, signature = part[:2], part[2:3], part[3:]
        # "v1,<sig>" is the standard; some senders write "v1=<sig>".
        if version == "v1" and separator in {",", "="}:
            signatures.append(signature.encode())
    return signatures


def _signature(secret: str, content: bytes) -> bytes:
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("the signing secret is not valid base64") from exc
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())
