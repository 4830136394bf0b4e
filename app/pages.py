"""The explorer page and the API documentation, both served with no internet.

Every URL in them is relative to the page (`static/app.css`, `api/graph`, `openapi.json`), so the
app works behind a reverse proxy under any host name, scheme or path prefix.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
router = APIRouter()

SWAGGER_UI = "static/vendor/swagger-ui-bundle-5.35.0.js"
SWAGGER_CSS = "static/vendor/swagger-ui-5.35.0.css"


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def read_page(request: Request) -> HTMLResponse:
    """The explorer: editor, graph, timeline, nudge and quiz."""
    return templates.TemplateResponse(request, "index.html")


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def read_docs(request: Request) -> HTMLResponse:
    """Swagger UI for openapi.json, from the vendored copy rather than a CDN."""
    return templates.TemplateResponse(
        request, "docs.html", {"swagger_js": SWAGGER_UI, "swagger_css": SWAGGER_CSS, "openapi_url": "openapi.json"}
    )
