"""Without an embedding model a dataset is searched by its words alone: the words every
record has ("what", "is", "the", "wie", "der") match nothing, so only the words that carry
the question find records."""

from __future__ import annotations

from pathlib import Path

import pytest

from delegate.config import KnowledgeSettings, Settings
from tests.support import Api, make_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, kb=KnowledgeSettings(embeddings="none", preload=False))


async def _sources(api: Api, dataset_id: str, question: str) -> list[str]:
    found = await api.post(f"dataset/{dataset_id}/search", {"search": question, "take": 3})
    assert found.status_code == 200
    return [r["source"] for r in found.json()["records"]]


async def test_only_the_words_that_carry_the_question_find_records(api: Api) -> None:
    dataset_id = (await api.post("dataset/create", {"name": "Handbook"})).json()["id"]
    records = {
        "office": "The office is at Torstrasse 100 in Berlin; visitors register at the desk.",
        "pricing": "The Pro plan is what most teams pick: it is 49 euros per user and month.",
        "vacation": "What is the vacation policy? It is 30 days of paid vacation per year.",
    }
    for source, text in records.items():
        created = await api.post(
            f"dataset/{dataset_id}/record/create", {"text": text, "source": source}
        )
        assert created.status_code == 200

    assert await _sources(api, dataset_id, "What is the address of the office?") == ["office"]
    assert await _sources(api, dataset_id, "Wie viel kostet der Pro-Tarif?") == ["pricing"]
    assert await _sources(api, dataset_id, "What is it?") == []
