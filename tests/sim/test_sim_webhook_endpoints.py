"""The simulated workspace's status webhook endpoints: what Recall's dashboard configures,
here also through ``/api/v1/sim/webhook_endpoints/``. Every endpoint gets every bot's status."""

from __future__ import annotations

import httpx2
from simkit import STATUS_URL, MakeSim, Receiver, bot_body, client_for

OTHER_URL = "http://receiver/other-integration/webhook"


async def test_endpoints_added_later_get_every_status_change(
    make_sim: MakeSim, receiver: Receiver
) -> None:
    sim = make_sim(webhook_url=None)
    async with client_for(sim) as api:
        assert (await api.get("/api/v1/sim/webhook_endpoints/")).json() == {"results": []}
        added = await api.post("/api/v1/sim/webhook_endpoints/", json={"url": STATUS_URL})
        again = await api.post("/api/v1/sim/webhook_endpoints/", json={"url": STATUS_URL})
        other = await api.post("/api/v1/sim/webhook_endpoints/", json={"url": OTHER_URL})
        assert (added.status_code, again.status_code, other.status_code) == (201, 200, 201)
        listed = (await api.get("/api/v1/sim/webhook_endpoints/")).json()["results"]
        assert listed == [{"url": STATUS_URL}, {"url": OTHER_URL}]

        bot = (await api.post("/api/v1/bot/", json=bot_body())).json()
        await sim.wait_until_done(bot["id"], timeout=10)

    by_path: dict[str, list[str]] = {}
    for delivery in receiver.received:
        if delivery.path in ("/status", "/other-integration/webhook"):
            by_path.setdefault(delivery.path, []).append(delivery.event)
    assert by_path["/status"] == by_path["/other-integration/webhook"]
    assert by_path["/status"][0] == "bot.joining_call" and by_path["/status"][-1] == "bot.done"


async def test_endpoints_are_checked_removed_and_need_the_api_key(make_sim: MakeSim) -> None:
    sim = make_sim()
    async with client_for(sim) as api:
        bad = await api.post("/api/v1/sim/webhook_endpoints/", json={"url": "not a url"})
        missing = await api.post("/api/v1/sim/webhook_endpoints/", json={})
        removed = await api.request(
            "DELETE", "/api/v1/sim/webhook_endpoints/", json={"url": STATUS_URL}
        )
        gone = await api.request(
            "DELETE", "/api/v1/sim/webhook_endpoints/", json={"url": STATUS_URL}
        )
    assert bad.status_code == 400 and "url" in bad.json()
    assert missing.status_code == 400
    assert removed.status_code == 204 and gone.status_code == 404
    assert sim.webhook_urls == []
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sim.app), base_url="http://sim"
    ) as anonymous:
        refused = await anonymous.get("/api/v1/sim/webhook_endpoints/")
    assert refused.status_code == 401
