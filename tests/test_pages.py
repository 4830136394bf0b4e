"""The page and the API docs name everything at URLs relative to themselves, so a proxy can move them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
PROXIED = {"Host": "classroom.example.org", "X-Forwarded-Proto": "https", "X-Forwarded-Prefix": "/explorer"}
URL_ATTRIBUTE = re.compile(r'\b(?:href|src|action|data-openapi)="([^"]*)"')


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_every_url_in_the_page_is_relative_behind_a_proxy(client: TestClient, path: str) -> None:
    response = client.get(path, headers=PROXIED)
    assert response.status_code == 200
    urls = URL_ATTRIBUTE.findall(response.text)
    assert urls
    for url in urls:
        assert not url.startswith("/") and "://" not in url, url
        if not url.startswith("data:"):
            assert client.get(url).status_code == 200, url
    assert "classroom.example.org" not in response.text and "http" not in response.text.replace("http-equiv", "")


def test_the_page_scripts_call_the_api_at_relative_urls() -> None:
    for script in sorted((ROOT / "static").glob("*.js")):
        code = script.read_text(encoding="utf-8")
        assert not re.search(r"""["'`]/(?:api|static|docs|openapi)""", code), script.name
    assert 'fetch("api/examples")' in (ROOT / "static" / "api.js").read_text(encoding="utf-8")


def test_the_docs_load_the_schema_from_beside_them(client: TestClient) -> None:
    page = client.get("/docs").text
    assert 'data-openapi="openapi.json"' in page
    assert client.get("/openapi.json").json()["info"]["title"] == "Backprop Explorer"
