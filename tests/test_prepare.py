"""A program prepared on the server (checked, instrumented, compiled) runs in the jail as one prepared there.

The oracle is the same program prepared in the jailed process (what a program longer than
PRECHECK_CHARS gets): nodes, passes, prints, notes and errors must be the same either way.
"""

from __future__ import annotations

import ast
import base64
import marshal
import re
from dataclasses import replace

import pytest

import engine.run
from engine.errors import ProgramError
from engine.limits import DEFAULT_LIMITS, Limits
from engine.program.check import Wall
from engine.program.instrument import Instrument, instrument
from engine.program.prepare import from_message, prepare, to_message
from engine.program.source import blank_notebook_lines, method_call_starts, node_fields, syntax_tree
from engine.record import Run
from engine.run import forget_prepared, prepare_source, run_program
from tests.lecture_programs import PROGRAMS

NOTEBOOK = (
    "%matplotlib inline\nfrom micrograd.engine import Value\ndef draw_dot(v):\n  pass\na = Value(2.0)\nb = a * a\n"
)
CASES = {
    "training": PROGRAMS["lecture-training"],
    "own-value": PROGRAMS["own-value-manual-backward-calls"],
    "cells": PROGRAMS["cells-and-outs"],
    "method-calls": "x = Value(0.5)\ny = (x*x + x).tanh()\ny.backward()\n",
    "notebook-lines": NOTEBOOK,
}


def rounded(item: object) -> object:
    """Numbers to 10 digits: a grad summed over a `_prev` set adds in address order, which can differ from one
    run to the next in the last bit (the CPython oracle allows 1e-10 for it too), as can the order of the steps."""
    if isinstance(item, float):
        return float(f"{item:.10g}")
    if isinstance(item, list | tuple):
        return [rounded(part) for part in item]
    return item


def summary(run: Run) -> object:
    return rounded(
        [
            [(n.children, n.op, n.label, n.line, n.column, n.group, n.made_data, n.expr, n.name) for n in run.nodes],
            [
                (p.output, p.order, p.data, p.grad, sorted((s.node, len(s.deposits)) for s in p.steps))
                for p in run.passes
            ],
            run.prints,
            run.notes,
            run.cells,
            run.result,
        ]
    )


def prepared_in_the_jail(source: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    with monkeypatch.context() as patched:
        patched.setattr(engine.run, "PRECHECK_CHARS", -1)
        forget_prepared()
        return run_program(source)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_program_prepared_on_the_server_runs_as_one_prepared_in_the_jail(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = CASES[name]
    assert prepare_source(source, DEFAULT_LIMITS) is not None  # short enough: the request carries its code
    assert summary(run_program(source)) == summary(prepared_in_the_jail(source, monkeypatch))


def test_notes_made_while_preparing_reach_the_run() -> None:
    notes = [note.message for note in run_program(NOTEBOOK).notes]
    assert any("%matplotlib inline" in note for note in notes)
    assert any("draw_dot" in note for note in notes)


def test_an_error_is_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "from micrograd.engine import Value\na = Value(2.0)\nprint(a.nope)\n"
    with pytest.raises(ProgramError) as on_server:
        run_program(source)
    with pytest.raises(ProgramError) as in_jail:
        prepared_in_the_jail(source, monkeypatch)
    assert (on_server.value.kind, on_server.value.message, on_server.value.line, on_server.value.column) == (
        in_jail.value.kind,
        in_jail.value.message,
        in_jail.value.line,
        in_jail.value.column,
    )


def test_the_same_text_is_prepared_once() -> None:
    forget_prepared()
    source = PROGRAMS["lecture-L-backward"]
    first = prepare_source(source, DEFAULT_LIMITS)
    assert prepare_source(source, DEFAULT_LIMITS) is first
    assert prepare_source(source + "\n", DEFAULT_LIMITS) is not first


def test_a_refused_program_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ProgramError, match="open"):
            prepare_source("open('/etc/passwd')\n", DEFAULT_LIMITS)


def test_a_long_program_is_prepared_in_the_jail_alone() -> None:
    source = "total = 0.0\n" + "total += 1.0\n" * 2_000
    assert len(source) > engine.run.PRECHECK_CHARS
    assert prepare_source(source, DEFAULT_LIMITS) is None
    assert run_program(source + "print(total)\n").prints[-1].text == "2000.0"


def test_the_message_holds_the_code_and_nothing_else_passes_for_it() -> None:
    prepared = prepare("a = 2.0\nb = a * 3\n", DEFAULT_LIMITS)
    again = from_message(to_message(prepared))
    assert again.code.co_code == prepared.code.co_code and again.call_starts == prepared.call_starts
    with pytest.raises(TypeError):
        from_message({**to_message(prepared), "code": base64.b64encode(marshal.dumps((1, 2))).decode()})


def test_the_prepared_programs_kept_are_bounded_by_their_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.main import create_app
    from app.settings import Settings

    create_app(Settings(prepared_cache_size=2))
    assert engine.run.Programs.prepared_size == 2
    forget_prepared()
    texts = [f"a = {n}.0\n" for n in range(3)]
    first, *_ = [prepare_source(text, DEFAULT_LIMITS) for text in texts]
    assert prepare_source(texts[2], DEFAULT_LIMITS) is prepare_source(texts[2], DEFAULT_LIMITS)
    assert prepare_source(texts[0], DEFAULT_LIMITS) is not first  # the oldest was let go, and prepared anew
    monkeypatch.setattr(engine.run.Programs, "prepared_size", engine.run.PREPARED_PROGRAMS)
    create_app(Settings())
    assert engine.run.Programs.prepared_size == engine.run.PREPARED_PROGRAMS


# -- the walks of the syntax tree that prepare makes once

WALKED = """\
@decorate(lambda k=[1]: k)
class A(Base, metaclass=M):
    f = lambda self, d={'k': (1, 2)}: self.g(d)
    def g(self, x: int = -1, *args: str, y=[2], **kw) -> 'A':
        return [i.h() for i in x if i if not i] or {k: v async for k, v in x}
match p:
    case Point(x=[1, *rest], y={'k': v, **more}) | None if v.ok():
        del a.b, c[1:2:3]
try:
    pass
except (E, F) as e:
    raise G from e
finally:
    global q
print(f"{a.b!r:>{w.c()}} and {'{0.x}'.format(v)}", *s, **{'k': 1}, sep=None)
"""


def depth_first_size(tree: ast.Module, limits: Limits) -> tuple[str, int, int] | int:
    """The check as it was written first, depth first from the last statement: its refusal's place, or the count."""
    statements, stack = 0, [(statement, 0) for statement in tree.body]
    while stack:
        node, depth = stack.pop()
        statements += isinstance(node, ast.stmt)
        if depth > limits.max_nesting:
            return ("nested", getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return statements


@pytest.mark.parametrize(
    ("source", "nesting", "place"),
    [
        ("x = {1: {2: 3}}\ny = {4: {5: 6}}\nz = {7: 8}\n", 2, (2, 13)),  # the last statement's node comes first
        ("x = {1: {2: {3: 4}}, 5: {6: 7}}\n", 2, (1, 29)),  # and, in it, the last node that deep
        ("x = a.b\n", 2, (1, 1)),  # a context (Load) has no place of its own
        ("x = a < b\n", 2, (1, 1)),  # nor an operator
        ("x = {1: {2: 3}}\n", 3, None),  # exactly at the limit
    ],
)
def test_a_program_nested_past_the_limit_is_refused_where_a_depth_first_walk_meets_it(
    source: str, nesting: int, place: tuple[int, int] | None
) -> None:
    limits = replace(DEFAULT_LIMITS, max_nesting=nesting)
    if place is None:
        assert syntax_tree(source, limits)[0].body
        return
    with pytest.raises(ProgramError, match=f"nested {nesting} levels deep") as refused:
        syntax_tree(source, limits)
    assert (refused.value.kind, refused.value.line, refused.value.column) == ("limit", *place)


def test_every_statement_counts_toward_the_limit_wherever_it_is() -> None:
    source = "if a:\n    b = 1\n    if c:\n        d = 2\nelse:\n    e = 3\ndef f():\n    return 1\n"
    assert syntax_tree(source, replace(DEFAULT_LIMITS, max_statements=7))[0].body
    with pytest.raises(ProgramError, match="the program has 7 statements; the limit is 6"):
        syntax_tree(source, replace(DEFAULT_LIMITS, max_statements=6))


@pytest.mark.parametrize("nesting", [1, 2, 3, 4, 5, 6, 8, 10])
def test_the_size_check_refuses_as_the_depth_first_walk_did(nesting: int) -> None:
    limits = replace(DEFAULT_LIMITS, max_nesting=nesting, max_statements=12)
    for source in [WALKED, *(blank_notebook_lines(program)[0] for program in PROGRAMS.values())]:
        tree = ast.parse(source)
        expected = depth_first_size(tree, limits)
        try:
            syntax_tree(source, limits)
        except ProgramError as error:
            assert ("nested" if "nested" in error.message else error.message, error.line, error.column) == (
                expected
                if isinstance(expected, tuple)
                else (f"the program has {expected:,} statements; the limit is 12", None, None)
            )
        else:
            assert isinstance(expected, int) and expected <= 12


def test_the_nodes_are_those_ast_walk_gives_but_contexts_and_operators() -> None:
    tree, nodes = syntax_tree(WALKED, DEFAULT_LIMITS)
    leaves = ast.expr_context | ast.operator | ast.cmpop | ast.unaryop | ast.boolop | ast.Module
    assert nodes == [node for node in ast.walk(tree) if not isinstance(node, leaves)]
    assert method_call_starts(nodes) == {
        (node.func.end_lineno, node.func.end_col_offset - len(node.func.attr.encode()), node.end_lineno,
         node.end_col_offset): (node.lineno, node.col_offset)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }  # fmt: skip
    assert len(method_call_starts(nodes)) == 5


def test_the_fields_left_unwalked_hold_no_nodes_by_pythons_grammar() -> None:
    """Each kind of node's signature, as ast documents it: `Name(identifier id, expr_context ctx)`."""
    kinds = [kind for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, ast.AST)]
    checked = 0
    for kind in kinds:
        signature = re.fullmatch(r"(\w+)\((.*)\)", (kind.__doc__ or "").split("\n")[0])
        if signature is None or signature[1] != kind.__name__:
            continue  # an abstract kind (ast.expr) or a deprecated alias (ast.Num)
        declared = dict(reversed(part.split()) for part in signature[2].split(", ") if part)
        walked = node_fields(kind, contexts=True)
        assert list(walked) == [field for field in kind._fields if field in walked]
        for field in kind._fields:
            holds_nodes = declared[field].rstrip("*?") not in ("identifier", "int", "string", "constant")
            assert (field in walked) == holds_nodes, (kind.__name__, field)
            is_context = declared[field].rstrip("*?") in ("expr_context", "operator", "cmpop", "unaryop", "boolop")
            assert (field in node_fields(kind)) == (holds_nodes and not is_context), (kind.__name__, field)
        checked += 1
    assert checked > 70


# (program, the program instrumented): rewrites wherever the walk must reach
REWRITTEN = [
    ('y = f"{a:>{v.backward()}}"', "y = f'{a:>{__bp_pass__(v, 1)}}'\n__bp_bind__(y, 'y', 1)"),
    ("@dec(v.backward())\ndef f():\n    pass", "@dec(__bp_pass__(v, 1))\ndef f():\n    pass"),
    ("def f(a=v._backward()):\n    pass", "def f(a=__bp_step__(v, 1)):\n    pass"),
    ("class A:\n    f = lambda self: self.format", "class A:\n    f = lambda self: __bp_format__(self, 'format')"),
    ("d = {**v.format(1), 'k': v.grad}", "d = {**__bp_format__(v, 'format')(1), 'k': v.grad}\n__bp_bind__(d, 'd', 1)"),
    (
        "match p:\n    case [1] if v.backward():\n        pass",
        "match p:\n    case [1] if __bp_pass__(v, 2):\n        pass",
    ),
    ("x = [v.grad for v in w if v.backward()]", "x = [v.grad for v in w if __bp_pass__(v, 1)]\n__bp_bind__(x, 'x', 1)"),
    (
        "class A:\n    def f(self):\n        return [v.data for v in self.vs]",
        "class A:\n\n    def f(self):\n        return __bp_ret__([v.data for v in self.vs])",
    ),
    ("for a.grad in x:\n    pass", "for __bp_watch__(a, 1)['grad'] in x:\n    pass"),
    (  # a value's class (it writes _prev, here in a comprehension): its returns are the engine's, not wrapped
        "class V:\n    def f(self):\n        x = [1 for self._prev in [()]]\n        return self",
        "class V:\n\n    def f(self):\n        x = [1 for __bp_watch__(self, 3)['_prev'] in [()]]\n        return self",
    ),
    (  # the write that makes a value's class may come after a return, here in an augmented assignment
        "class V:\n    def f(self):\n        return self\n    def g(self):\n        self._prev += ()",
        "class V:\n\n    def f(self):\n        return self\n\n    def g(self):\n        self._prev += ()\n"
        "        __bp_wrote__(self, '_prev', 5)",
    ),
    (  # a class holding a value's class is one too (its own returns stay as they are); its other classes are not
        "class A:\n    def f(self):\n        return 1\n    class B:\n        def g(self):\n            return 2\n"
        "        def h(self):\n            self._prev = ()\n    class C:\n        def k(self):\n            return 3",
        "class A:\n\n    def f(self):\n        return 1\n\n    class B:\n\n        def g(self):\n"
        "            return 2\n\n        def h(self):\n            __bp_set__((), self, '_prev', 8)\n\n"
        "    class C:\n\n        def k(self):\n            return __bp_ret__(3)",
    ),
    ("a.grad += (b := 2)", "__bp_watch__(a, 1)['grad'] += (b := 2)"),  # a walrus inside: a read then a write
    ("a.grad += b", "a.grad += b\n__bp_wrote__(a, 'grad', 1)"),
]


@pytest.mark.parametrize(("source", "instrumented"), REWRITTEN)
def test_the_rewrite_reaches_every_place(source: str, instrumented: str) -> None:
    tree = instrument(ast.parse(source), [1], False, [], lines=source.split("\n"))
    assert ast.unparse(tree) == instrumented
    assert all(hasattr(node, "lineno") for node in ast.walk(tree) if "lineno" in node._attributes)
    compile(tree, "<program>", "exec")


def test_no_walk_visits_contexts_or_operators_as_they_are_not_walked() -> None:
    leaves = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
    kinds = [kind for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, leaves)]
    assert len(kinds) > 25
    for walk in (Wall, Instrument):
        assert [kind for kind in kinds if hasattr(walk, f"visit_{kind.__name__}")] == []
