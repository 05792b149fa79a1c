"""How Recall failures reach callers: error classes, verbatim messages, bounded retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx2
import pytest

from delegate.adapters.recall.client import HttpRecallConnector, RecallClient
from delegate.config import RecallSettings
from delegate.services.ports import (
    BotSpec,
    RecallError,
    RecallNotFound,
    RecallRejected,
    RecallUnauthorized,
    RecallUnavailable,
)
from tests.recall.fake_recall import API_KEY, FakeRecall

SPEC = BotSpec(
    meeting_url="https://zoom.us/j/123?pwd=456",
    bot_name="Delegate",
    realtime_url="https://delegate.example/realtime",
    metadata={"sessionId": "s1"},
)

# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error", "detail", "code"),
    [
        (401, {"detail": "Invalid token."}, RecallUnauthorized, "Invalid token.", None),
        (404, {"detail": "Not found."}, RecallNotFound, "Not found.", None),
        (
            400,
            {"meeting_url": ["Enter a valid URL."]},
            RecallRejected,
            "meeting_url: Enter a valid URL.",
            None,
        ),
        (
            400,
            {"bot_name": ["Too long.", "Must not be blank."], "join_at": ["Invalid date."]},
            RecallRejected,
            "bot_name: Too long. Must not be blank.; join_at: Invalid date.",
            None,
        ),
        (
            400,
            {"recording_config": {"realtime_endpoints": [{}, {"url": ["Enter a valid URL."]}]}},
            RecallRejected,
            "recording_config.realtime_endpoints.1.url: Enter a valid URL.",
            None,
        ),
        (
            400,
            {"non_field_errors": ["Only non-dispatched bots can be updated"]},
            RecallRejected,
            "Only non-dispatched bots can be updated",
            None,
        ),
        (
            400,
            {
                "code": "cannot_command_completed_bot",
                "detail": "Cannot send a command to a bot which has completed.",
            },
            RecallRejected,
            "Cannot send a command to a bot which has completed.",
            "cannot_command_completed_bot",
        ),
        (402, {"detail": "Insufficient credit balance."}, RecallRejected, None, None),
        (405, {"detail": 'Method "DELETE" not allowed.'}, RecallRejected, None, None),
        (400, None, RecallRejected, "HTTP 400 Bad Request", None),
    ],
)
async def test_recall_errors_keep_recalls_words(
    client: RecallClient,
    recall: FakeRecall,
    waits: list[float],
    status: int,
    body: Any,
    error: type[RecallError],
    detail: str | None,
    code: str | None,
) -> None:
    recall.answer(status, body)

    with pytest.raises(error) as caught:
        await client.create_bot(SPEC)

    assert type(caught.value) is error
    assert caught.value.status == status
    assert caught.value.detail == (detail or body["detail"])
    assert caught.value.code == code
    assert len(recall.requests) == 1
    assert waits == []


async def test_a_plain_text_error_is_kept(client: RecallClient, recall: FakeRecall) -> None:
    recall.answer(400, text="meeting_url is malformed, or for an unsupported platform.")

    with pytest.raises(RecallRejected, match=r"^meeting_url is malformed, or for an unsupported"):
        await client.create_bot(SPEC)


async def test_the_waf_page_becomes_words(client: RecallClient, recall: FakeRecall) -> None:
    recall.answer(
        403,
        text="<!DOCTYPE html><html><head><style>p{}</style><title>ERROR</title></head>"
        "<body><h1>403 ERROR</h1><h2>The request could not be satisfied.</h2>"
        "Request blocked.</body></html>",
    )

    with pytest.raises(RecallUnauthorized) as caught:
        await client.create_bot(SPEC)

    assert caught.value.detail == (
        "ERROR 403 ERROR The request could not be satisfied. Request blocked."
    )


async def test_a_get_never_carries_a_body(client: RecallClient, recall: FakeRecall) -> None:
    # Recall's firewall answers 403 to a GET with a body; the fake does the same.
    bot = recall.add_bot("https://zoom.us/j/1")

    await client.get_bot(bot["id"])
    await client.list_bots()

    assert all(seen.body is None for seen in recall.requests)


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 405, 422])
async def test_client_errors_are_never_retried(
    client: RecallClient, recall: FakeRecall, waits: list[float], status: int
) -> None:
    recall.answer(status, {"detail": "no"}, times=4)

    with pytest.raises(RecallRejected):
        await client.leave_call("b1")

    assert len(recall.requests) == 1
    assert waits == []


# --- retries ----------------------------------------------------------------------------------


async def test_429_waits_as_long_as_retry_after_says(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    recall.answer(429, {"detail": "Request was throttled."}, headers={"Retry-After": "2"})

    bot = await client.create_bot(SPEC)

    assert bot.id in recall.bots
    assert len(recall.requests) == 2
    [wait] = waits
    assert 2.0 <= wait <= 2.2  # plus at most 10% jitter


async def test_a_long_retry_after_is_capped(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    recall.answer(
        429, {"detail": "Request was throttled."}, headers={"Retry-After": "600"}, times=2
    )

    await client.send_chat_message(recall.add_bot("https://zoom.us/j/1")["id"], "hello")

    assert waits == [30.0, 30.0]


async def test_retry_after_as_an_http_date(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    recall.answer(503, text="busy", headers={"Retry-After": when})
    bot = recall.add_bot("https://zoom.us/j/1")

    await client.get_bot(bot["id"])

    [wait] = waits
    assert 15.0 <= wait <= 22.0


async def test_attempts_are_bounded_and_the_last_failure_is_raised(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    recall.answer(429, {"detail": "Request was throttled."}, headers={"Retry-After": "3"}, times=9)

    with pytest.raises(RecallUnavailable) as caught:
        await client.pause_recording("b1")

    assert len(recall.requests) == 4  # max_attempts
    assert len(waits) == 3
    assert (caught.value.status, caught.value.detail) == (429, "Request was throttled.")
    assert caught.value.retry_after_s == 3.0


def budgeted(recall_http: httpx2.AsyncClient, waits: list[float], budget_s: float) -> RecallClient:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    settings = RecallSettings(max_attempts=4, max_retry_wait_s=30.0, request_budget_s=budget_s)
    return HttpRecallConnector(settings, recall_http, sleep=sleep).gateway(API_KEY, "us-east-1")


async def test_a_wait_that_does_not_fit_the_budget_gives_up_at_once(
    recall_http: httpx2.AsyncClient, recall: FakeRecall, waits: list[float]
) -> None:
    """Recall says come back in 25 s; the call has 20 s in all: it fails now, with Recall's
    Retry-After, instead of holding its caller."""
    client = budgeted(recall_http, waits, budget_s=20.0)
    recall.answer(429, {"detail": "Request was throttled."}, headers={"Retry-After": "25"}, times=9)

    with pytest.raises(RecallUnavailable) as caught:
        await client.create_bot(SPEC)

    assert len(recall.requests) == 1
    assert waits == []
    assert (caught.value.status, caught.value.retry_after_s) == (429, 25.0)


async def test_waits_stop_when_the_budget_is_spent(
    recall_http: httpx2.AsyncClient, recall: FakeRecall, waits: list[float]
) -> None:
    """Each 12 s wait fits alone, but a second one would take the call past its 20 s."""
    client = budgeted(recall_http, waits, budget_s=20.0)
    recall.answer(429, {"detail": "Request was throttled."}, headers={"Retry-After": "12"}, times=9)

    with pytest.raises(RecallUnavailable) as caught:
        await client.create_bot(SPEC)

    assert len(recall.requests) == 2
    assert len(waits) == 1
    assert caught.value.retry_after_s == 12.0


async def test_the_default_budget_keeps_a_call_within_twenty_seconds() -> None:
    assert RecallSettings().request_budget_s == 20.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_are_retried_with_growing_waits(
    client: RecallClient, recall: FakeRecall, waits: list[float], status: int
) -> None:
    recall.answer(status, text="Bad gateway", times=3)
    bot = recall.add_bot("https://zoom.us/j/1")

    assert (await client.get_bot(bot["id"])).id == bot["id"]

    assert len(recall.requests) == 4
    # Exponential backoff from 0.5 s with jitter in the upper half of each step.
    assert 0.25 <= waits[0] <= 0.5
    assert 0.5 <= waits[1] <= 1.0
    assert 1.0 <= waits[2] <= 2.0


async def test_409_in_flight_is_retried_with_the_same_key(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    recall.answer(409, {"detail": "A request with this idempotency key is in progress."})

    await client.create_bot(SPEC, idempotency_key="k-1")

    assert [seen.headers["idempotency-key"] for seen in recall.requests] == ["k-1", "k-1"]
    assert len(waits) == 1


async def test_507_retries_with_a_fresh_idempotency_key(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    recall.answer(
        507,
        {"detail": "Out of adhoc bots", "code": "out_of_adhoc_bots"},
        headers={"Retry-After": "30"},
        times=2,
    )

    bot = await client.create_bot(SPEC, idempotency_key="k-1")

    keys = [seen.headers["idempotency-key"] for seen in recall.requests]
    assert len(keys) == 3
    assert keys[0] == "k-1"
    assert len(set(keys)) == 3
    assert waits == [30.0, 30.0]
    assert bot.id in recall.bots


async def test_507_without_retry_after_waits_for_the_pool(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    recall.answer(507, {"detail": "Out of adhoc bots", "code": "out_of_adhoc_bots"})

    await client.create_bot(SPEC)

    assert waits == [30.0]


async def test_a_5xx_keeps_the_idempotency_key(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    recall.answer(502, text="Bad Gateway")
    recall.fail(httpx2.ReadTimeout)

    await client.create_bot(SPEC, idempotency_key="k-1")

    assert [seen.headers["idempotency-key"] for seen in recall.requests] == ["k-1"] * 3


async def test_actions_keep_one_key_across_retries(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    recall.fail(httpx2.ReadTimeout)

    await client.send_chat_message(recall.add_bot("https://zoom.us/j/1")["id"], "hello")

    keys = [seen.headers["idempotency-key"] for seen in recall.requests]
    assert len(keys) == 2
    assert keys[0] == keys[1]


@pytest.mark.parametrize(
    "error", [httpx2.ReadTimeout, httpx2.ConnectTimeout, httpx2.ConnectError, httpx2.ReadError]
)
async def test_timeouts_and_connection_errors_are_retried(
    client: RecallClient, recall: FakeRecall, waits: list[float], error: type[httpx2.TransportError]
) -> None:
    recall.fail(error, times=2)

    await client.leave_call(recall.add_bot("https://zoom.us/j/1")["id"])

    assert len(recall.requests) == 3
    assert len(waits) == 2


async def test_a_recall_that_never_answers_is_unavailable(
    client: RecallClient, recall: FakeRecall
) -> None:
    recall.fail(httpx2.ReadTimeout, times=4)

    with pytest.raises(RecallUnavailable, match=r"did not answer within 7.5 seconds") as caught:
        await client.create_bot(SPEC)

    assert caught.value.status is None
    assert len(recall.requests) == 4


async def test_one_attempt_means_no_retry(
    recall: FakeRecall, recall_http: httpx2.AsyncClient, waits: list[float]
) -> None:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    settings = RecallSettings(max_attempts=1)
    client = HttpRecallConnector(settings, recall_http, sleep=sleep).gateway(API_KEY, "us-west-2")
    recall.answer(503, text="busy")

    with pytest.raises(RecallUnavailable):
        await client.stop_recording("b1")

    assert (len(recall.requests), waits) == (1, [])


async def test_a_chat_split_retries_only_the_failed_piece(
    client: RecallClient, recall: FakeRecall, waits: list[float]
) -> None:
    bot = recall.add_bot("https://meet.google.com/hzj-adhd-inu")
    recall.answer(200, recall.bots[bot["id"]])
    recall.answer(429, {"detail": "Request was throttled."}, headers={"Retry-After": "1"})

    await client.send_chat_message(bot["id"], "x " * 400, platform="google_meet")

    messages = [seen.body["message"] for seen in recall.requests]
    assert len(messages) == 3
    assert messages[1] == messages[2]
    assert len(waits) == 1
