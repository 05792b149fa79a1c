"""One account never sees another's records: every route answers 404, lists stay separate."""

from __future__ import annotations

from tests.support import Api


async def test_every_route_hides_other_accounts_records(api: Api, other_api: Api) -> None:
    bot_id = (await api.post("bot/create", {"name": "Ada", "alias": "ada"})).json()["id"]
    integration_id = (
        await api.post("integration/recall/create", {"name": "I", "alias": "calls", "apiKey": "k"})
    ).json()["id"]

    reads = [
        f"bot/{bot_id}/fetch",
        "bot/@ada/fetch",
        f"integration/recall/{integration_id}/fetch",
        "integration/recall/@calls/fetch",
    ]
    for path in reads:
        r = await other_api.get(path)
        assert r.status_code == 404, path
        assert r.json()["code"] == "NOT_FOUND"
    changes = [
        (f"bot/{bot_id}/update", {"name": "pwned"}),
        (f"bot/{bot_id}/delete", {}),
        (f"integration/recall/{integration_id}/update", {"name": "pwned"}),
        (f"integration/recall/{integration_id}/delete", {}),
    ]
    for path, body in changes:
        r = await other_api.post(path, body)
        assert r.status_code == 404, path

    assert (await api.get(f"bot/{bot_id}/fetch")).json()["name"] == "Ada"
    assert (await api.get(f"integration/recall/{integration_id}/fetch")).json()["name"] == "I"


async def test_lists_and_aliases_are_per_account(api: Api, other_api: Api) -> None:
    await api.post("bot/create", {"name": "Ada", "alias": "ada"})
    await api.post("integration/recall/create", {"alias": "calls"})

    assert (await other_api.get("bot/list")).json()["items"] == []
    assert (await other_api.get("integration/recall/list")).json()["items"] == []
    same_alias = await other_api.post("bot/create", {"name": "Mine", "alias": "ada"})
    assert same_alias.status_code == 200


async def test_an_integration_cannot_use_another_accounts_bot(api: Api, other_api: Api) -> None:
    bot_id = (await api.post("bot/create", {"name": "Ada", "alias": "ada"})).json()["id"]

    for ref in (bot_id, "@ada"):
        r = await other_api.post("integration/recall/create", {"botId": ref})
        assert r.status_code == 404
        assert '"botId"' in r.json()["message"]
    assert (await other_api.get("integration/recall/list")).json()["items"] == []
