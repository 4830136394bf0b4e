"""The language of LANGUAGE.md: every form parses, builds micrograd's graph, and names its nodes."""

from __future__ import annotations

import pytest

from engine.errors import ProgramError
from engine.language import parse_program
from engine.limits import Limits
from engine.value import topological_order


def ops(source: str) -> list[str]:
    return [node._op for node in topological_order(parse_program(source).output)]


def test_a_plain_number_makes_a_named_leaf() -> None:
    program = parse_program("a = 2.0")
    assert program.output.data == 2.0
    assert (program.output.name, program.output.label, program.output._op) == ("a", "a", "")


def test_value_calls_with_labels_paste_in_unchanged() -> None:
    program = parse_program("a = Value(2.0, label='first')\nb = Value(-3.0)\ne = a*b; e.label = 'e'")
    assert program.output.label == "e"
    assert [node.label for node in program.nodes] == ["first", "b", "e"]


def test_an_integer_literal_becomes_a_float() -> None:
    program = parse_program("a = 2")
    assert isinstance(program.output.data, float)


def test_assigning_an_existing_name_is_an_alias_not_a_new_node() -> None:
    program = parse_program("a = 2.0\nx = a\ny = x * 3")
    assert len(program.nodes) == 3
    assert program.bindings["x"] == [program.nodes[0]]
    assert program.nodes[0].label == "a"


def test_augmented_assignment_makes_a_new_node_under_the_same_name() -> None:
    program = parse_program("c = 1.0\nc += c + 1")
    assert program.output.data == 3.0
    assert program.output.label == "c"
    assert len(program.bindings["c"]) == 2


@pytest.mark.parametrize(
    ("source", "expected"),
    [("c = 2.0\nc -= 0.5", 1.5), ("c = 2.0\nc *= 3", 6.0), ("c = 2.0\nc /= 4", 0.5)],
)
def test_every_augmented_operator_computes(source: str, expected: float) -> None:
    assert parse_program(source).output.data == expected


def test_functions_work_as_calls_and_as_methods() -> None:
    for name in ("tanh", "exp", "log", "relu", "sigmoid"):
        assert parse_program(f"n = 0.5\n{name}(n)").output.data == parse_program(f"n = 0.5\nn.{name}()").output.data


def test_method_calls_chain_on_parenthesised_expressions() -> None:
    assert parse_program("n = 0.5\ne = (2*n).exp()").output.data == pytest.approx(2.718281828459045)


def test_backward_marks_the_output_even_when_statements_follow() -> None:
    program = parse_program("a = 2.0\nb = a * 3\nb.backward()\nc = b + 1")
    assert program.output.name == "b"


def test_draw_dot_marks_the_output() -> None:
    assert parse_program("a = 2.0\nb = a * 3\ndraw_dot(a)\nc = b + 1").output.name == "a"


def test_without_a_marker_the_last_statement_is_the_output() -> None:
    assert parse_program("a = 2.0\nb = a * 3\nb.label = 'B'").output.label == "B"
    assert parse_program("a = 2.0\na * 3 + 1").output.data == 7.0


def test_statements_that_do_not_feed_the_output_are_still_checked() -> None:
    with pytest.raises(ProgramError) as caught:
        parse_program("a = 0.0\nb = a.log()\nc = a + 1\nc.backward()")
    assert (caught.value.kind, caught.value.line) == ("math", 2)


def test_subtraction_and_negation_decompose_as_in_micrograd() -> None:
    assert ops("a = 1.0\nb = 2.0\nc = a - b") == ["", "", "", "*", "+"]
    assert ops("a = 1.0\nc = -a") == ["", "", "*"]


def test_a_number_subtracted_or_divided_is_folded_as_micrograd_does() -> None:
    program = parse_program("e = 3.0\no = (e - 1) / 2")
    assert [node._op for node in topological_order(program.output)] == ["", "", "+", "", "*"]
    assert [node.data for node in program.nodes if not node._prev] == [3.0, -1.0, 0.5]


def test_division_is_multiplication_by_an_inverse() -> None:
    assert ops("a = 1.0\nb = 4.0\nc = a / b") == ["", "", "**-1", "*"]


def test_a_negative_literal_is_one_leaf() -> None:
    program = parse_program("L = 4.0 * -2.0")
    assert [node.data for node in program.nodes] == [4.0, -2.0, -8.0]


def test_a_value_used_twice_is_one_node_with_two_edges() -> None:
    program = parse_program("a = 3.0\nb = a + a")
    assert program.output._prev == (program.nodes[0], program.nodes[0])


def test_power_names_the_operation_by_its_exponent() -> None:
    assert ops("x = 3.0\ny = x**2")[-1] == "**2"
    assert ops("x = 3.0\ny = x**-0.5")[-1] == "**-0.5"


def test_node_ids_are_deterministic_and_in_creation_order() -> None:
    source = "a = 2.0\nb = -3.0\ne = a*b\nd = e + 10.0"
    first = [node.id for node in parse_program(source).nodes]
    assert first == [node.id for node in parse_program(source).nodes] == ["n0", "n1", "n2", "n3", "n4"]


def test_nodes_remember_the_line_and_column_that_made_them() -> None:
    program = parse_program("a = 2.0\nb = a * 3.0")
    three, product = program.nodes[1], program.nodes[2]
    assert (three.line, three.column) == (2, 9)
    assert (product.line, product.column) == (2, 5)


def test_columns_count_characters_not_bytes() -> None:
    with pytest.raises(ProgramError) as caught:
        parse_program("a = Value(1.0, label='αβγ') + q")
    assert caught.value.column == 31


def test_comments_semicolons_and_blank_lines_are_fine() -> None:
    assert parse_program("# weights\n\na = 1.0; b = 2.0  # two\n\nc = a + b\n").output.data == 3.0


def test_the_node_limit_is_configurable() -> None:
    with pytest.raises(ProgramError) as caught:
        parse_program("a = 1.0\nb = a + a\nc = b + b", Limits(max_nodes=2))
    assert (caught.value.kind, caught.value.line) == ("limit", 3)


def test_a_chain_of_ten_thousand_nodes_is_accepted() -> None:
    source = "x = 0.5\n" + "x = x * 1.0001\n" * 5_000
    program = parse_program(source)
    assert len(program.nodes) == 10_001
