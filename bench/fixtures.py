"""The database a benchmark starts from, made by calling delegate's own services.

Sessions are created by ``initiate_meeting`` against a recording Recall stand-in (which keeps
the realtime URL, token included, that Recall would have been given), then marked as recording
and freshly polled, as if each bot had reached its call: the receiver accepts their events and
the status poller leaves them alone during the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from bench.fake_recall import RecordingRecall
from bench.payloads import MeetingIds
from delegate.adapters.db.migrate import upgrade
from delegate.adapters.llm.offline import OfflineBrain
from delegate.adapters.recall.signatures import new_secret
from delegate.bootstrap import Container, build
from delegate.config import (
    ApiSettings,
    DbSettings,
    LlmSettings,
    RecallSettings,
    SecretsSettings,
    Settings,
    WorkerSettings,
)
from delegate.domain.events import SessionStatus
from delegate.domain.sessions import SessionChanges
from delegate.services.accounts import authenticate, create_token
from delegate.services.bots import create_bot
from delegate.services.integrations import create_integration
from delegate.services.meetings import initiate_meeting

BOT_NAME = "Ada"
NO_POLLING_S = 86_400.0
"""Status polling interval during benchmarks: polling is not what they measure."""


@dataclass(frozen=True)
class Meeting:
    session_id: str
    bot_id: str
    target: str
    """Path and query of the session's realtime receiver, as Recall calls it."""
    ids: MeetingIds
    metadata: dict[str, str]


@dataclass(frozen=True)
class Fixture:
    account_id: str
    api_token: str
    bot_id: str
    integration_id: str
    webhook_secret: str
    meetings: list[Meeting]


def bench_settings(data_dir: Path, db_url: str | None) -> Settings:
    """Settings for the harness's own connections (the server gets the same through env)."""
    return Settings(
        data_dir=data_dir,
        db=DbSettings(url=db_url, pool_size=5),
        recall=RecallSettings(poll_interval_s=NO_POLLING_S),
        llm=LlmSettings(brain="offline"),
        api=ApiSettings(),
        worker=WorkerSettings(),
        secrets=SecretsSettings(),
    )


def server_env(data_dir: Path, db_url: str | None, port: int, **extra: str) -> dict[str, str]:
    """The environment of a ``delegate serve`` (or worker) sharing the harness's database."""
    env = {
        "DELEGATE_DATA_DIR": str(data_dir),
        "DELEGATE_API__HOST": "127.0.0.1",
        "DELEGATE_API__PORT": str(port),
        "DELEGATE_LLM__BRAIN": "offline",
        "DELEGATE_RECALL__POLL_INTERVAL_S": str(NO_POLLING_S),
        "DELEGATE_LOG_LEVEL": "WARNING",
        **extra,
    }
    if db_url:
        env["DELEGATE_DB__URL"] = db_url
    return env


async def prepare(settings: Settings, meetings: int, chunk: int = 25) -> Fixture:
    """Migrate, then create an account, a bot, a signed integration and ``meetings`` sessions."""
    await asyncio.to_thread(upgrade, settings.database_url)
    container = build(settings, brain=OfflineBrain())
    try:
        return await populate(container, meetings, chunk)
    finally:
        await container.aclose()


async def populate(container: Container, meetings: int, chunk: int = 25) -> Fixture:
    """An account, a bot, a signed integration and ``meetings`` sessions, through ``container``."""
    uow, clock = container.uow, container.clock
    token = await create_token(uow, clock, f"bench-{uuid.uuid4().hex[:8]}")
    account = await authenticate(uow, token)
    bot_id = await create_bot(
        uow, clock, account.id, {"name": BOT_NAME, "backstory": "You take notes in meetings."}
    )
    secret = new_secret()
    integration_id = (
        await create_integration(
            uow,
            clock,
            account.id,
            {"name": "bench", "botId": bot_id, "apiKey": "sim-key", "webhookSecret": secret},
        )
    ).id
    recall = RecordingRecall()
    made = await add_sessions(container, recall, account.id, integration_id, meetings, chunk)
    return Fixture(account.id, token, bot_id, integration_id, secret, made)


async def add_sessions(
    container: Container,
    recall: RecordingRecall,
    account_id: str,
    integration_id: str,
    count: int,
    chunk: int = 25,
) -> list[Meeting]:
    """``count`` sessions of the integration, recording, as if each bot had reached its call."""
    ports = replace(container.ports, recall=recall)

    async def one(i: int) -> Meeting:
        initiated = await initiate_meeting(
            ports,
            account_id,
            integration_id,
            f"https://zoom.us/j/{8_100_000_000 + i}",
            "Take notes and answer questions.",
        )
        bot_id = str(initiated.bot["id"])
        url = urlsplit(recall.specs[bot_id].realtime_url)
        async with container.uow() as tx:
            recording = SessionChanges(
                status=SessionStatus.RECORDING,
                status_code="in_call_recording",
                ever_in_call=True,
                last_polled_at=container.clock.now_ms(),
            )
            await tx.sessions.update(initiated.session_id, recording)
        metadata = {"integrationId": integration_id, "sessionId": initiated.session_id}
        return Meeting(
            initiated.session_id,
            bot_id,
            f"{url.path}?{url.query}",
            replace(MeetingIds.fresh(), bot=bot_id),
            metadata,
        )

    made: list[Meeting] = []
    offset = uuid.uuid4().int % 1_000_000
    for start in range(0, count, chunk):
        batch = range(start, min(count, start + chunk))
        made += await asyncio.gather(*(one(offset + i) for i in batch))
    return made


# PostgreSQL: every run gets a database of its own, dropped afterwards.


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server of ``server_url``; yields its SQLAlchemy URL."""
    import psycopg

    name = f"delegate_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server_url).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
