"""Fixtures of the dashboard tests: a world on real HTTP and a headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.browser import launch
from tests.dashboard.world import DashboardWorld, dashboard_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[DashboardWorld]:
    async with dashboard_world(tmp_path) as w:
        yield w


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Any]:
    async for context in launch(tmp_path):
        yield context
