"""Test support: a small API client bound to one account's token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2

from delegate.config import Settings


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for one test: its own data directory and database (SQLite file by default)."""
    return Settings(data_dir=tmp_path / "data", **overrides)


class Api:
    """A client for one account: ``await api.post("bot/create", {...})``."""

    def __init__(self, http: httpx2.AsyncClient, token: str, prefix: str = "/v1") -> None:
        self.http = http
        self.token = token
        self.prefix = prefix

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str, **params: object) -> httpx2.Response:
        return await self.http.get(
            f"{self.prefix}/{path}", params=params or None, headers=self.headers
        )

    async def post(self, path: str, body: object = None) -> httpx2.Response:
        return await self.http.post(
            f"{self.prefix}/{path}", json={} if body is None else body, headers=self.headers
        )
