"""Random programs in the lecture's Python, from a small grammar: each runs cleanly in CPython in well under 1 s.

A program uses the built-in Value, or defines its own class Value first (the lecture's, with its operands in a
tuple or a set), then makes numbers, leaves, arithmetic, lists, sets, loops, ifs, functions, lambdas, recursion,
classes with operator methods, and backward passes, printing along the way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import strategies as st

SQUASH_ABOVE = 8.0  # largest |data| an expression may reach before tanh squashes it: keeps every number finite
ARGUMENT_BOUND = 8.0  # |data| a user function assumes of its arguments; a caller squashes larger ones
TANH_ABOVE = 300.0  # largest |x| given to tanh: e^2x overflows past 354

# The lecture's class Value, grown to every operation the grammar uses; {prev} is `set` or `tuple`.
OWN_VALUE = """\
class Value:

    def __init__(self, data, _children=(), _op='', label=''):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = {prev}(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={{self.data}}, grad={{self.grad}})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,), f'**{{k}}')
        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def _unary(self, data, op, local):
        out = Value(data, (self,), op)
        def _backward():
            self.grad += local * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        e = math.exp(2 * self.data)
        t = (e - 1) / (e + 1)
        return self._unary(t, 'tanh', 1 - t**2)

    def exp(self):
        return self._unary(math.exp(self.data), 'exp', math.exp(self.data))

    def log(self):
        return self._unary(math.log(self.data), 'log', 1 / self.data)

    def relu(self):
        return self._unary(max(self.data, 0.0), 'ReLU', float(self.data > 0))

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        return self._unary(s, 'sigmoid', s * (1 - s))

    def __radd__(self, other): return self + other
    def __rmul__(self, other): return self * other
    def __neg__(self): return self * -1
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __truediv__(self, other): return self * other**-1
    def __rtruediv__(self, other): return other * self**-1

    def backward(self):
        topo, visited = [], set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
"""

# A class with operator methods over values: a pair of them, added, scaled and summed as vectors are.
PAIR_CLASS = """\
class Pair:
    def __init__(self, first, second):
        self.first = first
        self.second = second

    def __add__(self, other):
        if isinstance(other, Pair):
            return Pair(self.first + other.first, self.second + other.second)
        return Pair(self.first + other, self.second + other)

    def __radd__(self, other):
        return self + other

    def __mul__(self, k):
        return Pair(self.first * k, self.second * k)

    def __rmul__(self, k):
        return self * k

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __iter__(self):
        return iter((self.first, self.second))

    def __len__(self):
        return 2

    def total(self):
        return self.first + self.second

    def __repr__(self):
        return f"Pair({round(self.first.data, 6)}, {round(self.second.data, 6)})"
"""


@dataclass(frozen=True)
class Expr:
    """A generated expression: its code, whether it makes a Value, and a bound on the magnitude of its data."""

    code: str
    is_value: bool
    bound: float
    atomic: bool = False  # a name, call, attribute or non-negative literal: needs no parentheses as an operand

    @property
    def operand(self) -> str:
        """The code, parenthesised unless it is atomic."""
        return self.code if self.atomic else f"({self.code})"


@dataclass(frozen=True)
class Unary:
    """A one-operand form: its code on a Value and on a number (None: Values only), and the bound of its result."""

    on_value: str  # {a} is the operand as an operand, {c} as a call's argument
    on_number: str | None
    bound: Callable[[float], float]


# Every form stays in every function's domain.
UNARY_FORMS = [
    Unary("{a}**2", "{a}**2", lambda m: m * m),
    Unary("{a}**3", "{a}**3", lambda m: m**3),
    Unary("-{a}", "-{a}", lambda m: m),
    Unary("2 * {a}", "2 * {a}", lambda m: 2 * m),
    Unary("1.0 - {a}", "1.0 - {a}", lambda m: 1 + m),
    Unary("{a} + {a}", "{a} + {a}", lambda m: 2 * m),
    Unary("{a} / 2.0", "{a} / 2.0", lambda m: m / 2),
    Unary("3 / ({a}**2 + 1)", "3 / ({a}**2 + 1)", lambda m: 3.0),
    Unary("{a}.tanh()", "math.tanh({c})", lambda m: 1.0),
    Unary("{a}.tanh().exp()", "math.exp(math.tanh({c}))", lambda m: math.e),
    Unary("({a}**2 + 1.0).log()", "math.log({a}**2 + 1.0)", lambda m: math.log(m * m + 1)),
    Unary("({a}**2 + 1.0)**0.5", "({a}**2 + 1.0)**0.5", lambda m: math.sqrt(m * m + 1)),
    Unary("{a}.relu()", "max({c}, 0.0)", lambda m: m),
    Unary("{a}.sigmoid()", "1 / (1 + math.exp(-{a}))", lambda m: 1.0),
    Unary("square({c})", "square({c})", lambda m: m * m),
    Unary("(lambda t: t * t + t)({c})", "(lambda t: t * t + t)({c})", lambda m: m * m + m),
]
BINARY_FORMS: list[tuple[str, Callable[[float, float], float]]] = [
    ("{a} + {b}", lambda m, n: m + n),
    ("{a} - {b}", lambda m, n: m + n),
    ("{a} * {b}", lambda m, n: m * n),
    ("{a} / ({b}**2 + 1.0)", lambda m, n: m),
]
CALL_TEMPLATES = ["(self.w * x + self.b).tanh()", "(self.w * x + self.b).sigmoid()", "(x * self.w).tanh() + self.b"]


def squash(expr: Expr) -> Expr:
    """The expression itself if its bound is small, else its tanh (of it scaled down where the lecture's
    (e^2x - 1)/(e^2x + 1) would overflow)."""
    if expr.bound <= SQUASH_ABOVE:
        return expr
    argument = expr.operand if expr.bound <= TANH_ABOVE else f"({expr.operand} / {math.ceil(expr.bound / TANH_ABOVE)})"
    code = f"{argument}.tanh()" if expr.is_value else f"math.tanh({argument})"
    return Expr(code, expr.is_value, 1.0, atomic=True)


def number_literal(value: float) -> Expr:
    """A literal of a float or int."""
    return Expr(repr(value), False, abs(value), atomic=value >= 0 and not repr(value).startswith("-"))


@dataclass
class ProgramWriter:
    """Writes one program statement by statement, knowing what each name holds."""

    draw: st.DrawFn
    lines: list[str] = field(default_factory=list)
    names: dict[str, Expr] = field(default_factory=dict)  # module-scope name -> what it holds, as an atomic Expr
    lists: dict[str, Expr] = field(default_factory=dict)  # list of Values -> its items' Expr (bound)
    lengths: dict[str, int] = field(default_factory=dict)
    leaves: list[str] = field(default_factory=list)
    seeded: bool = False  # the program imports random and seeds it
    counter: int = 0

    def fresh(self, prefix: str) -> str:
        """A new module-scope name."""
        self.counter += 1
        return f"{prefix}{self.counter}"

    def bind(self, name: str, expr: Expr) -> None:
        """Write `name = expr` and remember it."""
        self.lines.append(f"{name} = {expr.code}")
        self.names[name] = Expr(name, expr.is_value, expr.bound, atomic=True)

    def values(self) -> list[str]:
        """Names that hold a Value."""
        return [name for name, expr in self.names.items() if expr.is_value]

    def numbers(self) -> list[str]:
        """Names that hold a number."""
        return [name for name, expr in self.names.items() if not expr.is_value]

    def literal(self) -> Expr:
        """A small float or int literal."""
        if self.draw(st.integers(0, 4)) == 0:
            return number_literal(self.draw(st.integers(-3, 3)))
        return number_literal(round(self.draw(st.floats(-2.5, 2.5, allow_nan=False)), 2))

    def atom(self, scope: dict[str, Expr]) -> Expr:
        """A name, a list item or a literal."""
        choices = ["name", "literal"] + (["item"] if self.lists and scope is self.names else [])
        kind = self.draw(st.sampled_from(choices))
        if kind == "item":
            name = self.draw(st.sampled_from(sorted(self.lists)))
            index = self.draw(st.integers(-self.lengths[name], self.lengths[name] - 1))
            return Expr(f"{name}[{index}]", True, self.lists[name].bound, atomic=True)
        if kind == "name" and scope:
            return scope[self.draw(st.sampled_from(sorted(scope)))]
        return self.literal()

    def unary(self, a: Expr) -> Expr:
        """A one-operand form of a, its bound kept small."""
        forms = [form for form in UNARY_FORMS if a.is_value or form.on_number is not None]
        form = self.draw(st.sampled_from(forms))
        template = form.on_value if a.is_value else form.on_number
        assert template is not None
        return squash(Expr(template.format(a=a.operand, c=a.code), a.is_value, form.bound(a.bound)))

    def expression(self, scope: dict[str, Expr], depth: int) -> Expr:
        """An expression over the scope's names, at most depth operations deep, its bound kept small."""
        if depth == 0 or self.draw(st.integers(0, 3)) == 0:
            return self.atom(scope)
        a = self.expression(scope, depth - 1)
        if self.draw(st.booleans()):
            return self.unary(a)
        b = self.expression(scope, depth - 1)
        template, pair_bound = self.draw(st.sampled_from(BINARY_FORMS))
        code = template.format(a=a.operand, b=b.operand)
        return squash(Expr(code, a.is_value or b.is_value, pair_bound(a.bound, b.bound)))

    def value_expression(self, scope: dict[str, Expr], depth: int) -> Expr:
        """An expression that makes a Value."""
        expr = self.expression(scope, depth)
        if expr.is_value:
            return expr
        leaf = scope[self.draw(st.sampled_from(sorted(name for name in scope if scope[name].is_value)))]
        return squash(Expr(f"{expr.operand} * {leaf.code}", True, expr.bound * leaf.bound))

    def condition(self) -> str:
        """A comparison of numbers: a number name or a Value's data against literals, chained sometimes."""
        numbers = self.numbers() + [f"{name}.data" for name in self.values()]
        left = self.draw(st.sampled_from(numbers))
        low, high = sorted([self.literal().code, self.literal().code], key=float)
        form = self.draw(st.sampled_from(["{x} > {lo}", "{lo} <= {x} < {hi}", "{x} < {hi} and {x} != {lo}"]))
        return form.format(x=left, lo=low, hi=high)

    def write_number(self) -> None:
        """A float or int assignment, from literals or from other numbers."""
        name = self.fresh("n")
        if self.draw(st.booleans()):
            self.bind(name, number_literal(self.draw(st.integers(1, 4))))
        else:
            self.bind(name, self.expression({key: self.names[key] for key in self.numbers()}, 2))

    def write_leaf(self) -> None:
        """A leaf Value, labelled or not, from a literal or a number name."""
        name = self.fresh("a")
        numbers = self.numbers()
        data = self.literal()
        if numbers and self.draw(st.integers(0, 3)) == 0:
            data = squash(self.names[self.draw(st.sampled_from(numbers))])
        elif self.seeded and self.draw(st.booleans()):
            data = Expr("random.uniform(-1, 1)", False, 1.0, atomic=True)
        label = f", label='{name}'" if self.draw(st.booleans()) else ""
        self.bind(name, Expr(f"Value({data.code}{label})", True, data.bound))
        self.leaves.append(name)

    def write_value(self) -> None:
        """An assignment of arithmetic on Values and numbers, labelled sometimes."""
        name = self.fresh("v")
        self.bind(name, self.value_expression(self.names, 2))
        if self.draw(st.integers(0, 3)) == 0:
            self.lines[-1] += f"; {name}.label = '{name}'"

    def write_list(self) -> None:
        """A list of Values, a comprehension over one, or a sum of one."""
        kind = self.draw(st.sampled_from(["display", "comprehension", "sum", "sorted"] if self.lists else ["display"]))
        if kind == "display":
            items = self.draw(st.lists(st.sampled_from(self.values()), min_size=1, max_size=4))
            name = self.fresh("vs")
            self.lines.append(f"{name} = [{', '.join(items)}]")
            self.lists[name] = Expr(name, True, max(self.names[item].bound for item in items))
            self.lengths[name] = len(items)
            return
        source = self.draw(st.sampled_from(sorted(self.lists)))
        element = self.unary(Expr("p", True, self.lists[source].bound, atomic=True))
        if kind in ("comprehension", "sorted"):
            name = self.fresh("vs")
            if kind == "sorted":  # ties keep their order: sorted is stable
                key = self.draw(
                    st.sampled_from(["lambda p: p.data", "lambda p: -abs(p.data)", "lambda p: round(p.data)"])
                )
                self.lines.append(f"{name} = sorted([{element.code} for p in {source}], key={key})")
            else:
                self.lines.append(f"{name} = [{element.code} for p in {source}]")
            self.lists[name] = Expr(name, True, element.bound)
            self.lengths[name] = self.lengths[source]
            return
        if self.draw(st.booleans()):
            bound = self.lists[source].bound * self.lengths[source]
            self.bind(self.fresh("s"), squash(Expr(f"sum({source})", True, bound, atomic=True)))
        else:
            start = self.draw(st.sampled_from(self.values()))
            code = f"sum(({element.code} for p in {source}), {start})"
            bound = element.bound * self.lengths[source] + self.names[start].bound
            self.bind(self.fresh("s"), squash(Expr(code, True, bound, atomic=True)))

    def write_set(self) -> None:
        """Sets: of Values (membership and size only: their order is their addresses), and of numbers."""
        name = self.fresh("group")
        items = self.draw(st.lists(st.sampled_from(self.values()), min_size=1, max_size=4))
        probe = self.draw(st.sampled_from(self.values()))
        self.lines += [
            f"{name} = {{{', '.join(items)}}}",
            f"{name}.add({probe})",
            f"print(len({name}), {probe} in {name}, {items[0]} in {name} - {{{probe}}})",
        ]
        numbers = self.draw(st.lists(st.integers(-3, 3), min_size=0, max_size=5))
        kept = self.fresh("kept")
        self.lines += [
            f"{kept} = {{abs(k) for k in {numbers!r}}} | {{round({probe}.data)}}",
            f"print(sorted({kept}), len({kept} & {{0, 1, 2}}), frozenset({kept}) == {kept})",
        ]

    def write_loop(self) -> None:
        """An accumulation over range(k), by for or by while."""
        name = self.fresh("acc")
        turns = self.draw(st.integers(1, 4))
        start = self.draw(st.sampled_from(["0.0", "Value(0.0)", "0"]))
        a = squash(self.atom(self.names))
        tanh = f"({a.operand} * i).tanh()" if a.is_value else f"math.tanh({a.code} * i)"
        term, bound = self.draw(
            st.sampled_from(
                [
                    (f"{a.operand} * i", a.bound * (turns - 1)),
                    (tanh, 1.0),
                    (f"{a.operand} / (i + 1)", a.bound),
                    (f"{a.operand}**2 * 0.5", a.bound**2 / 2),
                ]
            )
        )
        step = self.draw(st.sampled_from([f"{name} = {name} + {term}", f"{name} += {term}"]))
        self.lines.append(f"{name} = {start}")
        if self.draw(st.booleans()):
            self.lines += [f"for i in range({turns}):", f"    {step}"]
        else:
            self.lines += ["i = 0", f"while i < {turns}:", f"    {step}", "    i += 1"]
        self.names[name] = Expr(name, a.is_value or start.startswith("Value"), bound * turns, atomic=True)

    def write_if(self) -> None:
        """An if / elif / else that binds one name in every branch, to the same kind of thing."""
        name = self.fresh("v")
        numbers = {key: self.names[key] for key in self.numbers()}
        make_value = not numbers or self.draw(st.booleans())
        branches = self.draw(st.integers(2, 3))
        exprs = [
            self.value_expression(self.names, 2) if make_value else self.expression(numbers, 2) for _ in range(branches)
        ]
        heads = [f"if {self.condition()}:"] + [f"elif {self.condition()}:"] * (branches - 2) + ["else:"]
        for head, expr in zip(heads, exprs, strict=True):
            self.lines += [head, f"    {name} = {expr.code}"]
        self.names[name] = Expr(name, make_value, max(expr.bound for expr in exprs), atomic=True)

    def argument(self) -> Expr:
        """A Value argument for a user function, squashed to what the function assumes."""
        a = self.names[self.draw(st.sampled_from(self.values()))]
        return a if a.bound <= ARGUMENT_BOUND else Expr(f"{a.operand}.tanh()", True, 1.0, atomic=True)

    def write_function(self) -> None:
        """A def with a default argument, or a lambda, then a call of it with positional or keyword arguments."""
        name = self.fresh("f")
        local = {"x": Expr("x", True, ARGUMENT_BOUND, atomic=True), "y": Expr("y", False, ARGUMENT_BOUND, atomic=True)}
        default = self.literal().code
        if self.draw(st.integers(0, 2)) == 0:
            body = self.value_expression(local, 2)
            self.lines.append(f"{name} = lambda x, y={default}: {body.code}")
        else:
            self.lines.append(f"def {name}(x, y={default}):")
            if self.draw(st.booleans()):
                hidden = self.expression(local, 2)
                self.lines.append(f"    h = {hidden.code}")
                local["h"] = Expr("h", hidden.is_value, hidden.bound, atomic=True)
            body = self.value_expression(local, 2)
            self.lines.append(f"    return {body.code}")
        self.call_function(name, body.bound)

    def call_function(self, name: str, bound: float) -> None:
        """A call of a user function: x is a Value, y a number, each passed by position or by keyword."""
        x = self.argument().code
        y = self.literal().code
        call = self.draw(
            st.sampled_from([f"{name}({x})", f"{name}({x}, {y})", f"{name}({x}, y={y})", f"{name}(y={y}, x={x})"])
        )
        self.bind(self.fresh("v"), squash(Expr(call, True, bound, atomic=True)))

    def write_recursion(self) -> None:
        """A recursive def with a depth bound, and a call of it."""
        name = self.fresh("repeat")
        step, bound = self.draw(
            st.sampled_from([("v.tanh() * 0.5 + 0.25", 0.75), ("v * 0.5 + 0.1", 0.0), ("v.sigmoid() - 0.5", 0.5)])
        )
        self.lines += [
            f"def {name}(v, n):",
            "    if n <= 0:",
            "        return v",
            f"    return {name}({step}, n - 1)",
        ]
        a = self.argument()
        self.bind(
            self.fresh("v"),
            Expr(f"{name}({a.code}, {self.draw(st.integers(0, 5))})", True, max(a.bound + 0.1, bound), atomic=True),
        )

    def write_generator(self) -> None:
        """A generator function that yields values, consumed by a loop, list() or next()."""
        name = self.fresh("gen")
        a = self.argument()
        self.lines += [
            f"def {name}(v, n):",
            "    for k in range(n):",
            "        yield v * (k + 1) * 0.5",
        ]
        count = self.draw(st.integers(1, 3))
        use = self.draw(st.sampled_from(["sum", "next", "list"]))
        if use == "sum":
            expr = Expr(f"sum({name}({a.code}, {count}))", True, a.bound * count * count, atomic=True)
        elif use == "next":
            expr = Expr(f"next({name}({a.code}, {count}))", True, a.bound, atomic=True)
        else:
            expr = Expr(f"list({name}({a.code}, {count}))[-1]", True, a.bound * count, atomic=True)
        self.bind(self.fresh("v"), squash(expr))

    def write_class(self) -> str:
        """A small class with __init__, __call__, a method and parameters(); returns its name."""
        name = "Unit"
        self.lines += [
            f"class {name}:",
            "    def __init__(self, w, b=0.0):",
            "        self.w = w",
            "        self.b = b",
            "",
            "    def __call__(self, x):",
            f"        return {self.draw(st.sampled_from(CALL_TEMPLATES))}",
            "",
            "    def scaled(self, k):",
            "        return self.w * k",
            "",
            "    def parameters(self):",
            "        return [self.w, self.b]",
            "",
            "    def __repr__(self):",
            '        return f"Unit(w={self.w.data:.4f}, b={self.b})"',
        ]
        return name

    def use_class(self, cls: str) -> None:
        """An instance of the class, called and asked for a scaled weight."""
        unit = self.fresh("u")
        w = self.argument()
        b = self.draw(st.sampled_from([self.argument().code, self.literal().code, ""]))
        self.lines.append(f"{unit} = {cls}({w.code}" + (f", b={b})" if b else ")"))
        call = Expr(f"{unit}({squash(self.atom(self.names)).code})", True, 1.0 + ARGUMENT_BOUND, atomic=True)
        self.bind(self.fresh("v"), squash(call))
        k = self.literal()
        self.bind(self.fresh("v"), squash(Expr(f"{unit}.scaled({k.code})", True, w.bound * k.bound, atomic=True)))
        if self.draw(st.booleans()):
            self.lines.append(f"print({unit})")

    def use_pair(self) -> None:
        """Pairs of values through the class's operator methods, summed and totalled into a value."""
        first, second, third, fourth = (self.argument().code for _ in range(4))
        p, q = self.fresh("p"), self.fresh("q")
        self.lines += [f"{p} = Pair({first}, {second})", f"{q} = Pair({third}, {fourth})"]
        form, bound = self.draw(
            st.sampled_from(
                [
                    (f"{p} + {q}", 2 * ARGUMENT_BOUND),
                    (f"2 * {p} - {q} * 0.5", 2.5 * ARGUMENT_BOUND),
                    (f"sum([{p}, {q}, -{p}])", 3 * ARGUMENT_BOUND),
                    (f"{p} + 1.5", ARGUMENT_BOUND + 1.5),
                ]
            )
        )
        combined = self.fresh("pq")
        self.lines += [f"{combined} = {form}", f"print({combined}, len({combined}), [x.data for x in {combined}])"]
        self.bind(self.fresh("v"), squash(Expr(f"{combined}.total()", True, 2 * bound, atomic=True)))

    def write_output(self) -> None:
        """out from the Values made last, its backward pass, and prints of its data and the leaves' grads."""
        recent = self.values()[-3:]
        if self.draw(st.booleans()):
            out = squash(Expr(" + ".join(recent), True, sum(self.names[name].bound for name in recent)))
        else:
            out = self.value_expression(self.names, 2)
        self.bind("out", out)
        if self.draw(st.booleans()):
            self.lines.append("out.label = 'out'")
        self.lines.append("out.backward()")
        leaves = ", ".join(self.leaves)
        prints = [
            "print(out.data)",
            "print(out)",
            'print(f"{out.data:.6f}", f"{' + self.leaves[0] + '.grad:.6f}")',
            f"print([p.grad for p in [{leaves}]])",
            f"print({leaves.replace(', ', '.grad, ')}.grad)",
            f"print(round(out.data, 4), {self.leaves[-1]}.data)",
        ]
        self.lines += self.draw(st.lists(st.sampled_from(prints), min_size=1, max_size=3))

    def write_more_passes(self) -> None:
        """Another backward of out: after zeroing the leaves' grads, without it, or in a loop of data updates."""
        leaves = ", ".join(self.leaves)
        kind = self.draw(st.sampled_from(["reset", "stale", "update"]))
        if kind == "reset":
            self.lines += [f"for p in [{leaves}]:", "    p.grad = 0.0", "out.backward()"]
        elif kind == "stale":
            self.lines.append("out.backward()")
        else:
            self.lines += [
                f"for step in range({self.draw(st.integers(1, 3))}):",
                f"    for p in [{leaves}]:",
                "        p.data += -0.01 * p.grad",
                "    out.backward()",
                f"    print(step, {self.leaves[0]}.data, {self.leaves[0]}.grad)",
            ]

    def write_training(self, cls: str | None) -> None:
        """A training loop on fresh parameters, whose grads stay bounded: a tanh neuron or the class's unit."""
        count = self.draw(st.integers(1, 3))
        inputs = [self.literal().code for _ in range(count)]
        targets = [repr(round(self.draw(st.floats(-1, 1)), 2)) for _ in range(count)]
        w, b = (repr(round(self.draw(st.floats(-1, 1)), 2)) for _ in range(2))
        if cls is not None:
            self.lines += [f"model = {cls}(Value({w}), b=Value({b}))", "params = model.parameters()"]
            predict = "model(x)"
        else:
            self.lines += [f"w = Value({w}, label='w')", f"b = Value({b}, label='b')", "params = [w, b]"]
            predict = self.draw(st.sampled_from(["(w * x + b).tanh()", "(w * x + b).sigmoid()"]))
        rate = self.draw(st.sampled_from(["0.01", "0.05", "0.1"]))
        self.lines += [
            f"xs = [{', '.join(inputs)}]",
            f"ys = [{', '.join(targets)}]",
            f"for step in range({self.draw(st.integers(1, 4))}):",
            f"    loss = sum(({predict} - y)**2 for x, y in zip(xs, ys))",
        ]
        if self.draw(st.booleans()):
            self.lines += ["    for p in params:", "        p.grad = 0.0"]
        self.lines += [
            "    loss.backward()",
            "    for p in params:",
            f"        p.data += -{rate} * p.grad",
            "    print(step, loss.data)",
        ]


@st.composite
def programs(draw: st.DrawFn) -> str:
    """A program: numbers, leaves, arithmetic, lists, sets, loops, ifs, functions, lambdas, generators, classes,
    and passes, with the built-in Value or the program's own."""
    writer = ProgramWriter(draw)
    writer.lines.append("import math")
    own = draw(st.sampled_from([None, None, "tuple", "set"]))
    if own is not None:
        writer.lines += OWN_VALUE.format(prev=own).splitlines()
    if draw(st.booleans()):
        writer.lines += ["import random", f"random.seed({draw(st.integers(0, 2000))})"]
        writer.seeded = True
    writer.lines += ["square = lambda v: v * v"]
    for _ in range(draw(st.integers(0, 2))):
        writer.write_number()
    for _ in range(draw(st.integers(1, 3))):
        writer.write_leaf()
    cls = writer.write_class() if draw(st.booleans()) else None
    pair = draw(st.booleans())
    if pair:
        writer.lines += PAIR_CLASS.splitlines()
    kinds = ["number", "value", "value", "list", "set", "loop", "if", "function", "recursion", "generator"]
    kinds += (["class"] if cls else []) + (["pair"] if pair else [])
    for kind in draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=8)):
        if kind == "number":
            writer.write_number()
        elif kind == "value":
            writer.write_value()
        elif kind == "list":
            writer.write_list()
        elif kind == "set":
            writer.write_set()
        elif kind == "loop":
            writer.write_loop()
        elif kind == "if":
            writer.write_if()
        elif kind == "function":
            writer.write_function()
        elif kind == "recursion":
            writer.write_recursion()
        elif kind == "generator":
            writer.write_generator()
        elif kind == "pair":
            writer.use_pair()
        elif cls is not None:
            writer.use_class(cls)
    writer.write_output()
    if draw(st.booleans()):
        writer.write_more_passes()
    if draw(st.booleans()):
        writer.write_training(cls)
    return "\n".join(writer.lines) + "\n"
