"""What one ``python -m bench run`` was asked to do, and where it works."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bench.fixtures import postgres_database

DbKind = Literal["sqlite", "postgres"]
DEFAULT_BENCHMARKS = ("ingest", "breakdown", "reaction", "sse", "meeting", "scale")
"""What ``run`` measures unless ``--only`` names others."""
BENCHMARKS = (*DEFAULT_BENCHMARKS, "webhooks")


@dataclass
class Options:
    quick: bool
    db: DbKind
    pg_url: str | None
    """A PostgreSQL server URL; each benchmark creates (and drops) its own database there."""
    out: Path
    workdir: Path
    only: tuple[str, ...]
    meetings: int
    seconds: float
    rate: float
    questions: int
    meeting_minutes: tuple[float, float]
    workers: tuple[int, ...]
    pin: bool

    @contextlib.contextmanager
    def database(self, name: str) -> Iterator[tuple[Path, str | None]]:
        """A fresh database for one benchmark: ``(data_dir, db_url)``; ``db_url`` is None for
        the embedded SQLite file in ``data_dir`` (what ``delegate serve`` uses by default)."""
        data_dir = self.workdir / name / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        if self.db == "sqlite":
            yield data_dir, None
            return
        assert self.pg_url is not None
        with postgres_database(self.pg_url) as url:
            yield data_dir, url


def database_url(data_dir: Path, db_url: str | None) -> str:
    return db_url or f"sqlite+aiosqlite:///{data_dir / 'delegate.db'}"
