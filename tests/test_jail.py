"""The jail alone, with no static check in front: what a child can and cannot do, and how runs end.

The list follows openedx/codejail's test_jail_code.py: run code, can't write files, can't read
them, can't use the network, can't fork, can't see the environment, can't use too much memory,
CPU or time, and a crash is a result, not an exception. Programs run with full builtins through
tests.jail_targets.run_code, which returns what they left in `result` and how they ended.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.workers import children_of
from engine.jail import Jail, JailLimits, JailResult, JailUnavailable
from engine.jail.client import failure_sentence
from engine.jail.protocol import Exchange
from tests.processes import alive, leftovers, spare_of

PRELOAD = ("os", "signal", "socket", "encodings.idna", "subprocess", "json", "math", "random", "time", "traceback")
MiB = 2**20
# Generous: under load a run past nice_after_seconds gets little CPU, as it should; a test's runs end sooner.
LIMITS = JailLimits(wall_seconds=10.0, cpu_seconds=10.0, memory_bytes=256 * MiB, stack_bytes=64 * MiB)
SHORT = JailLimits(wall_seconds=0.4, cpu_seconds=5.0, memory_bytes=256 * MiB, stack_bytes=64 * MiB, grace_seconds=0.3)
REFUSED = "PermissionError: [Errno 1] Operation not permitted"  # what the filter's EPERM becomes
FORBIDDEN = "the program was stopped by signal 31 (a forbidden system call)"  # the filter's KILL_PROCESS


@pytest.fixture(scope="module")
def jail() -> Iterator[Jail]:
    jail = Jail("tests.jail_targets:run_code", preload=PRELOAD)
    yield jail
    jail.close()


@pytest.fixture(scope="module")
def targets() -> Iterator[Jail]:
    jail = Jail("tests.jail_targets:call")
    yield jail
    jail.close()


def run(jail: Jail, code: str, limits: JailLimits = LIMITS) -> JailResult:
    return jail.run({"code": textwrap.dedent(code)}, limits)


def outcome(jail: Jail, code: str, limits: JailLimits = LIMITS) -> tuple[Any, str | None]:
    """(result, error) of a program that ended with a message."""
    result = run(jail, code, limits)
    assert result.failure is None, result.failure
    assert result.message is not None
    return result.message["result"], result.message["error"]


def parent_of(jail: Jail) -> int:
    """The jail's parent's process id, starting it with a run if none runs."""
    if not jail.pids():
        run(jail, "pass")
    (pid,) = jail.pids()
    return pid


def resident_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_check_says_the_jail_works_here(jail: Jail) -> None:
    assert jail.check() is None
    assert jail.check() is None  # cached


def test_runs_code_and_gets_its_result_back(jail: Jail) -> None:
    result = run(jail, "print('hello'); result = {'sum': sum(range(10)), 'inf': float('inf'), 'text': 'é'}")
    assert result.failure is None and not result.timed_out
    assert result.message == {"result": {"sum": 45, "inf": float("inf"), "text": "é"}, "error": None}
    assert 0 < result.seconds < 1


def test_a_large_request_arrives_intact_and_a_large_result_comes_back(targets: Jail) -> None:
    text = "".join(chr(32 + i % 90) for i in range(2 * MiB))
    result = targets.run({"function": "echo", "text": text}, LIMITS)
    assert result.message == {"text": text, "length": len(text), "sha256": hashlib.sha256(text.encode()).hexdigest()}
    assert targets.run({"function": "make_text", "length": MiB}, LIMITS).message == {"text": "x" * MiB}


def test_a_result_over_64_mib_is_a_failure(targets: Jail) -> None:
    limits = JailLimits(wall_seconds=10.0, cpu_seconds=10.0, memory_bytes=512 * MiB, stack_bytes=64 * MiB)
    result = targets.run({"function": "make_text", "length": 65 * MiB}, limits)
    assert (result.message, result.failure) == (None, "the program's result was larger than 64 MiB")


def test_the_targets_own_exception_is_a_message(targets: Jail) -> None:
    assert targets.run({"function": "fail", "what": "luck"}, LIMITS).message == {"jail_error": "ValueError: no luck"}
    result = targets.run({"function": "not_a_dict"}, LIMITS)
    assert result.message == {"jail_error": "TypeError: the target returned a list, not a dict"}


def test_bytes_cross_raw_and_a_forged_reference_to_them_is_an_unreadable_result(targets: Jail) -> None:
    result = targets.run({"function": "raw_bytes", "json": [1, "two"]}, LIMITS)
    assert result.message == {"raw": bytes(range(256)) * 4, "json": [1, "two"]}
    # a child that names bytes past its frame (a 1 GB read) is answered with a sentence, and the jail goes on
    forged = targets.run({"function": "forged_bytes"}, LIMITS)
    assert (forged.message, forged.failure) == (None, "the program's result could not be read")
    forged = targets.run({"function": "raw_bytes", "json": {"$bytes": [0, 10**9]}}, LIMITS)  # in the request
    assert (forged.message, forged.failure) == (None, "the child lost the request")
    assert targets.run({"function": "raw_bytes", "json": None}, LIMITS).message is not None


WRITES = {
    "open for writing": "open(path('new.txt'), 'w').write('x')",
    "open an existing file for appending": "open(path('old.txt'), 'a').write('x')",
    "os.open": "os.open(path('new.txt'), os.O_WRONLY | os.O_CREAT)",
    "os.mkdir": "os.mkdir(path('newdir'))",
    "os.unlink": "os.unlink(path('old.txt'))",
    "os.rename": "os.rename(path('old.txt'), path('new.txt'))",
    "os.symlink": "os.symlink('/etc/passwd', path('link'))",
    "os.chmod": "os.chmod(path('old.txt'), 0o777)",
    "os.truncate": "os.truncate(path('old.txt'), 0)",
}


@pytest.mark.parametrize("code", WRITES.values(), ids=WRITES.keys())
def test_cant_write_files(jail: Jail, tmp_path: Path, code: str) -> None:
    old = tmp_path / "old.txt"
    old.write_text("kept")
    old.chmod(0o644)
    program = f"import os\ndef path(name): return os.path.join({str(tmp_path)!r}, name)\n{code}\n"
    result, error = outcome(jail, program)
    assert result is None and error is not None and error.startswith(REFUSED)
    assert sorted(item.name for item in tmp_path.iterdir()) == ["old.txt"]
    assert old.read_text() == "kept"
    assert old.stat().st_mode & 0o777 == 0o644


READS = {
    "open('/etc/passwd')": "open('/etc/passwd').read()",
    "os.listdir('/')": "os.listdir('/')",
    "os.stat('/etc/passwd')": "os.stat('/etc/passwd')",
    "os.path.exists (stat refused)": "result = os.path.exists('/etc/passwd')",
    "open('/proc/self/environ')": "open('/proc/self/environ', 'rb').read()",
    "open('/dev/urandom')": "open('/dev/urandom', 'rb').read(10)",
    "os.getcwd()": "os.getcwd()",
}


@pytest.mark.parametrize("code", READS.values(), ids=READS.keys())
def test_cant_read_files(jail: Jail, code: str) -> None:
    result, error = outcome(jail, f"import os\n{code}\n")
    if "exists" in code:
        assert (result, error) == (False, None)  # os.path.exists says False when stat fails
    else:
        assert error is not None and error.startswith(REFUSED)


def test_cant_find_other_sandboxes(jail: Jail) -> None:
    code = """
        import os
        result = []
        for place in ["..", "/tmp", "/", "/home", "/etc", "/var", "/proc"]:
            try:
                result.append(os.listdir(place))
            except OSError as error:
                pass
    """
    assert outcome(jail, code) == ([], None)


def test_randomness_comes_from_the_kernel_without_a_file(jail: Jail) -> None:
    result, error = outcome(jail, "import os, random\nresult = [len(os.urandom(10)), random.random() < 1]")
    assert (result, error) == ([10, True], None)


@pytest.mark.parametrize("module", ["xml.dom.minidom", "ctypes", "sqlite3"])
def test_cant_import_a_module_not_preloaded(jail: Jail, module: str) -> None:
    error = f"ModuleNotFoundError: No module named {module.split('.')[0]!r}"
    assert outcome(jail, f"import {module}") == (None, error)


def test_cant_use_the_network(jail: Jail) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        result = run(jail, f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1)")
        assert (result.message, result.failure) == (None, FORBIDDEN)
        with pytest.raises(TimeoutError):
            listener.accept()


def test_a_child_that_makes_a_socket_is_killed(jail: Jail) -> None:
    result = run(jail, "import socket\nsocket.socket()")
    assert result.failure == FORBIDDEN
    assert not result.timed_out


FORKS = {
    "os.fork": ("os.fork()", FORBIDDEN),
    "os.system": ("os.system('touch /tmp/jailed')", FORBIDDEN),
    "os.execv": ("os.execv('/bin/true', ['true'])", FORBIDDEN),
    "subprocess.run": ("import subprocess\nsubprocess.run(['true'])", REFUSED),
    "os.pipe": ("os.pipe()", REFUSED),
}


@pytest.mark.parametrize(("code", "expected"), FORKS.values(), ids=FORKS.keys())
def test_cant_fork_or_exec(jail: Jail, code: str, expected: str) -> None:
    result = run(jail, f"import os\n{code}\nresult = 'still here'")
    ended = result.failure or (result.message or {}).get("error")
    assert ended == expected
    assert leftovers(parent_of(jail), result.pid) == []
    assert not Path("/tmp/jailed").exists()


def test_cant_see_the_servers_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKPROP_JAIL_SECRET", "look")
    jail = Jail("tests.jail_targets:run_code", preload=("os",))
    try:
        code = "import os\nresult = dict(os.environ)\nopen('/proc/self/environ', 'rb')"
        result, error = outcome(jail, code)
        assert result == {}
        assert error == "PermissionError: [Errno 1] Operation not permitted: '/proc/self/environ'"
        parent_environment = Path(f"/proc/{jail.pids()[0]}/environ").read_bytes()
        assert b"BACKPROP_JAIL_SECRET" not in parent_environment
        assert b"look" not in parent_environment
    finally:
        jail.close()


@pytest.mark.parametrize("signal_number", [0, signal.SIGKILL])
@pytest.mark.parametrize("whom", ["the test", "the parent", "the process group", "everyone"])
def test_cant_signal_another_process(jail: Jail, signal_number: int, whom: str) -> None:
    parent = parent_of(jail)
    pid = {"the test": os.getpid(), "the parent": parent, "the process group": 0, "everyone": -1}[whom]
    assert outcome(jail, f"import os\nos.kill({pid}, {signal_number})") == (None, REFUSED)
    assert jail.pids() == [parent]
    assert alive(parent)


def test_a_child_may_signal_itself(jail: Jail) -> None:
    assert outcome(jail, "import os\nos.kill(os.getpid(), 0)\nresult = 'alive'") == ("alive", None)


def test_cant_ptrace_or_read_another_process(tmp_path: Path) -> None:
    jail = Jail("tests.jail_targets:run_code", preload=("os", "ctypes"))
    try:
        parent = parent_of(jail)
        for call in [
            f"libc.ptrace(16, {parent}, 0, 0)",  # PTRACE_ATTACH
            "libc.ptrace(0, 0, 0, 0)",  # PTRACE_TRACEME
            f"libc.syscall(310, {parent}, 0, 0, 0, 0, 0)",  # process_vm_readv, x86_64's number
        ]:
            result = run(jail, f"import ctypes\nlibc = ctypes.CDLL(None)\n{call}")
            assert result.failure == FORBIDDEN, call
        status = Path(f"/proc/{parent}/status").read_text()
        assert "TracerPid:\t0\n" in status
        assert jail.pids() == [parent]
    finally:
        jail.close()


def test_cant_use_too_much_memory(jail: Jail) -> None:
    before = resident_bytes()
    assert outcome(jail, "x = bytearray(4 * 2**30)") == (None, "MemoryError")
    assert outcome(jail, "xs = [bytearray(2**20) for _ in range(1000)]") == (None, "MemoryError")
    assert abs(resident_bytes() - before) < 4 * MiB


def test_memory_that_escapes_the_target_is_a_failure(targets: Jail) -> None:
    limits = JailLimits(wall_seconds=10.0, cpu_seconds=10.0, memory_bytes=64 * MiB, stack_bytes=64 * MiB)
    result = targets.run({"function": "make_text", "length": 200 * MiB}, limits)
    assert result.failure == "the program used more memory than the 64 MiB it may use"


def test_an_endless_loop_ends_with_the_wall_deadline(jail: Jail) -> None:
    result = run(jail, "while True: pass", SHORT)
    assert result.message == {"result": None, "error": "Deadline: wall"}
    assert 0.4 <= result.seconds < 0.7  # before the hard deadline, which would have ended it otherwise


def test_an_endless_loop_ends_with_the_cpu_deadline_when_it_comes_first(jail: Jail) -> None:
    limits = JailLimits(
        wall_seconds=20.0, cpu_seconds=0.5, memory_bytes=64 * MiB, stack_bytes=64 * MiB, nice_after_seconds=20.0
    )
    result = run(jail, "while True: pass", limits)
    assert result.message == {"result": None, "error": "Deadline: cpu"}
    assert result.seconds > 0.9  # RLIMIT_CPU counts whole seconds: 0.5 is 1 (give or take the kernel's tick)


def test_a_sleeping_program_ends_with_the_wall_deadline(jail: Jail) -> None:
    result = run(jail, "import time\nwhile True:\n    time.sleep(0.05)", SHORT)
    assert result.message == {"result": None, "error": "Deadline: wall"}


def test_a_program_that_swallows_the_deadline_is_killed_at_wall_plus_grace(jail: Jail, targets: Jail) -> None:
    code = """
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass
    """
    for result in [run(jail, code, SHORT), targets.run({"function": "swallow_deadline"}, SHORT)]:
        assert (result.message, result.timed_out) == (None, True)
        assert result.failure == "the program ran longer than 0.4 s and was stopped"
        assert 0.7 <= result.seconds < 2.0  # a child killed under load may take a moment to die
    assert outcome(jail, "result = 'healthy'") == ("healthy", None)


def test_a_c_level_endless_computation_is_killed_at_the_hard_deadline(jail: Jail) -> None:
    result = run(jail, "sum(range(10**15))", SHORT)  # one C loop that never checks for signals
    assert (result.message, result.timed_out) == (None, True)
    assert result.failure == "the program ran longer than 0.4 s and was stopped"
    assert 0.7 <= result.seconds < 2.0
    assert leftovers(parent_of(jail), result.pid) == []


def test_a_huge_power_is_stopped_at_its_line(jail: Jail) -> None:
    result = run(jail, "x = 10**10**9", SHORT)  # CPython's long_pow checks for signals as it goes
    assert result.message == {"result": None, "error": "Deadline: wall"}


def test_a_run_past_nice_after_lowers_its_own_priority(jail: Jail) -> None:
    base = os.getpriority(os.PRIO_PROCESS, 0)  # the parent's, inherited from this process
    assert outcome(jail, "import os\nresult = os.getpriority(os.PRIO_PROCESS, 0)") == (base, None)
    code = "import os, time\ntime.sleep(0.1)\nresult = os.getpriority(os.PRIO_PROCESS, 0)"
    assert outcome(jail, code) == (max(base, 10), None)
    assert outcome(jail, "import os\nos.setpriority(os.PRIO_PROCESS, 1, 19)") == (None, REFUSED)


def test_a_program_cannot_disarm_its_deadline(jail: Jail) -> None:
    for name in ["SIGALRM", "SIGXCPU"]:
        assert outcome(jail, f"import signal\nsignal.signal(signal.{name}, signal.SIG_IGN)") == (None, REFUSED)


@pytest.mark.parametrize(
    ("code", "failure"),
    [
        ("import signal\nsignal.raise_signal(11)", "the program was stopped by signal 11 (a crash)"),
        ("import os\nos.abort()", "the program was stopped by signal 6 (an abort)"),
        ("import os\nos._exit(3)", "the program ended without a result (exit status 3)"),
    ],
)
def test_a_crash_is_a_failure_not_an_exception(jail: Jail, code: str, failure: str) -> None:
    result = run(jail, code)
    assert (result.message, result.failure, result.timed_out) == (None, failure, False)


def test_deep_recursion_ends_with_recursion_error_or_a_crash_and_the_parent_is_fine(jail: Jail) -> None:
    code = "import sys\nsys.setrecursionlimit(100_000)\ndef f(n):\n    return f(n + 1)\nf(0)"
    assert outcome(jail, code) == (None, "RecursionError: maximum recursion depth exceeded")
    nested = "import sys, json\nsys.setrecursionlimit(1_000_000)\nx = []\nfor _ in range(1_000_000):\n    x = [x]\n"
    result = run(jail, nested + "json.dumps(x)")  # C recursion past the 64 MiB stack
    assert (result.message, result.failure) == (None, "the program was stopped by signal 11 (a crash)")
    assert outcome(jail, "result = 'healthy'") == ("healthy", None)


def test_many_threads_each_get_their_own_answer(jail: Jail) -> None:
    answers: dict[tuple[int, int], Any] = {}

    def work(thread: int) -> None:
        for turn in range(5):
            code = f"result = [{thread}, {turn}, sum(range({thread * 1000 + turn}))]"
            answers[thread, turn] = run(jail, code).message

    threads = [threading.Thread(target=work, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {
        (thread, turn): {"result": [thread, turn, sum(range(thread * 1000 + turn))], "error": None}
        for thread in range(8)
        for turn in range(5)
    }


def test_a_killed_parent_is_replaced_and_close_leaves_no_process() -> None:
    jail = Jail("tests.jail_targets:run_code", preload=PRELOAD)
    running: list[JailResult] = []
    thread = threading.Thread(target=lambda: running.append(run(jail, "while True: pass")))
    try:
        first = parent_of(jail)
        os.kill(first, signal.SIGKILL)
        assert outcome(jail, "result = 2") == (2, None)
        second = parent_of(jail)
        assert second != first
        os.kill(second, signal.SIGINT)  # the server's Ctrl+C reaches the parent too: it ignores it
        time.sleep(0.05)
        assert jail.pids() == [second]
        thread.start()
        deadline = time.monotonic() + 2
        while len(children := children_of(second)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(children) == 2  # the run's child and the spare forked for the next run
    finally:
        jail.close()
    thread.join()
    assert running[0].failure == "the jail was closed before the program ended"
    assert jail.pids() == []
    assert not alive(first) and not alive(second) and not any(alive(child) for child in children)
    assert first not in children_of(os.getpid()) and second not in children_of(os.getpid())


def test_each_run_goes_to_the_child_forked_for_it_ahead_which_holds_nothing_while_it_waits(jail: Jail) -> None:
    first = run(jail, "result = 1")
    parent = parent_of(jail)
    spare = spare_of(parent)  # asleep, holding its standard descriptors and its channel: no run's socket
    assert first.pid is not None and spare != first.pid
    second = run(jail, "result = 2")
    assert second.pid == spare and second.message == {"result": 2, "error": None}
    assert spare_of(parent) not in (first.pid, spare)


def test_a_spare_that_died_waiting_costs_its_run_nothing(jail: Jail) -> None:
    run(jail, "result = 1")
    spare = spare_of(parent_of(jail))
    os.kill(spare, signal.SIGKILL)
    deadline = time.monotonic() + 2
    while alive(spare) and time.monotonic() < deadline:
        time.sleep(0.01)
    after = run(jail, "result = 'forked for it'")
    assert after.message == {"result": "forked for it", "error": None}
    assert after.pid != spare
    again = spare_of(parent_of(jail))  # a new spare, made as the run went on
    assert run(jail, "result = 3").pid == again


@pytest.mark.parametrize("warm_up", ["import sys\nsys.warmed = True", "import sys\nsys.warmed = True\n1 / 0"])
def test_the_spare_runs_the_warm_up_request_before_its_run_and_is_walled_in_after_it(warm_up: str) -> None:
    jail = Jail("tests.jail_targets:run_code", preload=PRELOAD, warm_up={"code": warm_up})
    try:
        outcome(jail, "pass")  # this run's child may have been forked for it
        spare_of(parent_of(jail))  # the next run's is the spare, warmed up and waiting
        result, error = outcome(jail, "import sys\nresult = getattr(sys, 'warmed', False)")
        assert (result, error) == (True, None)
        result, error = outcome(jail, "result = open('/etc/hostname').read()")
        assert result is None and error is not None and error.startswith(REFUSED)
    finally:
        jail.close()


def test_a_spare_that_dies_before_it_is_ready_leaves_every_run_a_child_forked_for_it() -> None:
    jail = Jail("tests.jail_targets:run_code", preload=PRELOAD, warm_up={"code": "import os\nos._exit(3)"})
    try:
        results = [run(jail, f"result = {n}") for n in range(3)]
        assert [result.message for result in results] == [{"result": n, "error": None} for n in range(3)]
        assert len({result.pid for result in results}) == 3
        parent = parent_of(jail)
        deadline = time.monotonic() + 2
        while children_of(parent) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert children_of(parent) == []  # no spare is made once one has died warming up
    finally:
        jail.close()


def test_a_target_that_cannot_be_imported_makes_the_jail_unavailable() -> None:
    jail = Jail("tests.jail_targets:no_such_function")
    assert jail.check() == (
        "the jail's parent could not start: AttributeError: module 'tests.jail_targets' has no attribute"
        " 'no_such_function'"
    )
    with pytest.raises(JailUnavailable):
        jail.run({}, LIMITS)
    assert jail.pids() == []


def test_a_parent_whose_imports_start_a_thread_refuses_to_fork(tmp_path: Path) -> None:
    (tmp_path / "threaded.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(60,)).start()\n"
    )
    jail = Jail("tests.jail_targets:run_code", preload=("threaded",), env={"PYTHONPATH": str(tmp_path)})
    assert jail.check() == "the jail's parent could not start: RuntimeError: its imports started 1 threads" + (
        " (OPENBLAS_NUM_THREADS=1 stops OpenBLAS's)"
    )
    assert jail.pids() == []


def test_without_libseccomp_the_jail_is_unavailable_and_never_runs_unfiltered(tmp_path: Path) -> None:
    (tmp_path / "pyseccomp.py").write_text("raise RuntimeError('Unable to find libseccomp')\n")
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)}
    jail = Jail("tests.jail_targets:run_code", env=environment)
    reason = "the jail's parent could not start: libseccomp is not installed (Unable to find libseccomp)"
    assert jail.check() == reason
    with pytest.raises(JailUnavailable, match="libseccomp is not installed"):
        jail.run({"code": "result = 1"}, LIMITS)
    development = Jail("tests.jail_targets:run_code", preload=("os",), filter=False, env=environment)
    try:
        assert development.check() is None
        assert outcome(development, "import os\nresult = os.path.isdir('/')") == (True, None)  # no filter
        error = "OSError: [Errno 24] Too many open files: '/'"  # but RLIMIT_NOFILE: no descriptor can be opened
        assert outcome(development, "import os\nos.listdir('/')") == (None, error)
        assert outcome(development, "x = bytearray(4 * 2**30)") == (None, "MemoryError")
        assert outcome(development, "import os\nresult = dict(os.environ)") == ({}, None)
    finally:
        development.close()


@pytest.mark.parametrize(
    ("exchange", "sentence"),
    [
        (Exchange(failure="cpu"), "the program used more than 2 s of processor time and was stopped"),
        (Exchange(status={"signal": 9, "killed": None, "cpu_seconds": 3.0}), "the program used more than 2 s"),
        (Exchange(status={"signal": 9, "killed": None, "cpu_seconds": 0.1}), "the program was stopped by signal 9"),
        (Exchange(lost=True), "the jail stopped before the program ended"),
        (Exchange(failure="garbled"), "the program's result could not be read"),
    ],
)
def test_a_run_without_a_message_is_told_in_a_sentence(exchange: Exchange, sentence: str) -> None:
    limits = JailLimits(wall_seconds=2.0, cpu_seconds=1.5, memory_bytes=256 * MiB, stack_bytes=64 * MiB)
    assert failure_sentence(exchange, limits).startswith(sentence)
