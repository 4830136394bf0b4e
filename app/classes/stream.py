"""Followers in this worker: each has a bounded queue of events and one server-sent event stream.

The hub hands every event of a class to its followers' queues without waiting; a follower whose queue is full (it
stopped reading, so its stream is stuck writing) is dropped, its connection closed, and the others never wait for it.
A dropped follower's browser reconnects with Last-Event-ID and gets what it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from app.classes.broker import Broker, Event
from app.classes.limits import ClassLimits

logger = logging.getLogger(__name__)
RETRY_MS = 1000  # how long a browser waits before reconnecting a broken stream
KEEP_ALIVE = b": keep-alive\n\n"


class Follower:
    def __init__(self, code: str, queue_events: int) -> None:
        self.code = code
        self.id = secrets.token_hex(8)
        self.queue: asyncio.Queue[Event] = asyncio.Queue(queue_events)
        self.dropped = False
        self.task: asyncio.Task[None] | None = None


class Hub:
    """This worker's followers by class."""

    def __init__(self) -> None:
        self.followers: dict[str, set[Follower]] = {}

    def add(self, follower: Follower) -> None:
        self.followers.setdefault(follower.code, set()).add(follower)

    def remove(self, follower: Follower) -> None:
        followers = self.followers.get(follower.code)
        if followers is not None:
            followers.discard(follower)
            if not followers:
                del self.followers[follower.code]

    def deliver(self, code: str, event: Event) -> None:
        for follower in list(self.followers.get(code, ())):
            try:
                follower.queue.put_nowait(event)
            except asyncio.QueueFull:
                self.drop(follower)

    def drop(self, follower: Follower) -> None:
        self.remove(follower)
        follower.dropped = True
        if follower.task is not None:
            follower.task.cancel()

    def drop_all(self) -> None:
        for followers in list(self.followers.values()):
            for follower in list(followers):
                self.drop(follower)

    def count(self) -> int:
        return sum(len(followers) for followers in self.followers.values())


class EventStream(StreamingResponse):
    """One follower's text/event-stream: what it missed, then each event as it comes, a comment when idle."""

    def __init__(self, follower: Follower, first: list[Event], hub: Hub, broker: Broker, limits: ClassLimits) -> None:
        self.follower, self.first, self.hub, self.broker, self.limits = follower, first, hub, broker, limits
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        super().__init__(self.events(), media_type="text/event-stream", headers=headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        follower = self.follower
        follower.task = asyncio.create_task(super().__call__(scope, receive, send))
        try:
            await follower.task
        except asyncio.CancelledError:
            if not follower.dropped:  # the server is stopping
                follower.task.cancel()
                raise
            logger.info("a follower of %s fell %d events behind: dropped", follower.code, self.limits.queue_events)
        finally:
            self.hub.remove(follower)
            with contextlib.suppress(*self.broker.failures):  # else it lapses by itself
                await self.broker.leave(follower.code, follower.id)

    async def events(self) -> AsyncIterator[bytes]:
        follower, limits = self.follower, self.limits
        yield f"retry: {RETRY_MS}\n\n".encode()
        last = 0
        for missed in self.first:
            last = missed.id
            yield missed.wire
        beaten = time.monotonic()
        while True:
            event: Event | None = None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(limits.keepalive_s):  # no task per wait, unlike wait_for
                    event = await follower.queue.get()
            if time.monotonic() - beaten >= limits.keepalive_s:
                beaten = time.monotonic()
                if not await self.beat():
                    yield Event(last + 1, "closed", '{"reason": "expired"}').wire
                    return
            if event is None:
                yield KEEP_ALIVE
                continue
            if event.id <= last:
                continue  # sent already, from the snapshot
            last = event.id
            yield event.wire
            if event.kind == "closed":
                return

    async def beat(self) -> bool:
        """Whether the class is still there (the follower stays counted)."""
        try:
            return await self.broker.beat(self.follower.code, self.follower.id, time.time())
        except self.broker.failures:
            return True  # Redis is away for now: keep the stream; its events resume with it
