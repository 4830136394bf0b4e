"""POST /api/notebook: a Jupyter notebook's code cells as a `# %%` program (shared/API.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from app.schemas import ErrorResponse
from app.settings import Settings, get_settings
from engine.notebook import NotebookError, read_notebook

router = APIRouter()


class SkippedCell(BaseModel):
    """A notebook cell left out of the program, and why."""

    cell: int
    reason: str


class NotebookResponse(BaseModel):
    """The program a notebook makes: its code cells in order, each after a `# %%` line."""

    source: str
    cells: int
    skipped: list[SkippedCell]


def _settings(request: Request) -> Settings:
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    return settings


NOTEBOOK_BODY = {
    "requestBody": {
        "required": True,
        "description": "A Jupyter notebook: the .ipynb file's JSON, nbformat 4.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.post(
    "/api/notebook",
    response_model=NotebookResponse,
    openapi_extra=NOTEBOOK_BODY,
    responses={
        413: {"model": ErrorResponse, "description": "The notebook is too large."},
        422: {"model": ErrorResponse, "description": "The body is not a valid nbformat 4 notebook."},
    },
)
async def create_notebook_source(
    request: Request, settings: Annotated[Settings, Depends(_settings)]
) -> NotebookResponse | JSONResponse:
    """Read a notebook with nbformat (validated) and return its code cells as one `# %%` program."""
    body = await request.body()
    try:
        notebook = await run_in_threadpool(read_notebook, body, settings.limits())  # validation takes the CPU
    except NotebookError as error:
        return JSONResponse({"error": error.error.to_dict()}, status_code=error.status)
    return NotebookResponse(
        source=notebook.source,
        cells=notebook.cells,
        skipped=[SkippedCell(cell=s.cell, reason=s.reason) for s in notebook.skipped],
    )
