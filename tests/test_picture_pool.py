"""The pool of dot processes: bounded, started on demand, and leaving no process behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine.examples import EXAMPLES
from engine.picture import DotPool, PictureError, dot_source
from engine.steps import explore
from tests.test_picture_process import flat

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
MLP = flat(next(example.source for example in EXAMPLES if example.id == "mlp-loss"))  # one process draws it again
SMALL = dot_source(explore("a = 2.0\nb = a * 3.0"))


def dot_children() -> set[int]:
    """The dot processes this test process started (children of any of its threads)."""
    children: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                if Path(f"/proc/{pid}/comm").read_text().strip() == "dot":
                    children.add(int(pid))
            except OSError:
                continue
    return children


def test_drawings_at_once_never_outnumber_the_processes() -> None:
    pool = DotPool(2)
    lock = threading.Lock()
    drawing, most, pids = 0, 0, set()

    def draw() -> None:
        nonlocal drawing, most
        dot = pool.acquire(30)
        assert dot is not None
        try:
            with lock:
                drawing += 1
                most = max(most, drawing)
            dot.render(MLP, 30)
            pids.add(dot.pid)
            with lock:
                drawing -= 1
        finally:
            pool.release(dot)

    threads = [threading.Thread(target=draw) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert most == 2 and len(pids) == 2 and pool.starts() == 2
    pool.close()


def test_a_drawing_finds_no_process_free_within_its_wait() -> None:
    pool = DotPool(1)
    held = pool.acquire(0)
    assert held is not None
    start = time.perf_counter()
    assert pool.acquire(0.2) is None
    assert 0.2 <= time.perf_counter() - start < 1.0
    pool.release(held)
    assert pool.acquire(0) is held
    pool.close()


def test_one_drawing_at_a_time_reuses_one_warm_process() -> None:
    pool = DotPool(4)
    for _ in range(5):
        dot = pool.acquire(1)
        assert dot is not None
        dot.render(SMALL, 10)
        pool.release(dot)
    assert pool.starts() == 1 and len(pool.pids()) == 1
    pool.close()


def test_closing_the_pool_leaves_no_dot_process() -> None:
    before = dot_children()
    pool = DotPool(2)
    first, second = pool.acquire(1), pool.acquire(1)
    assert first is not None and second is not None
    first.render(SMALL, 10)
    second.render(SMALL, 10)
    pids = set(pool.pids())
    assert len(pids) == 2 and pids <= dot_children()
    pool.close()
    assert dot_children() == before
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)  # killed and reaped: no zombie


def test_closing_the_pool_mid_drawing_ends_it_with_an_error() -> None:
    pool = DotPool(1)
    dot = pool.acquire(1)
    assert dot is not None
    dot.render(SMALL, 10)
    pid = dot.pid
    errors: list[str] = []

    def draw() -> None:
        try:
            dot.render(MLP, 30)
        except PictureError as error:
            errors.append(str(error))

    worker = threading.Thread(target=draw)
    worker.start()
    time.sleep(0.05)
    pool.close()
    worker.join(10)
    assert len(errors) == 1 and "Graphviz" in errors[0]
    assert not Path(f"/proc/{pid}").exists() and dot.pid is None


def test_a_pool_left_open_is_closed_when_the_interpreter_exits(tmp_path: Path) -> None:
    # This dot outlives its input: only a kill from the exiting interpreter ends it in time.
    script = tmp_path / "dot"
    script.write_text(f'#!/bin/sh\n{shutil.which("dot")} "$@"\nexec /bin/sleep 30\n')
    script.chmod(0o755)
    program = (
        "from engine.picture import DotPool\n"
        "pool = DotPool(2)\n"
        "dot = pool.acquire(1)\n"
        "dot.render('digraph { a -> b }', 10)\n"
        "print(dot.pid, flush=True)\n"
    )
    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=root, env=environment, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert not Path(f"/proc/{int(result.stdout)}").exists()
