"""Processes as /proc shows them: whether one still runs, and which of the jail's children are spares waiting."""

from __future__ import annotations

import time
from pathlib import Path

from bench.workers import children_of


def state(pid: int) -> str | None:
    """A process's state letter (R, S, Z, ...), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def alive(pid: int) -> bool:
    """Whether the process runs: neither gone nor a zombie waiting to be reaped."""
    return state(pid) not in (None, "Z")


def is_waiting_spare(pid: int) -> bool:
    """Whether a child of the jail's parent is a spare waiting for its order: asleep, holding its standard
    descriptors and its channel, and nothing else."""
    try:
        descriptors = sorted(int(fd.name) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    return state(pid) == "S" and descriptors[:3] == [0, 1, 2] and len(descriptors) == 4


def spare_of(parent: int, seconds: float = 2.0) -> int:
    """The parent's spare once it waits alone: its only child, asleep on its channel."""
    deadline = time.monotonic() + seconds
    while True:
        children = children_of(parent)
        if len(children) == 1 and is_waiting_spare(children[0]):
            return children[0]
        assert time.monotonic() < deadline, children
        time.sleep(0.01)


def leftovers(parent: int, run: int | None, seconds: float = 2.0) -> list[int]:
    """The parent's children once the run's child has gone (within `seconds`), spares waiting left out: a run
    leaves none."""
    deadline = time.monotonic() + seconds
    while run in children_of(parent) and time.monotonic() < deadline:
        time.sleep(0.01)
    children = children_of(parent)
    deadline = time.monotonic() + seconds  # a spare still warming up is waiting soon
    while any(not is_waiting_spare(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.01)
        children = children_of(parent)
    return [child for child in children if not is_waiting_spare(child)]
