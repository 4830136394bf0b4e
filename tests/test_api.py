"""The HTTP API of shared/API.md: every endpoint, status and error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from engine.examples import EXAMPLES
from tests.programs import LECTURE_L

NODE_FIELDS = {"id", "name", "label", "op", "data", "grad", "numeric_grad", "line", "column"}


def test_graph_returns_nodes_edges_steps_and_the_picture(client: TestClient) -> None:
    response = client.post("/api/graph", json={"source": LECTURE_L})
    assert response.status_code == 200
    body = response.json()
    assert body["output"] == "n6"
    assert all(set(node) >= NODE_FIELDS for node in body["nodes"])
    labels = {node["label"]: node for node in body["nodes"]}
    assert (labels["L"]["data"], labels["a"]["grad"]) == (-8.0, 6.0)
    assert body["edges"][0] == {"source": "n0", "target": "n3"}
    assert body["forward"] == [node["id"] for node in body["nodes"]]
    assert body["backward"][0] == {"node": "n6", "deposits": []}
    assert body["backward"][1]["deposits"][0] == {"to": "n4", "local": -2.0, "upstream": 1.0, "amount": -2.0}
    assert '<text id="data-n6" class="data"' in body["svg"]
    assert body["svg_error"] is None


def test_graph_with_numeric_check_fills_numeric_grads(client: TestClient) -> None:
    body = client.post("/api/graph", json={"source": LECTURE_L, "numeric_check": True}).json()
    for node in body["nodes"]:
        assert node["numeric_grad"] == pytest.approx(node["grad"], rel=1e-3)


def test_graph_applies_overrides(client: TestClient) -> None:
    body = client.post("/api/graph", json={"source": LECTURE_L, "overrides": {"a": 3.0}}).json()
    assert next(node["data"] for node in body["nodes"] if node["id"] == body["output"]) == -2.0


def test_node_ids_are_the_same_on_every_request_and_every_app(client: TestClient) -> None:
    first = client.post("/api/graph", json={"source": LECTURE_L}).json()
    with TestClient(create_app(Settings())) as other:
        second = other.post("/api/graph", json={"source": LECTURE_L}).json()
    assert first == second


@pytest.mark.parametrize(
    ("source", "kind", "line", "column"),
    [
        ("a = 2.0\nb = q * a", "name", 2, 5),
        ("a = 2.0\nb = a +", "syntax", 2, 8),
        ("import os", "unsupported", 1, 8),
        ("a = 0.0\nb = a.log()", "math", 2, 5),
        ("", "syntax", None, None),
    ],
)
def test_program_errors_are_400_with_kind_and_place(
    client: TestClient, source: str, kind: str, line: int | None, column: int | None
) -> None:
    response = client.post("/api/graph", json={"source": source})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["kind"], error["line"], error["column"]) == (kind, line, column)
    assert error["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"source": 5}',
        b'{"overrides": {}}',
        b'{"source": "a = 1.0", "overrides": {"a": NaN}}',
        b'{"source": "a = 1.0", "overrides": {"a": Infinity}}',
        b'{"source": "a = 1.0", "overrides": {"a": 1e999}}',
        b'{"source": "a = 1.0", "overrides": ["a"]}',
        b'{"source": "a = 1.0", "numeric_check": "maybe"}',
        b'{"source": "a = 1.0\xff\xfe"}',
        b'{"source": "a = \\ud800"}',
        b"[]",
        b"",
    ],
)
def test_request_errors_are_422_and_never_echo_the_input(client: TestClient, body: bytes) -> None:
    response = client.post("/api/graph", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["kind"] == "request" and error["line"] is None
    assert "ud800" not in error["message"] and "not json" not in error["message"]


def test_a_body_over_the_limit_is_413() -> None:
    with TestClient(create_app(Settings(max_body_bytes=1_000))) as small:
        response = small.post("/api/graph", json={"source": "a = 1.0\n" * 200})
    assert response.status_code == 413
    assert response.json()["error"]["kind"] == "limit"


def test_a_program_over_the_length_limit_is_a_limit_error() -> None:
    with TestClient(create_app(Settings(max_source_chars=100))) as small:
        response = small.post("/api/graph", json={"source": "a = 1.0\n" * 20})
    assert response.status_code == 400
    assert response.json()["error"]["kind"] == "limit"


def test_bad_overrides_are_400_name_errors(client: TestClient) -> None:
    response = client.post("/api/graph", json={"source": LECTURE_L, "overrides": {"e": 1.0}})
    assert response.status_code == 400
    assert response.json()["error"]["kind"] == "name"


def test_graph_svg_returns_the_picture_alone(client: TestClient) -> None:
    response = client.get("/api/graph.svg", params={"source": LECTURE_L})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<?xml") and 'id="grad-n0"' in response.text


def test_graph_svg_reports_program_errors(client: TestClient) -> None:
    response = client.get("/api/graph.svg", params={"source": "a = "})
    assert response.status_code == 400
    assert response.json()["error"]["kind"] == "syntax"


def test_nudge_moves_the_lecture_graph_to_minus_7_2865(client: TestClient) -> None:
    response = client.post("/api/nudge", json={"source": LECTURE_L, "step": 0.01})
    assert response.status_code == 200
    body = response.json()
    assert body["before"] == -8.0 and round(body["after"], 4) == -7.2865
    assert body["predicted"] == pytest.approx(-7.28)
    assert body["overrides"] == pytest.approx({"a": 2.06, "b": -3.04, "c": 9.98, "f": -1.96})
    replay = client.post("/api/graph", json={"source": LECTURE_L, "overrides": body["overrides"]}).json()
    assert replay == body["graph"]


def test_nudge_with_chosen_names_and_earlier_overrides(client: TestClient) -> None:
    body = client.post(
        "/api/nudge", json={"source": LECTURE_L, "step": -0.1, "names": ["f"], "overrides": {"a": 1.0}}
    ).json()
    assert body["overrides"] == pytest.approx({"a": 1.0, "f": -2.0 - 0.1 * 7.0})
    assert body["after"] < body["before"]


def test_nudge_rejects_a_non_finite_step(client: TestClient) -> None:
    response = client.post(
        "/api/nudge", content=b'{"source": "a = 1.0", "step": NaN}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_examples_are_listed_with_notes(client: TestClient) -> None:
    examples = client.get("/api/examples").json()
    assert [example["id"] for example in examples] == [example.id for example in EXAMPLES]
    assert all(set(example) == {"id", "title", "source", "note"} and example["note"] for example in examples)


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_every_example_builds_and_draws(client: TestClient, example: object) -> None:
    body = client.post("/api/graph", json={"source": example.source}).json()  # type: ignore[attr-defined]
    if body["output"] is None:  # plain Python, as the lecture starts: what it printed
        assert body["prints"] and body["svg"] == ""
    else:
        assert body["svg"] and body["svg_error"] is None


def test_the_mlp_example_has_about_four_hundred_values(client: TestClient) -> None:
    source = next(example.source for example in EXAMPLES if example.id == "mlp-loss")
    assert 350 <= len(client.post("/api/graph", json={"source": source}).json()["nodes"]) <= 450


def test_health_reports_the_graphviz_version(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["graphviz"][0].isdigit()


def test_without_dot_health_is_503_and_graphs_come_back_without_a_picture(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    health = client.get("/healthz")
    assert health.status_code == 503 and "not installed" in health.json()["reason"]
    body = client.post("/api/graph", json={"source": "x = 3.0\ny = x * x * 1.5"}).json()
    assert body["svg"] == "" and body["svg_error"]["kind"] == "graphviz"
    assert next(node["grad"] for node in body["nodes"] if node["name"] == "x") == 9.0
    assert client.get("/api/graph.svg", params={"source": "x = 3.0\ny = x * 5.5"}).status_code == 503


def test_a_graph_over_the_picture_limit_comes_back_without_a_picture() -> None:
    with TestClient(create_app(Settings(max_drawn_values=3))) as small:
        body = small.post("/api/graph", json={"source": LECTURE_L}).json()
        assert body["svg"] == "" and body["svg_error"]["kind"] == "limit"
        assert small.get("/api/graph.svg", params={"source": LECTURE_L}).status_code == 400


def test_unknown_paths_and_methods_get_the_error_object(client: TestClient) -> None:
    assert client.get("/api/nothing").json()["error"]["kind"] == "request"
    assert client.get("/api/graph").status_code == 405


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/graph", "/api/graph.svg", "/api/nudge", "/api/examples", "/healthz"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_error_bodies_are_plain_json(client: TestClient) -> None:
    response = client.post("/api/graph", json={"source": "a = '<script>'"})
    assert response.headers["content-type"] == "application/json"
    json.loads(response.text)


TRAINING = """import random
random.seed(1337)
from micrograd.nn import MLP
model = MLP(2, [3, 1])
xs = [[1.0, -1.0], [0.5, 2.0]]
ys = [1.0, -1.0]
for k in range(4):
    loss = sum((model(x) - y)**2 for x, y in zip(xs, ys))
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data += -0.05 * p.grad
    print(k, loss.data)
"""
RUN_FIELDS = {"pass", "passes", "resets", "updates", "prints", "result", "notes", "groups"}


def test_graph_records_every_pass_and_shows_the_last_by_default(client: TestClient) -> None:
    body = client.post("/api/graph", json={"source": TRAINING}).json()
    assert set(body) >= RUN_FIELDS
    assert body["pass"] == 3 and len(body["passes"]) == 4
    assert [entry["line"] for entry in body["passes"]] == [10] * 4
    assert [float(line["text"].split()[1]) for line in body["prints"]] == [entry["data"] for entry in body["passes"]]
    assert {reset["line"] for reset in body["resets"]} == {9} and {update["line"] for update in body["updates"]} == {12}
    assert all({"grad_before", "path", "group"} <= set(node) for node in body["nodes"])
    paths = {node["path"] for node in body["nodes"]}
    assert "model.layers[0].neurons[2].w[1]" in paths
    assert {group["name"] for group in body["groups"]} >= {"MLP.__call__", "Layer.__call__", "Neuron.__call__"}


def test_graph_shows_the_pass_asked_for_with_the_same_ids(client: TestClient) -> None:
    first = client.post("/api/graph", json={"source": TRAINING, "pass": 0}).json()
    last = client.post("/api/graph", json={"source": TRAINING}).json()
    assert first["pass"] == 0 and first["output"] != last["output"]
    parameters = [node["id"] for node in first["nodes"] if node["path"]]
    assert parameters == [node["id"] for node in last["nodes"] if node["path"]]
    assert first["nodes"][-1]["data"] == first["passes"][0]["data"]


def test_a_pass_out_of_range_is_a_name_error(client: TestClient) -> None:
    response = client.post("/api/graph", json={"source": TRAINING, "pass": 4})
    assert response.status_code == 400 and response.json()["error"]["kind"] == "name"


def test_a_program_that_makes_no_value_is_answered_with_its_prints_and_a_note(client: TestClient) -> None:
    body = client.post("/api/graph", json={"source": "def f(x):\n    return 3*x**2\nprint(f(3.0))\nf(2.0)"}).json()
    assert (body["output"], body["passes"], body["nodes"], body["svg"], body["pass"]) == (None, [], [], "", None)
    assert body["prints"] == [{"line": 3, "text": "27.0"}] and body["result"] == "12.0"
    assert any("no Value" in note["message"] for note in body["notes"])


def test_errors_have_the_type_kind_and_the_call_chain(client: TestClient) -> None:
    source = "def f(xs):\n    return xs[3]\n\nf([1, 2])"
    error = client.post("/api/graph", json={"source": source}).json()["error"]
    assert (error["kind"], error["line"], error["column"]) == ("type", 2, 12)
    assert "called from line 4" in error["message"]


def test_another_pass_does_not_run_the_program_again(client: TestClient) -> None:
    runs = client.app.state.runs  # type: ignore[attr-defined]
    client.post("/api/graph", json={"source": TRAINING})
    cached = len(runs.entries)
    for index in range(4):
        client.post("/api/graph", json={"source": TRAINING, "pass": index})
    assert len(runs.entries) == cached


def test_nudge_of_a_training_run_moves_the_initial_weights(client: TestClient) -> None:
    body = client.post("/api/nudge", json={"source": TRAINING, "step": -0.05, "pass": 0}).json()
    assert body["after"] < body["before"]
    assert all(key.startswith("model.layers") for key in body["overrides"])
    again = client.post("/api/graph", json={"source": TRAINING, "overrides": body["overrides"], "pass": 0}).json()
    assert again["passes"][0]["data"] == body["after"]


LECTURE_TRAINING = next(example.source for example in EXAMPLES if example.id == "lecture-training")


def test_a_big_pass_comes_collapsed_by_default_and_says_which_groups(client: TestClient) -> None:
    body = client.post("/api/graph", json={"source": LECTURE_TRAINING}).json()
    parents = {group["parent"] for group in body["groups"]}
    assert body["collapsed"] == [group["id"] for group in body["groups"] if group["id"] not in parents]
    assert all(f'<g id="group-{group_id}" class="node">' in body["svg"] for group_id in body["collapsed"])
    assert len(body["nodes"]) == 398  # the graph fields are whole whatever the picture shows


def test_collapse_chooses_the_groups_and_an_empty_list_expands_all(client: TestClient) -> None:
    first = client.post("/api/graph", json={"source": LECTURE_TRAINING, "pass": 0}).json()
    mlp = next(group for group in first["groups"] if group["name"] == "MLP.__call__")
    one = client.post("/api/graph", json={"source": LECTURE_TRAINING, "pass": 0, "collapse": [mlp["id"]]}).json()
    assert one["collapsed"] == [mlp["id"]] and f'<g id="group-{mlp["id"]}" class="node">' in one["svg"]
    assert f'id="node-{mlp["output"]}"' not in one["svg"] and f'id="data-{mlp["output"]}"' in one["svg"]
    expanded = client.post("/api/graph", json={"source": LECTURE_TRAINING, "pass": 0, "collapse": []}).json()
    assert expanded["collapsed"] == [] and expanded["svg"].count('class="cluster"') == len(expanded["groups"])
    assert all(f'id="node-{node["id"]}"' in expanded["svg"] for node in expanded["nodes"])


@pytest.mark.parametrize(
    ("collapse", "status", "kind"),
    [(["g99999"], 400, "name"), ("all", 422, "request"), (["g1" * 20], 422, "request"), ([3], 422, "request")],
)
def test_a_wrong_collapse_is_an_error_that_says_so(
    client: TestClient, collapse: object, status: int, kind: str
) -> None:
    response = client.post("/api/graph", json={"source": LECTURE_TRAINING, "collapse": collapse})
    assert response.status_code == status and response.json()["error"]["kind"] == kind


def test_the_picture_alone_takes_collapse_as_auto_or_ids_separated_by_commas(client: TestClient) -> None:
    body = client.post("/api/graph", json={"source": LECTURE_TRAINING}).json()

    def boxes(collapse: str) -> set[str]:
        response = client.get("/api/graph.svg", params={"source": LECTURE_TRAINING, "collapse": collapse})
        assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
        return set(re.findall(r'<g id="group-([^"]+)" class="node">', response.text))

    assert boxes("auto") == set(body["collapsed"])
    first, second = body["collapsed"][:2]
    assert boxes(f"{first},{second}") == {first, second}
    assert boxes("") == set()
    bad = client.get("/api/graph.svg", params={"source": LECTURE_TRAINING, "collapse": "nope"})
    assert bad.status_code == 400 and bad.json()["error"]["kind"] == "name"


def test_a_nudge_keeps_the_collapse_asked_for(client: TestClient) -> None:
    request = {"source": LECTURE_TRAINING, "step": -0.01, "names": ["n.layers[0].neurons[0].w[0]"], "collapse": []}
    body = client.post("/api/nudge", json=request).json()
    assert body["graph"]["collapsed"] == [] and 'class="cluster"' in body["graph"]["svg"]
