"""Running hostile programs as the server does: each through the real jail's forked child, two at a time.

Every run already happens in a fresh, limited child of the jail (engine/jail), so a hang, a crash or a
memory bomb ends there. What is left to measure here is what the server pays for a run: the wall time
of each `run_program` call (the run, then decoding and replaying its record), and the resident memory
of this process, which plays the server: it holds the run's record, never the program's own memory.
A run that succeeds is explored too, as the server would.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from engine import Exploration, explore
from engine.errors import ProgramError
from engine.limits import Limits
from engine.run import run_program

CRASH = "the explorer could not run this program"  # how run_program reports a fault of its own
AT_ONCE = 2  # runs in flight: one per core of the test machine, so that no run waits for a processor
SAMPLE_SECONDS = 0.01  # how often the memory watch reads this process's resident size
MiB = 2**20


@dataclass
class Outcome:
    """What one run gave: an error, or the lines it printed and its Out[] text; and what it cost the server."""

    kind: str | None = None
    line: int | None = None
    column: int | None = None
    message: str = ""
    prints: list[str] = field(default_factory=list)
    result: str | None = None
    crash: str | None = None  # an exception other than a ProgramError, or the explorer's own failure
    not_finite: list[str] = field(default_factory=list)  # numbers of the exploration no float can hold
    seconds: float = 0.0  # wall time of run_program and the exploration

    @property
    def refused(self) -> bool:
        """Whether the program got a ProgramError."""
        return self.kind is not None

    def describe(self) -> str:
        """One line for a failed assertion."""
        if self.crash:
            return f"crashed: {self.crash}"
        if self.refused:
            return f"{self.kind} at {self.line}:{self.column} ({self.message[:200]}); {self.seconds:.2f} s"
        return f"answered {self.prints[:3]} {str(self.result)[:80]!r}; {self.seconds:.2f} s"


def run_one(source: str, limits: Limits) -> Outcome:
    """Run a program through the jail under `limits`, explore it when it succeeds, and time both."""
    outcome = Outcome()
    start = time.perf_counter()
    try:
        run = run_program(source, limits)
        outcome.prints = [printed.text for printed in run.prints]
        outcome.result = run.result
        outcome.not_finite = not_finite(explore(source, limits=limits, runner=lambda *_: run))
    except ProgramError as error:
        outcome.kind, outcome.line, outcome.column = error.kind, error.line, error.column
        outcome.message = error.message
        if error.message.startswith(CRASH):
            outcome.crash = error.message
    except Exception as error:  # a crash is what the row reports
        outcome.crash = f"{type(error).__name__}: {error}"[:1000]
    outcome.seconds = time.perf_counter() - start
    return outcome


def run_all(runs: Iterable[tuple[str, Limits]], at_once: int = AT_ONCE) -> dict[tuple[str, Limits], Outcome]:
    """Each (program, limits)'s outcome, `at_once` runs at a time."""
    pending = list(dict.fromkeys(runs))
    with ThreadPoolExecutor(at_once) as pool:
        return dict(zip(pending, pool.map(lambda run: run_one(*run), pending), strict=True))


def resident_bytes() -> int:
    """This process's resident memory now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class MemoryWatch:
    """The peak of this process's resident memory above where it was when the watch started."""

    start: int = field(default_factory=resident_bytes)
    peak: int = 0

    @property
    def grown_mib(self) -> float:
        """The peak growth, in MiB."""
        return max(0, self.peak - self.start) / MiB


@contextmanager
def watching_memory() -> Iterator[MemoryWatch]:
    """A MemoryWatch sampled every SAMPLE_SECONDS by a thread, for as long as the block runs."""
    watch = MemoryWatch()
    watch.peak = watch.start
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            watch.peak = max(watch.peak, resident_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield watch
    finally:
        done.set()
        sampler.join()
        watch.peak = max(watch.peak, resident_bytes())


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
