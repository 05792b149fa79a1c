"""Shared fixtures: a real database per test (a SQLite file, or a fresh PostgreSQL database
with DELEGATE_TEST_PG_URL), the real app, an HTTP client on it."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx2
import pytest

from delegate.adapters.db.migrate import upgrade
from delegate.api.app import create_app
from delegate.bootstrap import Container, build
from delegate.config import Settings
from delegate.logs import configure_logging
from delegate.services.accounts import create_token
from tests.support import PG_URL, Api, make_settings, pg_databases

# Route structlog through stdlib logging so caplog sees every log line (secrets tests).
configure_logging("DEBUG")

# The default data directory is the user's (XDG_DATA_HOME/delegate): tests, and the CLI
# processes they start, must never touch the real one.
USER_DATA_HOME = tempfile.mkdtemp(prefix="delegate-tests-data-home-")
os.environ["XDG_DATA_HOME"] = USER_DATA_HOME
os.environ.pop("DELEGATE_DATA_DIR", None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DELEGATE_TEST_PG_URL (scripts/pg start)")
    for item in items:
        if "pg" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if pg_databases is not None:
        pg_databases.close()
    shutil.rmtree(USER_DATA_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """The PostgreSQL databases a test created live as long as the test."""
    yield
    if pg_databases is not None:
        pg_databases.drop_created()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def container(settings: Settings) -> AsyncIterator[Container]:
    await asyncio.to_thread(upgrade, settings.database_url)
    c = build(settings)
    await c.start()
    yield c
    await c.stop()
    await c.aclose()


@pytest.fixture
def app(container: Container):  # type: ignore[no-untyped-def]
    return create_app(container, manage_lifecycle=False)


@pytest.fixture
async def http(app) -> AsyncIterator[httpx2.AsyncClient]:  # type: ignore[no-untyped-def]
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://delegate.test"
    ) as client:
        yield client


@pytest.fixture
async def api(http: httpx2.AsyncClient, container: Container) -> Api:
    return Api(http, await create_token(container.uow, container.clock, "alice"))


@pytest.fixture
async def other_api(http: httpx2.AsyncClient, container: Container) -> Api:
    return Api(http, await create_token(container.uow, container.clock, "mallory"))
