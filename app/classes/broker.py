"""What a class is on the server, whichever broker keeps it: events, errors, the tally, and the broker's interface.

A broker keeps the classes (the teacher's token hash, the last state, the open question, the answers, who follows)
and carries their events to every worker; each worker's Hub hands them to its own followers. Two brokers do this:
MemoryBroker in this process (one worker) and RedisBroker through Redis (several workers or containers), in the way
encode/broadcaster offers memory:// and redis:// behind one interface.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

KINDS = ("state", "question", "reveal", "closed")


@dataclass(frozen=True)
class Event:
    """One server-sent event of a class: its number in the class, its kind and its JSON text."""

    id: int
    kind: str
    data: str
    wire: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wire", f"id: {self.id}\nevent: {self.kind}\ndata: {self.data}\n\n".encode())

    def pack(self) -> str:
        """`<id> <kind> <data>`: how Redis keeps and carries it."""
        return f"{self.id} {self.kind} {self.data}"

    @classmethod
    def unpack(cls, text: str) -> Event:
        number, kind, data = text.split(" ", 2)
        return cls(int(number), kind, data)


@dataclass(frozen=True)
class Question:
    """A question the teacher asked: a node's grad; `answer` is what the teacher's page computed, if it said."""

    id: str
    node: str
    prompt: str
    answer: float | None

    def public(self) -> str:
        """The question event's data: never the answer."""
        return json.dumps({"id": self.id, "node": self.node, "prompt": self.prompt})

    def dumps(self) -> str:
        return json.dumps({"id": self.id, "node": self.node, "prompt": self.prompt, "answer": self.answer})

    @classmethod
    def loads(cls, text: str) -> Question:
        data = json.loads(text)
        return cls(data["id"], data["node"], data["prompt"], data["answer"])


@dataclass(frozen=True)
class Snapshot:
    """What a follower gets on connecting: the events it missed, or (after a gap) the state and open question."""

    events: list[Event]


class ClassError(Exception):
    """A request a class refuses: HTTP status, error kind and a sentence."""

    status = 400
    kind = "class"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnknownClass(ClassError):
    status = 404

    def __init__(self, message: str = "no class has this code: it ended, expired or never began") -> None:
        super().__init__(message)


class UnknownQuestion(ClassError):
    status = 404

    def __init__(self, message: str = "this class has no such question (or it is too old)") -> None:
        super().__init__(message)


class Forbidden(ClassError):
    status = 403
    kind = "token"

    def __init__(self, message: str = "only the class's teacher may do this: the token is missing or wrong") -> None:
        super().__init__(message)


class Full(ClassError):
    status = 503
    kind = "busy"


class TooFast(ClassError):
    status = 429
    kind = "rate"


class TooLarge(ClassError):
    status = 413
    kind = "limit"


class Unavailable(ClassError):
    status = 503
    kind = "classes"


def is_right(answer: float, expected: float) -> bool:
    """Quiz mode's rule: within 1e-3 relative or 0.001 absolute."""
    difference = abs(answer - expected)
    return difference <= 1e-3 or difference <= 1e-3 * abs(expected)


def tally(answers: Iterable[float], expected: float | None, students: int) -> dict[str, object]:
    """Answers grouped by value to 4 decimals, the most common first (then the smaller value)."""
    values = list(answers)
    bins = Counter(round(value, 4) + 0.0 for value in values)  # + 0.0: -0.0 reads 0.0
    ordered = sorted(bins.items(), key=lambda item: (-item[1], item[0]))
    right = 0 if expected is None else sum(1 for value in values if is_right(value, expected))
    return {
        "answers": len(values),
        "right": right,
        "bins": [{"value": value, "count": count} for value, count in ordered],
        "students": students,
    }


Deliver = Callable[[str, Event], None]


class Broker(ABC):
    """Where classes live. `now` is time.time() (shared by the workers of one machine or network)."""

    failures: tuple[type[BaseException], ...] = ()  # what the broker raises when its store is unreachable

    @abstractmethod
    async def start(self, deliver: Deliver, lost: Callable[[], None]) -> None:
        """From now on, every event of every class goes to `deliver(code, event)` in this worker;
        `lost()` when some may have been lost (the followers then reconnect and resume)."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def create(self, code: str, token_hash: str, now: float) -> bool:
        """A new class; False when the code is taken. Full when there are too many classes."""

    @abstractmethod
    async def touch(self, code: str, token_hash: str, now: float) -> None:
        """A teacher's request: UnknownClass, Forbidden, or the class's idle time starts again."""

    @abstractmethod
    async def publish(self, code: str, kind: str, data: str, question: str | None = None) -> Event:
        """A new event for every follower; a `state` becomes the state, a `question` the open question,
        and a `reveal` of the open one (`question` its id) closes it."""

    @abstractmethod
    async def snapshot(self, code: str, after: int | None) -> Snapshot:
        """For a follower connecting after event `after` (None: a new one)."""

    @abstractmethod
    async def ask(self, code: str, question: Question) -> None:
        """Keep a question (and forget the oldest past the number kept)."""

    @abstractmethod
    async def question(self, code: str, question_id: str) -> Question:
        """A kept question, or UnknownQuestion."""

    @abstractmethod
    async def answer(self, code: str, question_id: str, student: str, value: float, now: float) -> None:
        """Keep one student's answer (replacing theirs): UnknownClass, UnknownQuestion, TooFast or Full."""

    @abstractmethod
    async def answers(self, code: str, question_id: str) -> list[float]: ...

    @abstractmethod
    async def join(self, code: str, follower: str, now: float) -> None:
        """A follower starts: UnknownClass, or Full past the students allowed."""

    @abstractmethod
    async def beat(self, code: str, follower: str, now: float) -> bool:
        """A follower is still there; False when its class has gone."""

    @abstractmethod
    async def leave(self, code: str, follower: str) -> None: ...

    @abstractmethod
    async def followers(self, code: str, now: float) -> int: ...

    @abstractmethod
    async def end(self, code: str) -> None:
        """Send `closed` and forget the class."""


def resume(state: Event | None, question: Event | None, history: list[Event], seq: int, after: int | None) -> Snapshot:
    """The events a follower gets on connecting after event `after`.

    A new follower (or one whose missed events are no longer all kept, or who names an event this class never
    sent) gets the state and the open question; one that reconnects in time gets exactly what it missed.
    """
    if after is not None and after <= seq:
        missed = [event for event in history if event.id > after]
        if after == seq or (missed and missed[0].id == after + 1):
            return Snapshot(missed)
    return Snapshot(sorted((event for event in (state, question) if event is not None), key=lambda event: event.id))
