"""Fixtures for the brain tests: a fake OpenAI-compatible server and brains pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import SecretStr

from delegate.adapters.llm.openai_brain import OpenAIBrain
from delegate.config import LlmSettings
from tests.brain.fake_llm import FakeLlm, RunningServer


@pytest.fixture(scope="module")
def llm_server() -> Iterator[FakeLlm]:
    with RunningServer(FakeLlm()) as fake:
        yield fake


@pytest.fixture
def fake_llm(llm_server: FakeLlm) -> FakeLlm:
    llm_server.reset()
    return llm_server


@pytest.fixture
def llm_settings(fake_llm: FakeLlm) -> LlmSettings:
    return LlmSettings(
        brain="llm",
        base_url=fake_llm.base_url,
        api_key=SecretStr("sk-test"),
        model="default-model",
        timeout_s=2.0,
        context_tokens=1500,
        max_reply_tokens=123,
    )


@pytest.fixture
async def llm_brain(llm_settings: LlmSettings) -> AsyncIterator[OpenAIBrain]:
    brain = OpenAIBrain(llm_settings)
    yield brain
    await brain.aclose()
