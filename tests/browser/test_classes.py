"""Class mode with two pages: a teacher's and a student's, each in its own browser context."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bench.client import ROOT, free_port, running_server
from bench.redis_server import running_redis
from tests.browser.conftest import screenshot
from tests.browser.helpers import Page, open_page, program_text, serious_violations, text, tid, wait_idle

pytestmark = pytest.mark.browser
SIZES = {"1440x900": (1440, 900), "1280x720": (1280, 720), "390x844": (390, 844)}


@pytest.fixture
def student(browser: Any, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.base_url = base_url
    yield page
    context.close()
    assert errors == [], errors


def start_class(teacher: Page, shot: str = "") -> str:
    open_page(teacher)
    teacher.click(tid("start-class"))
    teacher.wait_for_selector(f"{tid('class-code')}:not(:empty)")
    code = text(teacher, tid("class-code"))
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", code)
    box = teacher.locator(tid("class-qr")).bounding_box()
    viewport = teacher.viewport_size
    assert box is not None and box["height"] >= 0.65 * viewport["height"]  # read from the back of a room
    assert teacher.locator(f"{tid('class-qr')} svg").count() == 1
    if shot:
        screenshot(teacher, f"classes-teacher-qr-{shot}")
    teacher.click(tid("class-qr-size"))  # then the page, with a small QR code and the code in a strip
    small = teacher.locator(tid("class-qr")).bounding_box()
    assert small is not None and small["height"] < 120
    return code


def join(student: Page, code: str) -> None:
    student.goto(f"{student.base_url}/c/{code}")
    student.wait_for_selector("body[data-ready=true]")
    student.wait_for_selector(f"{tid('following')}:visible")


def same_as_teacher(teacher: Page, student: Page) -> None:
    """The student's page shows the teacher's program, pass and step."""
    for testid in ("phase", "output-value", "pass-info"):
        expected = text(teacher, tid(testid))
        student.wait_for_function(
            "([id, want]) => document.querySelector(`[data-testid=${id}]`).textContent.trim() === want",
            arg=[testid, expected],
        )
    assert program_text(student) == program_text(teacher)


def test_a_student_follows_the_teacher_s_steps_passes_and_groups(page: Page, student: Page) -> None:
    teacher = page
    code = start_class(teacher, shot="1400x900")
    assert text(teacher, tid("class-url")).endswith(f"/c/{code}")
    join(student, code)
    assert "class=" + code in student.url
    same_as_teacher(teacher, student)
    for _ in range(3):
        teacher.click(tid("step-forward"))
    same_as_teacher(teacher, student)
    teacher.click(tid("to-start"))
    same_as_teacher(teacher, student)
    teacher.select_option(tid("preset"), "lecture-training")
    wait_idle(teacher)
    same_as_teacher(teacher, student)
    teacher.click(tid("pass-prev"))
    wait_idle(teacher)
    same_as_teacher(teacher, student)
    teacher.click(tid("collapse-all"))
    wait_idle(teacher)
    same_as_teacher(teacher, student)
    boxes = "document.querySelectorAll('[data-testid=graph] [id^=group-]').length"
    student.wait_for_function(f"{boxes} === {teacher.evaluate(boxes)}")
    for name, (width, height) in SIZES.items():
        teacher.set_viewport_size({"width": width, "height": height})
        student.set_viewport_size({"width": width, "height": height})
        screenshot(teacher, f"classes-teacher-{name}")
        screenshot(student, f"classes-student-{name}")


def test_a_question_is_answered_tallied_and_revealed(page: Page, student: Page) -> None:
    teacher = page
    code = start_class(teacher)
    join(student, code)
    same_as_teacher(teacher, student)
    assert teacher.is_disabled(tid("ask"))  # at the end of the forward pass no backward step is next
    teacher.click(tid("step-forward"))  # the seed; the next step deposits into d and f
    teacher.wait_for_selector(f"{tid('ask')}:enabled")
    teacher.click(tid("ask"))
    student.wait_for_selector(f"{tid('class-student-question')}:visible")
    assert "What is d.grad after it?" in text(student, tid("class-question"))
    assert text(teacher, tid("class-question-asked")) == text(student, tid("class-question"))
    assert "asked" in str(student.get_attribute("g.node.asked", "class"))  # marked as quiz mode marks it
    student.fill(tid("class-answer"), "abc")
    student.click(tid("class-submit"))
    assert text(student, tid("class-hint")) == "Type a number, such as -1.5 or 0.25."
    student.fill(tid("class-answer"), "3")
    student.click(tid("class-submit"))
    student.fill(tid("class-answer"), "-2")  # a later answer replaces the first
    student.press(tid("class-answer"), "Enter")
    student.wait_for_function("document.querySelector('[data-testid=class-feedback]').textContent.includes('Sent: -2')")
    teacher.wait_for_function("document.querySelectorAll('[data-testid=class-tally] .tally-row').length === 1")
    assert text(teacher, f"{tid('class-tally')} .tally-value") == "-2.0000"
    assert text(teacher, tid("class-tally-summary")) == "1 of 1 following answered"
    screenshot(teacher, "classes-teacher-tally")
    teacher.click(tid("reveal"))
    student.wait_for_function("document.querySelector('[data-testid=class-feedback]').textContent.includes('Right')")
    assert text(student, tid("class-feedback")).startswith("Right: the grad is -2.0000.")
    assert student.is_disabled(tid("class-answer"))
    teacher.wait_for_selector(f"{tid('class-tally')} .tally-row.right")
    assert text(teacher, f"{tid('class-tally')} .tally-value") == "✓ -2.0000"
    assert "1 right (d.grad = -2.0000)" in text(teacher, tid("class-tally-summary"))
    screenshot(teacher, "classes-teacher-revealed")
    screenshot(student, "classes-student-revealed")
    assert serious_violations(teacher) == [], "the teacher's code, QR code and tally"
    assert serious_violations(student) == [], "a student's revealed question"
    for name, (width, height) in SIZES.items():
        teacher.set_viewport_size({"width": width, "height": height})
        student.set_viewport_size({"width": width, "height": height})
        screenshot(teacher, f"classes-teacher-tally-{name}")
        screenshot(student, f"classes-student-question-{name}")


def test_a_student_breaks_away_and_rejoins(page: Page, student: Page) -> None:
    teacher = page
    code = start_class(teacher)
    join(student, code)
    same_as_teacher(teacher, student)
    student.click(tid("break-away"))
    assert student.is_hidden(tid("following")) and student.is_visible(tid("rejoin"))
    student.click(tid("to-start"))
    teacher.click(tid("step-forward"))
    teacher.click(tid("step-forward"))
    teacher.wait_for_timeout(500)
    assert text(student, tid("phase")) != text(teacher, tid("phase"))  # the student explores alone
    student.click(tid("rejoin"))
    student.wait_for_selector(f"{tid('following')}:visible")
    same_as_teacher(teacher, student)
    teacher.click(tid("step-forward"))
    same_as_teacher(teacher, student)


def test_an_ended_class_says_so_and_leaves_the_student_s_page_usable(page: Page, student: Page) -> None:
    teacher = page
    code = start_class(teacher)
    join(student, code)
    same_as_teacher(teacher, student)
    teacher.click(tid("end-class"))
    student.wait_for_function("document.querySelector('[data-testid=class-status]').textContent.includes('ended')")
    assert text(student, tid("class-status")) == "The class has ended. The page is yours to explore."
    assert student.is_hidden(tid("following")) and "class=" not in student.url
    before = text(student, tid("phase"))
    student.click(tid("to-start"))
    assert text(student, tid("phase")) != before
    assert teacher.is_visible(tid("start-class")) and teacher.is_hidden(tid("class-teacher"))
    student.goto(f"{student.base_url}/c/{code}")  # the old code finds nothing now
    student.wait_for_function("document.querySelector('[data-testid=class-status]').textContent.includes('No class')")


def test_a_typed_code_joins_and_a_wrong_one_says_so(page: Page, student: Page) -> None:
    teacher = page
    code = start_class(teacher)
    open_page(student)
    student.fill(tid("join-code"), "O0I1L")
    student.click(tid("join"))
    assert text(student, tid("class-status")) == "A class code is 6 letters and digits, such as K7Q2MX."
    student.fill(tid("join-code"), code.lower())
    student.click(tid("join"))
    student.wait_for_selector(f"{tid('following')}:visible")
    same_as_teacher(teacher, student)


@contextmanager
def app_on(port: int, redis_url: str, prefix: str) -> Iterator[subprocess.Popen[bytes]]:
    """One worker on a chosen port, its classes in Redis: stopped and started again, it finds them there."""
    env = {**os.environ, "BACKPROP_PORT": str(port), "BACKPROP_WORKERS": "1", "BACKPROP_ACCESS_LOG": "false"}
    env.update(BACKPROP_REDIS_URL=redis_url, BACKPROP_REDIS_PREFIX=prefix)
    process = subprocess.Popen([sys.executable, "-m", "app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
                time.sleep(0.1)
        yield process
    finally:
        process.kill()
        process.wait(10)


def status_says(page: Page, words: str) -> None:
    page.wait_for_function(
        "words => document.querySelector('[data-testid=class-status]').textContent.includes(words)", arg=words
    )


def test_a_lost_connection_reconnects_by_itself_and_says_so(browser: Any) -> None:
    port = free_port()
    with running_redis() as redis_url:
        teacher_context, student_context = browser.new_context(), browser.new_context()
        teacher, student = teacher_context.new_page(), student_context.new_page()
        teacher.base_url = student.base_url = f"http://127.0.0.1:{port}"
        try:
            with app_on(port, redis_url, "reconnect"):
                code = start_class(teacher)
                join(student, code)
                same_as_teacher(teacher, student)
            status_says(student, "was lost: reconnecting")
            assert student.is_visible(tid("following"))
            screenshot(student, "classes-student-reconnecting")
            with app_on(port, redis_url, "reconnect"):
                status_says(student, f"Reconnected to class {code}.")
                teacher.click(tid("step-forward"))
                teacher.click(tid("step-forward"))
                same_as_teacher(teacher, student)
        finally:
            teacher_context.close()
            student_context.close()


def test_several_workers_without_redis_say_that_class_mode_needs_redis(browser: Any) -> None:
    with running_server(2) as port:
        context = browser.new_context()
        teacher = context.new_page()
        try:
            teacher.base_url = f"http://127.0.0.1:{port}"
            open_page(teacher)
            teacher.click(tid("start-class"))
            status_says(teacher, "Class mode needs Redis with several workers")
            assert teacher.is_hidden(tid("class-teacher"))
        finally:
            context.close()
