"""Record ids (24 lowercase characters, a letter first, roughly time-ordered) and the digest
stored in place of a token or secret."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]{23}$")


def _base36(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 36)
        out.append(_ALPHABET[r])
    return "".join(reversed(out))


def new_id() -> str:
    """A new 24-char id: 'c' + 9 chars of millisecond time + 14 random chars."""
    stamp = _base36(int(time.time() * 1000), 9)
    rand = "".join(secrets.choice(_ALPHABET) for _ in range(14))
    return "c" + stamp + rand


def looks_like_id(value: str) -> bool:
    return bool(ID_PATTERN.fullmatch(value))


def secret_digest(secret: str) -> str:
    """SHA-256 of an API token or a session's realtime token: stored instead of it."""
    return hashlib.sha256(secret.encode()).hexdigest()
