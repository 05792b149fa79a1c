"""Input that used to be accepted and broke later: a bot named "", an integration that cannot
send a delegate (kept for ChatBotKit compatibility, but the answer says what is missing)."""

from __future__ import annotations

from tests.support import Api


async def test_a_bot_named_nothing_is_refused(api: Api) -> None:
    for name in ("", "   "):
        created = await api.post("bot/create", {"name": name})
        assert created.status_code == 400
        assert created.json() == {"message": '"name" must not be empty', "code": "BAD_REQUEST"}
    bot_id = (await api.post("bot/create", {"name": "Ada"})).json()["id"]

    emptied = await api.post(f"bot/{bot_id}/update", {"name": ""})

    assert emptied.status_code == 400 and '"name"' in emptied.json()["message"]
    assert (await api.get(f"bot/{bot_id}/fetch")).json()["name"] == "Ada"
    assert (await api.get("bot/list")).json()["items"][0]["id"] == bot_id


async def test_an_integration_without_bot_or_key_is_saved_with_a_warning(api: Api) -> None:
    created = await api.post("integration/recall/create", {"name": "Sales"})

    assert created.status_code == 200
    body = created.json()
    assert set(body) == {"id", "warning"}
    assert '"botId"' in body["warning"] and '"apiKey"' in body["warning"]
    assert "initiate" in body["warning"]

    bot_id = (await api.post("bot/create", {"name": "Ada"})).json()["id"]
    half = await api.post(f"integration/recall/{body['id']}/update", {"botId": bot_id})
    assert '"botId"' not in half.json()["warning"] and '"apiKey"' in half.json()["warning"]
    whole = await api.post(f"integration/recall/{body['id']}/update", {"apiKey": "k"})
    assert whole.json() == {"id": body["id"]}
    complete = await api.post(
        "integration/recall/create", {"name": "Ready", "botId": bot_id, "apiKey": "k"}
    )
    assert set(complete.json()) == {"id"}
