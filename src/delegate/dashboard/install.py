"""Mount the dashboard on the app: its pages at ``/`` and its static files (vendored htmx,
with their licences) under ``/static/dashboard``."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from delegate.dashboard import live, pages, resources
from delegate.dashboard.rendering import HERE, LIVE_FRAGMENTS, STATIC_URL, templates


def install(app: FastAPI) -> None:
    # Compiled now rather than by the first live event, which would pay for it mid-meeting.
    templates.env.get_template(LIVE_FRAGMENTS).module  # noqa: B018 - compiles the template
    app.mount(STATIC_URL, StaticFiles(directory=HERE / "static"), name="dashboard-static")
    app.include_router(pages.router)
    app.include_router(live.router)
    app.include_router(resources.router)
