"""What crosses the jail's sockets: the run's limits, and frames of JSON with a length in front; never pickle.

A frame is a 4-byte big-endian length, then that many bytes: the 4-byte length of its JSON, the
JSON (compact, ASCII, NaN and infinities allowed so that every float survives), and the raw bytes
that JSON names (a value's `bytes`, sent as `{"$bytes": [offset, length]}`: the recorder's arrays
travel as they are, not as text). The client writes the request frame and reads
the result frame on the run's own socket; the parent writes the status frame on the run's status
socket once it has reaped the child. The child holds no socket but its own, so nothing it writes
can pass for the parent's status, and a result cut short by a kill cannot garble the status.
The control socket carries one JSON object per SOCK_SEQPACKET record: the parent's {"ready": pid}
or {"error": why} once, then the client's orders.
"""

from __future__ import annotations

import json
import math
import os
import select
import socket
import struct
import time
from dataclasses import asdict, dataclass
from typing import Any

HEADER = struct.Struct(">I")  # a frame's length in bytes, big-endian
MAX_REQUEST_BYTES = 64 * 2**20  # of one request frame
MAX_RESULT_BYTES = 64 * 2**20  # of one result frame; a child's larger result is a failure
MAX_STATUS_BYTES = 4_096  # of one status frame
MAX_ORDER_BYTES = 4_096  # of one order on the control channel
READ_BYTES = 1 << 20  # per read from a socket
DROP_BYTES = 65_536  # per read of what a child wrote after its frame
READABLE = select.POLLIN | select.POLLERR | select.POLLHUP  # poll events after which a read does not block
RAW = "$bytes"  # the JSON object {RAW: [offset, length]} stands for bytes after the frame's JSON


class ProtocolError(Exception):
    """A frame that is too large, cut short, or not a JSON object."""


@dataclass(frozen=True)
class JailLimits:
    """What one run may cost: its deadline, processor time, added memory and stack."""

    wall_seconds: float  # the deadline: the child's SIGALRM raises Deadline("wall")
    cpu_seconds: float  # RLIMIT_CPU, rounded up to whole seconds; SIGXCPU raises Deadline("cpu")
    memory_bytes: int  # address space the program may add to the child's own at fork
    stack_bytes: int  # RLIMIT_STACK of the child's main thread
    grace_seconds: float = 0.5  # past the deadline before the parent kills the child
    nice_after_seconds: float = 0.05  # a run still going after this lowers its priority

    @property
    def cpu_limit(self) -> int:
        """The whole seconds of RLIMIT_CPU's soft limit."""
        return max(1, math.ceil(self.cpu_seconds))


def encode_order(limits: JailLimits, probe: bool = False) -> bytes:
    """The control message for one run: its limits, and whether it is a trial run of the jail itself."""
    return json.dumps({"limits": asdict(limits), "probe": probe}, separators=(",", ":")).encode()


def decode_order(data: bytes) -> tuple[JailLimits, bool]:
    """The limits and probe flag of a control message; raises ProtocolError when it is not one."""
    try:
        order = json.loads(data)
        fields = order["limits"]
        limits = JailLimits(
            wall_seconds=float(fields["wall_seconds"]),
            cpu_seconds=float(fields["cpu_seconds"]),
            memory_bytes=int(fields["memory_bytes"]),
            stack_bytes=int(fields["stack_bytes"]),
            grace_seconds=float(fields["grace_seconds"]),
            nice_after_seconds=float(fields["nice_after_seconds"]),
        )
        return limits, bool(order["probe"])
    except (ValueError, TypeError, KeyError) as error:
        raise ProtocolError(f"not a run order: {error}") from None


def encode_frame(value: dict[str, Any]) -> bytes:
    """One frame holding `value`, its `bytes` sent raw after its JSON; raises TypeError or ValueError for what
    neither can hold."""
    raw: list[bytes] = []
    size = 0

    def named(item: object) -> dict[str, list[int]]:
        nonlocal size
        if type(item) is not bytes:
            raise TypeError(f"Object of type {type(item).__name__} is not JSON serializable")
        raw.append(item)
        size += len(item)
        return {RAW: [size - len(item), len(item)]}

    text = json.dumps(value, separators=(",", ":"), allow_nan=True, default=named).encode("ascii")
    length = HEADER.size + len(text) + size
    if length >= 2**32:
        raise ValueError(f"a frame of {length} bytes is too large to send")
    return b"".join([HEADER.pack(length), HEADER.pack(len(text)), text, *raw])


def decode_body(data: bytes | bytearray) -> dict[str, Any]:
    """The JSON object a frame's body holds, its `bytes` included; raises ProtocolError otherwise."""
    try:
        (size,) = HEADER.unpack_from(data)
        if HEADER.size + size > len(data):
            raise ValueError(f"a JSON of {size} bytes in a body of {len(data)}")
        raw = memoryview(data)[HEADER.size + size :]

        def bytes_of(item: dict[str, Any]) -> Any:
            if len(item) != 1 or RAW not in item:
                return item
            offset, length = item[RAW]
            if type(offset) is not int or type(length) is not int or not 0 <= offset <= offset + length <= len(raw):
                raise ValueError(f"bytes out of the frame: {item[RAW]}")
            return bytes(raw[offset : offset + length])

        value = json.loads(data[HEADER.size : HEADER.size + size], object_hook=bytes_of)
    except (struct.error, ValueError, TypeError, RecursionError) as error:
        raise ProtocolError(f"not a frame: {error}") from None
    if not isinstance(value, dict):
        raise ProtocolError(f"a JSON {type(value).__name__}, not an object")
    return value


class FrameReader:
    """One frame, read straight into its own buffer: the header, then a body of the length it gives."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buffer = bytearray(HEADER.size)
        self.filled = 0  # bytes of the buffer read so far
        self.length: int | None = None  # the body's, once the header is read

    def space(self) -> memoryview:
        """Where the next bytes read go: the rest of the header or of the body, grown as the body comes."""
        if self.length is not None and self.filled == len(self.buffer) < self.length:
            self.buffer.extend(bytes(min(len(self.buffer), self.length - len(self.buffer))))  # doubling
        return memoryview(self.buffer)[self.filled :]

    def advance(self, count: int) -> bool:
        """Count `count` bytes read into space(); True once the frame is whole. Raises ProtocolError for a
        frame over the limit."""
        self.filled += count
        if self.length is None and self.filled == HEADER.size:
            (self.length,) = HEADER.unpack(self.buffer)
            if self.length > self.limit:
                raise ProtocolError(f"a frame of {self.length} bytes, over the limit of {self.limit}")
            self.buffer, self.filled = bytearray(min(self.length, READ_BYTES)), 0
        return self.length is not None and self.filled == self.length

    def decode(self) -> dict[str, Any]:
        """The JSON object of a whole frame."""
        return decode_body(self.buffer)


def read_frame(fd: int, limit: int) -> dict[str, Any]:
    """Read one frame from a blocking descriptor; raises ProtocolError if it ends first or is too long."""
    reader = FrameReader(limit)
    while True:
        count = os.readv(fd, [reader.space()])
        if not count:
            raise ProtocolError("the frame was cut short")
        if reader.advance(count):
            return reader.decode()


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to a blocking descriptor."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[:READ_BYTES]) :]


@dataclass
class Exchange:
    """What one run's two sockets said, as the client read them."""

    message: dict[str, Any] | None = None  # the target's return value
    failure: str | None = None  # the child's: "wall", "cpu", "memory", "result", "request"; or "garbled"
    unavailable: str | None = None  # why the child could not be walled in
    status: dict[str, Any] | None = None  # the parent's: exit, signal, killed, cpu_seconds, max_rss_kib
    pid: int | None = None  # the child's, as its frame says
    late: bool = False  # no status by the client's own deadline
    lost: bool = False  # the status socket closed with no status: the parent died

    @property
    def settled(self) -> bool:
        """Whether the child's frame has come: a message, a failure, or why it could not be walled in."""
        return self.message is not None or self.failure is not None or self.unavailable is not None

    @property
    def timed_out(self) -> bool:
        """Whether the child was killed at its hard deadline, or the parent never answered."""
        return self.late or (self.status or {}).get("killed") == "deadline"


def exchange(run_socket: socket.socket, status_socket: socket.socket, request: bytes, deadline: float) -> Exchange:
    """Write the request frame to the child; read its result frame, and unless it holds the target's message, the
    parent's status frame (how the child ended explains a run without one), by `deadline`."""
    run_socket.setblocking(False)
    status_socket.setblocking(False)
    run_fd, status_fd = run_socket.fileno(), status_socket.fileno()
    poller = select.poll()
    poller.register(run_fd, select.POLLIN | select.POLLOUT)
    poller.register(status_fd, select.POLLIN)
    result, status = FrameReader(MAX_RESULT_BYTES), FrameReader(MAX_STATUS_BYTES)
    done, sent, reading = Exchange(), 0, True
    while done.status is None and not done.lost and done.message is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            done.late = True
            break
        for fd, event in poller.poll(remaining * 1000):
            if fd == status_fd:
                count = _receive(status_socket, status.space())
                try:
                    if count and status.advance(count):
                        done.status = status.decode()
                except ProtocolError:
                    count = 0
                done.lost = count == 0
                continue
            if sent < len(request) and event & (select.POLLOUT | select.POLLERR | select.POLLHUP):
                try:
                    sent += run_socket.send(request[sent : sent + READ_BYTES], socket.MSG_NOSIGNAL)
                except BlockingIOError:
                    pass
                except OSError:  # the child closed its end: it is ending, and its status will say why
                    sent = len(request)
                if sent == len(request):
                    poller.modify(run_fd, select.POLLIN)
            if event & READABLE and _read_result(run_socket, result, done) == 0:
                reading = False
                poller.unregister(run_fd)
    while reading and done.status is not None and _read_result(run_socket, result, done):
        pass  # the child has been reaped: the rest of what it wrote is waiting
    return done


def _read_result(run_socket: socket.socket, result: FrameReader, done: Exchange) -> int | None:
    """Read what the child wrote, settling `done` once its frame is whole; the bytes read, 0 when nothing more
    is to be read, None when nothing is ready."""
    if done.settled:
        return _receive(run_socket, memoryview(bytearray(DROP_BYTES)))  # past the frame: dropped, never blocking
    count = _receive(run_socket, result.space())
    if not count:
        return count
    try:
        if result.advance(count):
            _settle(result.decode(), done)
    except ProtocolError:
        done.failure = "result" if result.length is not None and result.length > result.limit else "garbled"
        run_socket.shutdown(socket.SHUT_RD)  # the child's writes fail from here: it ends now
        return 0
    return count


def _settle(frame: dict[str, Any], done: Exchange) -> None:
    """Record the child's result frame: a message, a failure, or why it could not be walled in."""
    done.pid = frame["pid"] if isinstance(frame.get("pid"), int) else None
    if isinstance(frame.get("message"), dict):
        done.message = frame["message"]
    elif isinstance(frame.get("failure"), str):
        done.failure = frame["failure"]
    elif isinstance(frame.get("unavailable"), str):
        done.unavailable = frame["unavailable"]
    else:
        done.failure = "garbled"


def _receive(sock: socket.socket, space: memoryview) -> int | None:
    """Read what a non-blocking socket has into `space`: the count, 0 at its end, None when nothing is ready."""
    try:
        return sock.recv_into(space)
    except BlockingIOError:
        return None
    except OSError:  # reset by a peer that died
        return 0
