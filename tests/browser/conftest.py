"""Browser tests: the real server under uvicorn and Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.client import running_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    with running_server(workers=1) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """One Playwright for the run: its sync API cannot be started twice at once."""
    with playwright_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Any) -> Iterator[object]:
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    expected = "the server responded with a status of 400"  # a wrong program, shown on the page

    def on_console(message: Any) -> None:
        if message.type == "error" and expected not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    page.base_url = base_url  # type: ignore[attr-defined]
    yield page
    context.close()
    assert errors == [], errors


def screenshot(page: object, name: str) -> None:
    """Save what a person would see, for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # type: ignore[attr-defined]
