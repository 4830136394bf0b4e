"""Checks where the chain rule does not know the operation (finite differences by running the program again,
bounded), and engines whose `_backward` raises, never ends, writes without end or writes where it should not."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

import pytest

from engine.checks import Stats, check_pass
from engine.errors import ProgramError
from engine.limits import DEFAULT_LIMITS, Limits
from engine.record import Run
from engine.run import run_program
from engine.steps import explore
from tests.engines import TUPLE_VALUE, line_of

SINE = """import math

class V:
  def __init__(self, data, _children=(), _op=''):
    self.data = data
    self.grad = 0.0
    self._backward = lambda: None
    self._prev = tuple(_children)
    self._op = _op

  def __add__(self, other):
    out = V(self.data + other.data, (self, other), '+')
    def _backward():
      self.grad += out.grad
      other.grad += out.grad
    out._backward = _backward
    return out

  def sin(self):
    out = V(math.sin(self.data), (self,), 'sin')
    def _backward():
      self.grad += math.cos(self.data) * out.grad
    out._backward = _backward
    return out

  def backward(self):
    topo, seen = [], set()
    def build(v):
      if id(v) not in seen:
        seen.add(id(v))
        for child in v._prev:
          build(child)
        topo.append(v)
    build(self)
    self.grad = 1.0
    for v in reversed(topo):
      v._backward()

x = V(0.5)
y = V(2.0)
s = x.sin() + y
z = s.sin()
z.backward()
"""
WRONG_SINE = SINE.replace("self.grad += math.cos(self.data) * out.grad", "self.grad += math.sin(self.data) * out.grad")


def checked(source: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Run, list[object], Stats, int]:
    run = run_program(source, limits)
    calls = 0

    def rerun(nudged: Mapping[int, float]) -> Run:
        nonlocal calls
        calls += 1
        return run_program(source, limits, nudged)

    stats = Stats()
    return run, check_pass(run, 0, source, limits, rerun, {}, stats), stats, calls


def test_an_unknown_operation_done_right_gives_no_check_after_running_again_for_each_leaf() -> None:
    _, checks, stats, calls = checked(SINE)
    assert checks == [] and stats.reruns == calls == 4  # x and y, +h and -h


def test_an_unknown_operation_done_wrong_is_found_at_the_leaves_by_running_again() -> None:
    started = time.monotonic()
    graph = explore(WRONG_SINE)
    elapsed = time.monotonic() - started
    s = math.sin(0.5) + 2.0
    true = {"x": math.cos(s) * math.cos(0.5), "y": math.cos(s)}
    found = {check.node: check for check in graph.checks}
    names = {node.id: node.name for node in graph.nodes}
    assert {names[k] for k in found} == {"x", "y"}  # the nodes between are behind an unknown operation: unchecked
    for k, check in found.items():
        assert check.kind == "grad" and check.expected == pytest.approx(true[names[k] or ""], rel=1e-6)
    print(f"checked by running the program 4 more times in {elapsed:.2f} s")
    assert elapsed < 5


def test_running_again_is_bounded_by_its_limits() -> None:
    _, checks, stats, calls = checked(WRONG_SINE, Limits(max_check_runs=2))
    assert stats.reruns == calls == 2 and len(checks) == 1
    _, checks, stats, calls = checked(WRONG_SINE, Limits(max_check_runs=0))
    assert calls == 0 and checks == []
    _, checks, stats, calls = checked(WRONG_SINE, Limits(max_check_seconds=0.0))
    assert calls == 0 and checks == []


def test_the_final_grads_are_not_checked_beyond_the_node_limit() -> None:
    source = TUPLE_VALUE.replace("self.grad += 1.0 * out.grad\n", "self.grad += 2.0 * out.grad\n", 1)
    source += "a = Value(1.0, label='a')\nb = a + a\nfor i in range(30):\n  b = b + a\nb.backward()\n"
    run = run_program(source)
    every = check_pass(run, 0, source, DEFAULT_LIMITS)
    assert {check.kind for check in every} == {"deposit", "grad"}
    none = check_pass(run, 0, source, Limits(max_check_nodes=10, max_screened_nodes=10))
    assert {check.kind for check in none} == {"deposit"}  # every deposit still checked
    screened = check_pass(run, 0, source, Limits(max_check_nodes=10))  # those the chain rule disagrees with
    assert screened == every
    assert {check.kind for check in check_pass(run, 0, source, Limits(max_check_operations=0))} == {"deposit"}
    assert len(check_pass(run, 0, source, Limits(max_checks=3))) == 3


def test_a_large_pass_of_a_correct_engine_is_checked_quickly() -> None:
    source = TUPLE_VALUE + "xs = [Value(0.001 * i) for i in range(245)]\nL = xs[0]\nfor x in xs[1:]:\n"
    source += "  L = (L * x + x).tanh()\nL.backward()\n"
    run = run_program(source)
    assert 900 < len(run.passes[0].order) <= DEFAULT_LIMITS.max_check_nodes
    started = time.monotonic()
    assert check_pass(run, 0, source, DEFAULT_LIMITS) == []
    elapsed = time.monotonic() - started
    print(f"checks of a pass of {len(run.passes[0].order)} nodes: {elapsed:.3f} s")
    assert elapsed < 3


@pytest.mark.parametrize(
    ("body", "kind", "says"),
    [
        ("      self.grad += 1.0 / 0.0 * out.grad", "math", "ZeroDivisionError"),
        ("      while True: pass", "limit", "longer than"),
        ("      for _ in range(10**7): self.grad += 0.0", "limit", "changed values more than"),
        ("      raise RuntimeError('my bug')", "type", "RuntimeError: my bug"),
        ("      self.grad += float('nan')", "math", "grad became nan"),
    ],
)
def test_a_backward_that_raises_loops_or_floods_is_an_error_at_its_line(body: str, kind: str, says: str) -> None:
    source = (
        TUPLE_VALUE.replace("      self.grad += 1.0 * out.grad\n", body + "\n", 1)
        + "a = Value(2.0)\nb = a + a\nb.backward()\n"
    )
    started = time.monotonic()
    with pytest.raises(ProgramError) as raised:
        explore(source, limits=Limits(max_seconds=1.0, max_cpu_seconds=1.0))
    assert raised.value.kind == kind and says in raised.value.message
    if kind != "limit":
        assert raised.value.line == line_of(source, body)
    assert time.monotonic() - started < 5


def test_a_deposit_into_a_value_that_is_not_an_operand_is_a_deposit_check() -> None:
    source = TUPLE_VALUE.replace(
        "      other.grad += 1.0 * out.grad\n", "      other.grad += 1.0 * out.grad\n      z.grad += 1.0\n", 1
    )
    source += (
        "z = Value(7.0, label='z')\na = Value(2.0, label='a')\nb = Value(1.0, label='b')\nc = a + b; c.label = 'c'\n"
    )
    source += "c.backward()\n"
    graph = explore(source)
    stray = [check for check in graph.checks if check.kind == "deposit"]
    assert len(stray) == 1 and "not one of its operands" in stray[0].message and stray[0].got == 1.0
    assert stray[0].line == line_of(source, "      z.grad += 1.0")


def test_a_pass_beyond_the_node_limit_checks_by_finite_differences_the_grads_the_chain_rule_disputes() -> None:
    wrong = TUPLE_VALUE.replace("self.grad += (1 - t**2) * out.grad", "self.grad += (1 - t**2) * out.grad * 1.01")
    source = wrong + "xs = [Value(0.001 * i) for i in range(1, 701)]\nL = Value(0.0)\nfor x in xs:\n"
    source += "  L = L + (x * x).tanh()\nL.backward()\n"
    run = run_program(source)
    size = len(run.passes[0].order)
    assert size > DEFAULT_LIMITS.max_check_nodes
    limits = Limits(max_checks=2_000)
    started = time.monotonic()
    checks = check_pass(run, 0, source, limits)
    elapsed = time.monotonic() - started
    grads = [check for check in checks if check.kind == "grad"]
    print(f"checks of a buggy pass of {size} nodes: {elapsed:.3f} s, {len(grads)} final grads found wrong")
    assert len([check for check in checks if check.kind == "deposit"]) == 700  # each tanh's deposit
    assert 0 < len(grads) <= limits.max_checks  # the suspects' finite differences, as far as the budget goes
    assert all(check.expected == pytest.approx(check.got / 1.01, rel=1e-5) for check in grads)
    assert elapsed < 5


def test_slow_programs_are_run_again_only_while_the_time_allows() -> None:
    slow = WRONG_SINE.replace("x = V(0.5)\n", "x = V(0.5)\nfor _ in range(5_000_000):\n  pass\n")
    started = time.monotonic()
    _, _, stats, calls = checked(slow, Limits(max_check_seconds=0.3))
    elapsed = time.monotonic() - started
    print(f"a slow program: {calls} runs again, {elapsed:.2f} s with its first run")
    assert calls == stats.reruns == 2  # one leaf: its two runs took longer than the time left for another
    assert elapsed < 8


@pytest.mark.parametrize(
    "program",
    [
        "a = Value(4.0, label='a')\nb = a**0.5\nb.backward()\n",
        "a = Value(0.0, label='a')\nb = a**-1.0 if False else a * 2\nc = b.exp()\nc.backward()\n",
        "a = Value(-8.0, label='a')\nb = (a * a)**(1/3)\nb.backward()\n",
    ],
)
def test_an_operation_without_a_derivative_there_is_skipped_not_an_error(program: str) -> None:
    graph = explore(TUPLE_VALUE + program)
    assert graph.value_class == "Value (line 3)"
    assert [check.kind for check in graph.checks] == []


def test_the_chain_rule_gives_no_derivative_where_there_is_none() -> None:
    from engine.checks.chain_rule import rule

    assert rule("**0.5", [0.0], 0.0) is None  # 0 ** -0.5
    assert rule("**0.5", [-4.0], 0.0) is None  # a complex number
    assert rule("log", [0.0], 0.0) is None
    assert rule("/", [1.0, 0.0], 5.0) is None
    assert rule("sin", [1.0], 0.8) is None  # not known: the finite differences check it
    local = rule("/", [2.0, 8.0], 4.0)  # operands in a set, made in the other order: 8 / 2
    assert local is not None and local.derivatives == (-8.0 / 4.0, 0.5)
