"""Secrets at rest: AES-256-GCM bound to the row they belong to, with a rotating keyring.

Stored form: ``v1.<key id>.<base64(nonce || ciphertext)>``. The associated data names the
table, row id and field, so a ciphertext copied to another row or account does not decrypt.
Rotation: put a new key first (it encrypts from then on; older keys still decrypt), run
``delegate keys reencrypt``, then drop the old key.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from delegate.adapters.private_files import private_dir

log = logging.getLogger(__name__)


class SecretBoxError(Exception):
    """A key is malformed or a ciphertext cannot be decrypted with the known keys."""


class UnknownKey(SecretBoxError):
    """The ciphertext names a key this box does not hold (yet: see ``KeyFileBox``)."""


@dataclass(frozen=True)
class Key:
    id: str
    material: bytes


def new_key(key_id: str | None = None) -> Key:
    return Key(key_id or secrets.token_hex(4), AESGCM.generate_key(bit_length=256))


def format_key(key: Key) -> str:
    return f"{key.id}:{base64.b64encode(key.material).decode()}"


def parse_keys(text: str) -> list[Key]:
    """Parse ``id:base64key`` entries separated by commas or new lines (first = active)."""
    keys = []
    for raw in text.replace(",", "\n").splitlines():
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        key_id, sep, b64 = entry.partition(":")
        if not sep or not key_id or "." in key_id:
            raise SecretBoxError("a key must look like 'id:base64key'")
        try:
            material = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SecretBoxError(f"key {key_id!r} is not valid base64") from exc
        if len(material) != 32:
            raise SecretBoxError(f"key {key_id!r} must be 32 bytes")
        keys.append(Key(key_id, material))
    return keys


def load_or_create_key_file(path: Path) -> list[Key]:
    """Read the key file, creating it (mode 0600) with one fresh key on first run."""
    if not path.exists():
        private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(format_key(new_key()) + "\n")
    keys = parse_keys(path.read_text())
    if not keys:
        raise SecretBoxError(f"no key in {path}")
    return keys


def add_key_to_file(path: Path) -> Key:
    """Put a new active key at the top of the key file; older keys keep decrypting."""
    keys = load_or_create_key_file(path)
    key = new_key()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(format_key(k) for k in [key, *keys]) + "\n")
        fh.flush()
        os.fsync(fh.fileno())  # the new file is whole before it replaces the old one
    tmp.replace(path)
    return key


class SecretBox:
    def __init__(self, keys: list[Key]) -> None:
        if not keys:
            raise SecretBoxError("at least one encryption key is required")
        self._active = keys[0]
        self._by_id = {k.id: AESGCM(k.material) for k in keys}

    @property
    def active_key_id(self) -> str:
        return self._active.id

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = secrets.token_bytes(12)
        ct = self._by_id[self._active.id].encrypt(nonce, plaintext.encode(), context.encode())
        return f"v1.{self._active.id}.{base64.b64encode(nonce + ct).decode()}"

    def decrypt(self, token: str, context: str) -> str:
        version, key_id, b64 = [*token.split(".", 2), "", ""][:3]
        aead = self._by_id.get(key_id)
        if version != "v1" or aead is None:
            raise UnknownKey(f"no key {key_id!r} to decrypt this secret")
        try:
            blob = base64.b64decode(b64)
            return aead.decrypt(blob[:12], blob[12:], context.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise SecretBoxError("secret cannot be decrypted (wrong key or wrong row)") from exc

    def needs_rotation(self, token: str) -> bool:
        return token.split(".", 2)[1:2] != [self._active.id]


def _file_version(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class KeyFileBox:
    """A ``SecretBox`` that follows its key file, so ``delegate keys add`` and ``keys
    reencrypt`` work on a serving deployment without a restart.

    The file is looked at (one ``stat``) before each encryption, so new secrets use the newest
    active key, and again when a ciphertext names a key we do not hold, which is what another
    process's re-encryption produces. ``keys add`` replaces the file in one rename, so a reader
    never sees half a file; a file that does not parse keeps the keys we have, with a warning.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        # Noted before reading: a change made meanwhile is then seen as one, read again.
        before = _file_version(path)
        self._box = SecretBox(load_or_create_key_file(path))
        self._version = before or _file_version(path)

    def _refresh(self) -> None:
        version = _file_version(self._path)
        if version is None or version == self._version:
            return
        try:
            keys = parse_keys(self._path.read_text())
            self._box = SecretBox(keys)
        except (OSError, SecretBoxError) as exc:
            log.warning("key file not reloaded, keeping the current keys: %s", exc)
            return
        self._version = version
        log.info("key file reloaded: active key %s, %d key(s)", self._box.active_key_id, len(keys))

    @property
    def active_key_id(self) -> str:
        self._refresh()
        return self._box.active_key_id

    def encrypt(self, plaintext: str, context: str) -> str:
        self._refresh()
        return self._box.encrypt(plaintext, context)

    def decrypt(self, token: str, context: str) -> str:
        try:
            return self._box.decrypt(token, context)
        except UnknownKey:
            self._refresh()
            return self._box.decrypt(token, context)

    def needs_rotation(self, token: str) -> bool:
        self._refresh()
        return self._box.needs_rotation(token)
