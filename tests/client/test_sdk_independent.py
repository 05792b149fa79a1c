"""``delegate_client`` is a distribution of its own: it installs with httpx2 and pydantic only,
and works in a Python where the server's packages cannot be imported."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

SDK_ROOT = Path(__file__).resolve().parents[2] / "clients" / "python"

# Run in a fresh interpreter: importing any of these (the server and what it is built on) fails.
SCRIPT = """
import asyncio, importlib.abc, sys

BLOCKED = {"delegate", "fastapi", "starlette", "sqlalchemy", "uvicorn", "alembic", "typer"}

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed here")
        return None

sys.meta_path.insert(0, Blocker())

import httpx2
from delegate_client import AsyncDelegate, Delegate, NotFound, verify_webhook

def answer(request):
    if request.url.path.endswith("/fetch"):
        return httpx2.Response(404, json={"message": "Bot not found", "code": "NOT_FOUND"})
    return httpx2.Response(200, json={"id": "b1"})

transport = httpx2.MockTransport(answer)
with Delegate(api_key="sk-1", http_client=httpx2.Client(transport=transport)) as client:
    print("sync", client.bot.create(name="Ada").id)
    try:
        client.bot.fetch("b1")
    except NotFound as exc:
        print("error", exc.code)

async def main():
    async with httpx2.AsyncClient(transport=transport) as http:
        client = AsyncDelegate(api_key="sk-1", http_client=http)
        print("async", (await client.bot.create(name="Ada")).id)

asyncio.run(main())
print("loaded", sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED))
"""


def test_the_sdk_works_where_the_server_cannot_be_imported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["sync b1", "error NOT_FOUND", "async b1", "loaded []"]


def test_the_distribution_depends_on_httpx2_and_pydantic_only() -> None:
    project = tomllib.loads((SDK_ROOT / "pyproject.toml").read_text())["project"]

    names = {
        requirement.split(">")[0].split("=")[0].strip() for requirement in project["dependencies"]
    }

    assert project["name"] == "delegate-client"
    assert names == {"httpx2", "pydantic"}
