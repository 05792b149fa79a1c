"""A whole scripted meeting, from initiate to notes, through the API and the simulator."""

from __future__ import annotations

from tests.meetings.world import World


async def test_customer_call_from_initiate_to_notes(world: World) -> None:
    started = await world.initiate("Keep notes of the renewal call and answer questions.")
    session_id, recall_bot_id = started["sessionId"], started["bot"]["id"]
    assert started["id"] == world.integration_id

    await world.finish(recall_bot_id)

    session = await world.session(session_id)
    assert session["status"] == "ended"
    assert session["recallBotId"] == recall_bot_id
    names = {p["name"] for p in session["participants"]}
    assert {"Dana Lee", "Sam Ortiz", "Grace Miller"} <= names
    chats = world.chats(recall_bot_id)
    assert chats, "the delegate should have answered in the meeting chat"
    assert any("pric" in c.lower() for c in chats), chats

    transcript = await world.api.get(
        f"integration/recall/{world.integration_id}/session/{session_id}/transcript"
    )
    items = transcript.json()["items"]
    assert any("forty dollars per seat" in t["text"] for t in items)
    starts = [t["startS"] for t in items]
    assert starts == sorted(starts)

    notes = (
        await world.api.get(f"integration/recall/{world.integration_id}/session/{session_id}/notes")
    ).json()
    assert notes["status"] == "ready"
    assert notes["summary"]
    assert notes["actionItems"]
