"""Keyset pagination: a cursor we gave keeps working after its item is deleted; one we never
gave is a 400, not an empty page that looks like the end of the list."""

from __future__ import annotations

from tests.support import Api


async def _bots(api: Api, count: int) -> list[str]:
    return [(await api.post("bot/create", {"name": f"b{i}"})).json()["id"] for i in range(count)]


async def test_a_page_whose_cursor_item_was_deleted_still_follows(api: Api) -> None:
    ids = await _bots(api, 5)
    first = (await api.get("bot/list", order="asc", take=2)).json()
    assert [b["id"] for b in first["items"]] == ids[:2]

    assert (await api.post(f"bot/{ids[1]}/delete")).status_code == 200
    rest = (await api.get("bot/list", order="asc", take=10, cursor=first["cursor"])).json()
    desc = (await api.get("bot/list", take=2)).json()
    older = (await api.get("bot/list", take=10, cursor=desc["cursor"])).json()

    assert [b["id"] for b in rest["items"]] == ids[2:]
    assert [b["id"] for b in desc["items"]] == [ids[4], ids[3]]
    assert [b["id"] for b in older["items"]] == [ids[2], ids[0]]


async def test_an_item_id_is_still_a_cursor(api: Api) -> None:
    ids = await _bots(api, 3)

    page = (await api.get("bot/list", order="asc", cursor=ids[0])).json()

    assert [b["id"] for b in page["items"]] == ids[1:]


async def test_a_cursor_we_never_gave_is_a_400(api: Api) -> None:
    await _bots(api, 2)
    other_account_or_gone = "c" + "0" * 23

    for cursor in ("nonsense", "c0mx6jszjzf6r8x51ouv030m.x", "a\x00b", other_account_or_gone):
        for path in ("bot/list", "integration/recall/list"):
            r = await api.get(path, cursor=cursor)
            assert r.status_code == 400, (path, cursor, r.text)
            assert r.json()["code"] == "BAD_REQUEST"
            assert '"cursor"' in r.json()["message"]


async def test_another_accounts_item_is_no_cursor(api: Api, other_api: Api) -> None:
    theirs = (await other_api.post("bot/create", {"name": "theirs"})).json()["id"]
    await _bots(api, 2)

    r = await api.get("bot/list", cursor=theirs)

    assert r.status_code == 400
