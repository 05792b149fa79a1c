"""The sync SDK against the real app: every bot and integration operation, and pagination."""

from __future__ import annotations

import pytest

from delegate_client import (
    BadRequest,
    Bot,
    Conflict,
    Delegate,
    NotAuthenticated,
    NotFound,
    RecallIntegration,
)
from tests.client.conftest import Server


def test_bot_lifecycle(client: Delegate) -> None:
    created = client.bot.create(
        name="Ada",
        backstory="You are a concise note taker.",
        model="gpt-4o-mini",
        alias="ada",
        description="Takes notes",
        meta={"team": "sales"},
    )

    bot = client.bot.fetch(created.id)
    assert isinstance(bot, Bot)
    assert (bot.name, bot.backstory, bot.model, bot.alias) == (
        "Ada",
        "You are a concise note taker.",
        "gpt-4o-mini",
        "ada",
    )
    assert bot.meta == {"team": "sales"}
    assert bot.created_at > 0
    assert client.bot.fetch("@ada").id == created.id

    assert client.bot.update(created.id, name="Ada Lovelace").id == created.id
    updated = client.bot.fetch(created.id)
    assert updated.name == "Ada Lovelace"
    assert updated.backstory == "You are a concise note taker."

    assert [b.id for b in client.bot.list().items] == [created.id]
    assert client.bot.delete(created.id).id == created.id
    with pytest.raises(NotFound) as missing:
        client.bot.fetch(created.id)
    assert missing.value.status == 404
    assert missing.value.code == "NOT_FOUND"
    assert missing.value.message == "Bot not found"


def test_to_json_is_the_api_shape(client: Delegate) -> None:
    bot = client.bot.fetch(client.bot.create(name="Ada").id)

    data = bot.to_json()

    assert data["name"] == "Ada"
    assert {"createdAt", "updatedAt"} <= set(data)
    assert "created_at" not in data


def test_integration_lifecycle_never_returns_secrets(client: Delegate) -> None:
    bot_id = client.bot.create(name="Ada").id
    created = client.integration.recall.create(
        name="My Recall",
        description="Sales calls",
        alias="sales",
        bot_id=bot_id,
        api_key="recall-secret-key",
        webhook_secret="whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
        region="eu-central-1",
        meta={"a": 1},
    )

    integration = client.integration.recall.fetch(created.id)
    assert isinstance(integration, RecallIntegration)
    assert integration.bot_id == bot_id
    assert integration.region == "eu-central-1"
    assert integration.api_key_set and integration.webhook_secret_set
    assert "recall-secret-key" not in integration.model_dump_json()
    assert client.integration.recall.fetch("@sales").id == created.id

    client.integration.recall.update(created.id, name="Renamed", region="us-west-2")
    changed = client.integration.recall.fetch(created.id)
    assert (changed.name, changed.region, changed.description) == (
        "Renamed",
        "us-west-2",
        "Sales calls",
    )
    assert [i.id for i in client.integration.recall.list().items] == [created.id]
    assert client.integration.recall.delete(created.id).id == created.id
    assert client.integration.recall.list().items == []


def test_pages_and_iteration_follow_cursors(client: Delegate) -> None:
    ids = [client.bot.create(name=f"bot {i}").id for i in range(5)]

    first = client.bot.list(order="asc", take=2)
    second = client.bot.list(order="asc", take=2, cursor=first.cursor)

    assert [b.id for b in first.items] == ids[:2]
    assert [b.id for b in second.items] == ids[2:4]
    assert [b.id for b in client.bot.iterate(order="asc", take=2)] == ids
    assert [b.id for b in client.bot.list_all(order="desc")] == ids[::-1]
    for i in range(3):
        client.integration.recall.create(name=f"integration {i}")
    assert len(list(client.integration.recall.iterate(take=2))) == 3
    assert len(client.integration.recall.list_all()) == 3


def test_errors_carry_the_api_message_code_and_status(server: Server, client: Delegate) -> None:
    stranger = server.client("sk-not-a-token")
    with pytest.raises(NotAuthenticated) as unauthenticated:
        stranger.bot.list()
    assert unauthenticated.value.status == 401
    assert unauthenticated.value.code == "NOT_AUTHENTICATED"

    with pytest.raises(BadRequest) as invalid:
        client.integration.recall.create(name="x", region="mars-1")
    assert invalid.value.status == 400
    assert '"region"' in invalid.value.message

    with pytest.raises(BadRequest, match='"take"'):
        client.bot.list(take=500)

    client.bot.create(name="Ada", alias="ada")
    with pytest.raises(Conflict) as conflict:
        client.bot.create(name="Ada again", alias="ada")
    assert conflict.value.code == "CONFLICT" and conflict.value.status == 409
    assert "ada" in str(conflict.value)


def test_another_accounts_records_are_not_found(server: Server, client: Delegate) -> None:
    bot_id = client.bot.create(name="Ada").id

    with server.client(server.other_token) as other, pytest.raises(NotFound):
        other.bot.fetch(bot_id)


def test_initiate_without_a_recall_key_names_what_is_missing(client: Delegate) -> None:
    bot_id = client.bot.create(name="Ada").id
    integration_id = client.integration.recall.create(name="keyless", bot_id=bot_id).id

    with pytest.raises(BadRequest) as missing:
        client.integration.recall.initiate(
            integration_id, meeting_url="https://zoom.us/j/1234567890", text="Take notes."
        )
    assert "apiKey" in missing.value.message


def test_session_reads_of_an_unknown_session_are_not_found(client: Delegate) -> None:
    integration_id = client.integration.recall.create(name="r").id
    sessions = client.integration.recall.sessions(integration_id)

    assert sessions.list().items == []
    with pytest.raises(NotFound):
        sessions.fetch("c" + "x" * 23)
    with pytest.raises(NotFound):
        sessions.leave("c" + "x" * 23)
