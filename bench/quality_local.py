"""The local model for ``python -m bench quality --local-model``: SmolLM2-135M served by
llama-cpp-python (the local-llm extra) for as long as the evaluation runs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace

from bench.quality import BrainChoice, model
from delegate.adapters.llm.local_model import MODEL_NAME, local_model_server
from delegate.demo.runner import LOCAL_MODEL_CONTEXT_TOKENS

LOCAL_TIMEOUT_S = 180.0
"""The meetings play at once and share two cores: a reply may wait behind many others."""
LOCAL_REPLY_TOKENS = 48


@contextlib.asynccontextmanager
async def local_model() -> AsyncIterator[BrainChoice]:
    async with local_model_server() as base_url:
        choice = model(base_url, MODEL_NAME, "local", LOCAL_TIMEOUT_S, LOCAL_REPLY_TOKENS)
        llm = choice.llm.model_copy(update={"context_tokens": LOCAL_MODEL_CONTEXT_TOKENS})
        yield replace(choice, llm=llm)
