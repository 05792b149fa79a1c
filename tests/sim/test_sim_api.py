"""The simulated Recall API: routes, Bot object shape, auth, errors, pagination, idempotency."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx2
from simkit import ALL_EVENTS, RT_URL, CreateBot, MakeSim, bot_body, client_for

from delegate.sim import Simulator

LATER = (datetime.now(UTC) + timedelta(hours=2)).isoformat()


async def test_create_returns_a_recall_bot_object(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/v1/bot/", json=bot_body())
    assert response.status_code == 201
    bot = response.json()
    uuid.UUID(bot["id"])
    assert bot["meeting_url"] == {"meeting_id": "abc-defg-hij", "platform": "google_meet"}
    assert bot["bot_name"] == "Ada"
    assert bot["metadata"] == {"session": "s1"}
    assert bot["status_changes"] == []
    assert bot["recordings"] == []
    assert bot["calendar_meetings"] == []
    assert bot["join_at"] is None
    config = bot["recording_config"]
    assert config["transcript"]["provider"] == {"recallai_streaming": {"language_code": "en"}}
    assert config["realtime_endpoints"] == [
        {"type": "webhook", "url": RT_URL, "events": ALL_EVENTS, "metadata": {}}
    ]
    assert config["video_mixed_layout"] == "speaker_view"
    assert config["participant_events"] == {"metadata": {}}
    assert bot["automatic_leave"]["waiting_room_timeout"] == 1200


async def test_defaults_fill_a_minimal_request(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/v1/bot", json={"meeting_url": "https://zoom.us/j/123456789"})
    bot = response.json()
    assert response.status_code == 201
    assert bot["bot_name"] == "Meeting Notetaker"
    assert bot["metadata"] == {}
    assert bot["recording_config"]["transcript"] is None


async def test_status_changes_follow_the_lifecycle(sim: Simulator, create_bot: CreateBot) -> None:
    bot = await create_bot()
    await sim.wait_until_done(bot["id"], timeout=10)
    async with client_for(sim) as api:
        body = (await api.get(f"/api/v1/bot/{bot['id']}/")).json()
    codes = [change["code"] for change in body["status_changes"]]
    assert codes == [
        "joining_call",
        "in_waiting_room",
        "in_call_not_recording",
        "in_call_recording",
        "call_ended",
        "done",
    ]
    assert body["status_changes"][-2]["sub_code"] == "call_ended_by_host"
    assert set(body["status_changes"][0]) == {"code", "message", "created_at", "sub_code"}
    assert body["status_changes"][0]["created_at"].endswith("Z")
    recording = body["recordings"][0]
    assert recording["status"]["code"] == "done"
    assert recording["media_shortcuts"]["transcript"]["status"]["code"] == "done"


async def test_transcript_download_holds_the_final_transcript(
    sim: Simulator, create_bot: CreateBot
) -> None:
    bot = await create_bot()
    await sim.wait_until_done(bot["id"], timeout=10)
    async with client_for(sim) as api:
        body = (await api.get(f"/api/v1/bot/{bot['id']}")).json()
        url = body["recordings"][0]["media_shortcuts"]["transcript"]["data"]["download_url"]
        transcript = (await api.get(url, headers={"authorization": ""})).json()
    assert transcript[0]["participant"]["name"] == "Priya Shah"
    assert transcript[0]["words"][0]["text"] == "Morning"


async def test_invalid_meeting_url_is_a_field_error(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/v1/bot/", json=bot_body(meeting_url="https://example.com/x"))
    assert response.status_code == 400
    assert list(response.json()) == ["meeting_url"]
    assert "not a supported meeting platform" in response.json()["meeting_url"][0]
    missing = await api.post("/api/v1/bot/", json={"bot_name": "x"})
    assert missing.json() == {"meeting_url": ["This field is required."]}


async def test_other_field_errors(api: httpx2.AsyncClient) -> None:
    long_name = await api.post("/api/v1/bot/", json=bot_body(bot_name="x" * 101))
    assert long_name.status_code == 400
    assert "bot_name" in long_name.json()
    bad_meta = await api.post("/api/v1/bot/", json=bot_body(metadata={"a": 1}))
    assert "metadata" in bad_meta.json()
    bad_endpoint = await api.post(
        "/api/v1/bot/",
        json=bot_body(recording_config={"realtime_endpoints": [{"type": "pigeon", "url": "x"}]}),
    )
    assert bad_endpoint.status_code == 400
    assert "realtime_endpoints" in bad_endpoint.json()["recording_config"]
    not_json = await api.post(
        "/api/v1/bot/", content=b"{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    assert not_json.json()["detail"].startswith("JSON parse error")


async def test_auth_accepts_token_prefix_or_bare_key(sim: Simulator) -> None:
    async with client_for(sim, key=None) as api:
        for header in ("Token sim-key", "sim-key", "token sim-key"):
            ok = await api.get("/api/v1/bot/", headers={"authorization": header})
            assert ok.status_code == 200, header
        for headers in ({"authorization": "Token nope"}, {"authorization": "Bearer sim-key"}, {}):
            denied = await api.get("/api/v1/bot/", headers=headers)
            assert denied.status_code == 401
            assert denied.json() == {"detail": "Invalid token."}


async def test_page_size_sets_how_many_bots_a_page_holds(
    sim: Simulator, create_bot: CreateBot
) -> None:
    for _ in range(3):
        await create_bot()
    async with client_for(sim) as api:
        one = (await api.get("/api/v1/bot/", params={"page_size": 1})).json()
        assert one["count"] == 3 and len(one["results"]) == 1
        assert one["next"] == "http://sim/api/v1/bot/?page_size=1&page=2"
        last = (await api.get("/api/v1/bot/", params={"page_size": 1, "page": 3})).json()
        assert len(last["results"]) == 1 and last["next"] is None
        wrong = (await api.get("/api/v1/bot/", params={"page_size": "many"})).json()
        assert len(wrong["results"]) == 3
        refused = await api.get(
            "/api/v1/bot/", params={"page_size": 1}, headers={"Authorization": "Token nope"}
        )
        assert refused.status_code == 401


async def test_unknown_bot_and_route_are_404(api: httpx2.AsyncClient) -> None:
    for path in (f"/api/v1/bot/{uuid.uuid4()}/", "/api/v1/bot/not-a-uuid", "/api/v1/nothing/"):
        response = await api.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    leave = await api.post(f"/api/v1/bot/{uuid.uuid4()}/leave_call/")
    assert leave.status_code == 404


async def test_list_paginates_with_absolute_next_urls(
    sim: Simulator, create_bot: CreateBot
) -> None:
    for index in range(53):
        await create_bot(metadata={"n": str(index), "team": "a" if index < 3 else "b"})
    async with client_for(sim) as api:
        first = (await api.get("/api/v1/bot/")).json()
        assert first["count"] == 53
        assert len(first["results"]) == 50
        assert first["previous"] is None
        assert first["next"] == "http://sim/api/v1/bot/?page=2"
        second = (await api.get(first["next"])).json()
        assert len(second["results"]) == 3
        assert second["next"] is None
        assert second["previous"] == "http://sim/api/v1/bot/"
        assert (await api.get("/api/v1/bot/?page=3")).status_code == 404
        team_a = (await api.get("/api/v1/bot", params={"metadata__team": "a"})).json()
        assert team_a["count"] == 3
        meet = (await api.get("/api/v1/bot/", params={"platform": "zoom"})).json()
        assert meet["count"] == 0


async def test_scheduled_bot_can_be_updated_and_deleted(api: httpx2.AsyncClient) -> None:
    bot = (await api.post("/api/v1/bot/", json=bot_body(join_at=LATER))).json()
    assert bot["join_at"] is not None
    assert bot["status_changes"] == []
    patched = await api.patch(f"/api/v1/bot/{bot['id']}/", json={"bot_name": "Grace"})
    assert patched.status_code == 200
    assert patched.json()["bot_name"] == "Grace"
    too_soon = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    refused = await api.patch(f"/api/v1/bot/{bot['id']}/", json={"join_at": too_soon})
    assert refused.status_code == 400
    assert refused.json()["code"] == "update_bot_failed"
    command = await api.post(f"/api/v1/bot/{bot['id']}/leave_call/")
    assert command.status_code == 400
    assert command.json()["code"] == "cannot_command_unstarted_bot"
    deleted = await api.delete(f"/api/v1/bot/{bot['id']}")
    assert deleted.status_code == 204
    assert (await api.get(f"/api/v1/bot/{bot['id']}/")).status_code == 404


async def test_dispatched_bot_cannot_be_deleted_or_updated(api: httpx2.AsyncClient) -> None:
    bot = (await api.post("/api/v1/bot/", json=bot_body())).json()
    deleted = await api.delete(f"/api/v1/bot/{bot['id']}/")
    assert deleted.status_code == 405
    assert deleted.json() == {"detail": 'Method "DELETE" not allowed.'}
    patched = await api.patch(f"/api/v1/bot/{bot['id']}/", json={"bot_name": "x"})
    assert patched.json() == {
        "code": "update_bot_failed",
        "detail": "Only non-dispatched bots can be updated.",
    }


async def test_scheduled_bot_joins_at_join_at(make_sim: MakeSim) -> None:
    sim = make_sim(speed=1_000_000)
    async with client_for(sim) as api:
        bot = (await api.post("/api/v1/bot/", json=bot_body(join_at=LATER))).json()
        final = await sim.wait_until_done(bot["id"], timeout=10)
    assert final.status == "done"


async def test_commands_to_a_finished_bot_are_refused(
    sim: Simulator, api: httpx2.AsyncClient, create_bot: CreateBot
) -> None:
    bot = await create_bot()
    await sim.wait_until_done(bot["id"], timeout=10)
    for path, body in [
        ("leave_call", None),
        ("send_chat_message", {"message": "hi"}),
        ("pause_recording", None),
        ("output_media", {"screenshare": {"kind": "webpage", "config": {"url": "https://x.io"}}}),
    ]:
        response = await api.post(f"/api/v1/bot/{bot['id']}/{path}/", json=body)
        assert response.status_code == 400
        assert response.json() == {
            "code": "cannot_command_completed_bot",
            "detail": "Cannot send a command to a bot which has completed"
            "(is shutting/has shut down/has errored).",
        }


async def test_idempotency_key_replays_the_first_response(
    sim: Simulator, api: httpx2.AsyncClient
) -> None:
    headers = {"idempotency-key": "key-1"}
    first = await api.post("/api/v1/bot/", json=bot_body(), headers=headers)
    again = await api.post("/api/v1/bot", json=bot_body(bot_name="Other"), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(sim.bots) == 1
    other = await api.post("/api/v1/bot/", json=bot_body(), headers={"idempotency-key": "key-2"})
    assert other.json()["id"] != first.json()["id"]
    assert len(sim.bots) == 2


async def test_idempotent_request_in_flight_is_a_conflict(
    sim: Simulator, api: httpx2.AsyncClient
) -> None:
    sim.faults.slow_responses(0.2, times=1, on="create")
    headers = {"idempotency-key": "slow"}
    slow = asyncio.create_task(api.post("/api/v1/bot/", json=bot_body(), headers=headers))
    await asyncio.sleep(0.05)
    conflict = await api.post("/api/v1/bot/", json=bot_body(), headers=headers)
    assert conflict.status_code == 409
    assert (await slow).status_code == 201
    assert len(sim.bots) == 1
