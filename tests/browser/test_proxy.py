"""The page behind a reverse proxy: under a path prefix and another host name, nothing fails to load."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from app.main import create_app
from bench.client import free_port
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, screenshot
from tests.browser.helpers import open_page, run_program, text, tid

pytestmark = pytest.mark.browser

PREFIX = "/explorer"
HOST = "classroom.example.org"


class StripPrefix:
    """What a proxy does with `location /explorer/ { proxy_pass http://app/; }`: the app sees `/...`;
    anything outside the prefix is not the app's, so a URL that escapes it fails."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if not scope["path"].startswith(PREFIX + "/"):
                await send({"type": "http.response.start", "status": 404, "headers": []})
                await send({"type": "http.response.body", "body": b"outside the prefix"})
                return
            path = scope["path"][len(PREFIX) :]
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def proxied_url() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(StripPrefix(create_app()), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    yield f"http://{HOST}:{port}{PREFIX}/"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def named_host_browser(playwright_session: Any) -> Iterator[Any]:
    """Chromium that resolves the classroom's host name to this machine."""
    rules = f"--host-resolver-rules=MAP {HOST} 127.0.0.1"
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, rules])
    yield browser
    browser.close()


def test_the_page_under_a_prefix_and_another_host_loads_runs_and_draws(
    named_host_browser: Any, proxied_url: str
) -> None:
    page = named_host_browser.new_page(viewport={"width": 1400, "height": 900})
    page.base_url = proxied_url.rstrip("/")
    failed: list[str] = []
    requested: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.on("request", lambda request: requested.append(request.url))
    open_page(page)
    assert text(page, tid("output-value")) == "-8.0000"
    run_program(page, "a = 2.0\nb = a * a")
    assert text(page, tid("output-value")) == "4.0000"
    assert page.locator(f"{tid('graph')} svg g.node").count() == 3
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=nudge-result]').textContent !== ''")
    screenshot(page, "60-behind-a-proxy")
    page.click("a.api-link")
    page.wait_for_selector(".opblock")
    assert page.url == proxied_url + "docs"
    assert page.eval_on_selector(".servers select", "s => s.value") == proxied_url.rstrip("/")  # Try it out
    assert failed == []
    assert requested and all(url.startswith(proxied_url) for url in requested if not url.startswith("data:"))
    page.close()
