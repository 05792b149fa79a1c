"""Knowledge bases: datasets of records (passages of text with a source), how documents are
split into records, how two rankings are fused, and how a reply cites what it used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from delegate.domain.errors import InvalidInput

MAX_RECORD_CHARS = 8000
"""One record is one passage: long enough for a section, short enough to quote."""
MAX_SOURCE_CHARS = 512
CHUNK_CHARS = 1200
"""Target size of a record split from a file (about 300 tokens: the embedding model reads
512 tokens at most, and a passage quoted in a meeting chat must stay short)."""
MAX_SEARCH_CHARS = 1000
DEFAULT_SEARCH_RECORDS = 5
MAX_SEARCH_RECORDS = 50
RRF_K = 60
"""Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the top ranks."""

STRONG_MATCH = 0.80
"""Cosine similarity (multilingual-e5-small) from which a passage answers a question.

e5 scores are compressed: on the retrieval set (``tests/knowledge/qa_set.py``) the record
answering a question scored 0.806-0.92 (the lowest ones German or French), the best record
for an unrelated question 0.73-0.79, with one outlier at 0.815 ("what's the weather like
tomorrow?"). A setting (``kb.answer_threshold``) moves it for another model."""


class RecordStatus(StrEnum):
    PENDING = "pending"
    INDEXED = "indexed"
    FAILED = "failed"


@dataclass(frozen=True)
class Dataset:
    id: str
    account_id: str
    alias: str | None
    name: str
    description: str
    meta: dict[str, Any] | None
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class IndexProgress:
    """How far indexing of a dataset has come: visible on the dataset while it runs."""

    records: int
    indexed: int
    pending: int
    failed: int

    @property
    def done(self) -> bool:
        return self.pending == 0


@dataclass(frozen=True)
class DatasetRecord:
    id: str
    account_id: str
    dataset_id: str
    text: str
    source: str
    meta: dict[str, Any] | None
    status: RecordStatus
    created_at: int
    updated_at: int
    error: str | None = None


@dataclass(frozen=True)
class Passage:
    """A record found for a query, with its score (cosine similarity for meaning matches;
    ``score`` is what the offline brain compares with ``STRONG_MATCH``)."""

    record_id: str
    dataset_id: str
    text: str
    source: str
    score: float
    meta: dict[str, Any] | None = None


@dataclass(frozen=True)
class ScoredId:
    record_id: str
    score: float


def check_record_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput('"text" must be non-empty text')
    if len(value) > MAX_RECORD_CHARS:
        raise InvalidInput(f'"text" must be at most {MAX_RECORD_CHARS} characters')
    return value.strip()


def check_source(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_SOURCE_CHARS:
        raise InvalidInput(f'"source" must be text of at most {MAX_SOURCE_CHARS} characters')
    return value.strip()


def check_search(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput('"search" must be non-empty text')
    if len(value) > MAX_SEARCH_CHARS:
        raise InvalidInput(f'"search" must be at most {MAX_SEARCH_CHARS} characters')
    return value.strip()


def check_take(value: Any) -> int:
    if value is None:
        return DEFAULT_SEARCH_RECORDS
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= MAX_SEARCH_RECORDS
    ):
        raise InvalidInput(f'"take" must be a whole number from 1 to {MAX_SEARCH_RECORDS}')
    return value


_PARAGRAPHS = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_HEADING = re.compile(r"^#{1,6}\s")


def _pieces(paragraph: str) -> list[str]:
    """A paragraph too long for one record, cut at sentence ends (or hard, for run-on text)."""
    if len(paragraph) <= CHUNK_CHARS:
        return [paragraph]
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > CHUNK_CHARS:
            out.append(sentence[:CHUNK_CHARS])
            sentence = sentence[CHUNK_CHARS:]
        if current and len(current) + 1 + len(sentence) > CHUNK_CHARS:
            out.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        out.append(current)
    return out


def split_text(text: str) -> list[str]:
    """Records for a document: paragraphs packed up to ``CHUNK_CHARS``; a Markdown heading
    starts a new record, so a passage stays within its section."""
    chunks: list[str] = []
    current = ""
    for raw in _PARAGRAPHS.split(text.replace("\r\n", "\n")):
        paragraph = raw.strip()
        if not paragraph:
            continue
        for piece in _pieces(paragraph):
            starts_section = bool(_HEADING.match(piece))
            if current and (starts_section or len(current) + 2 + len(piece) > CHUNK_CHARS):
                chunks.append(current)
                current = piece
            else:
                current = f"{current}\n\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks


def fuse(rankings: list[list[ScoredId]], limit: int) -> list[str]:
    """Record ids ranked by reciprocal rank fusion of several rankings (best first)."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            scores[hit.record_id] = scores.get(hit.record_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    return sorted(scores, key=lambda rid: -scores[rid])[:limit]


def source_label(passage: Passage) -> str:
    return passage.source or f"record {passage.record_id}"


def citation(number: int, passage: Passage) -> str:
    """How a reply names a passage it used: ``[1] pricing.md``."""
    return f"[{number}] {source_label(passage)}"


_CITED = re.compile(r"\[(\d{1,2})\]")


def cited_numbers(text: str, count: int) -> list[int]:
    """The passage numbers (1-based) a reply cites, in order, each once."""
    seen: list[int] = []
    for match in _CITED.finditer(text):
        number = int(match.group(1))
        if 1 <= number <= count and number not in seen:
            seen.append(number)
    return seen


def question_text(text: str, bot_name: str) -> str:
    """What to search for: the turn without the bot's name ("Ada, what does Pro cost?"),
    which would only pull every vector towards the name."""
    if not bot_name.strip():
        return text
    stripped = re.sub(rf"(?i)\b{re.escape(bot_name.strip())}\b[,:]?", " ", text)
    return " ".join(stripped.split()) or text


@dataclass(frozen=True)
class Knowledge:
    """What the delegate's knowledge base holds for one question, best passage first."""

    passages: list[Passage]
    threshold: float = STRONG_MATCH

    def strong(self) -> Passage | None:
        """The best passage when it is close enough in meaning to answer the question."""
        if self.passages and self.passages[0].score >= self.threshold:
            return self.passages[0]
        return None

    def cited(self, text: str) -> list[Passage]:
        """The passages a reply cites by number (``[1]``)."""
        return [self.passages[n - 1] for n in cited_numbers(text, len(self.passages))]
