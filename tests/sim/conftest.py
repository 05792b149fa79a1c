"""Fixtures for the simulator tests: simulators wired to an in-process receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from simkit import API_KEY, STATUS_URL, CreateBot, MakeSim, Receiver, bot_body, client_for

from delegate.adapters.recall.signatures import new_secret
from delegate.sim import Simulator


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def secret() -> str:
    return new_secret()


@pytest.fixture
async def outbound(receiver: Receiver) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=receiver.app)) as client:
        yield client


@pytest.fixture
async def make_sim(outbound: httpx2.AsyncClient, secret: str) -> AsyncIterator[MakeSim]:
    made: list[Simulator] = []

    def make(**kwargs: Any) -> Simulator:
        kwargs.setdefault("api_keys", {API_KEY})
        kwargs.setdefault("workspace_secret", secret)
        kwargs.setdefault("webhook_url", STATUS_URL)
        kwargs.setdefault("outbound", outbound)
        kwargs.setdefault("speed", 5000.0)
        sim = Simulator(**kwargs)
        made.append(sim)
        return sim

    yield make
    for sim in made:
        await sim.aclose()


@pytest.fixture
def sim(make_sim: MakeSim) -> Simulator:
    return make_sim()


@pytest.fixture
async def api(sim: Simulator) -> AsyncIterator[httpx2.AsyncClient]:
    async with client_for(sim) as client:
        yield client


@pytest.fixture
def create_bot(api: httpx2.AsyncClient) -> CreateBot:
    async def create(**overrides: Any) -> dict[str, Any]:
        response = await api.post("/api/v1/bot/", json=bot_body(**overrides))
        assert response.status_code == 201, response.text
        return dict(response.json())

    return create
