"""The sentences of the checks: what the program did, what the chain rule wanted, and the line to change.

Values are named as the student named them (label, module-level name or path); one they never named is
called by its operation and the line that made it. Never by an internal id.
"""

from __future__ import annotations

import re

from engine.checks.chain_rule import Local, rule
from engine.checks.source import Maker, line_text, maker_of
from engine.record import Pass, Run, Step

PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]]*")

SWAPPED = {
    "tanh": "uses the input where the output belongs: d tanh(x)/dx = 1 - tanh(x)**2, and tanh(x) is out.data",
    "exp": "uses the input where the output belongs: d e**x/dx = e**x, which is out.data",
    "sigmoid": "uses the input where the output belongs: d s(x)/dx = s(x) * (1 - s(x)), and s(x) is out.data",
    "log": "uses the output where the input belongs: d log(x)/dx = 1 / x, with x = self.data",
    "**": "uses the output where the input belongs: d x**k/dx = k * x**(k-1), with x = self.data, not out.data",
    "*": "uses each operand's own data where the other's belongs: d(a*b)/da = b",
}


def deposit_lines(step: Step) -> list[int]:
    """The program line of each of a step's deposits (0 where the replay kept none)."""
    lines: list[int] = getattr(step, "lines", [])
    return lines if len(lines) == len(step.deposits) else [step.line or 0] * len(step.deposits)


def f4(x: float) -> str:
    """A number as draw_dot shows it."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


class Names:
    """How the checks of one pass name values and quote the program."""

    def __init__(self, run: Run, chosen: Pass, source: str, makers: dict[str, Maker]) -> None:
        self.run = run
        self.chosen = chosen
        self.lines = source.splitlines()
        self.makers = makers
        self.output = self.name(chosen.output)

    def id(self, k: int) -> str:
        return self.run.nodes[k].id

    def name(self, k: int) -> str:
        node = self.run.nodes[k]
        given = node.label or node.name or self.run.paths.get(k)
        if given:
            return given
        text = node.expr or expression_at(self.lines, node.line, node.column)  # as the picture names it
        if text:
            return f"{text} (line {node.line})"
        return f"the {node.op} of line {node.line}" if node.op else f"the value of line {node.line}"

    def grad_of(self, k: int) -> str:
        name = self.name(k)
        return f"{name}.grad" if PLAIN.fullmatch(name) else f"the grad of {name}"

    def quote(self, line: int | None) -> str:
        text = line_text(self.lines, line)
        return f"line {line}: `{text}`" if text else (f"line {line}" if line else "its `_backward`")

    def derivative(self, k: int) -> str:
        """`dL/da`, with names in brackets where they are not plain."""
        top, name = self.output, self.name(k)
        return f"d{top}/d{name}" if PLAIN.fullmatch(name) and PLAIN.fullmatch(top) else f"d({top})/d({name})"

    def set_message(self, step: Step, expected: float, truth: dict[int, float]) -> str:
        k = step.node
        got = step.set if step.set is not None else 0.0
        data = dict(zip(self.chosen.order, self.chosen.data, strict=True))
        terms = []
        for u in self.chosen.order:
            kids = self.run.nodes[u].children
            if k not in kids or u not in truth:
                continue
            local = rule(self.run.nodes[u].op, [data[c] for c in kids], data[u])
            if local is None:
                continue
            d = sum(local.derivatives[p] for p, c in enumerate(kids) if c == k)
            terms.append(f"{f4(d)} * {f4(truth[u])} through {self.name(u)}")
        why = f" = {' + '.join(terms)}" if terms else ""
        return (
            f"{self.quote(step.line)} sets {self.grad_of(k)} to {f4(got)}, but {self.derivative(k)} is "
            f"{f4(expected)}{why} (each use's local derivative times its grad)."
        )

    def order_message(self, k: int, user: int, got: float, expected: float) -> str:
        return (
            f"the `_backward` of {self.name(k)} ran while {self.grad_of(k)} was {f4(got)}, before {self.name(user)},"
            f" which uses it, had deposited into it (it ends at {f4(expected)}); its operands got a share of"
            f" {f4(got)} only. Call each `_backward` after those of every value that uses its node: in reverse"
            " topological order (build_topo in backward())."
        )

    def twice_message(self, k: int, got: float) -> str:
        return (
            f"the `_backward` of {self.name(k)} ran a second time in this pass and added {f4(got)} again, so its"
            " operands' grads count it twice. Call each node's `_backward` once (build_topo's `visited` set)."
        )

    def stray_message(self, k: int, to: int, got: float, line: int) -> str:
        return (
            f"{self.quote(line)}: the `_backward` of {self.name(k)} added {f4(got)} to {self.grad_of(to)},"
            " which is not one of its operands."
        )

    def grad_message(self, k: int, got: float, estimate: float, stale: bool) -> str:
        did = "grew by" if stale else "is"
        return (
            f"{self.grad_of(k)} {did} {f4(got)} in this backward pass, but nudging {self.name(k)} by ±1e-6 moves"
            f" {self.output} at a rate of {f4(estimate)} (finite differences): {self.derivative(k)} = {f4(estimate)}."
        )


def _formula(local: Local, positions: list[int]) -> str:
    parts = [local.formulas[p] for p in positions]
    text = parts[0] if len(parts) == 1 else " + ".join(parts)
    return f"({text})" if " " in text else text


def _arithmetic(names: Names, child: int, local: Local, positions: list[int], up: float, expected: float) -> str:
    d = sum(local.derivatives[p] for p in positions)
    return (
        f"The chain rule for `{local.op}` adds {_formula(local, positions)} * out.grad = {f4(d)} * {f4(up)}"
        f" = {f4(expected)} to {names.grad_of(child)}."
    )


def deposit_message(
    names: Names,
    step: Step,
    child: int,
    positions: list[int],
    local: Local,
    expected: float,
    found: list[tuple[float, float, int]],
) -> tuple[str, int]:
    """Why a deposit differs from the chain rule's, as the classic mistakes go, and the line to change."""
    up = step.upstream
    got = sum(after - before for before, after, _ in found)
    arithmetic = _arithmetic(names, child, local, positions, up, expected)
    per = expected / len(found)
    for before, after, line in found:
        if before != 0 and _near(after, per) and not _near(after - before, per):
            return (
                f"{names.quote(line)} replaced the {f4(before)} already in {names.grad_of(child)} with {f4(after)}:"
                f" it overwrote the first deposit. A value used twice gets a deposit from each use, so use `+=`."
                f" {arithmetic}",
                line,
            )
    line = found[0][2]
    added = f"{names.quote(line)} added {f4(got)} to {names.grad_of(child)}"
    d = sum(local.derivatives[p] for p in positions)
    if up != 0 and not _near(abs(up), 1.0) and _near(got, d):  # with out.grad = ±1 it cannot be told
        why = f"the local derivative alone: the factor out.grad ({f4(up)}) is missing"
    elif local.swapped is not None and _near(got, sum(local.swapped[p] for p in positions) * up):
        why = SWAPPED.get("**" if local.op.startswith("**") else local.op, "uses the output where the input belongs")
    elif _near(got, -expected):
        why = "the wrong sign"
    elif len(found) > len(positions) and _near(got, expected * len(found) / len(positions)):
        why = "more than once"
    else:
        why = f"where the chain rule adds {f4(expected)}"
    return f"{added}: {why}. {arithmetic}", line


def missing_message(
    names: Names, step: Step, child: int, positions: list[int], local: Local, expected: float, others: bool
) -> tuple[str, int | None]:
    """Why an operand got nothing, pointing at the method that makes the operation where it can."""
    op = names.run.nodes[step.node].op
    maker = maker_of(names.makers, op)
    arithmetic = _arithmetic(names, child, local, positions, step.upstream, expected)
    node = names.name(step.node)
    if others:
        known = deposit_lines(step)
        line = known[0] if known and known[0] else None
        return f"the `_backward` of {node} deposited nothing into {names.grad_of(child)}. {arithmetic}", line
    if maker is not None and maker.backward_line is None:
        return (
            f"`def {maker.method}` (line {maker.line}) never sets `out._backward`, so the `_backward` of {node} is"
            f" still the `lambda: None` of `__init__` and nothing reaches {names.grad_of(child)}. Define"
            f" `def _backward():` there and set `out._backward = _backward`. {arithmetic}",
            maker.line,
        )
    if maker is not None and maker.lambda_none:
        return (
            f"{names.quote(maker.backward_line)}: the `_backward` of {node} is `lambda: None`, so nothing reaches"
            f" {names.grad_of(child)}. {arithmetic}",
            maker.backward_line,
        )
    line = maker.backward_line if maker is not None else None
    return f"the `_backward` of {node} deposited nothing into {names.grad_of(child)}. {arithmetic}", line


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 1e-12


MAX_EXPRESSION_CHARS = 40


def expression_at(lines: list[str], line: int, column: int) -> str:
    """The source text of the expression that starts at a line and column, shortened: `act.tanh()`, `wi*xi`,
    `(yout - ygt)**2`; empty when there is none to read."""
    if not 0 < line <= len(lines) or column < 1:
        return ""
    text = lines[line - 1][column - 1 :]
    depth, end, quote = 0, len(text), ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                end = i
                break
            depth -= 1
        elif depth == 0 and (ch in ",;#" or text.startswith((" for ", " if ", " else "), i)):
            end = i
            break
    found = text[:end].strip()
    return found if len(found) <= MAX_EXPRESSION_CHARS else found[: MAX_EXPRESSION_CHARS - 1] + "…"  # as `expr`
