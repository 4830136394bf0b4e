"""One long-lived dot: graph after graph as a fresh dot draws them, and every way it can fail handled per graph."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.api import random_dag_source
from engine.examples import EXAMPLES
from engine.picture import (
    LOW_EFFORT,
    DotProcess,
    DrawTimeout,
    GraphvizMissing,
    PictureError,
    dot_source,
    graphviz_version,
    make_view,
    render_template,
    with_graph_attributes,
)
from engine.picture.template import make_template
from engine.steps import explore
from tests.programs import LECTURE_L

REAL_DOT = shutil.which("dot") or "dot"
pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
MLP = next(example.source for example in EXAMPLES if example.id == "mlp-loss")
NEURON = next(example.source for example in EXAMPLES if example.id == "neuron")
SMALL = dot_source(explore("a = 2.0\nb = a * 3.0"))


def fake_dot(folder: Path, first_run: str) -> str:
    """A folder holding a `dot` whose first run does `first_run` and whose later runs are the real dot; as a PATH."""
    folder.mkdir(exist_ok=True)
    script = folder / "dot"
    first = f'if /bin/mkdir "{folder}/ran" 2>/dev/null; then\n{first_run}\nfi\n'
    script.write_text(f'#!/bin/sh\n{first}exec {REAL_DOT} "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(folder)


def gone(pid: int) -> bool:
    """Whether no process, not even a zombie, has this id."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def dot() -> Iterator[DotProcess]:
    process = DotProcess()
    yield process
    process.close()


def flat(program: str) -> str:
    """The DOT text of a program with no clusters."""
    graph = explore(program)
    return dot_source(graph, make_view(graph, [], max_depth=0))


def test_many_graphs_through_one_dot_give_the_templates_of_a_fresh_dot(dot: DotProcess) -> None:
    sources = [flat(program) for program in (LECTURE_L, NEURON, MLP, "a = Value(1.0, label='<b>&')")]
    sources.append(with_graph_attributes(flat(MLP), LOW_EFFORT))
    fresh = [render_template(source, timeout=30) for source in sources]
    for _ in range(2):
        assert [make_template(dot.render(source, 30)) for source in sources] == fresh
    assert dot.starts == 1


def test_a_graph_with_clusters_gets_a_fresh_dot_so_its_layout_is_that_of_any_other_worker(dot: DotProcess) -> None:
    sources = [dot_source(explore(program)) for program in (MLP, LECTURE_L, MLP, NEURON)]
    assert "subgraph cluster_" in sources[0] and "subgraph" not in sources[1]
    fresh = [render_template(source, timeout=30) for source in sources]
    assert [make_template(dot.render(source, 30)) for source in sources] == fresh
    # each graph with clusters is drawn by a process that drew nothing before, the next one started at once
    assert dot.starts == 4 and dot.pid is not None


def test_a_dot_killed_mid_graph_fails_that_graph_and_the_next_is_drawn(dot: DotProcess) -> None:
    dot.render(SMALL, 10)
    pid = dot.pid
    assert pid is not None
    big = dot_source(explore(random_dag_source(500)))  # seconds at dot's full effort
    failure: list[BaseException] = []

    def draw_big() -> None:
        try:
            dot.render(big, 30)
        except PictureError as error:
            failure.append(error)

    worker = threading.Thread(target=draw_big)
    worker.start()
    time.sleep(0.5)
    assert worker.is_alive()  # still working on the graph
    os.kill(pid, signal.SIGKILL)
    worker.join(10)
    assert [str(error) for error in failure] == ["Graphviz failed to draw this graph (-9)"]
    assert gone(pid)  # reaped: no zombie
    assert "<svg" in dot.render(SMALL, 10)
    assert dot.pid not in (None, pid) and dot.starts == 2


def test_a_hung_dot_is_killed_at_the_time_limit_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", f"echo $$ > {tmp_path}/pid; exec /bin/sleep 30"))
    dot = DotProcess()
    start = time.perf_counter()
    with pytest.raises(DrawTimeout, match=r"longer than 0\.5 s"):
        dot.render(SMALL, 0.5)
    assert time.perf_counter() - start < 1.5
    assert gone(int((tmp_path / "pid").read_text()))
    assert "<svg" in dot.render(SMALL, 10)
    dot.close()


def test_a_dot_that_crashes_on_a_graph_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crash = f"echo $$ > {tmp_path}/pid; read line; echo 'Error: out of memory' >&2; exit 3"
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", crash))
    dot = DotProcess()
    with pytest.raises(PictureError, match=r"^Graphviz failed to draw this graph \(Error: out of memory\)$"):
        dot.render(SMALL, 10)
    assert gone(int((tmp_path / "pid").read_text()))
    assert "<svg" in dot.render(SMALL, 10)
    dot.close()


def test_a_dot_that_exits_silently_reports_its_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", "read line; exit 7"))
    with pytest.raises(PictureError, match=r"\(7\)$"):
        render_template(SMALL, timeout=10)


def test_a_dot_writing_what_is_not_a_picture_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    garbage = "read line; printf '\\377\\376 not svg </svg>\\n'; exec /bin/sleep 30"
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", garbage))
    dot = DotProcess()
    with pytest.raises(PictureError, match="not UTF-8"):
        dot.render(SMALL, 10)
    assert "<svg" in dot.render(SMALL, 10) and dot.starts == 2
    dot.close()


def test_an_error_without_a_picture_fails_that_graph_at_once(dot: DotProcess) -> None:
    start = time.perf_counter()
    with pytest.raises(PictureError, match=r"\(Error: Layout type: \"nowhere\" not recognized"):
        dot.render('digraph { layout="nowhere"; a -> b }', 10)  # dot would fail every later graph too
    assert time.perf_counter() - start < 2
    assert "<svg" in dot.render(SMALL, 10) and dot.starts == 2


def test_a_syntax_error_ends_dot_and_the_next_graph_gets_a_new_one(dot: DotProcess) -> None:
    with pytest.raises(PictureError, match="syntax error"):
        dot.render("digraph { a -> }", 10)
    assert "<svg" in dot.render(SMALL, 10) and dot.starts == 2


def test_warnings_do_not_fail_a_picture(dot: DotProcess) -> None:
    assert "<svg" in dot.render('digraph { a [shape="no such shape"] }', 10)
    assert "<svg" in dot.render(SMALL, 10) and dot.starts == 1


def test_a_dot_that_never_reads_cannot_block_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", "exec /bin/sleep 30"))
    start = time.perf_counter()
    with pytest.raises(DrawTimeout):
        render_template("digraph { " + "a -> b; " * 200_000 + "}", timeout=0.5)  # far more than a pipe holds
    assert time.perf_counter() - start < 1.5


def test_a_missing_dot_says_so_and_one_installed_later_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dot = DotProcess()
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizMissing):
        dot.render(SMALL, 10)
    monkeypatch.setenv("PATH", str(Path(REAL_DOT).parent))
    assert "<svg" in dot.render(SMALL, 10)
    dot.close()


def test_a_dot_is_replaced_once_it_has_read_its_share_of_dot_text() -> None:
    dot = DotProcess(recycle_bytes=2 * len(SMALL))  # dot's memory grows with the text it reads
    dot.render(SMALL, 10)
    first = dot.pid
    assert first is not None
    dot.render(SMALL, 10)
    assert dot.pid not in (None, first) and gone(first)  # the next process is started at once
    dot.render(SMALL, 10)
    assert dot.starts == 2
    dot.close()


def test_close_kills_and_reaps_dot_and_later_drawings_fail(dot: DotProcess) -> None:
    dot.render(SMALL, 10)
    pid = dot.pid
    assert pid is not None
    dot.close()
    assert gone(pid) and dot.pid is None
    with pytest.raises(PictureError, match="shutting down"):
        dot.render(SMALL, 10)


def test_graphvizs_version_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "dot"
    script.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/runs\nexec {REAL_DOT} "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(folder))
    versions = {graphviz_version() for _ in range(3)}
    assert len(versions) == 1 and next(iter(versions))[0].isdigit()
    assert (tmp_path / "runs").read_text() == "-V\n"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GraphvizMissing):
        graphviz_version()
