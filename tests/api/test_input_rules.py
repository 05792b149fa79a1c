"""Input the database could not store, or Recall could not be sent, is refused with 400 naming
the field, and nothing is stored (on PostgreSQL too, which refuses NUL in text)."""

from __future__ import annotations

import pytest

from tests.support import Api


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("bot/create", {"name": "Ada\x00"}, '"name"'),
        ("bot/create", {"name": "Ada", "backstory": "a\x00b"}, '"backstory"'),
        ("bot/create", {"name": "Ada", "alias": "a\x00"}, '"alias"'),
        ("integration/recall/create", {"name": "\x00"}, '"name"'),
        ("integration/recall/create", {"botId": "\x00"}, '"botId"'),
        ("integration/recall/create", {"webhookSecret": "whsec_\x00"}, '"webhookSecret"'),
    ],
)
async def test_nul_characters_in_text_are_refused(
    api: Api, path: str, body: dict[str, str], field: str
) -> None:
    r = await api.post(path, body)

    assert r.status_code == 400, r.text
    assert r.json()["code"] == "BAD_REQUEST"
    assert field in r.json()["message"]
    assert "NUL" in r.json()["message"]
    assert (await api.get(path.replace("create", "list"))).json()["items"] == []


async def test_nul_in_an_update_changes_nothing(api: Api) -> None:
    bot_id = (await api.post("bot/create", {"name": "Ada"})).json()["id"]

    r = await api.post(f"bot/{bot_id}/update", {"name": "Eve\x00"})

    assert r.status_code == 400
    assert (await api.get(f"bot/{bot_id}/fetch")).json()["name"] == "Ada"


async def test_a_path_that_can_name_no_record_is_not_found(api: Api) -> None:
    for path in ("bot/a%00b/fetch", "integration/recall/%ff/fetch", "bot/@%00/fetch"):
        r = await api.get(path)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["code"] == "NOT_FOUND"


@pytest.mark.parametrize("api_key", ["sim-kéy", "sim key", "sim-key\n", "\t"])
async def test_an_api_key_that_cannot_be_sent_to_recall_is_refused(api: Api, api_key: str) -> None:
    created = await api.post("integration/recall/create", {"name": "x", "apiKey": api_key})
    kept = (await api.post("integration/recall/create", {"name": "y", "apiKey": "sk"})).json()
    updated = await api.post(f"integration/recall/{kept['id']}/update", {"apiKey": api_key})

    assert created.status_code == 400 and '"apiKey"' in created.json()["message"]
    assert updated.status_code == 400 and '"apiKey"' in updated.json()["message"]
    listed = (await api.get("integration/recall/list")).json()["items"]
    assert [i["name"] for i in listed] == ["y"]
