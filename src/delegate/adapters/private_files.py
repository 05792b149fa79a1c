"""The data directory and the files in it are the user's alone: transcripts, the database and
the encryption keys must not be readable by other local users, whatever the umask says."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` readable by its owner only, if missing. An existing directory keeps
    its permissions: it may be one the operator chose to share (a dedicated volume, ``/srv``)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if missing and make it readable by its owner only (an existing
    file written by an older version is narrowed). SQLite gives its ``-wal`` and ``-shm``
    files the permissions of the database file."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    if path.stat().st_mode & 0o777 != FILE_MODE:
        path.chmod(FILE_MODE)
    return path
