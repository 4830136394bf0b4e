"""One long-lived `dot -Tsvg`, fed one graph after another on its standard input.

dot reads a stream of graphs and writes one complete SVG document, ending in `</svg>\\n`, for
each, so the ~15 ms it takes to load itself is paid once per process instead of once per graph.
Each exchange is bounded: the graph is written and the SVG read through poll() under a deadline,
and stderr is read as it comes, so no pipe can fill and block either side. dot prefixes its
errors with "Error"; a graph that draws one, a process that exits, passes the deadline or writes
what cannot be read, is killed and reaped, and the next graph starts a new process.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import select
import shutil
import subprocess
import threading
import time

from engine.picture.errors import MISSING, DrawTimeout, GraphvizMissing, PictureError, failure_message, timeout_message

SVG_END = b"</svg>\n"  # how dot ends each SVG document
ERROR_LINE = re.compile(rb"^Error.*\n", re.MULTILINE)  # a complete error line; warnings do not fail a picture
READ_BYTES = 65_536  # per read from a pipe
MAX_MESSAGE_BYTES = 65_536  # of dot's messages kept per graph; the first line is the one shown
VERSION_TIMEOUT = 5.0  # seconds for `dot -V`
# dot keeps 0.6-0.9 bytes of memory for every byte of DOT text it reads (Graphviz 2.43, measured), so
# a process is replaced after this much text: at most ~20 MB of growth, a new process per ~5,000 neurons.
RECYCLE_BYTES = 20_000_000


def find_dot() -> str | None:
    """The path of Graphviz's dot, or None when it is not installed."""
    return shutil.which("dot")


def graphviz_version() -> str:
    """Graphviz's version, read once per dot program; raises PictureError with the reason it cannot be read."""
    dot = find_dot()
    if dot is None:
        raise GraphvizMissing(MISSING)
    return _read_version(dot)


@functools.lru_cache(maxsize=4)  # only answers are cached: a failure is asked again next time
def _read_version(dot: str) -> str:
    try:
        result = subprocess.run([dot, "-V"], capture_output=True, timeout=VERSION_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PictureError(f"dot -V did not answer within {VERSION_TIMEOUT:g} s") from None
    except OSError as error:
        raise PictureError(f"dot -V could not be run: {error.strerror}") from None
    text = result.stderr.decode("utf-8", "replace").strip()
    number = re.search(r"version (\S+)", text)
    if result.returncode != 0 or number is None:
        raise PictureError(f"dot -V failed: {text}")
    return number.group(1)


CLUSTER = re.compile(r"\bsubgraph\s+\"?cluster")


class DotProcess:
    """One `dot -Tsvg` drawing graph after graph, started on first use and replaced whenever it fails."""

    def __init__(self, recycle_bytes: int = RECYCLE_BYTES) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()  # one graph at a time
        self.closed = False
        self.starts = 0  # processes started, for tests and benchmarks
        self.recycle_bytes = recycle_bytes
        self.read_bytes = 0  # DOT text the running process has read

    @property
    def pid(self) -> int | None:
        """The running dot's process id, if one runs."""
        process = self.process
        return process.pid if process is not None and process.returncode is None else None

    def render(self, source: str, timeout: float) -> str:
        """The SVG dot draws for one DOT text within `timeout` seconds; raises DrawTimeout or PictureError.

        A graph with clusters is drawn by a process that has drawn nothing before: Graphviz 2.43 orders
        clusters by where their names lie in its memory, so a process that drew other graphs first can
        lay the same clusters out otherwise, and workers would disagree on a layout.
        """
        deadline = time.monotonic() + timeout
        data = source.encode() + b"\n"  # dot parses a graph once the line after its `}` has begun
        clusters = CLUSTER.search(source) is not None
        with self.lock:
            try:
                process = self.process
                if process is not None and process.poll() is None and not (clusters and self.read_bytes):
                    _pending_messages(process)  # left over from the last graph: not this one's
                else:
                    process = self._start()
                svg = _exchange(process, data, deadline, timeout)
                self.read_bytes += len(data)
                if (clusters or self.read_bytes >= self.recycle_bytes) and not self.closed:
                    with contextlib.suppress(PictureError):  # the next graph would say why
                        self._start()  # a fresh process for the next graph, loading while this one is idle
                return svg
            except BaseException:
                self._stop()
                raise
            finally:
                if self.closed:
                    self._stop()

    def close(self) -> None:
        """Kill and reap the process; a drawing in progress ends at once with an error."""
        self.closed = True
        process = self.process
        if process is not None and process.poll() is None:
            process.kill()
        if self.lock.acquire(blocking=False):  # else the drawing thread reaps it on its way out
            try:
                self._stop()
            finally:
                self.lock.release()

    def __del__(self) -> None:
        self.close()  # a process dropped without close(), as a test's may be: no dot and no pipe left open

    def _start(self) -> subprocess.Popen[bytes]:
        self._stop()  # reaps one that exited
        if self.closed:
            raise PictureError("Graphviz is shutting down")
        dot = find_dot()
        if dot is None:
            raise GraphvizMissing(MISSING)
        try:
            process = subprocess.Popen(
                [dot, "-Tsvg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except FileNotFoundError:
            raise GraphvizMissing(MISSING) from None
        except OSError as error:
            raise PictureError(f"Graphviz could not be started ({error.strerror})") from None
        os.set_blocking(_pipes(process)[0], False)  # the graph is written under the deadline too
        self.process = process
        self.starts += 1
        self.read_bytes = 0
        return process

    def _stop(self) -> None:
        """Kill the process if it runs, reap it (no zombie) and close its pipes."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()  # after SIGKILL, at once
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _exchange(process: subprocess.Popen[bytes], data: bytes, deadline: float, timeout: float) -> str:
    """Write one graph and read its SVG; dot's stderr is read meanwhile so that it never blocks."""
    stdin, stdout, stderr = _pipes(process)
    poller = select.poll()
    poller.register(stdin, select.POLLOUT)
    poller.register(stdout, select.POLLIN)
    poller.register(stderr, select.POLLIN)
    output, messages, sent = bytearray(), bytearray(), 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DrawTimeout(timeout_message(timeout))
        for fd, _ in poller.poll(remaining * 1000):
            if fd == stdin:
                try:
                    sent += os.write(stdin, data[sent : sent + READ_BYTES])
                except BlockingIOError:
                    continue
                except OSError:  # dot closed its input: it is exiting, and its output says why
                    sent = len(data)
                if sent == len(data):
                    poller.unregister(stdin)
            elif fd == stderr:
                chunk = os.read(stderr, READ_BYTES)
                if not chunk:
                    poller.unregister(stderr)
                messages += chunk[: MAX_MESSAGE_BYTES - len(messages)]
                if ERROR_LINE.search(messages):
                    raise PictureError(failure_message(_first_line(messages)))
            else:
                chunk = os.read(stdout, READ_BYTES)
                if not chunk:
                    raise PictureError(failure_message(_exit_reason(process, messages, deadline)))
                searched = max(0, len(output) - len(SVG_END))
                output += chunk
                end = output.find(SVG_END, searched)
                if end >= 0:
                    return _finish(process, bytes(output), end + len(SVG_END), messages)


def _finish(process: subprocess.Popen[bytes], output: bytes, end: int, messages: bytearray) -> str:
    """The SVG read, once dot's messages written before it are checked for an error."""
    if end != len(output):
        raise PictureError(failure_message("it wrote more than one picture for one graph"))
    messages += _pending_messages(process)
    if ERROR_LINE.search(messages):
        raise PictureError(failure_message(_first_line(messages)))
    try:
        return output.decode("utf-8")
    except UnicodeDecodeError:
        raise PictureError(failure_message("its picture is not UTF-8")) from None


def _pending_messages(process: subprocess.Popen[bytes]) -> bytes:
    """What dot has written to stderr and not yet been read, without waiting."""
    stderr = _pipes(process)[2]
    read = b""
    while _readable(stderr, 0) and len(read) < MAX_MESSAGE_BYTES:
        chunk = os.read(stderr, READ_BYTES)
        if not chunk:
            break
        read += chunk
    return read


def _exit_reason(process: subprocess.Popen[bytes], messages: bytearray, deadline: float) -> str | int | None:
    """Why dot closed its output: its first message, read until it exits, or its exit status."""
    stderr = _pipes(process)[2]
    while len(messages) < MAX_MESSAGE_BYTES:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not _readable(stderr, remaining):
            break
        chunk = os.read(stderr, READ_BYTES)
        if not chunk:
            break
        messages += chunk
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(max(0.0, deadline - time.monotonic()))
    return _first_line(messages) or process.returncode


def _readable(fd: int, timeout: float) -> bool:
    """Whether `fd` has data or its end within `timeout` seconds (poll: descriptors past 1,024 are fine)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def _pipes(process: subprocess.Popen[bytes]) -> tuple[int, int, int]:
    """The descriptors of dot's stdin, stdout and stderr."""
    if process.stdin is None or process.stdout is None or process.stderr is None:
        raise PictureError("dot was started without its pipes")
    return process.stdin.fileno(), process.stdout.fileno(), process.stderr.fileno()


def _first_line(messages: bytes | bytearray) -> str:
    lines = bytes(messages).decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else ""
