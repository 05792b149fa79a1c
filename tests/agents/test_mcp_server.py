"""Agents drive delegates through the MCP server, with the ``mcp`` SDK's own client: over
streamable HTTP at ``/mcp`` of a running ``delegate serve``, and over stdio (``delegate mcp``
as a subprocess), against the Recall simulator. What a user of an agent would notice: the
delegate joins, turns arrive and can be searched, a chat message reaches the meeting, the
delegate leaves and the notes come; another account sees nothing; bad input is refused with a
message that says what to fix, and creates nothing."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import ResourceUpdatedNotification

from delegate_client import Delegate
from tests.agents.stack import MEETING_URL, Stack, eventually, ok, refused, start_stack

pytestmark = pytest.mark.slow

TOOLS = {
    "list_bots",
    "list_integrations",
    "verify_integration",
    "send_delegate",
    "list_sessions",
    "session_status",
    "read_transcript",
    "send_chat_message",
    "pause_recording",
    "resume_recording",
    "share_page",
    "stop_sharing",
    "leave_meeting",
    "get_notes",
    "list_datasets",
    "search_dataset",
}


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    yield from start_stack(tmp_path)


@asynccontextmanager
async def over_http(stack: Stack, token: str, **options: Any) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {token}"}
    timeout = httpx2.Timeout(30, read=300)
    async with (
        httpx2.AsyncClient(headers=headers, timeout=timeout) as http,
        Client(streamable_http_client(stack.mcp_url, http_client=http), **options) as client,
    ):
        yield client


@asynccontextmanager
async def over_stdio(stack: Stack, token: str, **options: Any) -> AsyncIterator[Client]:
    env = {**stack.env, "DELEGATE_TOKEN": token}
    params = StdioServerParameters(command=sys.executable, args=["-m", "delegate", "mcp"], env=env)
    async with Client(params, **options) as client:
        yield client


async def turns_of(client: Client, session_id: str, **query: Any) -> dict[str, Any]:
    return await ok(client, "read_transcript", session_id=session_id, **query)


async def a_meeting(client: Client) -> str:
    """Send a delegate, follow the meeting, speak through it, leave and read the notes; the
    session id."""
    tools = {tool.name for tool in (await client.list_tools()).tools}
    assert tools >= TOOLS
    bots = await ok(client, "list_bots")
    assert [b["name"] for b in bots["bots"]] == ["Ada"]

    sent = await ok(
        client, "send_delegate", meeting_url=MEETING_URL, instruction="Take notes, be brief."
    )
    session_id = sent["sessionId"]
    assert sent["meetingUrl"] == MEETING_URL

    async def two_turns() -> dict[str, Any] | None:
        transcript = await turns_of(client, session_id)
        return transcript if len(transcript["turns"]) >= 2 else None

    first = await eventually(two_turns, "two turns of the meeting")
    opening = first["turns"][0]
    word = max(opening["text"].strip(".,!?").split(), key=len)
    found = await turns_of(client, session_id, search=word.upper())
    assert opening["seq"] in [t["seq"] for t in found["turns"]]
    assert all(word.lower() in f"{t['speaker']} {t['text']}".lower() for t in found["turns"])
    later = await turns_of(client, session_id, since_turn=first["lastTurn"])
    assert all(t["seq"] > first["lastTurn"] for t in later["turns"])

    note = f"Noted, thanks everyone ({uuid.uuid4().hex[:8]})"
    sent_message = await ok(client, "send_chat_message", session_id=session_id, message=note)
    assert sent_message["message"] == note

    async def echoed() -> bool | None:
        # The simulator shows the bot's chat in the meeting, which echoes it back as a chat
        # turn of the bot: the message arrived.
        turns = (await turns_of(client, session_id))["turns"]
        return True if any(t["byBot"] and note in t["text"] for t in turns) else None

    await eventually(echoed, "the chat message in the meeting")
    status = await ok(client, "session_status", session_id=session_id)
    assert status["status"] in {"in_call", "recording"}
    assert any(p["isHost"] for p in status["participants"])

    await ok(client, "leave_meeting", session_id=session_id)

    async def notes_ready() -> dict[str, Any] | None:
        notes = await ok(client, "get_notes", session_id=session_id)
        return notes if notes["status"] == "ready" else None

    notes = await eventually(notes_ready, "the notes")
    assert notes["summary"]
    return session_id


async def test_an_agent_runs_a_meeting_over_streamable_http(stack: Stack) -> None:
    async with over_http(stack, stack.token) as client:
        session_id = await a_meeting(client)
        listed = await ok(client, "list_sessions")
        assert [s["id"] for s in listed["sessions"]] == [session_id]
        transcript = await client.read_resource(f"delegate://session/{session_id}/transcript")
        assert note_lines(transcript) >= 2

    # The intruder speaks the protocol before 2026-07-28 (one HTTP session for many
    # messages): each message still acts with the token of the request that carried it.
    async with over_http(stack, stack.other_token, mode="legacy") as intruder:
        assert (await ok(intruder, "list_sessions"))["sessions"] == []
        for tool in ("session_status", "read_transcript", "get_notes", "leave_meeting"):
            error = await refused(intruder, tool, session_id=session_id)
            assert error["code"] == "NOT_FOUND", error
        with pytest.raises(MCPError):
            await intruder.read_resource(f"delegate://session/{session_id}/transcript")


def note_lines(result: Any) -> int:
    return sum(len(c.text.strip().splitlines()) for c in result.contents)


async def test_a_live_transcript_notifies_its_listener(stack: Stack) -> None:
    async with over_http(stack, stack.token) as client:
        request = {"meeting_url": MEETING_URL, "instruction": "Listen.", "idempotency_key": "k1"}
        sent = await ok(client, "send_delegate", **request)
        again = await ok(client, "send_delegate", **request)
        assert again["sessionId"] == sent["sessionId"]
        assert len((await ok(client, "list_sessions"))["sessions"]) == 1
        uri = f"delegate://session/{sent['sessionId']}/transcript"
        with anyio.fail_after(90):
            async with client.listen(resource_subscriptions=[uri]) as updates:
                async for event in updates:
                    if getattr(event, "uri", None) == uri:
                        break
        transcript = await client.read_resource(uri)
        assert note_lines(transcript) >= 1

    async with over_http(stack, stack.other_token) as intruder:
        with pytest.raises(MCPError, match="not found"):
            async with intruder.listen(resource_subscriptions=[uri]):
                pass


async def test_bad_input_says_what_to_fix_and_creates_nothing(stack: Stack) -> None:
    async with over_http(stack, stack.token) as client:
        missing = await refused(client, "send_delegate", instruction="Take notes.")
        assert "meeting_url" in missing["message"] and missing["code"] == "BAD_REQUEST"

        unknown = await refused(
            client,
            "send_delegate",
            meeting_url=MEETING_URL,
            instruction="Take notes.",
            colour="red",
        )
        assert "'colour'" in unknown["message"] and "meeting_url" in unknown["message"]

        not_a_meeting = await refused(
            client, "send_delegate", meeting_url="https://example.com/x", instruction="Notes."
        )
        assert not_a_meeting["code"] == "BAD_REQUEST", not_a_meeting

        wrong_type = await refused(client, "read_transcript", session_id=["a", "b"])
        assert "session_id" in wrong_type["message"]
        empty = await refused(client, "session_status", session_id="")
        assert "session_id" in empty["message"] and empty["code"] == "BAD_REQUEST"

        unknown_session = await refused(client, "session_status", session_id="c" * 24)
        assert unknown_session["code"] == "NOT_FOUND"

        assert (await ok(client, "list_sessions"))["sessions"] == []

        checked = await ok(client, "verify_integration")
        assert checked["ok"] is True and checked["id"] == stack.integration_id
        assert {c["name"]: c["level"] for c in checked["checks"]}["apiKey"] == "ok"

    async with over_http(stack, stack.other_token) as intruder:
        foreign = await refused(intruder, "verify_integration", integration_id=stack.integration_id)
        assert foreign["code"] == "NOT_FOUND", foreign

    no_token = httpx2.post(
        stack.mcp_url,
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Accept": "application/json, text/event-stream"},
    )
    assert no_token.status_code == 401
    assert no_token.json()["code"] == "NOT_AUTHENTICATED"


async def test_an_agent_searches_the_accounts_dataset_and_not_anothers(stack: Stack) -> None:
    with Delegate(api_key=stack.token, base_url=stack.api_url) as api:
        dataset = api.dataset.create(name="Pricing")
        api.dataset.create_record(
            dataset.id, "The Pro plan costs 49 euros per month.", source="pricing.md"
        )
        api.dataset.create_record(dataset.id, "Support answers within one day.", source="faq.md")

    async with over_http(stack, stack.token) as client:
        listed = await ok(client, "list_datasets")
        assert [d["name"] for d in listed["datasets"]] == ["Pricing"]
        found = await ok(
            client, "search_dataset", dataset_id=dataset.id, search="Pro plan euros", take=1
        )
        assert [(r["source"], r["text"]) for r in found["records"]] == [
            ("pricing.md", "The Pro plan costs 49 euros per month.")
        ]
        too_many = await refused(
            client, "search_dataset", dataset_id=dataset.id, search="plan", take=500
        )
        assert "take" in too_many["message"]

    async with over_http(stack, stack.other_token) as client:
        assert (await ok(client, "list_datasets"))["datasets"] == []
        hidden = await refused(client, "search_dataset", dataset_id=dataset.id, search="plan")
        assert hidden["code"] == "NOT_FOUND"


async def test_an_agent_runs_a_meeting_over_stdio(stack: Stack) -> None:
    async with over_stdio(stack, stack.token) as client:
        session_id = await a_meeting(client)
        error = await refused(client, "session_status", session_id=session_id, verbose=True)
        assert "'verbose'" in error["message"]

    async with over_stdio(stack, stack.other_token) as intruder:
        assert (await ok(intruder, "list_sessions"))["sessions"] == []
        error = await refused(intruder, "read_transcript", session_id=session_id)
        assert error["code"] == "NOT_FOUND"


# The protocol before 2026-07-28 is what this test is about; the SDK warns that it is old.
@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
async def test_a_desktop_agent_on_an_earlier_protocol_subscribes_to_a_live_transcript(
    stack: Stack,
) -> None:
    updated = anyio.Event()
    updates: list[str] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, ResourceUpdatedNotification):
            updates.append(message.params.uri)
            updated.set()

    async with over_stdio(stack, stack.token, mode="legacy", message_handler=on_message) as client:
        capabilities = client.server_capabilities.resources
        assert capabilities is not None and capabilities.subscribe
        sent = await ok(client, "send_delegate", meeting_url=MEETING_URL, instruction="Listen.")
        uri = f"delegate://session/{sent['sessionId']}/transcript"
        await client.session.subscribe_resource(uri)
        with anyio.fail_after(90):
            await updated.wait()
        assert set(updates) == {uri}
        assert note_lines(await client.read_resource(uri)) >= 1

    async with over_stdio(stack, stack.other_token, mode="legacy") as intruder:
        with pytest.raises(MCPError, match="not found"):
            await intruder.session.subscribe_resource(uri)
