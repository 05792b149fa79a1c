"""Bad webhook input is refused with a 400 naming the field, nothing stored; another account's
webhooks answer 404; the address rules of the SSRF guard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from delegate.adapters.db.migrate import upgrade
from delegate.api.app import create_app
from delegate.bootstrap import build
from delegate.domain.webhooks import is_forbidden_address
from delegate.services.accounts import create_token
from tests.support import Api, make_settings


@pytest.fixture
async def apis(tmp_path: Path) -> AsyncIterator[tuple[Api, Api]]:
    """Two accounts on a server with the default (production) webhook rules."""
    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    container = build(settings)
    app = create_app(container, manage_lifecycle=False)
    await container.start()
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t")
    alice = Api(http, await create_token(container.uow, container.clock, "alice"))
    bob = Api(http, await create_token(container.uow, container.clock, "bob"))
    yield alice, bob
    await http.aclose()
    await container.stop()
    await container.aclose()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"url": "http://hooks.example.com/in"}, '"url"', "https"),
        ({"url": "ftp://hooks.example.com/in"}, '"url"', "https"),
        ({"url": "https://10.1.2.3/in"}, '"url"', "private"),
        ({"url": "https://127.0.0.1:9000/in"}, '"url"', "private"),
        ({"url": "https://169.254.169.254/latest"}, '"url"', "private"),
        ({"url": "https://[::1]/in"}, '"url"', "private"),
        ({"url": "https://localhost/in"}, '"url"', "private"),
        ({"url": "http://127.0.0.1:9000/in"}, '"url"', "https"),
        ({"url": "https://user:pw@hooks.example.com/in"}, '"url"', "credentials"),
        ({"url": "https:///in"}, '"url"', "host"),
        ({}, '"url"', "required"),
        ({"url": "https://hooks.example.com/in", "events": ["session.exploded"]}, '"events"', ""),
        ({"url": "https://hooks.example.com/in", "events": []}, '"events"', ""),
    ],
)
async def test_bad_webhook_input_is_a_400_naming_the_field(
    apis: tuple[Api, Api], body: dict[str, object], field: str, words: str
) -> None:
    alice, _ = apis
    r = await alice.post("webhook/create", body)
    listed = (await alice.get("webhook/list")).json()["items"]

    assert r.status_code == 400, r.text
    assert r.json()["code"] == "BAD_REQUEST"
    assert field in r.json()["message"] and words in r.json()["message"]
    assert listed == []


async def test_an_update_is_checked_like_a_create(apis: tuple[Api, Api]) -> None:
    alice, _ = apis
    created = await alice.post("webhook/create", {"url": "https://hooks.example.com/in"})
    webhook_id = created.json()["id"]
    r = await alice.post(f"webhook/{webhook_id}/update", {"url": "https://192.168.1.10/"})
    fetched = (await alice.get(f"webhook/{webhook_id}/fetch")).json()

    assert r.status_code == 400 and '"url"' in r.json()["message"]
    assert fetched["url"] == "https://hooks.example.com/in"
    assert fetched["events"] and "secret" not in fetched


async def test_another_accounts_webhook_answers_404_everywhere(apis: tuple[Api, Api]) -> None:
    alice, bob = apis
    created = await alice.post(
        "webhook/create", {"url": "https://hooks.example.com/in", "events": ["session.turn"]}
    )
    webhook_id = created.json()["id"]
    delivery = (await alice.post(f"webhook/{webhook_id}/test")).json()["deliveryId"]
    answers = [
        await bob.get(f"webhook/{webhook_id}/fetch"),
        await bob.post(f"webhook/{webhook_id}/update", {"description": "mine now"}),
        await bob.post(f"webhook/{webhook_id}/secret/rotate"),
        await bob.post(f"webhook/{webhook_id}/test"),
        await bob.get(f"webhook/{webhook_id}/delivery/list"),
        await bob.post(f"webhook/{webhook_id}/delivery/{delivery}/redeliver"),
        await bob.post(f"webhook/{webhook_id}/delete"),
    ]
    bobs = (await bob.get("webhook/list")).json()["items"]
    still = await alice.get(f"webhook/{webhook_id}/fetch")

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all(a.json()["code"] == "NOT_FOUND" for a in answers)
    assert bobs == []
    assert still.status_code == 200 and still.json()["description"] == ""


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        ("10.0.0.1", True),
        ("172.16.5.4", True),
        ("192.168.0.1", True),
        ("127.0.0.1", True),
        ("169.254.169.254", True),
        ("::1", True),
        ("fe80::1", True),
        ("fd00::1", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", True),  # noqa: S104  # an address under test, nothing binds to it
        ("93.184.216.34", False),
        ("2606:4700:4700::1111", False),
    ],
)
def test_the_delivery_guard_refuses_private_addresses(address: str, forbidden: bool) -> None:
    assert is_forbidden_address(address) is forbidden
