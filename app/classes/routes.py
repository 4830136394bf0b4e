"""The classes' endpoints (shared/API.md, "Classes: a teacher's live session") and the students' `/c/<code>`."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from app.classes.broker import ClassError, Question, TooLarge, Unavailable, UnknownClass, tally
from app.classes.schemas import AnswerRequest, ClassCreated, ClassState, QuestionCreated, QuestionRequest, Tally
from app.classes.service import Classes, is_code, new_code, new_token, qr_svg, token_hash
from app.classes.stream import EventStream, Follower
from app.schemas import ErrorResponse, error_body

ERRORS: dict[int | str, dict[str, object]] = {
    403: {"model": ErrorResponse, "description": "The teacher's token is missing or wrong."},
    404: {"model": ErrorResponse, "description": "No class (or question) has this code: ended, expired or unknown."},
    413: {"model": ErrorResponse, "description": "The state or prompt is too large."},
    422: {"model": ErrorResponse, "description": "The request is not valid JSON of the right shape."},
    429: {"model": ErrorResponse, "description": "Too many answers from one student in a minute."},
    503: {"model": ErrorResponse, "description": "The class or the server is full, or classes need Redis."},
}
router = APIRouter(tags=["classes"], responses=ERRORS)
SCHEME = re.compile(r"https?")
HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")
PREFIX = re.compile(r"(/[A-Za-z0-9._~-]{1,64}){0,8}/?")


def get_classes(request: Request) -> Classes:
    classes: Classes = request.app.state.classes
    return classes


ClassesDep = Annotated[Classes, Depends(get_classes)]
Authorization = Annotated[str | None, Header()]


@contextmanager
def reachable(classes: Classes) -> Iterator[None]:
    """A store that does not answer is a 503, not a 500."""
    try:
        yield
    except classes.broker.failures as error:
        raise Unavailable(f"the class store does not answer ({type(error).__name__}): try again soon", 1) from None


async def teacher(classes: Classes, code: str, authorization: str | None) -> None:
    """UnknownClass, Forbidden, or the request is the teacher's (and the class's idle time starts again)."""
    if not is_code(code):
        raise UnknownClass
    scheme, _, token = (authorization or "").partition(" ")
    presented = token_hash(token.strip()) if scheme.lower() == "bearer" and token.strip() else ""
    await classes.broker.touch(code, presented or "-", time.time())


def forwarded(request: Request, name: str, pattern: re.Pattern[str]) -> str | None:
    value = request.headers.get(name, "").split(",")[0].strip()
    return value if pattern.fullmatch(value) else None


def public_origin(request: Request) -> str:
    """The address students reach this app at, ending in /: the request's own, or what a reverse proxy says in
    X-Forwarded-Proto, -Host and -Prefix. Only the teacher who sent them sees the QR code made from them."""
    base = request.base_url
    scheme = forwarded(request, "x-forwarded-proto", SCHEME) or base.scheme
    host = forwarded(request, "x-forwarded-host", HOST) or base.netloc
    prefix = forwarded(request, "x-forwarded-prefix", PREFIX)
    path = base.path if prefix is None else prefix.rstrip("/") + "/"
    return f"{scheme}://{host}{path}"


@router.post("/api/classes", status_code=201, response_model=ClassCreated)
async def create_class(request: Request, classes: ClassesDep) -> ClassCreated:
    """Start a class: a code for students, a token for the teacher, and a QR code of the students' address."""
    if classes.refused:
        raise Unavailable(classes.refused)
    token = new_token()
    with reachable(classes):
        broker = await classes.ready()
        for _ in range(20):
            code = new_code()
            if await broker.create(code, token_hash(token), time.time()):
                break
        else:
            raise Unavailable("no free class code was found: try again", 1)
    join_url = f"c/{code}"
    qr = qr_svg(f"{public_origin(request)}{join_url}")
    return ClassCreated(code=code, teacher_token=token, join_url=join_url, qr_svg=qr)


@router.put("/api/classes/{code}/state", status_code=204)
async def publish_state(
    code: str, state: ClassState, classes: ClassesDep, authorization: Authorization = None
) -> Response:
    """The teacher's page as it is now: every follower gets it."""
    limits = classes.limits
    if len(state.source) > limits.max_source_chars:
        raise TooLarge(f"the program is longer than {limits.max_source_chars:,} characters")
    data = json.dumps(state.model_dump(by_alias=True), separators=(",", ":"))
    if len(data) > limits.max_state_bytes:
        raise TooLarge(f"the state is larger than {limits.max_state_bytes:,} bytes")
    with reachable(classes):
        await teacher(classes, code, authorization)
        await classes.broker.publish(code, "state", data)
    return Response(status_code=204)


@router.get(
    "/api/classes/{code}/events",
    response_class=Response,
    responses={200: {"content": {"text/event-stream": {}}, "description": "state, question, reveal and closed."}},
)
async def follow(
    code: str, classes: ClassesDep, last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None
) -> Response:
    """The class as server-sent events: the state at once and on every change, questions, reveals, and closed."""
    if not is_code(code):
        raise UnknownClass
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() and len(last_event_id) < 16 else None
    follower = Follower(code, classes.limits.queue_events)
    with reachable(classes):
        broker = await classes.ready()
        await broker.join(code, follower.id, time.time())
        classes.hub.add(follower)
        try:
            snapshot = await broker.snapshot(code, after)
        except BaseException:
            classes.hub.remove(follower)
            await broker.leave(code, follower.id)
            raise
    return EventStream(follower, snapshot.events, classes.hub, broker, classes.limits)


@router.post("/api/classes/{code}/questions", status_code=201, response_model=QuestionCreated)
async def ask(
    code: str, body: QuestionRequest, classes: ClassesDep, authorization: Authorization = None
) -> QuestionCreated:
    """Ask every follower for a node's grad at the teacher's step."""
    if len(body.prompt) > classes.limits.max_prompt_chars:
        raise TooLarge(f"the prompt is longer than {classes.limits.max_prompt_chars} characters")
    question = Question(secrets.token_urlsafe(9), body.node, body.prompt, body.answer)
    with reachable(classes):
        await teacher(classes, code, authorization)
        await classes.broker.ask(code, question)
        await classes.broker.publish(code, "question", question.public(), question.id)
    return QuestionCreated(id=question.id)


@router.post("/api/classes/{code}/answers", status_code=204)
async def answer(code: str, body: AnswerRequest, classes: ClassesDep) -> Response:
    """A student's answer; a later one from the same student replaces it."""
    if not is_code(code):
        raise UnknownClass
    with reachable(classes):
        await classes.broker.answer(code, body.question, body.student, body.answer, time.time())
    return Response(status_code=204)


async def count(classes: Classes, code: str, question_id: str) -> tuple[Question, dict[str, object]]:
    question = await classes.broker.question(code, question_id)
    answers = await classes.broker.answers(code, question_id)
    return question, tally(answers, question.answer, await classes.broker.followers(code, time.time()))


@router.get("/api/classes/{code}/tally", response_model=Tally)
async def read_tally(
    code: str,
    classes: ClassesDep,
    question: Annotated[str, Query(max_length=32)],
    authorization: Authorization = None,
) -> JSONResponse:
    """The answers so far, grouped by value, and how many students follow now."""
    with reachable(classes):
        await teacher(classes, code, authorization)
        _, counted = await count(classes, code, question)
    return JSONResponse(counted)


@router.post("/api/classes/{code}/questions/{question_id}/reveal", status_code=204)
async def reveal(code: str, question_id: str, classes: ClassesDep, authorization: Authorization = None) -> Response:
    """Every follower gets the right answer and the tally."""
    with reachable(classes):
        await teacher(classes, code, authorization)
        question, counted = await count(classes, code, question_id)
        data = json.dumps({"id": question.id, "answer": question.answer, "tally": counted}, separators=(",", ":"))
        await classes.broker.publish(code, "reveal", data, question.id)
    return Response(status_code=204)


@router.delete("/api/classes/{code}", status_code=204)
async def end_class(code: str, classes: ClassesDep, authorization: Authorization = None) -> Response:
    """End the class: every follower gets `closed`."""
    with reachable(classes):
        await teacher(classes, code, authorization)
        await classes.broker.end(code)
    return Response(status_code=204)


@router.get("/c/{code}", include_in_schema=False)
def join_page(code: str) -> Response:
    """A student's way in (the QR code's address): the explorer, following the class."""
    code = code.strip().upper()
    if not is_code(code):
        return JSONResponse(error_body("class", "a class code is 6 letters and digits, such as K7Q2MX"), 404)
    return RedirectResponse(f"../?class={code}", status_code=303)


def install(app: FastAPI, classes: Classes) -> None:
    """Classes on this app: their state, routes and errors."""
    app.state.classes = classes
    app.include_router(router)

    async def class_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ClassError)
        retry = error.retry_after if error.retry_after is not None else (1 if error.status == 503 else None)
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return JSONResponse(error_body(error.kind, str(error)), status_code=error.status, headers=headers)

    app.add_exception_handler(ClassError, class_error)
