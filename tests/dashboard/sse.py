"""A small server-sent-events reader for the tests (what a browser's EventSource does)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx2


@dataclass(frozen=True)
class Message:
    id: str | None
    event: str
    data: str


async def messages(response: httpx2.Response) -> AsyncIterator[Message]:
    fields: dict[str, str] = {}
    data: list[str] = []
    async for line in response.aiter_lines():
        if not line:
            if data:
                yield Message(fields.get("id"), fields.get("event", "message"), "\n".join(data))
            fields, data = {}, []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                data.append(value)
            else:
                fields[name] = value
