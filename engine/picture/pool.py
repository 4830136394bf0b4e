"""A pool of long-lived dot processes: one drawing per process at a time, none left behind at exit."""

from __future__ import annotations

import atexit
import queue
import weakref

from engine.picture.process import RECYCLE_BYTES, DotProcess

_OPEN_POOLS: weakref.WeakSet[DotPool] = weakref.WeakSet()


class DotPool:
    """Up to `size` dot processes, each started on first use and lent to one drawing at a time."""

    def __init__(self, size: int, recycle_bytes: int = RECYCLE_BYTES) -> None:
        self.processes = [DotProcess(recycle_bytes) for _ in range(max(1, size))]
        # Last in, first out: a lone drawer keeps reusing one warm process and the others never start.
        self.idle: queue.LifoQueue[DotProcess] = queue.LifoQueue()
        for process in reversed(self.processes):
            self.idle.put(process)
        _OPEN_POOLS.add(self)

    def acquire(self, wait: float) -> DotProcess | None:
        """A free dot process, or None when none becomes free within `wait` seconds."""
        try:
            return self.idle.get(timeout=max(0.0, wait))
        except queue.Empty:
            return None

    def release(self, process: DotProcess) -> None:
        """Give a process back after its drawing, failed or not."""
        self.idle.put(process)

    def pids(self) -> list[int]:
        """The process ids of the dot processes running now."""
        return [pid for process in self.processes if (pid := process.pid) is not None]

    def starts(self) -> int:
        """How many dot processes the pool has started, replacements included."""
        return sum(process.starts for process in self.processes)

    def close(self) -> None:
        """Kill and reap every process; drawings in progress end with an error, later ones start none."""
        for process in self.processes:
            process.close()
        _OPEN_POOLS.discard(self)


@atexit.register
def _close_open_pools() -> None:
    """At interpreter exit, whatever a shutdown did not close."""
    for pool in list(_OPEN_POOLS):
        pool.close()
