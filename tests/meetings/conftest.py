from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.meetings.world import World, make_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    w = await make_world(tmp_path)
    yield w
    await w.aclose()
