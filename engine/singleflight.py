"""One computation per key at a time: while a thread computes a key's value, other threads asking for the same key
wait for its result instead of computing it again. When a teacher presses Run, every student's page asks for the
same program at once; each worker then runs it and lays it out once, not once per student."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class _Flight(Generic[V]):
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: V | None = None
        self.error: BaseException | None = None


class SingleFlight(Generic[V]):
    """Calls of `do(key, compute)`: one `compute` per key in flight; the others get its value or its exception."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.flights: dict[Hashable, _Flight[V]] = {}

    def do(self, key: Hashable, compute: Callable[[], V]) -> V:
        with self.lock:
            flight = self.flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self.flights[key] = _Flight()
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value  # type: ignore[return-value]  # set by the leader before `done`
        try:
            flight.value = compute()
            return flight.value
        except BaseException as error:
            flight.error = error
            raise
        finally:
            with self.lock:
                del self.flights[key]
            flight.done.set()
