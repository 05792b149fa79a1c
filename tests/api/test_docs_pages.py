"""/docs and /redoc work offline: every script, style and icon they load is served by the app
itself (vendored from npm with their licences), none from a CDN."""

from __future__ import annotations

import re

import httpx2
import pytest

from delegate.api.docs_pages import STATIC

LOADED = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*['"]([^'"]+)['"]""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_api_pages_load_everything_from_this_server(
    http: httpx2.AsyncClient, page: str
) -> None:
    html = await http.get(page)

    assert html.status_code == 200
    assert "cdn." not in html.text and "googleapis" not in html.text
    loaded = [a or b for a, b in LOADED.findall(html.text)]
    scripts = [u for u in loaded if u.endswith(".js")]
    assert scripts, html.text
    for url in loaded:
        assert url.startswith("/"), f"{page} loads {url} from elsewhere"
        asset = await http.get(url)
        assert asset.status_code == 200, url
    for url in scripts:
        assert "javascript" in (await http.get(url)).headers["content-type"]


def test_vendored_assets_ship_with_their_licences() -> None:
    for package in ("swagger-ui", "redoc"):
        assert (STATIC / package / "LICENSE").read_text().strip()
