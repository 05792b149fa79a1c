"""``Delegate`` and ``AsyncDelegate`` offer the same operations with the same parameters, and
what the sync one answers the async one answers awaited."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import pytest

import delegate_client
from delegate_client import AsyncDelegate, Delegate

PAGE = {"items": [{"id": "b1", "name": "Ada", "createdAt": 1, "updatedAt": 1}], "cursor": None}


def _answer(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(
        200, json=PAGE if request.url.path.endswith("/list") else PAGE["items"][0]
    )


def _resources(client: Delegate | AsyncDelegate) -> dict[str, object]:
    recall = client.integration.recall
    return {
        "bot": client.bot,
        "integration": client.integration,
        "integration.recall": recall,
        "integration.recall.sessions()": recall.sessions("i1"),
    }


def _operations(resource: object) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(getattr(resource, name))
        for name in dir(resource)
        if not name.startswith("_") and callable(getattr(resource, name))
    }


Clients = tuple[Delegate, AsyncDelegate]


@pytest.fixture
async def clients() -> AsyncIterator[Clients]:
    transport = httpx2.MockTransport(_answer)
    with Delegate(api_key="sk-1", http_client=httpx2.Client(transport=transport)) as sync:
        async with httpx2.AsyncClient(transport=transport) as http:
            yield sync, AsyncDelegate(api_key="sk-1", http_client=http)


RESOURCES = ["bot", "integration", "integration.recall", "integration.recall.sessions()"]


@pytest.mark.parametrize("path", RESOURCES)
def test_sync_and_async_resources_have_the_same_operations_and_signatures(
    clients: Clients, path: str
) -> None:
    sync, aio = (_resources(client)[path] for client in clients)

    sync_operations, async_operations = _operations(sync), _operations(aio)

    assert sync_operations == async_operations
    for name in sync_operations:
        assert getattr(sync, name).__doc__ == getattr(aio, name).__doc__, name


def test_every_operation_is_documented(clients: Clients) -> None:
    assert list(_resources(clients[0])) == RESOURCES
    for path, resource in _resources(clients[0]).items():
        for name in _operations(resource):
            assert getattr(resource, name).__doc__, f"{path}.{name}"


def test_the_clients_take_the_same_arguments() -> None:
    def described(cls: type) -> list[tuple[str, Any, Any]]:
        parameters = inspect.signature(cls).parameters.values()
        return [(p.name, p.kind, p.default) for p in parameters]

    assert described(Delegate) == described(AsyncDelegate)
    assert {n for n in dir(Delegate) if not n.startswith("_")} == {
        n for n in dir(AsyncDelegate) if not n.startswith("_")
    }


async def test_what_sync_answers_async_answers_awaited(clients: Clients) -> None:
    sync, aio = clients

    fetched = aio.bot.fetch("b1")
    pages = aio.bot.iterate()

    assert inspect.isawaitable(fetched) and isinstance(pages, AsyncIterator)
    assert isinstance(sync.bot.iterate(), Iterator)
    assert await fetched == sync.bot.fetch("b1")
    assert [bot async for bot in pages] == sync.bot.list_all() == await aio.bot.list_all()
    assert await aio.bot.list() == sync.bot.list()


def test_the_public_names_are_importable() -> None:
    for name in delegate_client.__all__:
        assert getattr(delegate_client, name) is not None, name


def test_the_old_import_path_still_works() -> None:
    from delegate import client as old

    assert old.Delegate is Delegate and old.AsyncDelegate is AsyncDelegate
    assert set(old.__all__) == set(delegate_client.__all__)
