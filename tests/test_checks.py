"""Checks of a student's own engine: each classic mistake found at its node, with its numbers and its line;
the same text run by CPython shows the same buggy numbers; PyTorch gives the true gradients the checks name."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from engine.checks import CheckRecord
from engine.exploration import Exploration
from engine.run import run_program
from engine.steps import explore
from tests.cpython_oracle import CPythonRun, run_many_in_cpython
from tests.engines import BUGGY, CORRECT, MANUAL_SETS, MISSING_RADD, MISSING_RMUL, Buggy, line_of
from tests.lecture_programs import EXPRESSION_L
from tests.oracles import torch_grads


@pytest.fixture(scope="module")
def cpython() -> dict[str, CPythonRun]:
    sources = {b.name: b.source for b in BUGGY} | {"manual": MANUAL_SETS}
    return dict(zip(sources, run_many_in_cpython(list(sources.values())), strict=True))


def labels(graph: Exploration) -> dict[str, str]:
    return {node.id: node.label for node in graph.nodes}


def not_grad(graph: Exploration) -> list[CheckRecord]:
    return [check for check in graph.checks if check.kind != "grad"]


@pytest.mark.parametrize("buggy", BUGGY, ids=[b.name for b in BUGGY])
def test_each_classic_mistake_is_found_at_its_node_with_its_numbers_and_line(buggy: Buggy) -> None:
    graph = explore(buggy.source)
    assert graph.value_class == "Value (line 3)"
    (check,) = not_grad(graph)
    name = labels(graph)
    assert (check.kind, name[check.node], name[check.to] if check.to else None) == (buggy.kind, buggy.node, buggy.to)
    assert check.expected == pytest.approx(buggy.expected, rel=1e-12)
    assert check.got == pytest.approx(buggy.got, rel=1e-12)
    assert check.line == line_of(buggy.source, buggy.line_text)
    assert buggy.says in check.message
    assert "n0" not in check.message and not any(node.id in check.message.split() for node in graph.nodes)
    step = graph.backward[check.step or 0]  # the link to its step: the backward step of that node
    assert step.node == check.node


@pytest.mark.parametrize("buggy", BUGGY, ids=[b.name for b in BUGGY])
def test_the_buggy_numbers_shown_are_those_cpython_computes(buggy: Buggy, cpython: dict[str, CPythonRun]) -> None:
    graph = explore(buggy.source)
    theirs = cpython[buggy.name]
    assert theirs.error is None
    (their_pass,) = theirs.passes
    shown = {node.label: node.grad for node in graph.nodes if node.label}
    assert shown == their_pass.grads(theirs.nodes)
    (check,) = not_grad(graph)
    if check.kind == "deposit":  # what the program added is what CPython's _backward added
        node, to = theirs.labelled(buggy.node), theirs.labelled(buggy.to or "")
        (step,) = [s for s in their_pass.steps if s.node == node]
        assert sum(after - before for k, before, after in step.deposits if k == to) == check.got


@pytest.mark.parametrize("buggy", BUGGY, ids=[b.name for b in BUGGY])
def test_final_grads_are_checked_against_the_true_gradient(buggy: Buggy) -> None:
    run = run_program(buggy.source)
    chosen = run.passes[0]
    _, true = torch_grads((run, chosen))
    graph = explore(buggy.source)
    wrong = {
        node.id
        for node in graph.nodes
        if abs(node.grad - true[node.id]) > 1e-3 * max(abs(node.grad), abs(true[node.id])) + 1e-6
    }
    flagged = {check.node: check for check in graph.checks if check.kind == "grad"}
    assert wrong and set(flagged) == wrong
    for node_id, check in flagged.items():
        assert check.expected == pytest.approx(true[node_id], rel=1e-6, abs=1e-8)
        assert check.step is None and "finite differences" in check.message


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_a_correct_engine_gives_no_check(name: str) -> None:
    graph = explore(CORRECT[name])
    assert graph.value_class != "builtin"
    assert graph.checks == []


def test_the_builtin_value_is_not_checked() -> None:
    graph = explore(EXPRESSION_L + "L.backward()\nL.grad = 5.0\n")
    assert graph.value_class == "builtin" and graph.checks == []


def test_a_wrong_hand_set_grad_is_a_set_check_and_right_ones_are_not(cpython: dict[str, CPythonRun]) -> None:
    graph = explore(MANUAL_SETS)
    (check,) = graph.checks
    run = run_program(MANUAL_SETS)
    _, true = torch_grads((run, run.passes[0]))
    assert (check.kind, labels(graph)[check.node], check.got) == ("set", "b", 4.0)
    assert check.expected == pytest.approx(true[check.node]) == -4.0
    assert check.line == line_of(MANUAL_SETS, "b.grad = 4.0")
    assert "dL/db is -4.0000 = 2.0000 * -2.0000 through e" in check.message
    their_sets = [s.set for s in cpython["manual"].passes[0].steps]
    assert their_sets == [1.0, 4.0, -2.0, -2.0, -2.0, 6.0, 4.0]
    set_steps = [step for step in graph.backward if getattr(step, "set", None) is not None]
    assert [step.set for step in set_steps] == their_sets  # type: ignore[union-attr]
    assert graph.backward[check.step or 0].node == check.node


@pytest.mark.parametrize(
    ("source", "program", "method", "text"),
    [
        (
            MISSING_RMUL,
            "a = Value(2.0)\nb = 2 * a\n",
            "__rmul__",
            "unsupported operand type(s) for *: 'int' and 'Value'",
        ),
        (MISSING_RADD, "a = Value(2.0)\nb = sum([a, a])\n", "__radd__", "for +: 'int' and 'Value'"),
    ],
)
def test_a_missing_reflected_operator_is_cpythons_type_error_with_a_hint(
    client: TestClient, source: str, program: str, method: str, text: str
) -> None:
    response = client.post("/api/graph", json={"source": source + program})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["kind"] == "type" and error["line"] == len((source + program).splitlines())
    assert text in error["message"] and f"def {method}(self, other)" in error["message"]
    (theirs,) = run_many_in_cpython([source + program])
    assert theirs.error is not None and theirs.error.message in error["message"]


def test_the_api_carries_checks_and_value_class(client: TestClient) -> None:
    buggy = BUGGY[0]
    body = client.post("/api/graph", json={"source": buggy.source}).json()
    assert body["value_class"] == "Value (line 3)"
    first = body["checks"][0]
    assert {"step", "node", "to", "kind", "expected", "got", "message", "line"} <= set(first)
    assert first["kind"] == "deposit" and body["backward"][first["step"]]["node"] == first["node"]
    assert client.post("/api/graph", json={"source": EXPRESSION_L}).json()["checks"] == []


def test_checks_follow_the_chosen_pass_and_overrides(client: TestClient) -> None:
    source = BUGGY[0].source + "f.backward()\n"  # a second pass: stale, grads accumulate, deposits still checked
    body = client.post("/api/graph", json={"source": source, "pass": 1}).json()
    assert body["pass"] == 1 and {check["kind"] for check in body["checks"]} >= {"deposit"}
    nudged = client.post("/api/graph", json={"source": BUGGY[0].source, "overrides": {"a": 0.5}}).json()
    (deposit,) = [check for check in nudged["checks"] if check["kind"] == "deposit"]
    assert deposit["expected"] == pytest.approx(3.0 * (0.5 + 3.0))  # b.data * d.grad, d.grad = e.data
    assert deposit["got"] == pytest.approx(deposit["expected"] - 0.5 * 3.0)  # less what e's step had put there


NESTED = """  def backward(self):
    self.grad = 1.0
    self._backward()
    for child in self._prev:
      if child._prev:
        child.backward()   # each operand's pass restarts its grad at 1.0
"""


def test_a_nested_backward_restarting_a_grad_at_one_is_a_set_check_at_its_line() -> None:
    from tests.engines import L_BACKWARD, TOPOLOGICAL, TUPLE_VALUE, replaced

    source = replaced(TUPLE_VALUE, TOPOLOGICAL, NESTED) + L_BACKWARD
    graph = explore(source)
    sets = [check for check in graph.checks if check.kind == "set"]
    name = labels(graph)
    assert [(name[c.node], c.got, c.expected) for c in sets] == [("d", 1.0, -2.0), ("e", 1.0, -2.0)]
    assert all(c.line == line_of(source, "    self.grad = 1.0") for c in sets)
    assert "dL/dd is -2.0000 = -2.0000 * 1.0000 through L" in sets[0].message
    assert not [check for check in graph.checks if check.kind in ("deposit", "missing", "order")]


def test_a_number_not_wrapped_in_mul_gets_the_isinstance_line_to_add() -> None:
    from engine.errors import ProgramError
    from tests.engines import replaced
    from tests.lecture_programs import LECTURE_VALUE

    unwrapped = replaced(
        LECTURE_VALUE,
        "    other = other if isinstance(other, Value) else Value(other)\n    out = Value(self.data * other.data",
        "    out = Value(self.data * other.data",
    )
    source = unwrapped + "a = Value(2.0)\nb = a * 2\n"
    with pytest.raises(ProgramError) as raised:
        explore(source)
    error = raised.value
    assert error.kind == "name" and error.message.startswith("AttributeError: 'int' object has no attribute 'data'")
    assert "other = other if isinstance(other, Value) else Value(other)" in error.message
    (theirs,) = run_many_in_cpython([source])
    assert theirs.error is not None and theirs.error.line == error.line


@pytest.mark.parametrize(
    ("text", "column", "expression"),
    [
        ("    act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b)", 16, "wi*xi"),
        ("    act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b)", 11, "sum((wi*xi for wi, xi in zip(self.w, x)…"),
        ("loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))", 12, "(yout - ygt)**2"),
        ("loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))", 13, "yout - ygt"),
        ("    out = act.tanh()  # squash", 11, "act.tanh()"),
        ("x = Value('a,b)') if ok else y", 5, "Value('a,b)')"),
    ],
)
def test_a_value_without_a_name_is_named_by_the_expression_that_made_it(
    text: str, column: int, expression: str
) -> None:
    from engine.checks.messages import expression_at

    assert expression_at([text], 1, column) == expression


def test_checks_in_a_network_name_values_by_their_expressions_never_by_ids() -> None:
    from tests.lecture_programs import DATASET, MLP_CLASSES

    tanh = next(b for b in BUGGY if "tanh" in b.name and b.kind == "deposit")
    source = tanh.source.split("\n# inputs x1,x2")[0] + "\n" + MLP_CLASSES + DATASET
    source += (
        "ypred = [n(x) for x in xs]\nloss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))\nloss.backward()\n"
    )
    graph = explore(source)
    first = graph.checks[0]
    act = next(node for node in graph.nodes if node.id == first.to)
    assert act.expr.startswith("sum((wi*xi") and f"to the grad of {act.expr} (line {act.line})" in first.message
    ids = {node.id for node in graph.nodes}
    assert not any(word.strip(".,:()`") in ids for check in graph.checks for word in check.message.split())


def test_a_wrong_derivative_of_an_own_division_is_found_whatever_order_a_set_keeps() -> None:
    from tests.engines import DIRECT_SUB_DIV, LECTURE_SUB_DIV, SUB_DIV, replaced
    from tests.lecture_programs import LECTURE_VALUE

    wrong = DIRECT_SUB_DIV.replace("(-self.data / other.data**2) * out.grad", "(self.data / other.data**2) * out.grad")
    source = replaced(LECTURE_VALUE, LECTURE_SUB_DIV, wrong) + SUB_DIV
    graph = explore(source)
    (check,) = not_grad(graph)
    name = labels(graph)
    # c = (a - b) * (a / b); d(a/b)/db = -a/b**2 = -2/9, times c's grad into a/b: (a - b) = -1
    assert (check.kind, name[check.to or ""]) == ("deposit", "b")
    assert check.expected == pytest.approx(2 / 9) and check.got == pytest.approx(-2 / 9)
    assert "the wrong sign" in check.message
    assert check.line == line_of(source, "      other.grad += (self.data / other.data**2) * out.grad")


def test_backward_steps_called_by_hand_in_the_wrong_order_are_an_order_check() -> None:
    from tests.lecture_programs import LECTURE_VALUE, NEURON

    calls = "o.grad = 1.0\no._backward()\nn._backward()\nx1w1._backward()\nx1w1x2w2._backward()\nx2w2._backward()\n"
    source = LECTURE_VALUE + NEURON + "o = n.tanh(); o.label = 'o'\n" + calls
    graph = explore(source)
    (check,) = graph.checks
    assert (check.kind, labels(graph)[check.node]) == ("order", "x1*w1")
    assert (check.got, check.expected) == (0.0, pytest.approx(0.5))  # it ran before x1*w1 + x2*w2 gave it 0.5
    assert check.line == line_of(source, "x1w1._backward()")
    right = source.replace("x1w1._backward()\nx1w1x2w2._backward()\n", "x1w1x2w2._backward()\nx1w1._backward()\n")
    assert explore(right).checks == []
