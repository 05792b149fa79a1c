"""Every HTTP answer of ``delegate serve`` carries the security headers: API routes, dashboard
pages, Recall's receivers (the realtime one answers before FastAPI), the docs; API answers are
never cached, and the server does not name itself."""

from __future__ import annotations

from pathlib import Path

import httpx2

from tests.cli.test_serve import free_port, start_serve, wait_healthy
from tests.support import Api, make_settings


def assert_secured(r: httpx2.Response) -> None:
    assert r.headers["x-content-type-options"] == "nosniff", r.url
    assert r.headers["referrer-policy"] == "same-origin", r.url
    assert r.headers["x-frame-options"] == "DENY", r.url
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"], r.url


async def test_api_answers_carry_the_headers_and_are_never_cached(api: Api) -> None:
    ok = await api.get("bot/list")
    refused = await api.http.get("/v1/bot/list")  # no token: 401
    legacy = await api.http.get("/api/v1/bot/list")

    for r in (ok, refused, legacy):
        assert_secured(r)
        assert r.headers["cache-control"] == "no-store"
    assert ok.status_code == 200
    assert refused.status_code == 401


async def test_dashboard_docs_and_receivers_carry_the_headers(api: Api) -> None:
    page = await api.http.get("/signin")
    docs = await api.http.get("/docs")
    realtime = await api.http.post(
        "/v1/integration/recall/nope/session/nope/realtime", content=b"{}"
    )
    webhook = await api.http.post("/v1/integration/recall/nope/webhook", content=b"{}")
    health = await api.http.get("/healthz")

    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert docs.status_code == 200
    assert realtime.status_code >= 400  # answered by the raw receiver, before FastAPI
    assert webhook.status_code >= 400
    for r in (page, docs, realtime, webhook, health):
        assert_secured(r)
    for r in (realtime, webhook):
        assert r.headers["cache-control"] == "no-store"


def test_the_real_server_carries_the_headers_and_does_not_name_itself(tmp_path: Path) -> None:
    port = free_port()
    proc = start_serve(make_settings(tmp_path), port)
    try:
        wait_healthy(port)
        r = httpx2.get(f"http://127.0.0.1:{port}/v1/bot/list")
    finally:
        proc.terminate()
        proc.communicate(timeout=20)

    assert r.status_code == 401
    assert "server" not in r.headers
    assert_secured(r)
    assert r.headers["cache-control"] == "no-store"
