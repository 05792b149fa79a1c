from __future__ import annotations

from tests.support import Api


async def test_bot_create_fetch_update_delete(api: Api) -> None:
    created = await api.post(
        "bot/create",
        {
            "name": "Ada",
            "backstory": "You take notes.",
            "model": "gpt-4o-mini",
            "meta": {"team": "x"},
        },
    )
    assert created.status_code == 200
    bot_id = created.json()["id"]
    assert len(bot_id) == 24

    fetched = (await api.get(f"bot/{bot_id}/fetch")).json()
    assert fetched["name"] == "Ada"
    assert fetched["backstory"] == "You take notes."
    assert fetched["meta"] == {"team": "x"}
    assert isinstance(fetched["createdAt"], int) and fetched["createdAt"] > 1_700_000_000_000

    updated = await api.post(f"bot/{bot_id}/update", {"description": "Notes bot"})
    assert updated.json() == {"id": bot_id}
    after = (await api.get(f"bot/{bot_id}/fetch")).json()
    assert after["description"] == "Notes bot"
    assert after["name"] == "Ada"
    assert after["updatedAt"] >= after["createdAt"]

    assert (await api.post(f"bot/{bot_id}/delete")).json() == {"id": bot_id}
    gone = await api.get(f"bot/{bot_id}/fetch")
    assert gone.status_code == 404
    assert gone.json() == {"message": "Bot not found", "code": "NOT_FOUND"}


async def test_bot_alias_works_in_paths_and_is_unique(api: Api) -> None:
    bot_id = (await api.post("bot/create", {"name": "Ada", "alias": "ada"})).json()["id"]

    assert (await api.get("bot/@ada/fetch")).json()["id"] == bot_id
    dup = await api.post("bot/create", {"name": "Other", "alias": "ada"})
    assert dup.status_code == 409
    assert "alias" in dup.json()["message"]


async def test_bot_meta_update_merges_with_dollar_update(api: Api) -> None:
    bot_id = (await api.post("bot/create", {"meta": {"a": 1}})).json()["id"]

    await api.post(f"bot/{bot_id}/update", {"meta": {"$update": {"b": 2}}})
    assert (await api.get(f"bot/{bot_id}/fetch")).json()["meta"] == {"a": 1, "b": 2}
    await api.post(f"bot/{bot_id}/update", {"meta": {"c": 3}})
    assert (await api.get(f"bot/{bot_id}/fetch")).json()["meta"] == {"c": 3}


async def test_bot_validation_errors_name_the_field_and_store_nothing(api: Api) -> None:
    cases = [
        ({"name": 5}, '"name"'),
        ({"alias": "Has Spaces"}, '"alias"'),
        ({"meta": {"_private": 1}}, '"meta"'),
        ({"meta": "text"}, '"meta"'),
        ({"colour": "red"}, '"colour" is not allowed'),
    ]
    for body, expected in cases:
        r = await api.post("bot/create", body)
        assert r.status_code == 400, body
        assert r.json()["code"] == "BAD_REQUEST"
        assert expected in r.json()["message"], (body, r.json())

    assert (await api.get("bot/list")).json()["items"] == []


async def test_bot_meta_keeps_any_json_value(api: Api) -> None:
    meta = {"big": 2**70, "text": "née\u0000", "nested": {"list": [1, 2.5, None, True]}}
    bot_id = (await api.post("bot/create", {"name": "Ada", "meta": meta})).json()["id"]
    assert (await api.get(f"bot/{bot_id}/fetch")).json()["meta"] == meta
