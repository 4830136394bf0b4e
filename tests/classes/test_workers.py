"""A real server with two workers and a real Redis: followers on both workers, and a worker killed mid-class."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator

import pytest

from bench.class_client import Follower, call
from bench.workers import client_ports_by_worker, worker_pids
from tests.classes.helpers import STATE, Room, broker_server, open_class, run

pytestmark = pytest.mark.server
FOLLOWERS = 24


@pytest.fixture(scope="module")
def two_workers(redis_url: str) -> Iterator[int]:
    limits = {"class_max_students": "100", "class_history_events": "200", "class_queue_events": "256"}
    with broker_server("redis", redis_url, workers=2, **limits) as port:
        deadline = time.monotonic() + 10
        while len(worker_pids(port)) < 2:
            assert time.monotonic() < deadline, "uvicorn did not start two workers"
            time.sleep(0.1)
        yield port


def local_port(follower: Follower) -> int:
    assert follower.writer is not None
    return int(follower.writer.get_extra_info("sockname")[1])


async def spread_followers(port: int, code: str) -> tuple[list[Follower], dict[int, list[Follower]]]:
    """Followers opened until both workers hold some of them."""
    followers: list[Follower] = []
    for _ in range(FOLLOWERS):
        follower = Follower(port, code)
        assert await follower.connect() == 200
        followers.append(follower)
        await asyncio.sleep(0.01)
    held = client_ports_by_worker(port)
    by_worker = {pid: [f for f in followers if local_port(f) in ports] for pid, ports in held.items()}
    assert sum(len(group) for group in by_worker.values()) == FOLLOWERS
    return followers, by_worker


def states(follower: Follower) -> list[int]:
    return [data["position"] for _, kind, data, _ in follower.events if kind == "state"]


def test_followers_on_both_workers_receive_every_state_and_question(two_workers: int) -> None:
    async def scenario() -> None:
        room = await open_class(two_workers)
        followers, by_worker = await spread_followers(two_workers, room.code)
        assert all(len(group) >= 1 for group in by_worker.values()), {p: len(g) for p, g in by_worker.items()}
        for position in range(30):  # each PUT lands on either worker
            assert await room.put({**STATE, "position": position}) == 204
        question = await room.ask()
        for follower in followers:
            await follower.until("question")
            assert states(follower) == list(range(30))
            assert follower.events[-1][2]["id"] == question
            follower.close()
        assert await room.end() == 204

    run(scenario())


async def teacher_publishes(room: Room, count: int, pause: float) -> int:
    """States 0..count-1, each retried until it is accepted (a request on a killed worker fails)."""
    for position in range(count):
        while True:
            try:
                if await room.put({**STATE, "position": position}) == 204:
                    break
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            await asyncio.sleep(0.05)
        await asyncio.sleep(pause)
    return count


async def follow_with_reconnects(follower: Follower, last: int, reconnects: list[int]) -> None:
    """Like a browser's EventSource: on a broken stream, reconnect with Last-Event-ID until state `last` arrives."""
    while not states(follower) or states(follower)[-1] != last:
        event = await follower.next()
        if event is None:
            reconnects.append(1)
            while True:
                try:
                    if await follower.connect(last_id=follower.last_id) == 200:
                        break
                except (ConnectionError, asyncio.IncompleteReadError):
                    pass
                await asyncio.sleep(0.1)


def test_a_killed_worker_s_followers_reconnect_and_resume_without_missing_a_state(two_workers: int) -> None:
    async def scenario() -> None:
        room = await open_class(two_workers)
        await room.put({**STATE, "position": 0})
        followers, by_worker = await spread_followers(two_workers, room.code)
        victim = max(by_worker, key=lambda pid: len(by_worker[pid]))
        assert by_worker[victim], "no follower on either worker"
        for follower in followers:
            await follower.until("state")
        count = 40
        reconnects: list[int] = []
        publishing = asyncio.create_task(teacher_publishes(room, count, 0.02))
        following = [asyncio.create_task(follow_with_reconnects(f, count - 1, reconnects)) for f in followers]
        await asyncio.sleep(0.3)
        os.kill(victim, signal.SIGKILL)
        async with asyncio.timeout(30):
            await publishing
            await asyncio.gather(*following)
        assert len(reconnects) >= len(by_worker[victim])
        for follower in followers:
            received = states(follower)
            assert sorted(set(received)) == list(range(count)), received  # every state, none lost
            ids = [number for number, *_ in follower.events]
            assert ids == sorted(set(ids)), ids  # in order, each once
            follower.close()
        for _ in range(50):
            if await room.end() == 204:
                break
            await asyncio.sleep(0.1)
        deadline = time.monotonic() + 15
        while len(worker_pids(two_workers)) < 2:  # uvicorn starts a new worker in its place
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)

    run(scenario())


def test_answers_sent_to_either_worker_are_tallied_together(two_workers: int) -> None:
    async def scenario() -> None:
        room = await open_class(two_workers)
        question = await room.ask(answer=3.0)
        statuses = await asyncio.gather(*(room.answer(question, f"student-{k:04d}", 3.0) for k in range(60)))
        assert set(statuses) == {204}
        tally = await room.tally(question)
        assert tally["answers"] == 60 and tally["right"] == 60
        assert (await call(two_workers, "DELETE", f"/api/classes/{room.code}", None, room.token)).status == 204

    run(scenario())
