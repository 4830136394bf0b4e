"""The static wall's policy: what a program may name, define, read and import, as tables.

Everything outside these tables that could reach Python's internals is `unsupported`
(engine/program/check.py applies them). A table is an allow-list wherever one is possible: a name
added to Python later is refused until someone adds it here.
"""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Built-in names a program may use; the jail's builtins hold exactly these (engine/program/modules.py),
# with getattr, setattr, hasattr and delattr replaced by twins that check the name at run time.
BUILTINS = _names("""
    abs all any ascii bin bool bytearray bytes callable chr classmethod complex delattr dict dir divmod
    enumerate filter float format frozenset getattr hasattr hash hex id int isinstance issubclass iter len
    list map max min next object oct ord pow print property range repr reversed round set setattr slice
    sorted staticmethod str sum super tuple type zip
    False None True Ellipsis NotImplemented
    ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError
    BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError ConnectionError
    ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError EncodingWarning EnvironmentError
    Exception ExceptionGroup FileExistsError FileNotFoundError FloatingPointError FutureWarning GeneratorExit
    IOError ImportError ImportWarning IndentationError IndexError InterruptedError IsADirectoryError KeyError
    KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError NotADirectoryError
    NotImplementedError OSError OverflowError PendingDeprecationWarning PermissionError ProcessLookupError
    RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration StopIteration
    SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError TypeError UnboundLocalError
    UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning
    ValueError Warning ZeroDivisionError
""")

# Built-ins refused wherever they are named (read, assigned or deleted), with the reason a student sees.
REFUSED_BUILTINS: dict[str, str] = {
    "eval": "it runs a string as Python code, which the explorer cannot check",
    "exec": "it runs a string as Python code, which the explorer cannot check",
    "compile": "it turns a string into Python code, which the explorer cannot check",
    "__import__": "import modules with an import statement",
    "__build_class__": "it is how Python makes classes; write a class statement",
    "__loader__": "it is Python's module loader, which reads files",
    "open": "a program reads and writes no files",
    "input": "a program reads no input; put the values in the program",
    "breakpoint": "the explorer has no debugger; step through the graph instead",
    "globals": "it hands out every global variable, the explorer's own included",
    "locals": "it hands out the variables of a running function",
    "vars": "it hands out an object's attribute dictionary, a way round the attribute checks",
    "memoryview": "it reaches the raw memory behind bytes",
    "exit": "a program ends at its last line",
    "quit": "a program ends at its last line",
    "help": "the interactive help reads files and waits for input",
    "copyright": "it is a helper of the interactive prompt",
    "credits": "it is a helper of the interactive prompt",
    "license": "it is a helper of the interactive prompt, which reads files",
    "aiter": "async code is not available",
    "anext": "async code is not available",
}

# Data-model methods a class may define and a program may call directly (`super().__init__()`,
# `Value.__add__(a, b)`). Left out on purpose: attribute access (__getattr__, __getattribute__,
# __setattr__, __delattr__, __dir__, descriptors' __get__/__set__/__delete__/__set_name__), class
# creation (__new__, __init_subclass__, __class_getitem__, __mro_entries__, __prepare__,
# __instancecheck__, __subclasscheck__), __del__ (it runs whenever Python frees the object),
# pickling and copying (__reduce__, __reduce_ex__, __getstate__, __setstate__, __copy__, __deepcopy__),
# __match_args__ (its strings name attributes that a class pattern then reads), async methods.
_OPERATORS = _names("add sub mul matmul truediv floordiv mod divmod pow lshift rshift and xor or")
DATA_MODEL_METHODS = (
    _names("""
        __init__ __call__ __repr__ __str__ __format__ __hash__ __bool__ __post_init__
        __len__ __iter__ __next__ __reversed__ __contains__ __getitem__ __setitem__ __delitem__ __missing__
        __enter__ __exit__
        __index__ __int__ __float__ __complex__ __round__ __trunc__ __floor__ __ceil__
        __neg__ __pos__ __abs__ __invert__
        __lt__ __le__ __eq__ __ne__ __gt__ __ge__
    """)
    | {f"__{op}__" for op in _OPERATORS}
    | {f"__r{op}__" for op in _OPERATORS}
    | {f"__i{op}__" for op in _OPERATORS if op != "divmod"}  # Python has no in-place divmod
)

# Names with __ on both sides a program may read as attributes though it may not set them: a
# function's or class's __name__ is a str (`type(self).__name__` in a __repr__).
READABLE_ATTRIBUTES = frozenset({"__name__"})

# Attributes refused whatever the object, by family: each leads from an object a program can hold
# to frames, code or globals, where every variable of the process is within reach.
_FAMILIES = {
    "it leads from a generator or coroutine to its frame and code, Python's internals": """
        gi_frame gi_code gi_yieldfrom gi_running gi_suspended cr_frame cr_code cr_await cr_origin cr_running
        cr_suspended ag_frame ag_code ag_await ag_running""",
    "frames hold the variables of running code, the explorer's own included": """
        f_back f_builtins f_code f_globals f_lasti f_lineno f_locals f_trace f_trace_lines f_trace_opcodes""",
    "a traceback leads to the frames of running code": "tb_frame tb_lasti tb_lineno tb_next",
    "code objects are compiled Python, which a program may not take apart": """
        co_argcount co_cellvars co_code co_consts co_exceptiontable co_filename co_firstlineno co_flags
        co_freevars co_kwonlyargcount co_linetable co_lines co_lnotab co_name co_names co_nlocals
        co_positions co_posonlyargcount co_qualname co_stacksize co_varnames""",
    "a closure cell holds a variable of another function": "cell_contents",
    "a numpy array's file writers and C pointers are not available: a program writes no files": "tofile dump ctypes",
    "it lists a class's bases up to object, the first step from any object to all of Python's classes": "mro",
    "typing uses it to run a string as Python code; give a method of your own another name": "_evaluate",
}
REFUSED_ATTRIBUTES: dict[str, str] = {name: reason for reason, names in _FAMILIES.items() for name in names.split()}

# Modules a program may import, and the only names each offers: an allow-list, never the module's
# namespace, which holds other modules (random._os, dataclasses.sys, statistics.sys, typing.sys).
MODULES: dict[str, frozenset[str]] = {
    "math": _names("""
        acos acosh asin asinh atan atan2 atanh cbrt ceil comb copysign cos cosh degrees dist e erf erfc exp
        exp2 expm1 fabs factorial floor fmod frexp fsum gamma gcd hypot inf isclose isfinite isinf isnan
        isqrt lcm ldexp lgamma log log10 log1p log2 modf nan nextafter perm pi pow prod radians remainder
        sin sinh sqrt tan tanh tau trunc ulp
    """),
    "random": _names("""
        Random betavariate choice choices expovariate gammavariate gauss getrandbits getstate lognormvariate
        normalvariate paretovariate randbytes randint random randrange sample seed setstate shuffle
        triangular uniform vonmisesvariate weibullvariate
    """),
    "itertools": _names("""
        accumulate chain combinations combinations_with_replacement compress count cycle dropwhile
        filterfalse groupby islice pairwise permutations product repeat starmap takewhile tee zip_longest
    """),
    "functools": _names("cache cached_property cmp_to_key lru_cache partial partialmethod reduce total_ordering"),
    "collections": _names("ChainMap Counter OrderedDict UserDict UserList UserString defaultdict deque namedtuple"),
    "statistics": _names("""
        NormalDist StatisticsError correlation covariance fmean geometric_mean harmonic_mean
        linear_regression mean median median_grouped median_high median_low mode multimode pstdev
        pvariance quantiles stdev variance
    """),
    # dataclass reads the attribute each field names: the module's view must refuse a class that
    # runtime_check.check_dataclass refuses (a class made with type() can name a field __getattribute__)
    "dataclasses": _names("Field FrozenInstanceError InitVar KW_ONLY MISSING dataclass field fields is_dataclass"),
    "typing": _names("""
        AbstractSet Annotated Any AnyStr Callable ChainMap ClassVar Collection Concatenate Container
        ContextManager Counter DefaultDict Deque Dict Final FrozenSet Generator Generic Hashable ItemsView
        Iterable Iterator KeysView List Literal LiteralString Mapping MappingView MutableMapping
        MutableSequence MutableSet NamedTuple Never NewType NoReturn NotRequired Optional OrderedDict
        ParamSpec Protocol Required Reversible Self Sequence Set Sized SupportsAbs SupportsComplex
        SupportsFloat SupportsIndex SupportsInt SupportsRound TYPE_CHECKING Text Tuple Type TypeAlias
        TypeGuard TypeVar TypeVarTuple TypedDict Union Unpack ValuesView assert_never assert_type cast
        clear_overloads dataclass_transform final get_origin get_overloads is_typeddict no_type_check
        overload runtime_checkable
    """),
    "__future__": _names("annotations"),  # `from __future__ import annotations`, as modern code starts
    "micrograd": _names("engine nn"),
    "micrograd.engine": _names("Value"),
    "micrograd.nn": _names("Module Neuron Layer MLP"),
    "graphviz": _names("Digraph"),
    # real numpy, for the lecture's plots and micrograd's demo: what makes, combines and reduces arrays, and
    # nothing that reads or writes files (load, save, fromfile, loadtxt, memmap, DataSource), reaches C
    # pointers (ctypeslib, frombuffer, ndarray(buffer=...), lib.stride_tricks) or sets global state
    "numpy": _names("""
        array asarray arange linspace logspace zeros ones full zeros_like ones_like full_like eye identity meshgrid
        c_ r_ concatenate stack vstack hstack column_stack
        abs absolute sqrt exp exp2 log log2 log10 log1p expm1 sin cos tan tanh sinh cosh arcsin arccos arctan
        arctan2 arcsinh arccosh arctanh power square sign maximum minimum fmax fmin clip floor ceil round rint
        trunc add subtract multiply divide true_divide floor_divide mod negative reciprocal dot matmul outer inner
        where isnan isfinite isinf allclose isclose array_equal hypot degrees radians
        sum mean std var min max amin amax argmin argmax prod cumsum cumprod median average any all count_nonzero
        nonzero argwhere reshape ravel transpose squeeze expand_dims shape size ndim sort argsort unique diff flip
        roll tile repeat pi e inf nan newaxis float64 float32 int64 int32 bool_
    """),
    "numpy.random": _names("seed randn rand random uniform normal randint permutation shuffle choice"),
    # the explorer's own: pyplot records each figure, which the server draws (engine/figures/); torch's
    # one-element tensors are values the explorer draws (engine/program/prelude/torch.py)
    "matplotlib": _names("pyplot"),
    "matplotlib.pyplot": _names("""
        plot scatter contourf grid title xlabel ylabel legend xlim ylim axhline axvline figure subplots show
        close gca savefig cm
    """),
    "torch": _names("Tensor tensor tanh exp relu sigmoid float32 float64 double"),
}

# Public names left out of MODULES on purpose, with the reason a student sees when importing one.
WITHHELD_NAMES: dict[str, str] = {
    "random.SystemRandom": "it draws from the operating system, so a run could not be repeated",
    "functools.update_wrapper": "it reads and writes attributes named by strings, a way round the attribute checks",
    "functools.wraps": "it reads and writes attributes named by strings, a way round the attribute checks",
    "functools.WRAPPER_ASSIGNMENTS": "it belongs to functools.wraps, which is not available",
    "functools.WRAPPER_UPDATES": "it belongs to functools.wraps, which is not available",
    "functools.singledispatch": "its register() evaluates string annotations as Python code",
    "functools.singledispatchmethod": "its register() evaluates string annotations as Python code",
    "dataclasses.asdict": "it reads attributes by names taken from the class, a way round the attribute checks",
    "dataclasses.astuple": "it reads attributes by names taken from the class, a way round the attribute checks",
    "dataclasses.replace": "it reads attributes by names taken from the class, a way round the attribute checks",
    "dataclasses.make_dataclass": "it makes a class from computed names, which the explorer cannot check",
    "typing.get_type_hints": "it evaluates string annotations as Python code",
    "typing.ForwardRef": "it compiles and evaluates a string as Python code",
    "typing.get_args": "it hands out typing's forward references, which evaluate strings as Python code",
    "typing.reveal_type": "it writes to the error stream of the process, which a program does not have",
    "numpy.load": "it reads a file, and a program reads no files",
    "numpy.save": "it writes a file, and a program writes no files",
    "numpy.savez": "it writes a file, and a program writes no files",
    "numpy.savetxt": "it writes a file, and a program writes no files",
    "numpy.loadtxt": "it reads a file, and a program reads no files",
    "numpy.genfromtxt": "it reads a file, and a program reads no files",
    "numpy.fromfile": "it reads a file, and a program reads no files",
    "numpy.memmap": "it maps a file into memory, and a program reads no files",
    "numpy.frombuffer": "it reads raw memory",
    "numpy.ctypeslib": "it reaches C pointers",
    "numpy.lib": "it holds numpy's internals, file formats and raw memory views among them",
    "numpy.ndarray": "its constructor takes a raw buffer and strides; make arrays with numpy.array",
    "numpy.empty": "its array holds whatever memory held before; use numpy.zeros",
}

# Modules a notebook imports that the explorer accepts at import (as a placeholder) but does not
# provide yet; any name may be imported from them.
LATER_MODULES: tuple[str, ...] = ()
