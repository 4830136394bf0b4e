"""The app's drawing: one dot layout per structure, failures remembered, 503 when the queue is full, no dot left."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.pictures import Busy, Pictures
from app.settings import Settings
from engine.picture import PictureError
from engine.steps import explore
from tests.programs import LECTURE_L


def make_pictures(**overrides: float) -> Pictures:
    options: dict[str, float] = {"cache_size": 8, "concurrency": 1, "queue_depth": 4, "queue_wait": 5.0}
    options |= {"timeout": 5.0, "max_values": 100}
    options.update(overrides)
    return Pictures(**options)  # type: ignore[arg-type]


def test_new_numbers_in_a_known_structure_cost_no_dot_run() -> None:
    pictures = make_pictures()
    first = pictures.draw(explore(LECTURE_L))
    second = pictures.draw(explore(LECTURE_L, {"a": 5.0}))
    assert pictures.dot_runs == 1
    assert first != second and 'id="data-n0" class="data"' in second


def test_every_pass_of_a_training_loop_shares_one_layout_with_its_own_ids() -> None:
    source = (
        "w = Value(0.5)\nfor k in range(3):\n    loss = (w * 2.0 - 1.0)**2\n    w.grad = 0.0\n    loss.backward()\n"
        "    w.data += -0.1 * w.grad\n"
    )
    pictures = make_pictures()
    drawings = [pictures.draw(explore(source, pass_index=index)) for index in range(3)]
    assert pictures.dot_runs == 1
    for index, svg in enumerate(drawings):
        graph = explore(source, pass_index=index)
        assert f'<g id="node-{graph.output}" class="node">' in svg and f'id="data-{graph.output}"' in svg
        assert [f'id="node-{node.id}"' in svg for node in graph.nodes] == [True] * len(graph.nodes)
    assert drawings[0] != drawings[1]


def test_the_cache_keeps_at_most_its_size() -> None:
    pictures = make_pictures(cache_size=2)
    for k in range(4):
        pictures.draw(explore(f"a = 1.0\nb = a * {k + 2}.0\nc = b + a" + " + a" * k))
    assert len(pictures.cache) == 2


def test_a_structure_that_times_out_is_not_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    pictures = make_pictures()
    calls = []

    def slow(exploration: object, timeout: float, render: object, view: object) -> object:
        calls.append(exploration)
        raise PictureError("Graphviz took longer than 5 s to draw this graph")

    monkeypatch.setattr("app.pictures.layout", slow)
    for _ in range(3):
        with pytest.raises(PictureError):
            pictures.draw(explore(LECTURE_L))
    assert len(calls) == 1


@contextmanager
def dot_held_by_one_drawing(pictures: Pictures, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """While inside, one drawing occupies a dot process and never finishes."""
    release = threading.Event()
    started = threading.Event()

    def blocked(exploration: object, timeout: float, render: object, view: object) -> object:
        started.set()
        release.wait(5)
        raise PictureError("stopped")

    def draw_first() -> None:
        with pytest.raises(PictureError):
            pictures.draw(explore(LECTURE_L))

    monkeypatch.setattr("app.pictures.layout", blocked)
    worker = threading.Thread(target=draw_first)
    worker.start()
    started.wait(5)
    try:
        yield
    finally:
        release.set()
        worker.join(5)


def test_drawings_past_the_queue_depth_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pictures = make_pictures(queue_depth=1)
    with dot_held_by_one_drawing(pictures, monkeypatch), pytest.raises(Busy):
        pictures.draw(explore("x = 1.0\ny = x * 2.0"))


def test_drawings_that_wait_too_long_for_dot_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pictures = make_pictures(queue_wait=0.2)
    with dot_held_by_one_drawing(pictures, monkeypatch):
        start = time.perf_counter()
        with pytest.raises(Busy):
            pictures.draw(explore("x = 1.0\ny = x * 2.0"))
        assert 0.2 <= time.perf_counter() - start < 1.0


def test_busy_is_a_503_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(self: Pictures, exploration: object, view: object) -> object:
        raise Busy

    monkeypatch.setattr(Pictures, "_render", busy)
    with TestClient(create_app(Settings(retry_after=3))) as client:
        response = client.post("/api/graph", json={"source": LECTURE_L})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "3"
    assert response.json()["error"]["kind"] == "busy"


def test_the_apps_shutdown_stops_its_dot_processes() -> None:
    app = create_app(Settings())
    with TestClient(app) as client:
        assert client.post("/api/graph", json={"source": LECTURE_L}).json()["svg"]
        pids = app.state.pictures.pool.pids()
        assert len(pids) == 1  # one drawing at a time keeps to one process
    assert app.state.pictures.pool.pids() == []
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)  # killed and reaped
