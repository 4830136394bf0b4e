"""Recent runs, kept so that choosing another pass of a program does not run it again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping

from engine.errors import ProgramError
from engine.limits import Limits
from engine.record import Run
from engine.singleflight import SingleFlight
from engine.steps import run_with_overrides

RunKey = tuple[str, tuple[tuple[str, float], ...], Limits]


class RunCache:
    """An LRU of runs (or their errors) keyed by program, overrides and limits, bounded in runs and in the values
    and events they hold."""

    def __init__(self, max_runs: int, max_values: int) -> None:
        self.max_runs = max_runs
        self.max_values = max_values
        self.entries: OrderedDict[RunKey, Run | ProgramError] = OrderedDict()
        self.values = 0
        self.lock = threading.Lock()
        self.flights: SingleFlight[Run | ProgramError] = SingleFlight()

    def run(self, source: str, overrides: Mapping[str, float], limits: Limits) -> Run:
        """The run of a program with these overrides, from the cache when it was run lately."""
        key = (source, tuple(sorted(overrides.items())), limits)
        with self.lock:
            cached = self.entries.get(key)
            if cached is not None:
                self.entries.move_to_end(key)
        if cached is None:  # a program many ask for at once (a class following its teacher) runs once
            cached = self.flights.do(key, lambda: self._run(key, source, overrides, limits))
        if isinstance(cached, ProgramError):
            raise cached
        return cached

    def _run(self, key: RunKey, source: str, overrides: Mapping[str, float], limits: Limits) -> Run | ProgramError:
        try:
            # With overrides, the run without them names the leaves: it is usually kept already.
            plain = self.run(source, {}, limits) if overrides else None
            entry: Run | ProgramError = run_with_overrides(source, overrides, limits, plain)
        except ProgramError as error:
            entry = error
        self._store(key, entry)
        return entry

    def _store(self, key: RunKey, entry: Run | ProgramError) -> None:
        size = _size(entry)
        if size > self.max_values:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.values += size
            while len(self.entries) > self.max_runs or self.values > self.max_values:
                _, evicted = self.entries.popitem(last=False)
                self.values -= _size(evicted)


def _size(entry: Run | ProgramError) -> int:
    return len(entry.values) + entry.events if isinstance(entry, Run) else 0
