"""The explorer page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from engine.examples import EXAMPLES

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def read_page(request: Request) -> HTMLResponse:
    """The explorer: editor, graph, timeline and nudge."""
    return templates.TemplateResponse(request, "index.html", {"examples": EXAMPLES})
