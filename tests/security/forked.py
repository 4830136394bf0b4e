"""Running programs in forked children, so that a hang, a crash or a memory bomb fails one row only.

A program that loops in C (comparing two huge lists) holds the GIL, so no thread of the test
could stop it; a child process can be killed. Each child reports what the run gave, its
processor time and its peak memory above the parent's when it forked. A run that succeeds is
explored too, as the server would.

Time is processor time, so that other load on a test machine changes no outcome: the run gets
the default limits except the wall clock, which is replaced by a processor-time limit on the
child. On an idle machine the run would take min(processor time, the wall-clock limit).
"""

from __future__ import annotations

import gc
import json
import math
import os
import resource
import select
import signal
import time
from dataclasses import dataclass, field, replace

from engine.errors import ProgramError
from engine.language import run_program
from engine.limits import DEFAULT_LIMITS
from engine.steps import Exploration, explore

CPU_SECONDS = 2.5  # processor time a child may use before the kernel stops it (a row fails past 2 s)
KILL_AFTER = 60.0  # seconds of wall time before a child that has not answered is killed: a deadlock
UNHURRIED = replace(DEFAULT_LIMITS, max_seconds=KILL_AFTER)  # the child's processor time limit stands in
CRASH = "the explorer could not run this program"  # how run_program reports a fault of its own


@dataclass
class Outcome:
    """What a run in a child gave: an error, or the lines it printed and its Out[] text."""

    kind: str | None = None
    line: int | None = None
    column: int | None = None
    message: str = ""
    prints: list[str] = field(default_factory=list)
    result: str | None = None
    crash: str | None = None  # an exception other than a ProgramError, or a child that died
    not_finite: list[str] = field(default_factory=list)  # numbers of the exploration no float can hold
    seconds: float = 0.0  # processor time of the run and its exploration
    hung: bool = False  # stopped after CPU_SECONDS of processor time or KILL_AFTER seconds of waiting
    grew_mib: float = 0.0  # peak memory of the child above the parent's

    @property
    def refused(self) -> bool:
        """Whether the program got a ProgramError."""
        return self.kind is not None

    def describe(self) -> str:
        """One line for a failed assertion."""
        if self.hung:
            return f"no answer after {self.seconds:g} s of processor time"
        if self.crash:
            return f"crashed: {self.crash}"
        cost = f"{self.seconds:.2f} s of processor time, {self.grew_mib:.0f} MiB more"
        if self.refused:
            return f"{self.kind} at {self.line}:{self.column} ({self.message[:200]}); {cost}"
        return f"answered {self.prints[:3]} {str(self.result)[:80]!r}; {cost}"


@dataclass
class Child:
    """A forked child running one program, and what it has written so far."""

    source: str
    pid: int
    reader: int
    deadline: float
    resident_before_kib: int
    chunks: list[bytes] = field(default_factory=list)

    @classmethod
    def start(cls, source: str) -> Child:
        """Fork a child that runs the program and writes its report as JSON."""
        reader, writer = os.pipe()
        before = resident_kib()
        pid = os.fork()
        if pid == 0:  # the child: run, report, and leave without the parent's exit handlers
            os.close(reader)
            signal.setitimer(signal.ITIMER_PROF, CPU_SECONDS)  # SIGPROF's default action ends the process
            resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(CPU_SECONDS), math.ceil(CPU_SECONDS) + 1))
            gc.freeze()  # the collector leaves the parent's objects alone, as in a fresh process
            try:
                report = json.dumps(_run(source)).encode()
                with os.fdopen(writer, "wb") as pipe:
                    pipe.write(report)
            finally:
                os._exit(0)
        os.close(writer)
        return cls(source, pid, reader, time.monotonic() + KILL_AFTER, before)

    def finish(self, hung: bool) -> Outcome:
        """Reap the child (killed first if it hung) and read its report."""
        if hung:
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.reader)
        _, status, usage = os.wait4(self.pid, 0)
        stopped = os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGPROF, signal.SIGXCPU, signal.SIGKILL)
        outcome = Outcome(hung=hung or stopped, grew_mib=(usage.ru_maxrss - self.resident_before_kib) / 1024)
        if outcome.hung:
            outcome.seconds = usage.ru_utime + usage.ru_stime
        elif not self.chunks:
            outcome.crash = f"the child died without a report (wait status {status})"
        else:
            for name, value in json.loads(b"".join(self.chunks)).items():
                setattr(outcome, name, value)
        return outcome


def run_in_children(sources: list[str], at_once: int = 2) -> dict[str, Outcome]:
    """Each program's outcome, with `at_once` children running at a time."""
    pending = list(dict.fromkeys(sources))
    running: dict[int, Child] = {}
    outcomes: dict[str, Outcome] = {}
    while pending or running:
        while pending and len(running) < at_once:
            child = Child.start(pending.pop(0))
            running[child.reader] = child
        wait = min(child.deadline for child in running.values()) - time.monotonic()
        ready, _, _ = select.select(list(running), [], [], max(wait, 0.0))
        for reader in ready:
            chunk = os.read(reader, 1 << 16)
            if chunk:
                running[reader].chunks.append(chunk)
            else:
                child = running.pop(reader)
                outcomes[child.source] = child.finish(hung=False)
        now = time.monotonic()
        for reader, child in list(running.items()):
            if now >= child.deadline:
                del running[reader]
                outcomes[child.source] = child.finish(hung=True)
    return outcomes


def resident_kib() -> int:
    """This process's resident memory now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def not_finite(exploration: Exploration) -> list[str]:
    """The numbers of an exploration that JSON and the picture could not show as finite floats."""
    numbers: list[tuple[str, object]] = []
    for node in exploration.nodes:
        numbers += [(f"{node.id}.{name}", getattr(node, name)) for name in ("data", "grad", "grad_before")]
    for step in exploration.backward:
        numbers += [(f"deposit into {deposit.to}", deposit.amount) for deposit in step.deposits]
    for mutation in (*exploration.resets, *exploration.updates):
        numbers += [(f"{mutation.node}.{mutation.field}", mutation.after)]
    numbers += [(f"pass {recorded.index}", recorded.data) for recorded in exploration.passes]
    return [f"{name} = {str(number)[:20]}" for name, number in numbers if not _is_finite_float(number)]


def _is_finite_float(number: object) -> bool:
    try:
        return math.isfinite(float(number))  # type: ignore[arg-type]
    except (OverflowError, TypeError, ValueError):
        return False


def _run(source: str) -> dict[str, object]:
    start = time.process_time()
    report: dict[str, object] = {}
    try:
        run = run_program(source, UNHURRIED)
        report["prints"] = [printed.text for printed in run.prints]
        report["result"] = run.result
        exploration = explore(source, limits=UNHURRIED, runner=lambda *_: run)  # the run once, as the server
        report["not_finite"] = not_finite(exploration)
    except ProgramError as error:
        report.update(kind=error.kind, line=error.line, column=error.column, message=error.message)
        if error.message.startswith(CRASH):
            report["crash"] = error.message
    except BaseException as error:  # a crash is what the row reports
        report["crash"] = f"{type(error).__name__}: {error}"[:1000]
    report["seconds"] = time.process_time() - start
    return report
