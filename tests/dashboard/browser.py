"""Debian's Chromium, driven headless by Playwright (its own browser download needs the
internet, so the system binary is launched; flags from the stack notes)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    """The system Chromium; a test run in CI fails without it, elsewhere the test is skipped
    with the command that installs it."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: scripts/install installs it (apt-get)")
        pytest.skip("chromium is not installed (scripts/install, or apt-get install chromium)")
    return path


async def launch(tmp_path: Path) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    executable = chromium_path()
    profile = tmp_path / "chromium-profile"
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 860},
        )
        try:
            yield context
        finally:
            await context.close()
