"""An unreachable or wrong model is said once, with its URL and the cause: at start-up (the
check of ``GET /models``) and at run time (once per outage, not once per reply)."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest
from pydantic import SecretStr

from delegate.adapters.llm.openai_brain import BrainUnavailable, OpenAIBrain, check_model
from delegate.config import LlmSettings
from tests.brain.fake_llm import Fail, FakeLlm, completion
from tests.brain.test_openai_brain import context


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, Any]]:
    return [r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg["event"] == name]


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


async def test_start_up_check_passes_for_a_served_model(llm_settings: LlmSettings) -> None:
    assert await check_model(llm_settings) is True


async def test_start_up_check_names_the_url_and_why_it_failed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = closed_port_url()
    caplog.set_level(logging.WARNING)

    ok = await check_model(LlmSettings(base_url=url, api_key=SecretStr("x")))

    assert ok is False
    [warning] = events(caplog, "llm.unreachable")
    assert warning["url"] == f"{url}/models"
    assert "Connect" in warning["cause"]


async def test_start_up_check_says_when_the_model_is_not_served(
    llm_settings: LlmSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    wrong = llm_settings.model_copy(update={"model": "llama-nine"})

    assert await check_model(wrong) is False
    [warning] = events(caplog, "llm.model_not_served")
    assert warning["model"] == "llama-nine" and "default-model" in warning["served"]


async def test_an_outage_is_logged_once_with_its_url_and_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = closed_port_url()
    caplog.set_level(logging.INFO)
    brain = OpenAIBrain(LlmSettings(base_url=url, api_key=SecretStr("x"), timeout_s=2.0))
    try:
        for _ in range(8):
            with pytest.raises(BrainUnavailable, match="could not be reached"):
                await brain.respond(context())
    finally:
        await brain.aclose()

    [warning] = events(caplog, "llm.unavailable")
    assert warning["url"].startswith(url)
    assert "Connect" in warning["cause"]


async def test_recovery_is_logged_and_the_next_outage_is_said_again(
    fake_llm: FakeLlm, llm_brain: OpenAIBrain, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake_llm.reset(Fail(500), Fail(500), completion("back"), Fail(503))
    for _ in range(2):
        with pytest.raises(BrainUnavailable):
            await llm_brain.respond(context())
    await llm_brain.respond(context())
    with pytest.raises(BrainUnavailable):
        await llm_brain.respond(context())

    assert len(events(caplog, "llm.unavailable")) == 2
    assert len(events(caplog, "llm.recovered")) == 1
