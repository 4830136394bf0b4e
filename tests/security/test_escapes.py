"""Each wall holds on its own: the escapes the static wall refuses at their place, the jail holds when run unchecked.

The same programs twice. Through the explorer (`run_program`) the static wall refuses each at its line and
column before any process starts. Through the jail alone, with Python's full built-ins and no check in
front (tests/jail_targets.py), the system-call filter and the resource limits stop each with nothing done
and nothing seen: no file written or read, no connection made, no process made, no signal sent, no
variable of the server's environment read. Programs that pass the static wall by building the names they
need are refused at run time, and one that walks through a gap in the run-time checks still finds the jail.
"""

from __future__ import annotations

import os
import signal
import socket
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.errors import ProgramError
from engine.jail import Jail, JailLimits
from engine.limits import DEFAULT_LIMITS
from engine.run import prepare_source, run_program
from tests.processes import leftovers

# What an attacker would look for among the child's modules; encodings.idna: socket resolves a host name with it.
PRELOAD = ("os", "socket", "encodings.idna", "subprocess", "signal")
LIMITS = JailLimits(wall_seconds=2.0, cpu_seconds=2.0, memory_bytes=256 * 2**20, stack_bytes=64 * 2**20)
REFUSED = "PermissionError: [Errno 1] Operation not permitted"  # the filter's EPERM
FORBIDDEN = "the program was stopped by signal 31 (a forbidden system call)"  # the filter's KILL_PROCESS
SECRET = ("BACKPROP_ESCAPE_SECRET", "the-servers-secret")
SUBCLASS = "for cls in ().__class__.__base__.__subclasses__():\n    if cls.__name__ == {name!r}:\n        "

# name: (program, line and column of the static wall's refusal, how the jail alone ends it)
# The programs run as they are in CPython; {marker}, {port} and {pid} are filled in by each test.
ESCAPES: dict[str, tuple[str, int, int, str]] = {
    "open a file through a function's globals": (
        "def f():\n    pass\n\nf.__globals__['__builtins__']['open']('{marker}', 'w').write('escaped')",
        4,
        1,
        REFUSED,
    ),
    "os.system through object's subclasses": (
        SUBCLASS.format(name="_wrap_close") + "cls.__init__.__globals__['system']('touch {marker}')",
        1,
        12,
        FORBIDDEN,
    ),
    "os.fork through object's subclasses": (
        SUBCLASS.format(name="_wrap_close") + "cls.__init__.__globals__['fork']()",
        1,
        12,
        FORBIDDEN,
    ),
    "a socket through object's subclasses": (
        SUBCLASS.format(name="socket") + "cls().connect(('127.0.0.1', {port}))",
        1,
        12,
        FORBIDDEN,
    ),
    "import socket": ("import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1)", 1, 8, FORBIDDEN),
    "import subprocess": ("import subprocess\nsubprocess.run(['touch', '{marker}'])", 1, 8, REFUSED),
    "__import__ of os": ("__import__('os').mkdir('{marker}')", 1, 1, REFUSED),
    "open for reading": ("result = open('/etc/passwd').read()", 1, 10, REFUSED),
    "the server's environment": ("result = dict(__import__('os').environ)", 1, 15, "no error"),
    "the server's environment file": ("result = open('/proc/{pid}/environ', 'rb').read()", 1, 10, REFUSED),
    "a signal to the server": ("__import__('os').kill({pid}, 9)", 1, 1, REFUSED),
    "exec of a string": ("exec(\"open('{marker}', 'w')\")", 1, 1, REFUSED),
}

# Past the static wall by building a name: the run-time checks refuse each where it is, and nothing is written.
BUILT_NAMES = {
    "getattr of a built __globals__": (
        "def f():\n    pass\n\ng = getattr(f, '__glo' + 'bals__')\ng['__builtins__']['open']('{marker}', 'w')",
        4,
        5,
    ),
    "getattr of a built __class__ towards the subclasses": (
        "c = getattr((), '__cla' + 'ss__')\nb = getattr(c, '__ba' + 'se__')\ns = getattr(b, '__subcl' + 'asses__')()",
        1,
        5,
    ),
    "a built template reaching a function's builtins": (
        "def f():\n    pass\n\nt = '{{0.__glo' + 'bals__[__builtins__]}}'\nprint(t.format(f))",
        5,
        7,
    ),
}


@pytest.fixture(scope="module")
def jail() -> Iterator[Jail]:
    """The jail alone, running programs unchecked with full built-ins, started with a secret in the environment."""
    name, value = SECRET
    os.environ[name] = value
    try:
        unchecked = Jail("tests.jail_targets:run_code", preload=PRELOAD)
        unchecked.run({"code": "pass"}, LIMITS)  # the parent starts now, with the secret in this process's environment
    finally:
        del os.environ[name]
    yield unchecked
    unchecked.close()


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port: int = self.socket.getsockname()[1]
        self.accepted = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            connection.close()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    counting = Listener()
    yield counting
    counting.close()


def fill(program: str, marker: Path, port: int) -> str:
    return program.format(marker=marker, port=port, pid=os.getpid())


@pytest.mark.parametrize(("program", "line", "column"), [escape[:3] for escape in ESCAPES.values()], ids=ESCAPES)
def test_the_static_wall_refuses_an_escape_at_its_place(
    tmp_path: Path, listener: Listener, program: str, line: int, column: int
) -> None:
    marker = tmp_path / "escaped"
    source = fill(program, marker, listener.port)
    with pytest.raises(ProgramError) as refused:
        prepare_source(source, DEFAULT_LIMITS)
    assert (refused.value.kind, refused.value.line, refused.value.column) == ("unsupported", line, column)
    with pytest.raises(ProgramError) as ran:
        run_program(source)
    assert (ran.value.kind, ran.value.line, ran.value.column) == ("unsupported", line, column)
    assert not marker.exists() and listener.accepted == 0


@pytest.mark.parametrize(("program", "ending"), [(escape[0], escape[3]) for escape in ESCAPES.values()], ids=ESCAPES)
def test_the_jail_alone_holds_the_same_escape_run_unchecked(
    jail: Jail, tmp_path: Path, listener: Listener, program: str, ending: str
) -> None:
    marker = tmp_path / "escaped"
    result = jail.run({"code": fill(program, marker, listener.port)}, LIMITS)
    message: dict[str, Any] = result.message or {}
    error = message.get("error") or "no error"
    assert (result.failure or error).startswith(ending), result
    assert not marker.exists() and listener.accepted == 0
    assert leftovers(jail.pids()[0], result.pid) == []
    assert SECRET[1] not in repr(message)
    if "environ" in program and result.failure is None:
        assert message["result"] in ({}, None)


def test_the_jail_alone_keeps_the_server_alive_and_its_environment_unseen(jail: Jail) -> None:
    code = f"import os\nos.kill({os.getpid()}, {int(signal.SIGKILL)})\nresult = 'sent'"
    result = jail.run({"code": code}, LIMITS)
    assert (result.message or {}).get("error", "").startswith(REFUSED)
    (parent,) = jail.pids()
    assert SECRET[1].encode() not in Path(f"/proc/{parent}/environ").read_bytes()
    result = jail.run({"code": "import os\nresult = sorted(os.environ)"}, LIMITS)
    assert result.message == {"result": [], "error": None}


@pytest.mark.parametrize(("program", "line", "column"), BUILT_NAMES.values(), ids=BUILT_NAMES)
def test_a_name_built_to_pass_the_static_wall_is_refused_where_it_is_used(
    tmp_path: Path, program: str, line: int, column: int
) -> None:
    marker = tmp_path / "escaped"
    source = fill(program, marker, 0)
    prepare_source(source, DEFAULT_LIMITS)  # the static wall cannot see the name
    with pytest.raises(ProgramError) as refused:
        run_program(source)
    assert (refused.value.kind, refused.value.line, refused.value.column) == ("unsupported", line, column)
    assert not marker.exists()


GLOBALS_THROUGH_A_FORMAT = """class S(str):
    pass

print(S.format('{0.__globals__[sys].modules[os].environ}', getattr))
"""


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(GLOBALS_THROUGH_A_FORMAT, id="the format of a str subclass reads the environment"),
        pytest.param(
            textwrap.dedent("""\
                def f():
                    pass

                t = '{0.__glo' + 'bals__[sys].modules[os].environ}'
                print(t.format(f))
            """),
            id="a built template reads the environment",
        ),
    ],
)
def test_a_program_that_reaches_os_environ_through_str_format_reads_nothing_of_the_server(program: str) -> None:
    try:
        run = run_program(program)
    except ProgramError as error:
        assert error.kind == "unsupported" and error.line is not None, str(error)
        return
    assert [printed.text for printed in run.prints] == ["environ({})"]


def test_the_run_time_checks_refuse_the_format_of_a_str_subclass() -> None:
    with pytest.raises(ProgramError) as refused:
        run_program(GLOBALS_THROUGH_A_FORMAT)
    assert (refused.value.kind, refused.value.line) == ("unsupported", 4)
