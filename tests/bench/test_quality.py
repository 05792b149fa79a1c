"""The offline brain's conversational quality on the labelled corpus (bench/corpus), played
through the real pipeline: CI fails when it falls below the thresholds of docs/quality.md."""

from __future__ import annotations

import os

import pytest
from bench.quality import THRESHOLDS, evaluate, offline
from bench.quality_corpus import load_corpus


@pytest.mark.timeout(600)
async def test_offline_brain_meets_the_quality_thresholds() -> None:
    if os.environ.get("DELEGATE_TEST_PG_URL"):
        pytest.skip("the evaluation runs once, in the SQLite pass")
    meetings = load_corpus()
    assert len(meetings) >= 12 and sum(len(m.turns) for m in meetings) >= 300
    figures = (await evaluate(offline(), meetings))["all"].figures()
    for name, floor in THRESHOLDS.items():
        value = figures[name]
        assert value is not None and value >= floor, (name, figures)
    assert figures["self_replies"] == 0 and figures["replies_to_other_bots"] == 0
    assert figures["duplicate_items"] == 0
    assert figures["exclusions_leaked"] == 0
    assert figures["quote_list_summaries"] == 0
