"""The interactive API pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served from
assets vendored in ``static/`` (from the npm packages ``swagger-ui-dist`` and ``redoc``, with
their licences), so they work offline and load nothing from a CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
ASSETS = "/docs/static"


def install(app: FastAPI) -> None:
    """Add ``/docs``, ``/redoc`` and the assets they load (the app is built with
    ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not there)."""
    app.mount(ASSETS, StaticFiles(directory=STATIC), name="docs-assets")
    title = f"{app.title} API"
    favicon = f"{ASSETS}/swagger-ui/favicon-32x32.png"
    oauth_redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=title,
            swagger_js_url=f"{ASSETS}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=favicon,
            oauth2_redirect_url=oauth_redirect,
        )

    @app.get(oauth_redirect, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=title,
            redoc_js_url=f"{ASSETS}/redoc/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )
