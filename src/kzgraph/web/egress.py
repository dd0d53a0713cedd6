"""Where requests leave the process: the thread that evaluates client-written SPARQL may
open a connection to the federation gateway and to nothing else.

pyoxigraph executes ``SERVICE`` and ``LOAD`` itself, with its own HTTP client (oxhttp):
it connects straight to the address in the IRI, honours no proxy setting, and offers no
service handler to Python. Reading the query text to decide what it will call is a
second parser that can disagree with the engine's, so the decision is taken where the
connection is made instead: the ``connect`` system call.

Every query and update from a client runs in one sandbox thread per process. Before it
runs anything, that thread installs a seccomp filter on itself (seccomp filters apply
per thread, and to threads it starts later) that

- hands every ``connect`` to a supervisor thread (seccomp user notification), which
  reads the destination address and lets the call proceed only for the gateway's own
  loopback address; anything else fails with EPERM before a packet is sent, so an open
  and a closed port look the same;
- refuses ``sendto`` with a destination address (UDP without connect, TCP Fast Open),
  ``sendmsg``/``sendmmsg`` (their destination cannot be checked by the filter) and
  ``io_uring_setup`` (io_uring would open sockets without these system calls).

DNS lookups need ``connect`` too, so a SERVICE naming a host fails at the lookup.
The supervisor reads the address from the sandbox thread's memory and then lets the
kernel re-read it (``SECCOMP_USER_NOTIF_FLAG_CONTINUE``); the man page's warning that
another thread could change it in between concerns code running in the process, which
a query cannot do.

Linux on x86-64 or aarch64 only. Where the filter cannot be installed the sandbox says
so (``active`` is False) and the caller refuses anything that could make a call.
"""

from __future__ import annotations

import ctypes
import errno
import ipaddress
import logging
import os
import platform
import queue
import socket
import struct
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

log = logging.getLogger("kzgraph.egress")
T = TypeVar("T")

# Deep nesting recurses in the engine's parser and evaluator: a large stack turns a
# crash into a refusal for anything under the query size limit.
SANDBOX_STACK_BYTES = 512 * 1024 * 1024

# Per architecture: (AUDIT_ARCH, seccomp, connect, sendto, sendmsg, sendmmsg, io_uring_setup)
_ARCHES = {
    "x86_64": (0xC000003E, 317, 42, 44, 46, 307, 425),
    "aarch64": (0xC00000B7, 277, 203, 206, 211, 269, 425),
}
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3
_RET_ALLOW = 0x7FFF0000
_RET_USER_NOTIF = 0x7FC00000
_RET_EPERM = 0x00050000 | errno.EPERM
_USER_NOTIF_FLAG_CONTINUE = 1
# ioctl numbers: _IOWR('!', 0, struct seccomp_notif), _IOWR('!', 1, struct seccomp_notif_resp),
# _IOW('!', 2, __u64)
_NOTIF_RECV = 0xC0502100
_NOTIF_SEND = 0xC0182101
_NOTIF_ID_VALID = 0x40082102


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


class _SeccompData(ctypes.Structure):
    _fields_ = [
        ("nr", ctypes.c_int),
        ("arch", ctypes.c_uint32),
        ("instruction_pointer", ctypes.c_uint64),
        ("args", ctypes.c_uint64 * 6),
    ]


class _Notif(ctypes.Structure):
    _fields_ = [
        ("id", ctypes.c_uint64),
        ("pid", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("data", _SeccompData),
    ]


class _NotifResp(ctypes.Structure):
    _fields_ = [
        ("id", ctypes.c_uint64),
        ("val", ctypes.c_int64),
        ("error", ctypes.c_int32),
        ("flags", ctypes.c_uint32),
    ]


def _filter_program(arch: str) -> list[tuple[int, int, int, int]]:
    """The BPF program: (code, jump-if-true, jump-if-false, k) instructions."""
    audit, _, connect, sendto, sendmsg, sendmmsg, io_uring = _ARCHES[arch]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    nr, arch_offset, arg4 = 0, 4, 16 + 4 * 8
    # Labels are resolved by counting: each jump skips to DENY, NOTIFY, CHECK or ALLOW.
    body: list[tuple[int, str | int, str | int, int]] = [
        (ld, 0, 0, arch_offset),
        (jeq, 0, "DENY", audit),
        (ld, 0, 0, nr),
        (jge, "DENY", 0, 0x40000000),  # x32 system calls on x86-64
        (jeq, "NOTIFY", 0, connect),
        (jeq, "DENY", 0, sendmsg),
        (jeq, "DENY", 0, sendmmsg),
        (jeq, "DENY", 0, io_uring),
        (jeq, "CHECK", "ALLOW", sendto),
    ]
    labels = {"CHECK": len(body)}
    body += [
        (ld, 0, 0, arg4),  # dest_addr, low word
        (jeq, 0, "DENY", 0),
        (ld, 0, 0, arg4 + 4),  # high word
        (jeq, "ALLOW", "DENY", 0),
    ]
    labels["ALLOW"] = len(body)
    body.append((ret, 0, 0, _RET_ALLOW))
    labels["DENY"] = len(body)
    body.append((ret, 0, 0, _RET_EPERM))
    labels["NOTIFY"] = len(body)
    body.append((ret, 0, 0, _RET_USER_NOTIF))
    program = []
    for index, (code, jt, jf, k) in enumerate(body):
        jt = labels[jt] - index - 1 if isinstance(jt, str) else jt
        jf = labels[jf] - index - 1 if isinstance(jf, str) else jf
        program.append((code, jt, jf, k))
    return program


class EgressSandbox:
    """One sandbox thread per process that runs work with ``call``; connections from it
    reach only the addresses given to ``allow``."""

    def __init__(self) -> None:
        self._allowed: set[tuple[bytes, int]] = set()
        self._pid = 0
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._active = False
        self.refused = 0  # connections refused so far in this process
        self.last_refused = ""

    def allow(self, host: str, port: int) -> None:
        """Let the sandbox connect to this IPv4 address and port (the gateway)."""
        self._allowed.add((ipaddress.IPv4Address(host).packed, port))

    @property
    def active(self) -> bool:
        """Is the filter in force in this process's sandbox thread?"""
        self._ensure_started()
        return self._active

    def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Run ``fn`` in the sandbox thread and return its result (or raise its exception)."""
        self._ensure_started()
        future: Future = Future()
        self._jobs.put((future, fn, args, kwargs))
        return future.result()

    # --- the two threads ----------------------------------------------------------------

    def _ensure_started(self) -> None:
        """Threads do not survive fork: each process (each gunicorn worker) starts its own."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._jobs = queue.SimpleQueue()
            listener: Future = Future()
            previous = threading.stack_size(SANDBOX_STACK_BYTES)
            try:
                threading.Thread(
                    target=self._serve, args=(listener,), name="kzgraph-sandbox", daemon=True
                ).start()
            finally:
                threading.stack_size(previous)
            fd = listener.result()
            self._active = fd is not None
            if fd is not None:
                threading.Thread(
                    target=self._supervise, args=(fd,), name="kzgraph-egress", daemon=True
                ).start()
            self._pid = os.getpid()

    def _serve(self, listener: Future) -> None:
        try:
            fd = _install_filter()
        except OSError as exc:
            log.error("egress filter not installed (%s): SERVICE and LOAD are refused", exc)
            fd = None
        listener.set_result(fd)
        while True:
            future, fn, args, kwargs = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the caller, who raises it
                # pyoxigraph objects in the frames must be freed in this thread, the one that
                # made them: clear the frames' locals here, keep the traceback for the log.
                _clear_frames(exc)
                future.set_exception(exc)

    def _supervise(self, fd: int) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        while True:
            notif = _Notif()
            if libc.ioctl(fd, _NOTIF_RECV, ctypes.byref(notif)) != 0:
                if ctypes.get_errno() in (errno.EINTR, errno.ENOENT):
                    continue
                log.error("egress supervisor stopped: errno %d", ctypes.get_errno())
                return
            try:
                allowed, where = self._permitted(notif)
            except Exception:
                log.exception("egress check failed: refusing")
                allowed, where = False, "?"
            resp = _NotifResp(id=notif.id)
            if allowed:
                resp.flags = _USER_NOTIF_FLAG_CONTINUE
            else:
                resp.error = -errno.EPERM
                self.refused += 1
                self.last_refused = where
                log.warning("egress: refused a connection to %s from a query", where)
            libc.ioctl(fd, _NOTIF_SEND, ctypes.byref(resp))

    def _permitted(self, notif: _Notif) -> tuple[bool, str]:
        """Is the address the sandbox wants to connect to the gateway's?"""
        pointer, length = notif.data.args[1], int(notif.data.args[2])
        if length < 2:
            return False, "(no address)"
        mem = os.open(f"/proc/{notif.pid}/mem", os.O_RDONLY)
        try:
            raw = os.pread(mem, min(length, 128), pointer)
        finally:
            os.close(mem)
        family = struct.unpack_from("=H", raw)[0]
        if family == socket.AF_UNSPEC:
            return True, "(disconnect)"  # dissolves a datagram association; sends nothing
        if family == socket.AF_INET and len(raw) >= 8:
            port = struct.unpack_from("!H", raw, 2)[0]
            address = raw[4:8]
            where = f"{socket.inet_ntoa(address)}:{port}"
            return (address, port) in self._allowed, where
        if family == socket.AF_INET6 and len(raw) >= 24:
            port = struct.unpack_from("!H", raw, 2)[0]
            return False, f"[{socket.inet_ntop(socket.AF_INET6, raw[8:24])}]:{port}"
        return False, f"(address family {family})"


def _clear_frames(exc: BaseException) -> None:
    """Clear the locals of every frame in an exception's tracebacks, causes and contexts."""
    pending: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        pending += [current.__cause__, current.__context__]


def _install_filter() -> int:
    """Install the filter on the calling thread; returns the notification listener."""
    arch = platform.machine()
    if arch not in _ARCHES:
        raise OSError(errno.ENOSYS, f"no egress filter for {arch}")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    program = _filter_program(arch)
    filters = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
    prog = _SockFprog(len(program), filters)
    libc.syscall.restype = ctypes.c_long
    fd = libc.syscall(
        _ARCHES[arch][1],
        _SECCOMP_SET_MODE_FILTER,
        _SECCOMP_FILTER_FLAG_NEW_LISTENER,
        ctypes.byref(prog),
    )
    if fd < 0:
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")
    return int(fd)


SANDBOX = EgressSandbox()
