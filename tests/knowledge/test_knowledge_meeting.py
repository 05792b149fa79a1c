"""In a simulated meeting the delegate answers from its dataset, with a citation, and says it
does not know when its documents do not answer."""

from __future__ import annotations

from pathlib import Path

from delegate.sim.scripts import parse_script
from tests.knowledge.conftest import wait_indexed
from tests.knowledge.docs import PRICING_MD, REFUNDS_HTML, SUPPORT_TXT
from tests.meetings.world import make_world

QUESTIONS = parse_script(
    """
title = "Customer questions"
[join]
joining_s = 0.5
waiting_room_s = 0
setup_s = 0.5

[[participants]]
id = 100
name = "Kim Tran"
is_host = true

[[events]]
at = 1.0
who = "Kim Tran"
chat = "{bot}, how much does the Pro plan cost?"

[[events]]
at = 2.5
who = "Kim Tran"
chat = "{bot}, what is the capital of Australia?"

[[events]]
at = 4.0
who = "Kim Tran"
chat = "{bot}, kann ich mein Geld zurückbekommen?"
"""
)


async def test_the_delegate_answers_from_its_dataset_with_citations(tmp_path: Path) -> None:
    world = await make_world(tmp_path, speed=10)
    try:
        api = world.api
        dataset_id = (await api.post("dataset/create", {"name": "Handbook"})).json()["id"]
        for name, body in (
            ("pricing.md", PRICING_MD),
            ("refunds.html", REFUNDS_HTML),
            ("support.txt", SUPPORT_TXT),
        ):
            uploaded = await api.http.post(
                f"/v1/dataset/{dataset_id}/file/upload",
                params={"name": name},
                content=body.encode(),
                headers=api.headers,
            )
            assert uploaded.status_code == 200, uploaded.text
        await wait_indexed(api, dataset_id)
        await api.post(f"bot/{world.bot_id}/update", {"datasetId": dataset_id})
        world.sim.assign_script("1234567890", QUESTIONS)

        started = await world.initiate()
        await world.finish(started["bot"]["id"])
        chats = world.chats(started["bot"]["id"])
        replies = (await world.session(started["sessionId"]))["replies"]
    finally:
        await world.aclose()

    assert len(chats) == 3, chats
    pro, unknown, refund = chats
    assert "49 euros" in pro and "[1] pricing.md" in pro
    assert "don't know" in unknown and "[1]" not in unknown
    assert "30 days" in refund and "[1] refunds.html" in refund
    cited = [r["payload"].get("records") for r in replies if r["kind"] == "chat"]
    assert [c[0]["source"] if c else None for c in cited] == ["pricing.md", None, "refunds.html"]
