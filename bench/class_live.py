"""A live class on loopback: a teacher steps through a program while students follow as server-sent events.

For one worker (classes in memory) and for two workers with a real Redis: from a teacher's state change to its
arrival at every follower (p50/p95/max, and how many were missed), 300 answers sent at once until the tally counts
them all, the memory each follower costs the server, and every student's page fetching the teacher's new program at
the same moment. Used by bench/classroom.py; alone:
python -m bench.class_live [--followers 300] [--states 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import time
from collections import Counter
from dataclasses import dataclass

from bench.class_client import Follower, call
from bench.client import Connection, percentile, running_server
from bench.redis_server import running_redis
from bench.workers import cpu_seconds, rss_bytes, serving_pids
from engine.examples import EXAMPLES

NEURON = next(example.source for example in EXAMPLES if example.id == "neuron")
TRAINING = next(example.source for example in EXAMPLES if example.id == "lecture-training")


@dataclass
class LiveResult:
    title: str
    followers: int
    states: int
    latencies: list[float]
    missed: int
    tally_seconds: float
    answers_counted: int
    bytes_per_follower: float
    cpu_per_state: float
    client_per_state: float = 0.0
    fetch_seconds: float = 0.0
    fetch_statuses: str = ""


async def open_followers(port: int, code: str, count: int) -> list[Follower]:
    followers = [Follower(port, code) for _ in range(count)]
    for start in range(0, count, 50):  # as a class arrives: in bursts, not one SYN flood
        statuses = await asyncio.gather(*(follower.connect() for follower in followers[start : start + 50]))
        assert set(statuses) == {200}, statuses
    return followers


async def read_all(follower: Follower, last_position: int) -> None:
    while True:
        event = await follower.next()
        if event is None or (event[1] == "state" and event[2]["position"] == last_position):
            return


async def live_class(port: int, title: str, followers_count: int, states: int, pause: float) -> LiveResult:
    created = await call(port, "POST", "/api/classes")
    code, token = created.json()["code"], created.json()["teacher_token"]
    pids = serving_pids(port)
    await asyncio.sleep(0.5)
    before = sum(rss_bytes(pid) for pid in pids)
    followers = await open_followers(port, code, followers_count)
    await asyncio.sleep(1.0)
    after = sum(rss_bytes(pid) for pid in pids)
    readers = [asyncio.create_task(read_all(follower, states - 1)) for follower in followers]
    sent: dict[int, float] = {}
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    client_before = time.process_time()
    for position in range(states):
        state = {"source": NEURON, "position": position}
        sent[position] = time.perf_counter()
        reply = await call(port, "PUT", f"/api/classes/{code}/state", state, token)
        assert reply.status == 204, reply.body
        await asyncio.sleep(pause)
    try:
        async with asyncio.timeout(30):
            await asyncio.gather(*readers)
    except TimeoutError:
        pass
    cpu_per_state = (sum(cpu_seconds(pid) for pid in pids) - cpu_before) / states
    client_per_state = (time.process_time() - client_before) / states
    latencies = []
    received = 0
    for follower in followers:
        for _, kind, data, arrived in follower.events:
            if kind == "state" and data["position"] in sent:
                received += 1
                latencies.append(arrived - sent[data["position"]])
    missed = followers_count * states - received

    question = await call(
        port, "POST", f"/api/classes/{code}/questions", {"node": "n1", "prompt": "?", "answer": 1.0}, token
    )
    question_id = question.json()["id"]
    start = time.perf_counter()
    body = {"question": question_id, "answer": 1.0}
    replies = await asyncio.gather(
        *(call(port, "POST", f"/api/classes/{code}/answers", {**body, "student": f"s-{secrets.token_hex(8)}"})
          for _ in range(followers_count))
    )  # fmt: skip
    assert {reply.status for reply in replies} == {204}, {reply.status for reply in replies}
    counted = 0
    while time.perf_counter() - start < 10:
        tally = await call(port, "GET", f"/api/classes/{code}/tally?question={question_id}", None, token)
        counted = tally.json()["answers"]
        if counted == followers_count:
            break
        await asyncio.sleep(0.02)
    tally_seconds = time.perf_counter() - start
    for follower in followers:
        follower.close()
    await call(port, "DELETE", f"/api/classes/{code}", None, token)
    fetch_seconds, fetch_statuses = await whole_class_fetches(port, followers_count)
    per_follower = (after - before) / followers_count
    result = LiveResult(title, followers_count, states, latencies, missed, tally_seconds, counted, per_follower, 0.0)
    result.cpu_per_state = cpu_per_state
    result.client_per_state = client_per_state
    result.fetch_seconds, result.fetch_statuses = fetch_seconds, fetch_statuses
    return result


async def whole_class_fetches(port: int, count: int) -> tuple[float, str]:
    """The teacher runs the lecture's training loop; then every student's page asks for it at the same moment."""
    teacher = await Connection.open("127.0.0.1", port)
    await teacher.request("POST", "/api/graph", {"source": TRAINING})
    teacher.close()
    connections = [await Connection.open("127.0.0.1", port) for _ in range(count)]
    start = time.perf_counter()
    replies = await asyncio.gather(
        *(connection.request("POST", "/api/graph", {"source": TRAINING}) for connection in connections)
    )
    seconds = time.perf_counter() - start
    for connection in connections:
        connection.close()
    statuses = Counter(status for status, _ in replies)
    return seconds, ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items()))


def print_live(result: LiveResult) -> None:
    ms = [seconds * 1e3 for seconds in result.latencies]
    print(f"\n{result.title}: {result.followers} followers, {result.states} state changes")
    print(
        f"  state change to arrival: p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"max {max(ms, default=float('nan')):.1f} ms; missed {result.missed} of {result.followers * result.states}"
    )
    print(
        f"  {result.followers} answers sent at once, all tallied in {result.tally_seconds:.2f} s "
        f"({result.answers_counted} counted)"
    )
    print(f"  memory per follower: {result.bytes_per_follower / 1024:.1f} KiB (server RSS growth / followers)")
    per_follower = result.cpu_per_state / result.followers * 1e6
    print(f"  server CPU per state change: {result.cpu_per_state * 1e3:.1f} ms ({per_follower:.0f} µs a follower)")
    print(f"  this client's CPU per state change (300 streams read and parsed): {result.client_per_state * 1e3:.1f} ms")
    print(
        f"  then the teacher's Run of the training loop fetched by all {result.followers} at once: "
        f"{result.fetch_statuses} in {result.fetch_seconds:.2f} s"
    )
    print(f"  load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def run_live(followers: int, states: int, pause: float) -> list[LiveResult]:

    results = []
    with running_server(1, class_max_students=str(followers + 10)) as port:
        results.append(asyncio.run(live_class(port, "1 worker, classes in memory", followers, states, pause)))
    with (
        running_redis() as url,
        running_server(2, redis_url=url, class_max_students=str(followers + 10)) as port,
    ):
        results.append(asyncio.run(live_class(port, "2 workers, classes in Redis", followers, states, pause)))
    for result in results:
        print_live(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=300)
    parser.add_argument("--states", type=int, default=30, help="state changes the teacher makes")
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between the teacher's changes")
    args = parser.parse_args()
    run_live(args.followers, args.states, args.pause)


if __name__ == "__main__":
    main()
