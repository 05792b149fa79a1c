"""ChatBotKit conventions: prefixes, auth, pagination, error shape, body rules."""

from __future__ import annotations

import httpx2

from tests.support import Api


async def test_both_prefixes_serve_the_same_api(api: Api) -> None:
    bot_id = (await api.post("bot/create", {"name": "Ada"})).json()["id"]

    legacy = Api(api.http, api.token, prefix="/api/v1")
    assert (await legacy.get(f"bot/{bot_id}/fetch")).json()["name"] == "Ada"


async def test_missing_or_unknown_token_is_rejected(http: httpx2.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer sk-nope"}, {"Authorization": "Basic abc"}):
        r = await http.get("/v1/bot/list", headers=headers)
        assert r.status_code == 401
        assert r.json()["code"] == "NOT_AUTHENTICATED"
        assert r.json()["message"]


async def test_pagination_orders_and_follows_the_cursor(api: Api) -> None:
    ids = [(await api.post("bot/create", {"name": f"b{i}"})).json()["id"] for i in range(5)]

    page = (await api.get("bot/list", order="asc", take=2)).json()
    assert [b["id"] for b in page["items"]] == ids[:2]
    page2 = (await api.get("bot/list", order="asc", take=2, cursor=page["cursor"])).json()
    assert [b["id"] for b in page2["items"]] == ids[2:4]
    desc = (await api.get("bot/list")).json()
    assert [b["id"] for b in desc["items"]] == list(reversed(ids))
    end = (await api.get("bot/list", order="asc", cursor=ids[-1])).json()
    assert end["items"] == []
    bad = await api.get("bot/list", take=500)
    assert bad.status_code == 400 and '"take"' in bad.json()["message"]
    bad_order = await api.get("bot/list", order="sideways")
    assert bad_order.status_code == 400 and '"order"' in bad_order.json()["message"]


async def test_malformed_bodies_get_clear_errors(api: Api) -> None:
    url = "/v1/bot/create"
    cases = [
        (b'{"name": ', {"content-type": "application/json"}, "not valid JSON"),
        (b'{"name": "a"}', {"content-type": "text/plain"}, "application/json"),
        (b"[1, 2]", {"content-type": "application/json"}, "JSON object"),
    ]
    for content, headers, expected in cases:
        r = await api.http.post(url, content=content, headers={**api.headers, **headers})
        assert r.status_code == 400, content
        assert r.json()["code"] == "BAD_REQUEST"
        assert expected in r.json()["message"], r.json()

    assert (await api.get("bot/list")).json()["items"] == []


async def test_oversize_bodies_are_refused(api: Api) -> None:
    r = await api.post("bot/create", {"backstory": "x" * 2_000_000})

    assert r.status_code == 413
    assert r.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert (await api.get("bot/list")).json()["items"] == []


async def test_unknown_routes_and_methods_answer_in_the_error_shape(api: Api) -> None:
    missing = await api.get("nothing/here")
    assert missing.status_code == 404
    assert missing.json()["code"] == "NOT_FOUND"
    wrong_method = await api.http.get("/v1/bot/create", headers=api.headers)
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "METHOD_NOT_ALLOWED"


async def test_openapi_and_docs_are_served(http: httpx2.AsyncClient) -> None:
    spec = (await http.get("/openapi.json")).json()

    assert "/v1/bot/create" in spec["paths"]
    assert "/v1/integration/recall/{integrationId}/fetch" in spec["paths"]
    assert (await http.get("/docs")).status_code == 200
