"""A Jupyter notebook (.ipynb) as a program: its code cells in order, each after a `# %%` line.

The notebook is read and validated by nbformat against its JSON schema (nbformat 4); markdown cells are
dropped and outputs ignored; a raw cell, or a code cell that is a cell magic (`%%bash`), is skipped with
its reason. Everything a client sends is checked before nbformat sees it: size, nesting and types.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field

import nbformat
from nbformat import ValidationError

from engine.errors import ProgramError
from engine.limits import Limits

MAX_NESTING = 64  # depth of JSON arrays and objects in a notebook (nbformat's schema needs 6 or so)


class NotebookError(ValueError):
    """A notebook that cannot be read: `status` 413 (too large) or 422 (not a valid notebook)."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = ProgramError(kind, message)


@dataclass(frozen=True)
class Skipped:
    """A cell left out of the program, and why."""

    cell: int
    reason: str


@dataclass(frozen=True)
class NotebookSource:
    """The program a notebook makes: its source, how many code cells it holds, and what was left out."""

    source: str
    cells: int
    skipped: list[Skipped] = field(default_factory=list)


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings: checked before json.loads recurses into it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def read_notebook(body: bytes, limits: Limits) -> NotebookSource:
    """The `# %%` program of a notebook's bytes, or a NotebookError saying what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(422, "request", f"the notebook is not UTF-8 text (byte {error.start})") from None
    if _depth(text) > MAX_NESTING:
        raise NotebookError(422, "request", f"the notebook nests JSON more than {MAX_NESTING} levels deep")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            422, "request", f"the notebook is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise NotebookError(422, "request", "the notebook nests JSON too deeply") from None
    if not isinstance(raw, dict):
        raise NotebookError(422, "request", "a notebook is a JSON object with cells, metadata and nbformat")
    if raw.get("nbformat") != 4:
        raise NotebookError(
            422, "request", f"the explorer reads nbformat 4 notebooks; this one says {raw.get('nbformat')!r}"
        )
    cells = raw.get("cells")
    if isinstance(cells, list) and len(cells) > limits.max_notebook_cells:
        limit = limits.max_notebook_cells
        raise NotebookError(413, "limit", f"the notebook has {len(cells):,} cells; the limit is {limit:,}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat warns of missing cell ids and fills them in
        try:
            notebook = nbformat.from_dict(raw)  # type: ignore[no-untyped-call]
            nbformat.validate(notebook, version=4)
        except ValidationError as error:
            where = "/".join(str(part) for part in error.absolute_path) or "the notebook"
            raise NotebookError(
                422, "request", f"the notebook is not valid nbformat 4: {error.message} (at {where})"
            ) from None
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise NotebookError(
                422, "request", f"the notebook is not valid nbformat 4 ({type(error).__name__})"
            ) from None
    language = notebook.get("metadata", {}).get("kernelspec", {}).get("language") or "python"
    if str(language).lower() != "python":
        raise NotebookError(422, "request", f"the notebook's kernel is {language}; the explorer runs Python notebooks")
    parts: list[str] = []
    skipped: list[Skipped] = []
    for index, cell in enumerate(notebook.cells):
        kind = cell.get("cell_type")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if kind == "markdown":
            continue
        if kind != "code":
            skipped.append(Skipped(index, f"a {kind} cell is not code"))
            continue
        if source.lstrip().startswith("%%"):
            magic = source.lstrip().split(None, 1)[0]
            skipped.append(Skipped(index, f"a {magic} cell is not Python"))
            continue
        parts.append("# %%\n" + source.rstrip("\n"))
    program = "\n".join(parts) + "\n" if parts else ""
    if len(program) > limits.max_source_chars:
        raise NotebookError(
            413,
            "limit",
            f"the notebook's code is {len(program):,} characters long; the limit is {limits.max_source_chars:,}",
        )
    return NotebookSource(program, len(parts), skipped)
