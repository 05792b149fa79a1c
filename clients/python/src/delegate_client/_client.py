"""The clients: ``Delegate`` (sync) and ``AsyncDelegate``, over httpx2.

Both run the same plans (``_plans``) built by the same resources (``_resources``); what differs
is only how a request is sent and how a poll waits: blocking here, awaited there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import httpx2
from pydantic import ValidationError

from delegate_client._exceptions import ConnectionFailed, DelegateError, TimedOut, error_for
from delegate_client._operations import Async, Sync
from delegate_client._plans import Call, Collect, Plan, Poll, Request, Walk
from delegate_client._resources import Bots, Datasets, Integrations, Webhooks
from delegate_client._version import __version__
from delegate_client.types import Model, Page

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 30.0

T = TypeVar("T")
M = TypeVar("M", bound=Model)
H = TypeVar("H", httpx2.Client, httpx2.AsyncClient)


class _Base(Generic[H]):
    _new_http: Callable[..., H]
    bot: Bots[Any]
    integration: Integrations[Any]
    webhook: Webhooks[Any]
    dataset: Datasets[Any]

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        http_client: H | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not api_key:
            raise ValueError("api_key is required (an sk-... token)")
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        # Accept the server root as well as a URL that already ends in /v1 or /api/v1.
        self._root = self.base_url if self.base_url.endswith("/v1") else f"{self.base_url}/v1"
        self._owns_http = http_client is None
        self._http: H = http_client or self._new_http(timeout=timeout)
        self.bot = Bots(self)
        self.integration = Integrations(self)
        self.webhook = Webhooks(self)
        self.dataset = Datasets(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _run(self, plan: Plan[Any, Any]) -> Any:
        """Carry out ``plan``: the result (sync) or an awaitable of it (async)."""
        match plan:
            case Request():
                return self._call(plan)
            case Poll():
                return self._poll(plan)
            case Walk():
                return self._walk(plan)
            case Collect():
                return self._collect(plan)
        raise TypeError(f"not a plan: {plan!r}")

    def _call(self, request: Request[Any]) -> Any:
        raise NotImplementedError

    def _poll(self, poll: Poll[Any]) -> Any:
        raise NotImplementedError

    def _walk(self, walk: Walk[Any]) -> Any:
        raise NotImplementedError

    def _collect(self, collect: Collect[Any]) -> Any:
        raise NotImplementedError

    def _request(self, call: Call) -> dict[str, Any]:
        """The arguments of ``httpx2`` ``request()`` for ``call``."""
        if call.content is not None:
            return {
                "method": call.method,
                "url": f"{self._root}/{call.path}",
                "params": dict(call.params) if call.params else None,
                "content": call.content,
                "headers": {**self._headers(), **(call.headers or {})},
            }
        return {
            "method": call.method,
            "url": f"{self._root}/{call.path}",
            "params": dict(call.params) if call.params else None,
            # Every change is a POST with a JSON object, even when there is nothing to say.
            "json": dict(call.body or {}) if call.method == "POST" else None,
            "headers": {**self._headers(), **(call.headers or {})},
        }

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._api_key}",
            "Accept": "application/json",
            "User-Agent": f"delegate-python/{__version__}",
        }

    def _transport_error(self, exc: httpx2.TransportError) -> DelegateError:
        if isinstance(exc, httpx2.TimeoutException):
            return TimedOut(f"no answer from {self.base_url} in time", "TIMEOUT")
        reason = str(exc) or type(exc).__name__
        return ConnectionFailed(f"cannot reach {self.base_url}: {reason}", "CONNECTION_FAILED")

    @staticmethod
    def _answer(response: httpx2.Response, request: Request[T]) -> T:
        """The result of ``request`` from its ``response``, or the error the response says."""
        if response.is_error:
            raise error_for(response)
        try:
            return request.parse(response.content)
        except ValidationError as exc:
            raise DelegateError(
                f"unexpected answer from the server (expected {request.expected})",
                "INVALID_RESPONSE",
                response.status_code,
            ) from exc


class Delegate(_Base[httpx2.Client]):
    """Synchronous client of a delegate server.

    ``http_client`` lets you bring your own ``httpx2.Client`` (proxies, test transports); it is
    then yours to close and its own timeout applies. Use as a context manager or call ``close()``.
    """

    _new_http = httpx2.Client
    bot: Bots[Sync]
    integration: Integrations[Sync]
    webhook: Webhooks[Sync]
    dataset: Datasets[Sync]

    def close(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _call(self, request: Request[T]) -> T:
        try:
            response = self._http.request(**self._request(request.call))
        except httpx2.TransportError as exc:
            raise self._transport_error(exc) from exc
        return self._answer(response, request)

    def _poll(self, poll: Poll[T]) -> T:
        while not poll.finished(answer := self._call(poll.request)):
            time.sleep(poll.interval)
        return answer

    def _walk(self, walk: Walk[M]) -> Iterator[M]:
        request: Request[Page[M]] | None = walk.first()
        while request is not None:
            page = self._call(request)
            yield from page.items
            request = walk.after(page)

    def _collect(self, collect: Collect[M]) -> list[M]:
        return list(self._walk(collect.walk))


class AsyncDelegate(_Base[httpx2.AsyncClient]):
    """Asynchronous client of a delegate server; the same resources as ``Delegate``, awaited.

    ``http_client`` lets you bring your own ``httpx2.AsyncClient``; it is then yours to close.
    """

    _new_http = httpx2.AsyncClient
    bot: Bots[Async]
    integration: Integrations[Async]
    webhook: Webhooks[Async]
    dataset: Datasets[Async]

    async def close(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _call(self, request: Request[T]) -> T:
        try:
            response = await self._http.request(**self._request(request.call))
        except httpx2.TransportError as exc:
            raise self._transport_error(exc) from exc
        return self._answer(response, request)

    async def _poll(self, poll: Poll[T]) -> T:
        # The condition is on a remote server: there is no event to wait for, only polls.
        while not poll.finished(answer := await self._call(poll.request)):  # noqa: ASYNC110
            await asyncio.sleep(poll.interval)
        return answer

    async def _walk(self, walk: Walk[M]) -> AsyncIterator[M]:
        request: Request[Page[M]] | None = walk.first()
        while request is not None:
            page = await self._call(request)
            for item in page.items:
                yield item
            request = walk.after(page)

    async def _collect(self, collect: Collect[M]) -> list[M]:
        return [item async for item in self._walk(collect.walk)]
