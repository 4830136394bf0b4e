"""POST /api/notebook: a notebook's code cells as a `# %%` program; invalid, hostile and huge notebooks refused."""

from __future__ import annotations

import json
from typing import Any

import nbformat
import pytest
from fastapi.testclient import TestClient

from engine.limits import MAX_SOURCE_CHARS


def notebook(*cells: tuple[str, str], **metadata: Any) -> dict[str, Any]:
    """A valid nbformat 4 notebook of (cell type, source) pairs."""
    makers = {
        "code": nbformat.v4.new_code_cell,
        "markdown": nbformat.v4.new_markdown_cell,
        "raw": nbformat.v4.new_raw_cell,
    }
    nb = nbformat.v4.new_notebook(cells=[makers[kind](source) for kind, source in cells], metadata=metadata)
    data: dict[str, Any] = json.loads(nbformat.writes(nb))
    return data


LECTURE_STYLE = notebook(
    ("markdown", "# derivatives"),
    ("code", "import numpy as np\nimport matplotlib.pyplot as plt\n%matplotlib inline"),
    ("code", "def f(x):\n  return 3*x**2 - 4*x + 5"),
    ("code", "f(3.0)"),
    ("code", "xs = np.arange(-5, 5, 0.25)\nys = f(xs)\nplt.plot(xs, ys)"),
    ("raw", "not code"),
    ("code", "%%time\nx = 1"),
    ("code", "a = Value(2.0, label='a')\nb = a * 3; b.label = 'b'\ndraw_dot(b)"),
)


def post(client: TestClient, body: bytes | dict[str, Any] | list[Any]) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/api/notebook", content=content, headers={"content-type": "application/json"})


def test_a_notebook_becomes_its_code_cells_each_after_a_cell_marker(client: TestClient) -> None:
    response = post(client, LECTURE_STYLE)
    assert response.status_code == 200
    body = response.json()
    assert body["cells"] == 5
    assert body["skipped"] == [
        {"cell": 5, "reason": "a raw cell is not code"},
        {"cell": 6, "reason": "a %%time cell is not Python"},
    ]
    assert body["source"].startswith("# %%\nimport numpy as np\n")
    assert body["source"].count("# %%\n") == 5 and "# derivatives" not in body["source"]


def test_the_notebooks_program_runs_with_its_cells_outs_figures_and_views(client: TestClient) -> None:
    source = post(client, LECTURE_STYLE).json()["source"]
    graph = client.post("/api/graph", json={"source": source})
    assert graph.status_code == 200, graph.text
    body = graph.json()
    assert [cell["out"] for cell in body["cells"]][:3] == [None, None, "20.0"]
    assert body["cells"][3]["out"].startswith("[<matplotlib.lines.Line2D object at 0x")
    assert [(plot["cell"], plot["series"][0]["points"]) for plot in body["plots"]] == [(3, 40)]
    assert body["plots"][0]["svg"].startswith("<svg")
    assert len(body["views"]) == 1


HOSTILE: dict[str, tuple[bytes, int]] = {
    "not JSON": (b"{cells: []}", 422),
    "not UTF-8": (b'{"cells": "\xff"}', 422),
    "a JSON array": (b"[1, 2, 3]", 422),
    "nbformat 3": (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": []}).encode(), 422),
    "no cells": (json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}}).encode(), 422),
    "a cell's source a number": (
        json.dumps(
            {
                **notebook(("code", "x = 1")),
                "cells": [{"cell_type": "code", "source": 7, "metadata": {}, "outputs": [], "execution_count": None}],
            }
        ).encode(),
        422,
    ),
    "a cell of an unknown type": (
        json.dumps({**notebook(), "cells": [{"cell_type": "exploit", "source": "", "metadata": {}}]}).encode(),
        422,
    ),
    "cells a string": (json.dumps({**notebook(), "cells": "x = 1"}).encode(), 422),
    "nested 100,000 deep": (b'{"nbformat": 4, "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 422),
    "a JavaScript kernel": (
        json.dumps(
            notebook(("code", "1"), kernelspec={"name": "js", "display_name": "JS", "language": "javascript"})
        ).encode(),
        422,
    ),
    "larger than the body limit": (json.dumps(notebook(("code", "x = 1\n" * 300_000))).encode(), 413),
    "more code than a program may have": (
        json.dumps(notebook(*[("code", "x = 1" + " " * 1_000)] * (MAX_SOURCE_CHARS // 1_000 + 10))).encode(),
        413,
    ),
    "6,000 empty cells": (json.dumps(notebook(*[("code", "")] * 6_000)).encode(), 413),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_an_invalid_or_hostile_notebook_gets_a_clear_error_object(client: TestClient, name: str) -> None:
    body, status = HOSTILE[name]
    response = post(client, body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"kind", "message", "line", "column"}
    assert error["kind"] in ("request", "limit") and error["message"]


def test_the_notebook_route_is_described_in_the_openapi_document(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/notebook"]["post"]
    assert "requestBody" in operation and {"200", "413", "422"} <= set(operation["responses"])


def test_a_cell_ending_with_a_semicolon_shows_no_out_as_in_jupyter(client: TestClient) -> None:
    source = "# %%\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]);\n# %%\n1 + 1 ;  # quiet\n# %%\nx = 3; x\n"
    body = client.post("/api/graph", json={"source": source}).json()
    assert [cell["out"] for cell in body["cells"]] == [None, None, "3"]


def test_a_program_that_raises_keeps_its_prints_cells_and_figures_in_the_partial_answer(client: TestClient) -> None:
    source = "# %%\nimport matplotlib.pyplot as plt\nprint('before')\nplt.plot([1, 2, 3])\n# %%\n1 / 0\n"
    response = client.post("/api/graph", json={"source": source})
    assert response.status_code == 400
    body = response.json()
    assert (body["error"]["kind"], body["error"]["line"]) == ("math", 6)
    partial = body["partial"]
    assert [p["text"] for p in partial["prints"]] == ["before"]
    assert [(plot["cell"], plot["series"][0]["points"]) for plot in partial["plots"]] == [(0, 3)]
    assert partial["plots"][0]["svg"].startswith("<svg")


TRACE_GRAPH_STYLE = notebook(
    ("code", "from graphviz import Digraph"),
    ("code", "from micrograd.engine import Value"),
    (
        "code",
        "def trace(root):\n    nodes, edges = set(), set()\n    def build(v):\n        if v not in nodes:\n"
        "            nodes.add(v)\n            for child in v._prev:\n                edges.add((child, v))\n"
        "                build(child)\n    build(root)\n    return nodes, edges\n\n"
        "def draw_dot(root, format='svg', rankdir='LR'):\n    assert rankdir in ['LR', 'TB']\n"
        "    nodes, edges = trace(root)\n    dot = Digraph(format=format, graph_attr={'rankdir': rankdir})\n"
        "    for n in nodes:\n        dot.node(name=str(id(n)), label='{ data %.4f | grad %.4f }' % (n.data, n.grad),"
        " shape='record')\n    return dot",
    ),
    ("code", "x = Value(1.0)\ny = (x * 2 + 1).relu()\ny.backward()\ndraw_dot(y)"),
    (
        "code",
        "import random\nfrom micrograd import nn\nrandom.seed(1337)\nn = nn.Neuron(2)\n"
        "x = [Value(1.0), Value(-2.0)]\ny = n(x)\ny.backward()\n\ndot = draw_dot(y)\ndot",
    ),
    ("code", "dot.render('gout')"),
)


def test_micrograds_trace_graph_notebook_runs_whole_and_renders_no_file(client: TestClient) -> None:
    source = post(client, TRACE_GRAPH_STYLE).json()["source"]
    body = client.post("/api/graph", json={"source": source}).json()
    assert len(body["views"]) == 2 and len(body["passes"]) == 2
    assert any("draw_dot" in note["message"] for note in body["notes"])
    assert [cell["out"] for cell in body["cells"]][3:] == [
        "<graphviz.graphs.Digraph object>",
        "<graphviz.graphs.Digraph object>",
        None,
    ]
