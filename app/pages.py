"""The explorer page and the API documentation, both served with no internet."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from engine.examples import EXAMPLES

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def read_page(request: Request) -> HTMLResponse:
    """The explorer: editor, graph, timeline and nudge."""
    return templates.TemplateResponse(request, "index.html", {"examples": EXAMPLES})


SWAGGER_UI = "/static/vendor/swagger-ui-bundle-5.35.0.js"
SWAGGER_CSS = "/static/vendor/swagger-ui-5.35.0.css"


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def read_docs() -> HTMLResponse:
    """Swagger UI for /openapi.json, from the vendored copy rather than a CDN."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Backprop Explorer API",
        swagger_js_url=SWAGGER_UI,
        swagger_css_url=SWAGGER_CSS,
        swagger_favicon_url="data:,",
    )
