"""What the SDK puts on the wire and how it reads answers that are not the API's own, through a
recording transport (no server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import httpx2
import pytest

from delegate_client import (
    BadGateway,
    ConnectionFailed,
    Delegate,
    DelegateError,
    NotFound,
    RateLimited,
    ServerError,
    TimedOut,
)


class Recorder:
    """Answers every request with ``status``/``body`` and keeps the requests."""

    def __init__(
        self, status: int = 200, body: object | bytes = None, headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.headers = headers or {}
        self.body = body if body is not None else {"id": "c" * 24}
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if isinstance(self.body, bytes):
            return httpx2.Response(self.status, content=self.body, headers=self.headers)
        return httpx2.Response(self.status, json=self.body, headers=self.headers)

    def client(self, base_url: str = "http://api.test") -> Delegate:
        return Delegate(
            api_key="sk-test",
            base_url=base_url,
            http_client=httpx2.Client(transport=httpx2.MockTransport(self)),
        )


def test_requests_carry_the_token_camel_case_bodies_and_idempotency_key() -> None:
    recorder = Recorder(body={"id": "i1", "bot": {"id": "b1"}, "sessionId": "s1"})
    join_at = datetime(2030, 1, 2, 15, 0, tzinfo=UTC)

    result = recorder.client().integration.recall.initiate(
        "i1",
        meeting_url="https://zoom.us/j/1",
        text="Take notes.",
        bot_name="Ada",
        join_at=join_at,
        idempotency_key="retry-1",
    )

    sent = recorder.requests[0]
    assert (sent.method, str(sent.url)) == (
        "POST",
        "http://api.test/v1/integration/recall/i1/initiate",
    )
    assert sent.headers["authorization"] == "Bearer sk-test"
    assert sent.headers["idempotency-key"] == "retry-1"
    assert json.loads(sent.content) == {
        "meetingUrl": "https://zoom.us/j/1",
        "text": "Take notes.",
        "botName": "Ada",
        "joinAt": "2030-01-02T15:00:00+00:00",
    }
    assert result.session_id == "s1"


def test_integration_fields_are_sent_camel_case_and_none_is_left_out() -> None:
    recorder = Recorder()

    recorder.client().integration.recall.update(
        "i1", bot_id="b1", api_key="k", webhook_secret="whsec_x"
    )

    assert json.loads(recorder.requests[0].content) == {
        "botId": "b1",
        "apiKey": "k",
        "webhookSecret": "whsec_x",
    }


@pytest.mark.parametrize(
    "base_url",
    ["http://api.test", "http://api.test/", "http://api.test/v1", "http://api.test/api/v1"],
)
def test_base_url_may_be_the_root_or_the_versioned_prefix(base_url: str) -> None:
    recorder = Recorder(body={"items": [], "cursor": None})

    recorder.client(base_url).bot.list(order="asc", take=5, cursor="c1")

    url = recorder.requests[0].url
    assert url.path.endswith("/v1/bot/list")
    assert dict(url.params) == {"cursor": "c1", "order": "asc", "take": "5"}


def test_ids_cannot_escape_their_path_segment() -> None:
    recorder = Recorder(body={"id": "x"})

    recorder.client().bot.delete("../../integration/recall/x")

    assert recorder.requests[0].url.raw_path.startswith(b"/v1/bot/..%2F..%2Fintegration")


def test_a_naive_join_at_is_refused_before_sending() -> None:
    recorder = Recorder(body={"id": "i1", "bot": {}, "sessionId": "s1"})

    with pytest.raises(ValueError, match="timezone"):
        recorder.client().integration.recall.initiate(
            "i1",
            meeting_url="https://x",
            text="t",
            join_at=datetime(2030, 1, 1),  # noqa: DTZ001
        )
    assert recorder.requests == []
    recorder.client().integration.recall.initiate(
        "i1", meeting_url="https://x", text="t", join_at=datetime.now(timezone(timedelta(hours=2)))
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (404, NotFound),
        (429, RateLimited),
        (502, BadGateway),
        (503, ServerError),
        (418, DelegateError),
    ],
)
def test_status_picks_the_error_class(status: int, cls: type[DelegateError]) -> None:
    body = {"message": "Nope", "code": "SOME_CODE"}

    with pytest.raises(cls) as caught:
        Recorder(status, body).client().bot.fetch("b1")

    assert (caught.value.message, caught.value.code, caught.value.status) == (
        "Nope",
        "SOME_CODE",
        status,
    )
    assert str(caught.value) == "Nope (SOME_CODE)"


def test_a_429_carries_the_seconds_of_retry_after() -> None:
    body = {"message": "Too many initiates for this account; retry later", "code": "RATE_LIMITED"}

    with pytest.raises(RateLimited) as caught:
        Recorder(429, body, {"Retry-After": "30"}).client().bot.list()
    with pytest.raises(RateLimited) as unsaid:
        Recorder(429, body).client().bot.list()

    assert caught.value.retry_after == 30.0
    assert caught.value.code == "RATE_LIMITED"
    assert "retry_after=30.0" in repr(caught.value)
    assert unsaid.value.retry_after is None


def test_a_non_json_error_body_still_reads_clearly() -> None:
    html = b"<html><body><h1>502 Bad Gateway</h1> nginx</body></html>"

    with pytest.raises(BadGateway) as caught:
        Recorder(502, html).client().bot.list()

    assert caught.value.code == "HTTP_502"
    assert caught.value.message.startswith("HTTP 502 Bad Gateway: ")
    assert "nginx" in caught.value.message


def test_an_unexpected_success_body_is_an_error_not_a_crash() -> None:
    with pytest.raises(DelegateError) as caught:
        Recorder(200, b"hello").client().bot.fetch("b1")

    assert caught.value.code == "INVALID_RESPONSE"


def test_unreachable_server_and_timeouts() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("Connection refused", request=request)

    def hang(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out", request=request)

    refusing = Delegate(
        api_key="sk-x", http_client=httpx2.Client(transport=httpx2.MockTransport(refuse))
    )
    hanging = Delegate(
        api_key="sk-x", http_client=httpx2.Client(transport=httpx2.MockTransport(hang))
    )

    with pytest.raises(ConnectionFailed) as refused:
        refusing.bot.list()
    with pytest.raises(TimedOut):
        hanging.bot.list()
    assert refused.value.status is None
    assert "127.0.0.1:8000" in refused.value.message and "refused" in refused.value.message


def test_the_token_is_required_and_never_in_the_repr() -> None:
    with pytest.raises(ValueError, match="api_key"):
        Delegate(api_key="")
    with Delegate(api_key="sk-very-secret") as client:
        assert "sk-very-secret" not in repr(client)


def test_a_client_closes_only_the_http_client_it_created() -> None:
    mine = httpx2.Client(transport=httpx2.MockTransport(Recorder()))
    with Delegate(api_key="sk-x", http_client=mine):
        pass
    assert not mine.is_closed
    with Delegate(api_key="sk-x") as owned:
        http = owned._http
    assert http.is_closed
