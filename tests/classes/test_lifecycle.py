"""A class's life for each broker: the stream's resume and keep-alive, the end, idle expiry, the join address."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.class_client import Follower, call
from bench.client import running_server
from tests.classes.helpers import STATE, Room, broker_server, open_class, run

pytestmark = pytest.mark.server


def positions(follower: Follower) -> list[int]:
    return [data["position"] for _, kind, data, _ in follower.events if kind == "state"]


def test_a_follower_that_reconnects_with_last_event_id_gets_exactly_what_it_missed(room: Room) -> None:
    async def scenario() -> None:
        follower = Follower(room.port, room.code)
        await follower.connect()
        for position in (1, 2):
            await room.put({**STATE, "position": position})
            await follower.until("state")
        seen = follower.last_id
        follower.close()
        await room.put({**STATE, "position": 3})
        question = await room.ask()
        await room.put({**STATE, "position": 4})
        assert await follower.connect(last_id=seen) == 200
        while positions(follower)[-1] != 4:
            await follower.until("state")
        assert positions(follower) == [1, 2, 3, 4]
        kinds = [kind for _, kind, _, _ in follower.events]
        assert kinds == ["state", "state", "state", "question", "state"]
        assert [number for number, *_ in follower.events] == list(range(seen - 1, seen + 4))  # numbered, no gap
        assert follower.events[3][2]["id"] == question
        follower.close()

    run(scenario())


def test_a_follower_too_far_behind_gets_the_state_and_the_open_question(room: Room) -> None:
    async def scenario() -> None:
        question = await room.ask()
        for position in range(10):  # more than BACKPROP_CLASS_HISTORY_EVENTS=5 events
            await room.put({**STATE, "position": position})
        follower = Follower(room.port, room.code)
        await follower.connect(last_id=1)
        await follower.until("state")
        assert [(kind, data.get("position", data.get("id"))) for _, kind, data, _ in follower.events] == [
            ("question", question),
            ("state", 9),
        ]
        follower.close()
        forged = Follower(room.port, room.code)  # an id the class never sent: the same
        await forged.connect(last_id=10**12)
        assert (await forged.until("state"))[2]["position"] == 9
        forged.close()
        for header in ("-1", "abc", "9" * 40):
            odd = Follower(room.port, room.code)
            assert await odd.connect(last_id=header) == 200
            assert (await odd.until("state"))[2]["position"] == 9
            odd.close()

    run(scenario())


def test_a_revealed_question_is_not_asked_again_of_newcomers(room: Room) -> None:
    async def scenario() -> None:
        await room.put(STATE)
        question = await room.ask()
        await call(room.port, "POST", f"/api/classes/{room.code}/questions/{question}/reveal", None, room.token)
        newcomer = Follower(room.port, room.code)
        await newcomer.connect()
        await newcomer.until("state")
        await room.put({**STATE, "position": 9})
        await newcomer.until("state")
        assert [kind for _, kind, _, _ in newcomer.events] == ["state", "state"]
        newcomer.close()

    run(scenario())


def test_an_idle_stream_gets_a_keep_alive_comment(room: Room) -> None:
    async def scenario() -> None:
        follower = Follower(room.port, room.code)
        await follower.connect()
        await room.put(STATE)
        await follower.until("state")
        reading = asyncio.create_task(follower.next())
        await asyncio.sleep(2.5)  # BACKPROP_CLASS_KEEPALIVE_S=1
        assert follower.comments >= 2 and not reading.done()
        await room.put(STATE)
        assert (await asyncio.wait_for(reading, 2))[1] == "state"
        follower.close()

    run(scenario())


def test_an_ended_class_closes_every_stream_and_answers_404_after(server: int) -> None:
    async def scenario() -> None:
        room = await open_class(server)
        await room.put(STATE)
        question = await room.ask()
        followers = [Follower(server, room.code) for _ in range(3)]
        for follower in followers:
            await follower.connect()
        assert await room.end() == 204
        for follower in followers:
            _, _, data, _ = await follower.until("closed")
            assert data == {"reason": "ended"}
            assert await asyncio.wait_for(follower.next(), 2) is None  # the stream ends
        assert await room.put(STATE) == 404  # the token is worth nothing now
        assert await room.end() == 404
        assert await room.answer(question, "student-one", 1.0) == 404
        assert await Follower(server, room.code).connect() == 404

    run(scenario())


@pytest.mark.parametrize("broker", ["memory", "redis"])
def test_a_class_expires_after_its_teacher_is_idle(broker: str, redis_url: str) -> None:
    async def scenario(port: int) -> None:
        room = await open_class(port)
        await room.put(STATE)
        follower = Follower(port, room.code)
        await follower.connect()
        await follower.until("state")
        for _ in range(3):  # a teacher's requests keep it open
            await asyncio.sleep(0.8)
            assert await room.put(STATE) == 204
        _, _, data, _ = await follower.until("closed", timeout=6)  # BACKPROP_CLASS_IDLE_S=2
        assert data == {"reason": "expired"}
        follower.close()
        assert await room.put(STATE) == 404
        assert await Follower(port, room.code).connect() == 404

    with broker_server(broker, redis_url, class_idle_s="2") as port:
        run(scenario(port))


def test_expired_classes_free_their_places(redis_url: str) -> None:
    async def scenario(port: int) -> None:
        for _ in range(6):
            await open_class(port)
        assert (await call(port, "POST", "/api/classes")).status == 503
        await asyncio.sleep(2.2)
        assert (await call(port, "POST", "/api/classes")).status == 201

    for broker in ("memory", "redis"):
        with broker_server(broker, redis_url, class_idle_s="2") as port:
            run(scenario(port))


def test_the_join_address_opens_the_page_following_the_class(server: int) -> None:
    async def scenario() -> None:
        room = await open_class(server)
        reply = await call(server, "GET", f"/c/{room.code}")
        assert reply.status == 303 and reply.headers["location"] == f"../?class={room.code}"  # relative: any prefix
        assert (await call(server, "GET", f"/c/{room.code.lower()}")).headers["location"] == f"../?class={room.code}"
        for wrong in ("K7Q2M", "K7Q2MXX", "O0I1L5", "%3Cscript%3E"):
            assert (await call(server, "GET", f"/c/{wrong}")).status == 404
        page = await call(server, "GET", f"/?class={room.code}")
        assert page.status == 200
        await room.end()

    run(scenario())


def test_several_workers_without_redis_refuse_classes_and_say_why() -> None:
    with running_server(2) as port:
        reply = run(call(port, "POST", "/api/classes"))
    assert reply.status == 503
    message = reply.json()["error"]["message"]
    assert "class mode needs Redis with several workers" in message and "BACKPROP_REDIS_URL" in message


def test_an_unreachable_redis_is_503_not_500() -> None:
    from bench.client import free_port

    with running_server(1, redis_url=f"redis://127.0.0.1:{free_port()}/0") as port:
        start = time.monotonic()
        reply = run(call(port, "POST", "/api/classes"))
        assert reply.status == 503 and reply.headers["retry-after"] == "1"
        assert time.monotonic() - start < 5
        assert run(call(port, "GET", "/api/classes/ABCDEF/events")).status == 503


def test_a_stopping_server_ends_its_streams_at_once(redis_url: str) -> None:
    async def follow(port: int) -> Follower:
        room = await open_class(port)
        await room.put(STATE)
        follower = Follower(port, room.code)
        await follower.connect()
        await follower.until("state")
        return follower

    # One loop, run in a thread of its own: the browser tests' driver keeps a loop in the main thread.
    loop = asyncio.new_event_loop()
    with ThreadPoolExecutor(1) as executor:
        with broker_server("memory", redis_url) as port:
            follower = executor.submit(loop.run_until_complete, follow(port)).result()
            start = time.monotonic()
        assert time.monotonic() - start < 3  # not held open by the stream until uvicorn's patience runs out
        assert executor.submit(loop.run_until_complete, follower.next()).result() is None
        executor.submit(loop.close).result()
