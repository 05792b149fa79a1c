"""Standard Webhooks / Svix request signatures, as Recall.ai signs its requests.

signed content = f"{msg_id}.{timestamp}." + raw body bytes
signature      = base64(HMAC-SHA256(base64decode(secret without "whsec_"), signed content))
header         = "v1,<sig> v1,<sig2>"  (space-separated; any match passes)

Headers are ``webhook-id/-timestamp/-signature`` or, for legacy workspaces, ``svix-*``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

TOLERANCE_S = 300
MAX_TIMESTAMP_DIGITS = 12


class SignatureError(Exception):
    """The request is not signed by the holder of the secret (message says why)."""


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("the signing secret is not valid base64") from exc


def new_secret() -> str:
    """A fresh ``whsec_`` secret (24 random bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(20).replace("-", "a").replace("_", "b")[:27]


def compute(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def sign_headers(
    secret: str,
    body: bytes,
    msg_id: str | None = None,
    timestamp: int | None = None,
    prefix: str = "webhook",
) -> dict[str, str]:
    """Headers that sign ``body``; ``prefix`` is ``webhook`` or ``svix``."""
    msg_id = msg_id or new_message_id()
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        f"{prefix}-id": msg_id,
        f"{prefix}-timestamp": str(ts),
        f"{prefix}-signature": "v1," + compute(secret, msg_id, ts, body),
    }


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return headers.get(f"webhook-{name}") or headers.get(f"svix-{name}")


def is_signed(headers: Mapping[str, str]) -> bool:
    """Does the delivery carry a signature at all? Headers must be lower-cased."""
    return _header(headers, "signature") is not None


def message_id(headers: Mapping[str, str]) -> str | None:
    """The delivery id (``webhook-id`` or ``svix-id``), if any. Headers must be lower-cased."""
    return _header(headers, "id")


def verify(
    secrets_: str | list[str],
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
    tolerance_s: int = TOLERANCE_S,
) -> str:
    """Check a signed request; return its message id or raise ``SignatureError``.

    ``headers`` must be a case-insensitive mapping or have lower-case keys. Several secrets may
    be given while one is being rotated.
    """
    msg_id = _header(headers, "id")
    ts_raw = _header(headers, "timestamp")
    sig_header = _header(headers, "signature")
    if not (msg_id and ts_raw and sig_header):
        raise SignatureError("missing signature headers")
    # Ten digits are the seconds of our era; a longer number (1 followed by 400 zeros) would
    # overflow the float comparison below and is no timestamp anyway.
    if not (ts_raw.isascii() and ts_raw.isdigit() and len(ts_raw) <= MAX_TIMESTAMP_DIGITS):
        raise SignatureError("invalid signature timestamp")
    ts = int(ts_raw)
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_s:
        raise SignatureError("signature timestamp outside the tolerance")
    candidates = [secrets_] if isinstance(secrets_, str) else secrets_
    for secret in candidates:
        expected = compute(secret, msg_id, ts, body).encode()
        for part in sig_header.split():
            version, _, sig = (
                part.replace("=", ",", 1).partition(",")
                if part.startswith("v1=")
                else part.partition(",")
            )
            if version == "v1" and hmac.compare_digest(sig.encode(), expected):
                return msg_id
    raise SignatureError("no matching signature")
