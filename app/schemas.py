"""Request and response models of the HTTP API (shared/API.md); graphs reuse the engine's records."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from engine.checks import CheckRecord
from engine.exploration import (
    BackwardRecord,
    EdgeRecord,
    GroupRecord,
    MutationRecord,
    NodeRecord,
    PassRecord,
    SetRecord,
)
from engine.program.source import Note
from engine.record import Cell, Print


def _encodable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text contains an invalid character (a lone surrogate)") from None
    return text


Text = Annotated[str, AfterValidator(_encodable)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


PassIndex = Annotated[int | None, Field(alias="pass", ge=0, le=1_000_000)]
ViewIndex = Annotated[int | None, Field(ge=0, le=1_000_000)]
GroupId = Annotated[str, Field(max_length=20)]
# "auto" (the innermost calls of a big pass collapsed), or the ids of the groups to collapse ([] expands all)
Collapse = Literal["auto"] | Annotated[list[GroupId], Field(max_length=100_000)]


class GraphRequest(BaseModel):
    """A program to run, with leaf data to replace, whether to check grads numerically, which pass to show and
    which calls its picture collapses."""

    model_config = ConfigDict(populate_by_name=True)

    source: Text
    overrides: dict[Text, Finite] = {}
    numeric_check: bool = False
    pass_index: PassIndex = None
    view: ViewIndex = None
    collapse: Collapse = "auto"


class ViewOut(BaseModel):
    """A draw_dot(v) call: the pass it shows and how far its timeline had got."""

    model_config = ConfigDict(populate_by_name=True)

    index: int
    line: int
    output: str
    pass_index: int = Field(alias="pass")
    position: int


class PictureErrorOut(BaseModel):
    """Why a graph came back without a picture."""

    kind: str
    message: str


class GraphResponse(BaseModel):
    """One pass of the program: its graph, forward order, backward steps and picture; and the whole run's record."""

    model_config = ConfigDict(populate_by_name=True)

    output: str | None
    nodes: list[NodeRecord]
    edges: list[EdgeRecord]
    forward: list[str]
    backward: list[BackwardRecord | SetRecord]
    svg: str
    svg_error: PictureErrorOut | None = None
    pass_index: int | None = Field(alias="pass")
    passes: list[PassRecord]
    resets: list[MutationRecord]
    updates: list[MutationRecord]
    prints: list[Print]
    result: str | None
    notes: list[Note]
    groups: list[GroupRecord]
    views: list[ViewOut]
    cells: list[Cell]
    plots: list[dict[str, object]]
    checks: list[CheckRecord]  # what the explorer found wrong in the program's own engine
    value_class: str  # "builtin", or the program's own class: `Value (line 8)`
    collapsed: list[str]  # the groups the picture shows collapsed, outermost only


class NudgeRequest(BaseModel):
    """One step of optimisation: leaves in `names` (all named leaves by default) move by step * grad."""

    model_config = ConfigDict(populate_by_name=True)

    source: Text
    overrides: dict[Text, Finite] = {}
    step: Finite
    names: list[Text] | None = None
    pass_index: PassIndex = None
    collapse: Collapse = "auto"


class NudgeResponse(BaseModel):
    """The output before and after, the first-order prediction, and the new state."""

    before: float
    after: float
    predicted: float
    overrides: dict[str, float]
    graph: GraphResponse


class HealthResponse(BaseModel):
    """The server is up and can draw."""

    status: str
    graphviz: str


class ErrorBody(BaseModel):
    """What went wrong and, for a program, where."""

    kind: str
    message: str
    line: int | None
    column: int | None


class PartialOut(BaseModel):
    """What a program that raised partway had printed and drawn before its error."""

    prints: list[Print]
    plots: list[dict[str, object]]
    cells: list[Cell]


class ErrorResponse(BaseModel):
    """The body of every error response; a program's error keeps what it recorded before it."""

    error: ErrorBody
    partial: PartialOut | None = None


def error_body(kind: str, message: str, line: int | None = None, column: int | None = None) -> dict[str, object]:
    """The `error` object every error response carries."""
    return {"error": {"kind": kind, "message": message, "line": line, "column": column}}
