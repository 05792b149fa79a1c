"""Mount the dashboard on the app: its pages at ``/`` and its static files (vendored htmx,
with their licences) under ``/static/dashboard``."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from delegate.dashboard import datasets, live, pages, resources
from delegate.dashboard.rendering import HERE, STATIC_URL
from delegate.dashboard.too_large import TooLargePage


def install(app: FastAPI) -> None:
    live.frames.load()
    app.mount(STATIC_URL, StaticFiles(directory=HERE / "static"), name="dashboard-static")
    app.include_router(pages.router)
    app.include_router(live.router)
    app.include_router(resources.router)
    app.include_router(datasets.router)
    # Added after the app's body cap, so it wraps it and sees its refusals.
    max_bytes = app.state.container.settings.api.max_body_bytes
    app.add_middleware(TooLargePage, max_bytes=max_bytes)
