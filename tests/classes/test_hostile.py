"""A student who wants the projector: guessed codes, forged and replayed tokens, floods, huge states, slow readers."""

from __future__ import annotations

import asyncio
import secrets
import socket
import time

import pytest

from app.classes.service import ALPHABET
from bench.class_client import Follower, call
from tests.classes.helpers import STATE, Room, run, student

pytestmark = pytest.mark.server


def guessed_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(6))


def test_guessed_codes_find_nothing(room: Room) -> None:
    async def scenario() -> None:
        guesses = {guessed_code() for _ in range(300)} - {room.code}
        body = {"question": "q1", "student": "student-one", "answer": 1.0}
        replies = await asyncio.gather(
            *(call(room.port, "POST", f"/api/classes/{code}/answers", body) for code in guesses),
            *(call(room.port, "GET", f"/api/classes/{code}/events") for code in list(guesses)[:100]),
        )
        assert {reply.status for reply in replies} == {404}
        assert all(reply.json()["error"]["kind"] == "class" for reply in replies)

    run(scenario())


def test_forged_tokens_and_other_schemes_are_403(room: Room) -> None:
    async def scenario() -> None:
        forged = [secrets.token_urlsafe(16) for _ in range(100)]
        replies = await asyncio.gather(*(room.put(STATE, token) for token in forged))
        assert set(replies) == {403}
        path = f"/api/classes/{room.code}/state"
        for header in (f"Basic {room.token}", room.token, f"Bearer{room.token}", f"Token {room.token}"):
            reader, writer = await asyncio.open_connection("127.0.0.1", room.port)
            payload = b'{"source": "x = 1"}'
            writer.write(
                f"PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {header}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            assert b" 403 " in await reader.readline()
            writer.close()
            await writer.wait_closed()
        reply = await call(room.port, "PUT", f"{path}?token={room.token}", STATE)  # not in the address either
        assert reply.status == 403
        assert await room.put(STATE) == 204  # the real one still works

    run(scenario())


def test_a_flood_of_answers_from_one_student_counts_the_allowed_number(room: Room) -> None:
    async def scenario() -> None:
        question = await room.ask()
        flooder = student()
        statuses = await asyncio.gather(*(room.answer(question, flooder, float(k)) for k in range(60)))
        assert statuses.count(204) == 5 and statuses.count(429) == 55  # the limit holds under concurrency
        tally = await room.tally(question)
        assert tally["answers"] == 1

    run(scenario())


def test_a_flood_of_forged_students_fills_the_question_and_no_more(room: Room) -> None:
    async def scenario() -> None:
        question = await room.ask()
        statuses = await asyncio.gather(*(room.answer(question, student(), 1.0) for _ in range(40)))
        assert statuses.count(204) == 4 and set(statuses) == {204, 503}  # BACKPROP_CLASS_MAX_STUDENTS=4
        assert (await room.tally(question))["answers"] == 4
        # past twice the places, new ids are not even counted: the rate table cannot grow without bound
        later = await asyncio.gather(*(room.answer(question, student(), 1.0) for _ in range(20)))
        assert set(later) == {503}

    run(scenario())


def test_huge_or_odd_questions_are_refused(room: Room) -> None:
    async def scenario() -> None:
        path = f"/api/classes/{room.code}/questions"
        long_prompt = await call(room.port, "POST", path, {"node": "n1", "prompt": "?" * 501}, room.token)
        assert long_prompt.status == 413
        long_node = await call(room.port, "POST", path, {"node": "n" * 201, "prompt": "?"}, room.token)
        assert long_node.status == 422
        infinite = await call(
            room.port, "POST", path, None, room.token, raw=b'{"node":"n","prompt":"?","answer":1e999}'
        )
        assert infinite.status == 422
        nested = b'{"source": ' + b"[" * 5000 + b"]" * 5000 + b"}"
        reply = await call(room.port, "PUT", f"/api/classes/{room.code}/state", None, room.token, raw=nested)
        assert reply.status == 422

    run(scenario())


def test_a_student_s_text_reaches_nobody(room: Room) -> None:
    async def scenario() -> None:
        follower = Follower(room.port, room.code)
        await follower.connect()
        question = await room.ask()
        body = {"question": question, "student": "student-one", "answer": 1.0, "prompt": "<script>", "kind": "state"}
        assert (await call(room.port, "POST", f"/api/classes/{room.code}/answers", body)).status == 204
        await room.put(STATE)
        await follower.until("state")
        assert [kind for _, kind, _, _ in follower.events] == ["question", "state"]  # answers are never broadcast
        follower.close()

    run(scenario())


def test_a_follower_that_stops_reading_is_dropped_without_slowing_the_others(room: Room) -> None:
    async def scenario() -> None:
        question = await room.ask()
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", room.port))
        slow.sendall(f"GET /api/classes/{room.code}/events HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        reader = Follower(room.port, room.code)
        await reader.connect()
        await asyncio.sleep(0.2)
        assert (await room.tally(question))["students"] == 2
        big = {**STATE, "source": "x = 1.0\n" * 24_000}  # 216 kB a state
        arrivals = []
        for position in range(40):
            sent = time.perf_counter()
            assert await room.put({**big, "position": position}) == 204
            arrived = (await reader.until("state"))[3]
            arrivals.append(arrived - sent)
        assert [data["position"] for _, kind, data, _ in reader.events if kind == "state"] == list(range(40))
        assert max(arrivals) < 1.0  # never held up by the one that does not read
        deadline = time.monotonic() + 5
        while (await room.tally(question))["students"] != 1:  # the slow one was dropped
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        reader.close()
        slow.close()

    run(scenario())
