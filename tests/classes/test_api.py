"""The classes' API contract (shared/API.md, "Classes"), for each broker: in memory and in a real Redis."""

from __future__ import annotations

import asyncio
import base64
import re

import pytest
import segno

from bench.class_client import Follower, call
from tests.classes.helpers import STATE, Room, open_class, run, student

pytestmark = pytest.mark.server
CODE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$")


def test_a_class_starts_with_a_code_a_token_a_join_url_and_its_qr_code(server: int) -> None:
    async def scenario() -> None:
        reply = await call(server, "POST", "/api/classes")
        assert reply.status == 201
        body = reply.json()
        assert set(body) == {"code", "teacher_token", "join_url", "qr_svg"}
        assert CODE.match(body["code"])
        assert len(base64.urlsafe_b64decode(body["teacher_token"] + "==")) == 16  # 128 bits
        assert body["join_url"] == f"c/{body['code']}"
        # the QR code encodes the absolute address on the request's own origin (Host 127.0.0.1, no port given)
        expected = segno.make(f"http://127.0.0.1/c/{body['code']}", error="m")
        assert body["qr_svg"] == expected.svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff")
        assert body["qr_svg"].startswith("<svg") and "viewBox" in body["qr_svg"]
        await Room(server, body["code"], body["teacher_token"]).end()

    run(scenario())


@pytest.mark.parametrize(
    ("headers", "origin"),
    [
        (
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "school.example", "X-Forwarded-Prefix": "/explorer"},
            "https://school.example/explorer/",
        ),
        (
            {"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "school.example:8443"},
            "https://school.example:8443/",
        ),
        (
            {"X-Forwarded-Proto": "javascript", "X-Forwarded-Host": 'x"><script>', "X-Forwarded-Prefix": "/a b"},
            "http://127.0.0.1/",
        ),
    ],
    ids=["behind-a-proxy", "first-of-a-list", "hostile-values-ignored"],
)
def test_the_qr_code_is_of_the_address_a_proxy_forwards(server: int, headers: dict[str, str], origin: str) -> None:
    async def scenario() -> None:
        reply = await call(server, "POST", "/api/classes", headers=headers)
        body = reply.json()
        expected = segno.make(f"{origin}c/{body['code']}", error="m")
        assert body["qr_svg"] == expected.svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff")
        await Room(server, body["code"], body["teacher_token"]).end()

    run(scenario())


def test_codes_and_tokens_differ_from_class_to_class(server: int) -> None:
    async def scenario() -> None:
        rooms = [await open_class(server) for _ in range(5)]
        assert len({room.code for room in rooms}) == 5 and len({room.token for room in rooms}) == 5
        for room in rooms:
            assert await room.end() == 204

    run(scenario())


def test_every_follower_gets_the_state_on_connecting_and_on_every_change(room: Room) -> None:
    async def scenario() -> None:
        early = Follower(room.port, room.code)
        assert await early.connect() == 200
        assert await room.put(STATE) == 204
        _, _, data, _ = await early.until("state")
        assert data == STATE
        late = Follower(room.port, room.code)
        await late.connect()
        assert (await late.until("state"))[2] == STATE  # at once, without a new change
        changed = {**STATE, "position": 7, "pass": 2, "view": 1, "collapse": ["g3", "g4"], "quiz": False}
        assert await room.put(changed) == 204
        for follower in (early, late):
            assert (await follower.until("state"))[2] == changed
            follower.close()

    run(scenario())


def test_a_state_keeps_only_the_share_fields_and_defaults_the_rest(room: Room) -> None:
    async def scenario() -> None:
        follower = Follower(room.port, room.code)
        await follower.connect()
        assert await room.put({"source": "x = 1", "secret": "<script>", "position": 0}) == 204
        data = (await follower.until("state"))[2]
        assert data == {"source": "x = 1", "overrides": {}, "pass": None, "view": None, "position": 0,
                        "collapse": "auto", "quiz": False}  # fmt: skip
        follower.close()

    run(scenario())


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/classes/{code}/state", STATE),
        ("POST", "/api/classes/{code}/questions", {"node": "n1", "prompt": "?"}),
        ("GET", "/api/classes/{code}/tally?question=abc", None),
        ("POST", "/api/classes/{code}/questions/abc/reveal", None),
        ("DELETE", "/api/classes/{code}", None),
    ],
    ids=["state", "question", "tally", "reveal", "end"],
)
def test_teacher_requests_need_the_class_s_own_token(room: Room, method: str, path: str, body: object) -> None:
    async def scenario() -> None:
        other = await open_class(room.port)
        url = path.format(code=room.code)
        for token in (None, "", "not-a-token", other.token, room.token + "x", room.token[:-1]):
            reply = await call(room.port, method, url, body, token)
            assert reply.status == 403, (token, reply.body)
            assert reply.json()["error"]["kind"] == "token"
        raw = await call(room.port, method, url, body, None)
        assert raw.status == 403
        assert (await call(room.port, method, path.format(code="ZZZZZZ"), body, room.token)).status == 404
        assert (await call(room.port, method, path.format(code="k7q2mx"), body, room.token)).status == 404
        await other.end()

    run(scenario())


def test_a_state_over_the_program_length_limit_is_413(room: Room) -> None:
    async def scenario() -> None:
        too_long = {**STATE, "source": "x = 1\n" * 40_000}  # 240,000 characters > 200,000
        reply = await call(room.port, "PUT", f"/api/classes/{room.code}/state", too_long, room.token)
        assert reply.status == 413 and reply.json()["error"]["kind"] == "limit"
        many = {**STATE, "overrides": {f"w{k}": 1.5 for k in range(40_000)}}  # a 500 kB state
        reply = await call(room.port, "PUT", f"/api/classes/{room.code}/state", many, room.token)
        assert reply.status == 413 and "400,000 bytes" in reply.json()["error"]["message"]
        huge = b'{"source": "' + b"x" * 2_000_000 + b'"}'
        reply = await call(room.port, "PUT", f"/api/classes/{room.code}/state", None, room.token, raw=huge)
        assert reply.status == 413

    run(scenario())


@pytest.mark.parametrize(
    "body",
    [{}, {"source": 3}, {**STATE, "position": -1}, {**STATE, "overrides": {"a": "NaN"}}, {**STATE, "collapse": "all"}],
    ids=["empty", "source-not-text", "negative-position", "nan-override", "bad-collapse"],
)
def test_a_malformed_state_is_422(room: Room, body: dict[str, object]) -> None:
    reply = run(call(room.port, "PUT", f"/api/classes/{room.code}/state", body, room.token))
    assert reply.status == 422 and reply.json()["error"]["kind"] == "request"


def test_a_question_is_asked_answered_tallied_and_revealed(room: Room) -> None:
    async def scenario() -> None:
        follower = Follower(room.port, room.code)
        await follower.connect()
        question = await room.ask(node="n7", answer=-1.5)
        _, _, data, _ = await follower.until("question")
        assert data == {"id": question, "node": "n7", "prompt": "What is a.grad?"}  # never the answer
        ann, bob, cat, dan = student(), student(), student(), student()
        assert await room.answer(question, ann, -1.5) == 204
        assert await room.answer(question, bob, 4.0) == 204
        assert await room.answer(question, bob, -1.50004) == 204  # a later answer replaces the first
        assert await room.answer(question, cat, 4.0) == 204
        assert await room.answer(question, dan, 4.00001) == 204
        tally = await room.tally(question)
        bins = [{"value": -1.5, "count": 2}, {"value": 4.0, "count": 2}]  # a tie: the smaller value first
        assert tally == {"answers": 4, "right": 2, "bins": bins, "students": 1}  # -1.5 and -1.50004 are right
        reply = await call(room.port, "POST", f"/api/classes/{room.code}/questions/{question}/reveal", None, room.token)
        assert reply.status == 204
        _, _, revealed, _ = await follower.until("reveal")
        assert revealed == {"id": question, "answer": -1.5, "tally": tally}
        follower.close()

    run(scenario())


def test_the_tally_groups_answers_to_four_decimals_the_most_common_first(room: Room) -> None:
    async def scenario() -> None:
        question = await room.ask(answer=0.25)
        # rounded to 4 decimals: -0.0 and 0.0 together (read 0.0), 0.25 and 7.1235 once each
        for value in (7.12349, -0.00001, 0.250001, 0.00002):
            assert await room.answer(question, student(), value) == 204
        tally = await room.tally(question)
        assert tally["answers"] == 4 and tally["right"] == 1
        assert tally["bins"] == [{"value": 0.0, "count": 2}, {"value": 0.25, "count": 1}, {"value": 7.1235, "count": 1}]
        assert str(tally["bins"][0]["value"]) == "0.0"

    run(scenario())


def test_students_counts_who_follows_now(room: Room) -> None:
    async def scenario() -> None:
        question = await room.ask()
        followers = [Follower(room.port, room.code) for _ in range(3)]
        for follower in followers:
            assert await follower.connect() == 200
        assert (await room.tally(question))["students"] == 3
        followers[0].close()
        await asyncio.sleep(0.3)
        assert (await room.tally(question))["students"] == 2
        for follower in followers[1:]:
            follower.close()

    run(scenario())


def test_answers_to_unknown_classes_or_questions_are_404(room: Room) -> None:
    async def scenario() -> None:
        question = await room.ask()
        assert await room.answer("no-such-question", student(), 1.0) == 404
        body = {"question": question, "student": student(), "answer": 1.0}
        assert (await call(room.port, "POST", "/api/classes/ZZZZZZ/answers", body)).status == 404
        reply = await call(room.port, "GET", f"/api/classes/{room.code}/tally?question=nope", None, room.token)
        assert reply.status == 404
        reply = await call(room.port, "POST", f"/api/classes/{room.code}/questions/nope/reveal", None, room.token)
        assert reply.status == 404

    run(scenario())


@pytest.mark.parametrize(
    "body",
    [
        {"question": "q", "student": "short", "answer": 1.0},
        {"question": "q", "student": "a b c d e f g h", "answer": 1.0},
        {"question": "q", "student": "x" * 65, "answer": 1.0},
        {"question": "q", "student": "student-one", "answer": "Infinity"},
        {"question": "q", "student": "student-one", "answer": "two"},
        {"question": "../../x", "student": "student-one", "answer": 1.0},
    ],
    ids=["short-id", "spaces", "long-id", "infinite", "not-a-number", "path-question"],
)
def test_malformed_answers_are_422(room: Room, body: dict[str, object]) -> None:
    reply = run(call(room.port, "POST", f"/api/classes/{room.code}/answers", body))
    assert reply.status == 422


def test_more_answers_than_allowed_in_a_minute_are_429(room: Room) -> None:
    async def scenario() -> None:
        question = await room.ask()
        eager = student()
        statuses = [await room.answer(question, eager, float(k)) for k in range(7)]
        assert statuses == [204] * 5 + [429, 429]  # BACKPROP_CLASS_ANSWERS_PER_MIN=5
        reply = await call(
            room.port,
            "POST",
            f"/api/classes/{room.code}/answers",
            {"question": question, "student": eager, "answer": 1},
        )
        assert reply.json()["error"]["kind"] == "rate"
        assert await room.answer(question, student(), 1.0) == 204  # others are not held back
        assert (await room.tally(question))["bins"][0] == {"value": 1.0, "count": 1}

    run(scenario())


def test_a_full_class_and_a_full_question_are_503_with_retry_after(room: Room) -> None:
    async def scenario() -> None:
        followers = [Follower(room.port, room.code) for _ in range(5)]
        statuses = [await follower.connect() for follower in followers]
        assert statuses == [200, 200, 200, 200, 503]  # BACKPROP_CLASS_MAX_STUDENTS=4
        followers[-1].close()
        followers[0].close()
        await asyncio.sleep(0.3)
        again = Follower(room.port, room.code)
        assert await again.connect() == 200  # a place is free again
        question = await room.ask()
        statuses = [await room.answer(question, student(), 1.0) for _ in range(5)]
        assert statuses == [204] * 4 + [503]
        for follower in [*followers[1:4], again]:
            follower.close()

    run(scenario())


def test_full_errors_carry_retry_after(server: int) -> None:
    async def scenario() -> None:
        rooms = []
        while True:
            reply = await call(server, "POST", "/api/classes")
            if reply.status != 201:
                break
            rooms.append(Room(server, reply.json()["code"], reply.json()["teacher_token"]))
            assert len(rooms) <= 6
        assert len(rooms) == 6 and reply.status == 503  # BACKPROP_CLASS_MAX=6
        assert reply.headers["retry-after"] == "1" and reply.json()["error"]["kind"] == "busy"
        await rooms[0].end()
        reply = await call(server, "POST", "/api/classes")
        assert reply.status == 201  # ending one frees its place
        rooms[0] = Room(server, reply.json()["code"], reply.json()["teacher_token"])
        for room in rooms:
            assert await room.end() == 204

    run(scenario())
