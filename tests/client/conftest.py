"""SDK fixtures: the sync client over Starlette's TestClient (the app and its container live in
the TestClient's own event loop), and the async client over an in-process world with Recall."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from starlette.testclient import TestClient

from delegate.adapters.db.migrate import upgrade
from delegate.api.app import create_app
from delegate.bootstrap import build
from delegate.config import Settings
from delegate.services.accounts import create_token
from delegate_client import AsyncDelegate, Delegate
from tests.meetings.world import World, make_world


@dataclass
class Server:
    http: TestClient
    token: str
    other_token: str

    def client(self, token: str | None = None) -> Delegate:
        return Delegate(api_key=token or self.token, http_client=self.http)


@pytest.fixture
def server(settings: Settings) -> Iterator[Server]:
    upgrade(settings.database_url)
    container = build(settings)
    with TestClient(create_app(container, manage_lifecycle=False)) as http:
        portal = http.portal
        assert portal is not None
        portal.call(container.start)
        try:
            yield Server(
                http,
                portal.call(create_token, container.uow, container.clock, "alice"),
                portal.call(create_token, container.uow, container.clock, "mallory"),
            )
        finally:
            portal.call(container.stop)
            portal.call(container.aclose)


@pytest.fixture
def client(server: Server) -> Iterator[Delegate]:
    with server.client() as c:
        yield c


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    w = await make_world(tmp_path, speed=20)
    yield w
    await w.aclose()


@pytest.fixture
async def aclient(world: World) -> AsyncIterator[AsyncDelegate]:
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=world.app), base_url="http://delegate.test"
    )
    async with http, AsyncDelegate(api_key=world.api.token, http_client=http) as c:
        yield c
