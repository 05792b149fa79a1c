from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.support import Api


async def wait_indexed(api: Api, dataset_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll the dataset until indexing has finished; its ``index`` progress."""
    deadline = time.monotonic() + timeout
    while True:
        index = (await api.get(f"dataset/{dataset_id}/fetch")).json()["index"]
        if index["done"]:
            return index  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            pytest.fail(f"dataset not indexed in {timeout} s: {index}")
        await asyncio.sleep(0.1)
