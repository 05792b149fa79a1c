from __future__ import annotations

from tests.support import Api


async def test_integration_crud_never_returns_secrets(api: Api) -> None:
    bot_id = (await api.post("bot/create", {"name": "Ada", "alias": "ada"})).json()["id"]
    created = await api.post(
        "integration/recall/create",
        {
            "name": "Sales calls",
            "botId": "@ada",
            "apiKey": "recall-key-123",
            "webhookSecret": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
            "region": "eu-central-1",
            "meta": {"env": "prod"},
        },
    )
    assert created.status_code == 200
    integration_id = created.json()["id"]

    fetched = await api.get(f"integration/recall/{integration_id}/fetch")
    body = fetched.json()
    assert body["botId"] == bot_id
    assert body["region"] == "eu-central-1"
    assert body["apiKeySet"] is True and body["webhookSecretSet"] is True
    assert "apiKey" not in body and "webhookSecret" not in body
    assert "recall-key-123" not in fetched.text

    listed = await api.get("integration/recall/list")
    assert "recall-key-123" not in listed.text
    assert [i["id"] for i in listed.json()["items"]] == [integration_id]


async def test_integration_update_leaves_omitted_fields_unchanged(api: Api) -> None:
    integration_id = (
        await api.post(
            "integration/recall/create",
            {"name": "A", "alias": "calls", "region": "us-west-2", "apiKey": "k1"},
        )
    ).json()["id"]

    await api.post(f"integration/recall/{integration_id}/update", {"description": "changed"})
    after = (await api.get("integration/recall/@calls/fetch")).json()
    assert after["region"] == "us-west-2"
    assert after["alias"] == "calls"
    assert after["apiKeySet"] is True
    assert after["description"] == "changed"

    await api.post(f"integration/recall/{integration_id}/update", {"apiKey": None, "region": ""})
    cleared = (await api.get(f"integration/recall/{integration_id}/fetch")).json()
    assert cleared["apiKeySet"] is False
    assert cleared["region"] == "us-east-1"


async def test_integration_defaults_to_us_east_1(api: Api) -> None:
    integration_id = (await api.post("integration/recall/create", {})).json()["id"]

    body = (await api.get(f"integration/recall/{integration_id}/fetch")).json()
    assert body["region"] == "us-east-1"
    assert body["apiKeySet"] is False and body["botId"] is None


async def test_integration_validation_errors(api: Api) -> None:
    cases = [
        ({"region": "ap-south-1"}, 400, '"region" must be one of'),
        ({"botId": "cxxxxxxxxxxxxxxxxxxxxxxx"}, 404, '"botId"'),
        ({"apiKey": 123}, 400, '"apiKey"'),
        ({"webhookUrl": "https://x"}, 400, '"webhookUrl" is not allowed'),
    ]
    for body, status, expected in cases:
        r = await api.post("integration/recall/create", body)
        assert r.status_code == status, body
        assert expected in r.json()["message"], (body, r.json())

    assert (await api.get("integration/recall/list")).json()["items"] == []


async def test_deleting_a_bot_unlinks_it_from_integrations(api: Api) -> None:
    bot_id = (await api.post("bot/create", {"name": "Ada"})).json()["id"]
    integration_id = (await api.post("integration/recall/create", {"botId": bot_id})).json()["id"]

    await api.post(f"bot/{bot_id}/delete")

    body = (await api.get(f"integration/recall/{integration_id}/fetch")).json()
    assert body["botId"] is None


async def test_a_webhook_secret_the_receiver_cannot_use_is_refused_when_saved(api: Api) -> None:
    """Stored, it would make every signed delivery answer 401 and the transcript be lost."""
    good = "whsec_" + "A" * 32
    refused = [
        await api.post("integration/recall/create", {"webhookSecret": secret})
        for secret in ("whsec_not base64!", "sk_live_abc", "whsec_c2VjcmV0")
    ]
    created = await api.post("integration/recall/create", {"webhookSecret": good})
    integration_id = created.json()["id"]
    update = await api.post(
        f"integration/recall/{integration_id}/update", {"webhookSecret": "whsec_%%%"}
    )
    cleared = await api.post(f"integration/recall/{integration_id}/update", {"webhookSecret": ""})
    listed = await api.get("integration/recall/list")

    for answer in [*refused, update]:
        assert answer.status_code == 400, answer.text
        assert answer.json()["code"] == "BAD_REQUEST"
        assert '"webhookSecret"' in answer.json()["message"]
    assert created.status_code == 200 and cleared.status_code == 200
    assert [i["id"] for i in listed.json()["items"]] == [integration_id], "nothing half-stored"
