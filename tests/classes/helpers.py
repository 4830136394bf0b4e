"""The tests of classes: small limits, a teacher's and a student's helpers."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench.class_client import call
from bench.client import run_async, running_server

run = run_async  # the class tests run their clients with it
LIMITS = {
    "class_max": "6",
    "class_max_students": "4",
    "class_answers_per_min": "5",
    "class_keepalive_s": "1",
    "class_history_events": "5",
    "class_queue_events": "8",
}
STATE = {
    "source": "a = Value(2.0, label='a')\nb = a * a; b.label = 'b'\nb.backward()",
    "overrides": {"a": 3.0},
    "pass": None,
    "view": None,
    "position": 4,
    "collapse": "auto",
    "quiz": True,
}


@dataclass
class Room:
    port: int
    code: str
    token: str

    async def put(self, state: dict[str, Any], token: str | None = None) -> int:
        reply = await call(self.port, "PUT", f"/api/classes/{self.code}/state", state, token or self.token)
        return reply.status

    async def ask(self, node: str = "n1", answer: float | None = 2.0) -> str:
        body = {"node": node, "prompt": "What is a.grad?", "answer": answer}
        reply = await call(self.port, "POST", f"/api/classes/{self.code}/questions", body, self.token)
        assert reply.status == 201, reply.body
        return str(reply.json()["id"])

    async def answer(self, question: str, student: str, value: float) -> int:
        body = {"question": question, "student": student, "answer": value}
        return (await call(self.port, "POST", f"/api/classes/{self.code}/answers", body)).status

    async def tally(self, question: str) -> dict[str, Any]:
        reply = await call(self.port, "GET", f"/api/classes/{self.code}/tally?question={question}", None, self.token)
        assert reply.status == 200, reply.body
        return dict(reply.json())

    async def end(self) -> int:
        return (await call(self.port, "DELETE", f"/api/classes/{self.code}", None, self.token)).status


async def open_class(port: int) -> Room:
    reply = await call(port, "POST", "/api/classes")
    assert reply.status == 201, reply.body
    return Room(port, reply.json()["code"], reply.json()["teacher_token"])


def student() -> str:
    return f"s-{secrets.token_hex(8)}"


@contextmanager
def broker_server(broker: str, redis_url: str, workers: int = 1, **settings: str) -> Iterator[int]:
    """The app with classes in memory or in Redis (under a prefix of its own), small limits unless overridden."""
    chosen = {**LIMITS, **settings}
    if broker == "redis":
        chosen.update(redis_url=redis_url, redis_prefix=f"t{secrets.token_hex(4)}")
    with running_server(workers, **chosen) as port:
        yield port
