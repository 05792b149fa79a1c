"""The clients: ``Delegate`` (sync) and ``AsyncDelegate``, over httpx2."""

from __future__ import annotations

from types import TracebackType
from typing import Self, TypeVar

import httpx2
from pydantic import ValidationError

from delegate import __version__
from delegate.client._async_resources import AsyncBots, AsyncIntegrations
from delegate.client._exceptions import ConnectionFailed, DelegateError, TimedOut, error_for
from delegate.client._requests import Call
from delegate.client._resources import Bots, Integrations
from delegate.client._webhook_resources import AsyncWebhooks, Webhooks
from delegate.client.types import Model

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 30.0

M = TypeVar("M", bound=Model)


class _Base:
    def __init__(self, api_key: str, base_url: str) -> None:
        if not api_key:
            raise ValueError("api_key is required (an sk-... token)")
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        # Accept the server root as well as a URL that already ends in /v1 or /api/v1.
        self._root = self.base_url if self.base_url.endswith("/v1") else f"{self.base_url}/v1"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _url(self, call: Call) -> str:
        return f"{self._root}/{call.path}"

    def _headers(self, call: Call) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._api_key}",
            "Accept": "application/json",
            "User-Agent": f"delegate-python/{__version__}",
            **(call.headers or {}),
        }

    @staticmethod
    def _body(call: Call) -> dict[str, object] | None:
        # Every change is a POST with a JSON object, even when there is nothing to say.
        return dict(call.body or {}) if call.method == "POST" else None

    def _checked(self, response: httpx2.Response) -> httpx2.Response:
        if response.is_error:
            raise error_for(response)
        return response

    def _transport_error(self, exc: httpx2.TransportError) -> DelegateError:
        if isinstance(exc, httpx2.TimeoutException):
            return TimedOut(f"no answer from {self.base_url} in time", "TIMEOUT")
        reason = str(exc) or type(exc).__name__
        return ConnectionFailed(f"cannot reach {self.base_url}: {reason}", "CONNECTION_FAILED")

    @staticmethod
    def _parse(response: httpx2.Response, cast_to: type[M]) -> M:
        try:
            return cast_to.model_validate_json(response.content)
        except ValidationError as exc:
            raise DelegateError(
                f"unexpected answer from the server (expected {cast_to.__name__})",
                "INVALID_RESPONSE",
                response.status_code,
            ) from exc


class Delegate(_Base):
    """Synchronous client of a delegate server.

    ``http_client`` lets you bring your own ``httpx2.Client`` (proxies, test transports); it is
    then yours to close and its own timeout applies. Use as a context manager or call ``close()``.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        http_client: httpx2.Client | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(api_key, base_url)
        self._owns_http = http_client is None
        self._http = http_client or httpx2.Client(timeout=timeout)
        self.bot = Bots(self)
        self.integration = Integrations(self)
        self.webhook = Webhooks(self)

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

    def _send(self, call: Call) -> httpx2.Response:
        try:
            response = self._http.request(
                call.method,
                self._url(call),
                params=dict(call.params) if call.params else None,
                json=self._body(call),
                headers=self._headers(call),
            )
        except httpx2.TransportError as exc:
            raise self._transport_error(exc) from exc
        return self._checked(response)

    def _model(self, call: Call, cast_to: type[M]) -> M:
        return self._parse(self._send(call), cast_to)

    def _text(self, call: Call) -> str:
        return self._send(call).text


class AsyncDelegate(_Base):
    """Asynchronous client of a delegate server; the same resources as ``Delegate``, awaited.

    ``http_client`` lets you bring your own ``httpx2.AsyncClient``; it is then yours to close.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        http_client: httpx2.AsyncClient | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(api_key, base_url)
        self._owns_http = http_client is None
        self._http = http_client or httpx2.AsyncClient(timeout=timeout)
        self.bot = AsyncBots(self)
        self.integration = AsyncIntegrations(self)
        self.webhook = AsyncWebhooks(self)

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

    async def _send(self, call: Call) -> httpx2.Response:
        try:
            response = await self._http.request(
                call.method,
                self._url(call),
                params=dict(call.params) if call.params else None,
                json=self._body(call),
                headers=self._headers(call),
            )
        except httpx2.TransportError as exc:
            raise self._transport_error(exc) from exc
        return self._checked(response)

    async def _model(self, call: Call, cast_to: type[M]) -> M:
        return self._parse(await self._send(call), cast_to)

    async def _text(self, call: Call) -> str:
        return (await self._send(call)).text
