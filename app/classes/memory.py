"""Classes in this process's memory: the broker for one worker (`make run`, `docker run` with one worker)."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from app.classes.broker import (
    Broker,
    Deliver,
    Event,
    Forbidden,
    Full,
    Question,
    Snapshot,
    TooFast,
    UnknownClass,
    UnknownQuestion,
    resume,
)
from app.classes.limits import ClassLimits


@dataclass
class Room:
    """One class."""

    token_hash: str
    expires: float
    history: deque[Event]
    seq: int = 0
    state: Event | None = None
    question: Event | None = None
    question_id: str | None = None
    questions: OrderedDict[str, Question] = field(default_factory=OrderedDict)
    answers: dict[str, dict[str, float]] = field(default_factory=dict)
    window: int = 0  # the minute the answer counts below are for
    counts: dict[str, int] = field(default_factory=dict)
    followers: dict[str, float] = field(default_factory=dict)  # follower -> when it lapses


class MemoryBroker(Broker):
    def __init__(self, limits: ClassLimits) -> None:
        self.limits = limits
        self.rooms: dict[str, Room] = {}
        self.deliver: Deliver = lambda code, event: None

    async def start(self, deliver: Deliver, lost: Callable[[], None]) -> None:
        self.deliver = deliver

    async def close(self) -> None:
        self.rooms.clear()

    def room(self, code: str, now: float | None = None) -> Room:
        room = self.rooms.get(code)
        if room is None:
            raise UnknownClass
        if now is not None and room.expires <= now:
            del self.rooms[code]
            raise UnknownClass
        return room

    def sweep(self, now: float) -> None:
        for code in [code for code, room in self.rooms.items() if room.expires <= now]:
            del self.rooms[code]

    async def create(self, code: str, token_hash: str, now: float) -> bool:
        self.sweep(now)
        if code in self.rooms:
            return False
        if len(self.rooms) >= self.limits.max_classes:
            raise Full("too many classes are running on this server: try again later", self.limits.retry_after)
        history: deque[Event] = deque(maxlen=self.limits.history_events)
        self.rooms[code] = Room(token_hash, now + self.limits.idle_s, history)
        return True

    async def touch(self, code: str, token_hash: str, now: float) -> None:
        room = self.room(code, now)
        if room.token_hash != token_hash:
            raise Forbidden
        room.expires = now + self.limits.idle_s

    async def publish(self, code: str, kind: str, data: str, question: str | None = None) -> Event:
        room = self.room(code)
        room.seq += 1
        event = Event(room.seq, kind, data)
        if kind == "state":
            room.state = event
        elif kind == "question":
            room.question, room.question_id = event, question
        elif kind == "reveal" and question == room.question_id:
            room.question, room.question_id = None, None
        room.history.append(event)
        self.deliver(code, event)
        return event

    async def snapshot(self, code: str, after: int | None) -> Snapshot:
        room = self.room(code)
        return resume(room.state, room.question, list(room.history), room.seq, after)

    async def ask(self, code: str, question: Question) -> None:
        room = self.room(code)
        room.questions[question.id] = question
        room.answers[question.id] = {}
        while len(room.questions) > self.limits.questions_kept:
            oldest, _ = room.questions.popitem(last=False)
            del room.answers[oldest]

    async def question(self, code: str, question_id: str) -> Question:
        question = self.room(code).questions.get(question_id)
        if question is None:
            raise UnknownQuestion
        return question

    async def answer(self, code: str, question_id: str, student: str, value: float, now: float) -> None:
        room = self.room(code, now)
        answers = room.answers.get(question_id)
        if answers is None:
            raise UnknownQuestion
        window = int(now // 60)
        if window != room.window:
            room.window, room.counts = window, {}
        if student not in room.counts and len(room.counts) >= self.limits.max_counted:
            raise Full("too many students are answering this class at once", self.limits.retry_after)
        room.counts[student] = count = room.counts.get(student, 0) + 1
        if count > self.limits.answers_per_min:
            raise TooFast(f"more than {self.limits.answers_per_min} answers in a minute: wait a little")
        if student not in answers and len(answers) >= self.limits.max_students:
            raise Full("this question has as many answers as the class has places", self.limits.retry_after)
        answers[student] = value

    async def answers(self, code: str, question_id: str) -> list[float]:
        answers = self.room(code).answers.get(question_id)
        if answers is None:
            raise UnknownQuestion
        return list(answers.values())

    async def join(self, code: str, follower: str, now: float) -> None:
        room = self.room(code, now)
        self.lapse(room, now)
        if len(room.followers) >= self.limits.max_students:
            raise Full(f"the class is full ({self.limits.max_students} students)", self.limits.retry_after)
        room.followers[follower] = now + self.limits.follower_lapse_s

    async def beat(self, code: str, follower: str, now: float) -> bool:
        room = self.rooms.get(code)
        if room is None or room.expires <= now:
            return False
        room.followers[follower] = now + self.limits.follower_lapse_s
        return True

    async def leave(self, code: str, follower: str) -> None:
        room = self.rooms.get(code)
        if room is not None:
            room.followers.pop(follower, None)

    async def followers(self, code: str, now: float) -> int:
        room = self.room(code)
        self.lapse(room, now)
        return len(room.followers)

    @staticmethod
    def lapse(room: Room, now: float) -> None:
        for follower in [follower for follower, until in room.followers.items() if until <= now]:
            del room.followers[follower]

    async def end(self, code: str) -> None:
        await self.publish(code, "closed", '{"reason": "ended"}')
        self.rooms.pop(code, None)
