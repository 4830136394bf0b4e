"""The JSON API: graph, picture, nudge, examples and health (shared/API.md)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic_core import to_json

from app.pictures import PictureLimit, Pictures
from app.schemas import (
    ErrorResponse,
    GraphRequest,
    GraphResponse,
    HealthResponse,
    NudgeRequest,
    NudgeResponse,
    error_body,
)
from app.settings import Settings
from engine import explore, nudge
from engine import run as programs
from engine.examples import EXAMPLES, Example
from engine.exploration import Exploration
from engine.picture import Collapse, PictureError, collapsed_groups, graphviz_version
from engine.runs import RunCache

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "The program is wrong; the error says what and where."},
    408: {"model": ErrorResponse, "description": "The request body arrived too slowly."},
    413: {"model": ErrorResponse, "description": "The request body is too large."},
    422: {"model": ErrorResponse, "description": "The request is not valid JSON of the right shape."},
    503: {"model": ErrorResponse, "description": "Too busy; retry after the Retry-After seconds."},
}

router = APIRouter()


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_pictures(request: Request) -> Pictures:
    """The app's picture cache and dot pool."""
    pictures: Pictures = request.app.state.pictures
    return pictures


def get_runs(request: Request) -> RunCache:
    """The app's recent runs."""
    runs: RunCache = request.app.state.runs
    return runs


SettingsDep = Annotated[Settings, Depends(get_settings)]
PicturesDep = Annotated[Pictures, Depends(get_pictures)]
RunsDep = Annotated[RunCache, Depends(get_runs)]


def picture_error_kind(error: PictureError) -> str:
    """`limit` for a graph too large to draw (the client's doing), else `graphviz` (the server's)."""
    return "limit" if isinstance(error, PictureLimit) else "graphviz"


def graph_content(exploration: Exploration, pictures: Pictures, collapse: Collapse) -> dict[str, Any]:
    """A GraphResponse as plain data (dataclasses inside), with the picture or the reason it has none."""
    svg, svg_error = "", None
    collapsed = collapsed_groups(exploration, collapse)
    if exploration.output is not None:
        try:
            svg = pictures.draw(exploration, collapsed)
        except PictureError as error:
            svg_error = {"kind": picture_error_kind(error), "message": str(error)}
    fields = {field.name: getattr(exploration, field.name) for field in dataclasses.fields(exploration)}
    fields["pass"] = fields.pop("pass_index")
    fields["views"] = [
        {"index": v.index, "line": v.line, "output": v.output, "pass": v.pass_index, "position": v.position}
        for v in exploration.views
    ]
    return {**fields, "svg": svg, "svg_error": svg_error, "collapsed": collapsed}


def json_response(content: dict[str, Any]) -> Response:
    """JSON serialised by pydantic-core straight from the engine's dataclasses (no per-field validation)."""
    return Response(to_json(content), media_type="application/json")


@router.post("/api/graph", response_model=GraphResponse, responses=ERRORS)
def create_graph(request: GraphRequest, settings: SettingsDep, pictures: PicturesDep, runs: RunsDep) -> Response:
    """Run a program and show one pass: forward order, backward steps, data and grads, the picture, the run's record."""
    exploration = explore(
        request.source,
        request.overrides,
        request.numeric_check,
        request.pass_index,
        settings.limits(),
        runs.run,
        request.view,
    )
    return json_response(graph_content(exploration, pictures, request.collapse))


@router.get(
    "/api/graph.svg",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"image/svg+xml": {}}, "description": "The picture."}},
)
def read_graph_svg(
    settings: SettingsDep,
    pictures: PicturesDep,
    runs: RunsDep,
    source: Annotated[str, Query(max_length=100_000)],
    pass_index: Annotated[int | None, Query(alias="pass", ge=0, le=1_000_000)] = None,
    collapse: Annotated[str, Query(max_length=100_000)] = "auto",
) -> Response:
    """The picture alone, for <img> tags and slides; `collapse` is "auto" or group ids separated by commas."""
    exploration = explore(source, pass_index=pass_index, limits=settings.limits(), runner=runs.run)
    if exploration.output is None:
        return JSONResponse(error_body("name", "this program makes no Value, so there is no picture"), status_code=400)
    groups: Collapse = "auto" if collapse == "auto" else [group for group in collapse.split(",") if group]
    try:
        svg = pictures.draw(exploration, collapsed_groups(exploration, groups))
    except PictureError as error:
        kind = picture_error_kind(error)
        return JSONResponse(error_body(kind, str(error)), status_code=400 if kind == "limit" else 503)
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, media_type="image/svg+xml")


@router.post("/api/nudge", response_model=NudgeResponse, responses=ERRORS)
def create_nudge(request: NudgeRequest, settings: SettingsDep, pictures: PicturesDep, runs: RunsDep) -> Response:
    """One step of optimisation: data += step * grad on the chosen leaves, then the run again with the new data."""
    result = nudge(
        request.source,
        request.step,
        request.overrides,
        request.names,
        request.pass_index,
        settings.limits(),
        runs.run,
    )
    return json_response(
        {
            "before": result.before,
            "after": result.after,
            "predicted": result.predicted,
            "overrides": result.overrides,
            "graph": graph_content(result.graph, pictures, request.collapse),
        }
    )


@router.get("/api/examples", response_model=list[Example])
def read_examples() -> list[Example]:
    """The preset programs."""
    return EXAMPLES


@router.get("/healthz", response_model=HealthResponse, responses={503: {"model": ErrorResponse}})
def read_health() -> Response:
    """Up, with the version of Graphviz's dot (read once); 503 with the reason when dot or the jail cannot work."""
    jail_problem = programs.jail().check()
    if jail_problem is not None:
        reason = f"programs cannot run: {jail_problem}"
        return JSONResponse({"status": "error", "reason": reason, **error_body("jail", reason)}, status_code=503)
    try:
        return JSONResponse({"status": "ok", "graphviz": graphviz_version()})
    except PictureError as error:
        reason = str(error)
    return JSONResponse({"status": "error", "reason": reason, **error_body("graphviz", reason)}, status_code=503)
