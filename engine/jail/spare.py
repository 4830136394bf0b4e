"""The prepared parent's spare: a child forked ahead of the next order, so that a run does not wait for its fork.

The spare runs the server's warm-up request (engine/jail/child.py, run_spare), says it is ready on a
channel of its own and waits there, holding no other descriptor of the parent's. The parent hands
it the next order with the run's socket and forks the next spare while the run goes on. An order
that finds no spare ready (still warming up, or dead) gets a child forked for it, as does every
order once a spare has died before it was ready: that parent makes no more spares.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket

from engine.jail.child import Prepared, run_spare


class Spare:
    """At most one child forked ahead, the parent's end of its channel, and whether it has said it is ready."""

    def __init__(self, control: socket.socket, prepared: Prepared, poller: select.poll) -> None:
        self.control = control  # the parent's control socket: the spare's copy is closed, never used
        self.prepared = prepared
        self.poller = poller  # the parent's: it hears the spare say it is ready
        self.pid: int | None = None
        self.channel = -1
        self.ready = False
        self.working = True  # until a spare dies before it is ready

    def fork(self) -> None:
        """Fork a spare, if there is none and spares work here."""
        if self.pid is not None or not self.working:
            return
        try:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            ours.close()
            theirs.close()
            return
        if pid == 0:
            try:
                self.control.detach()  # the child's copies are closed with every other descriptor; never twice
                ours.detach()
                run_spare(self.prepared, theirs.detach())
            finally:
                os._exit(1)
        theirs.close()
        self.pid, self.channel, self.ready = pid, ours.detach(), False
        self.poller.register(self.channel, select.POLLIN)

    def heard(self) -> None:
        """Its channel is readable: its word that it is ready, or the channel's end (it died before it was)."""
        self.poller.unregister(self.channel)
        try:
            self.ready = bool(os.read(self.channel, 16))
        except OSError:
            self.ready = False
        if not self.ready:
            self.working = False
            self.close()

    def hand_over(self, order: bytes, run_fd: int) -> int | None:
        """Give the spare an order and its run's socket; its pid, or None when none is ready (a run does not wait
        for a warm-up: a child forked for it starts sooner) or it has died (reaped as any child, no run's)."""
        if self.pid is None or not self.ready:
            return None
        pid, channel = self.pid, socket.socket(fileno=self.channel)
        self.pid, self.channel = None, -1
        try:
            socket.send_fds(channel, [order], [run_fd])
        except OSError:
            return None
        finally:
            channel.close()
        return pid

    def close(self) -> None:
        """Close the channel: a spare still waiting reads its end and exits."""
        if self.pid is None:
            return
        if not self.ready:
            with contextlib.suppress(KeyError):
                self.poller.unregister(self.channel)
        with contextlib.suppress(OSError):
            os.close(self.channel)
        self.pid, self.channel = None, -1
