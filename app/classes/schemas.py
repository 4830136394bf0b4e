"""Request and response models of classes (shared/API.md, "Classes: a teacher's live session")."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import Collapse, Finite, PassIndex, Text, ViewIndex

StudentId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]  # random, made and kept by the browser
QuestionId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class ClassCreated(BaseModel):
    """A new class: its code, the teacher's token (send it as `Authorization: Bearer <token>`), where students
    join, and a QR code of that address."""

    code: str
    teacher_token: str
    join_url: str
    qr_svg: str


class ClassState(BaseModel):
    """The teacher's page as its share link holds it; every follower's page shows the same."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    source: Text
    overrides: dict[Text, Finite] = {}
    pass_index: PassIndex = None
    view: ViewIndex = None
    position: Annotated[int, Field(ge=0, le=100_000_000)] = 0
    collapse: Collapse = "auto"
    quiz: bool = False


class QuestionRequest(BaseModel):
    """Ask every follower for `node`'s grad at the teacher's step. `answer`, when the teacher's page sends it,
    is the right grad: the tally counts the answers within quiz mode's tolerance of it, and `reveal` shows it."""

    node: Annotated[str, Field(min_length=1, max_length=200)]
    prompt: Text
    answer: Finite | None = None


class QuestionCreated(BaseModel):
    id: str


class AnswerRequest(BaseModel):
    """One student's answer to a question; a later one replaces it."""

    question: QuestionId
    student: StudentId
    answer: Finite


class Bin(BaseModel):
    value: float
    count: int


class Tally(BaseModel):
    """Answers so far: how many, how many right, grouped by value to 4 decimals (most common first), and how many
    students follow the class now."""

    answers: int
    right: int
    bins: list[Bin]
    students: int
