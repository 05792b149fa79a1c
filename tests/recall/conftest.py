"""Fixtures for the Recall adapter: a fake Recall behind a real ``httpx2.AsyncClient``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from delegate.adapters.recall.client import HttpRecallConnector, RecallClient
from delegate.config import RecallSettings
from tests.recall.fake_recall import API_KEY, FakeRecall


@pytest.fixture
def recall() -> FakeRecall:
    return FakeRecall()


@pytest.fixture
def waits() -> list[float]:
    """Every wait between retries, in order (nothing actually sleeps)."""
    return []


@pytest.fixture
def recall_settings() -> RecallSettings:
    # A budget wide enough that the per-wait rules show; the budget has its own tests.
    return RecallSettings(
        timeout_s=7.5, max_attempts=4, max_retry_wait_s=30.0, request_budget_s=600.0
    )


@pytest.fixture
async def recall_http(recall: FakeRecall) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(recall)) as http:
        yield http


@pytest.fixture
def connector(
    recall_settings: RecallSettings, recall_http: httpx2.AsyncClient, waits: list[float]
) -> HttpRecallConnector:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return HttpRecallConnector(recall_settings, recall_http, sleep=sleep)


@pytest.fixture
def client(connector: HttpRecallConnector) -> RecallClient:
    return connector.gateway(API_KEY, "us-east-1")
