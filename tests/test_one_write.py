"""Per-request savings of the front and the workers (issue 16, the short-query gap):
a small answer leaves each process in one write, the worker reads its resident size on a
kept descriptor that a fork does not carry over, and the shape check's shortcut never
passes a query its lexer would refuse."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest
from gunicorn import http
from gunicorn.config import Config
from gunicorn.http import wsgi
from hypothesis import given, settings
from hypothesis import strategies as st

from kzgraph.web.front import OneWriteTransport
from kzgraph.web.shape import ShapeError, _within_bounds, check_shape, lexed_shape
from kzgraph.web.watchdog import resident_bytes
from kzgraph.web.worker import OnePieceResponse


class CountingSocket:
    """A real socket whose ``sendall`` calls are counted (each is one write)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sends = 0

    def sendall(self, data: bytes) -> None:
        self.sends += 1
        self.sock.sendall(data)

    def __getattr__(self, name: str):
        return getattr(self.sock, name)


def respond(response_class, request: bytes, status: str, headers: list, body: list[bytes]):
    """Answer ``request`` with gunicorn's WSGI response machinery on a real socket pair;
    the writes it made and the bytes the peer received."""
    server, peer = socket.socketpair()
    with server, peer:
        peer.sendall(request)
        cfg = Config()
        req = next(http.get_parser(cfg, server, ("", 0)))
        counting = CountingSocket(server)
        resp, _ = wsgi.create(req, counting, ("", 0), ("", 0), cfg, response_class)
        resp.start_response(status, headers)
        for part in body:
            resp.write(part)
        resp.close()
        server.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := peer.recv(65536):
            received += chunk
    return counting.sends, received


GET = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"


def test_a_small_answer_leaves_the_worker_in_one_write():
    headers = [("Content-Type", "text/plain"), ("Content-Length", "5")]
    sends, received = respond(OnePieceResponse, GET, "200 OK", headers, [b"hello"])
    assert sends == 1
    assert received.startswith(b"HTTP/1.1 200 OK\r\n") and received.endswith(b"\r\n\r\nhello")
    # The control: gunicorn's own response writes the head and the body apart.
    sends, plain = respond(wsgi.Response, GET, "200 OK", headers, [b"hello"])
    assert sends == 2
    assert plain.split(b"\r\n\r\n", 1)[1] == b"hello"


def test_a_streamed_answer_is_framed_as_before():
    """No length: chunked, the head with the first chunk, the last chunk at close."""
    headers = [("Content-Type", "text/plain")]
    sends, received = respond(OnePieceResponse, GET, "200 OK", headers, [b"ab", b"cde"])
    _, plain = respond(wsgi.Response, GET, "200 OK", headers, [b"ab", b"cde"])
    assert received.split(b"\r\n\r\n", 1)[1] == plain.split(b"\r\n\r\n", 1)[1]
    assert received.endswith(b"2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n")
    assert sends == 3


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n", "200 OK"),
        (GET, "204 No Content"),
        (GET, "304 Not Modified"),
    ],
)
def test_an_answer_without_a_body_still_sends_its_head(request_bytes, status):
    headers = [("Content-Length", "5")] if status == "200 OK" else []
    sends, received = respond(OnePieceResponse, request_bytes, status, headers, [b"hello"])
    assert received.startswith(f"HTTP/1.1 {status}\r\n".encode())
    assert received.endswith(b"\r\n\r\n")
    assert sends == 1


def test_the_fronts_writes_in_one_turn_leave_together():
    """Written in one turn of the loop, a head and a body reach the client together, after
    the turn; a close sends what is held first."""

    async def main() -> tuple[bytes, bytes, bytes, bytes]:
        loop = asyncio.get_running_loop()
        ours, peer = socket.socketpair()
        peer.setblocking(False)
        transport, _ = await loop.connect_accepted_socket(asyncio.Protocol, ours)
        one = OneWriteTransport(transport, loop)
        one.write(b"HTTP/1.1 200 OK\r\n\r\n")
        one.write(b"body")
        try:
            early = peer.recv(100)  # a plain transport would have written the head by now
        except BlockingIOError:
            early = b""
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        together = peer.recv(100)
        one.write(b"last")
        one.close()
        await asyncio.sleep(0.01)
        last = peer.recv(100)
        # The control: the plain transport writes at once.
        ours2, peer2 = socket.socketpair()
        plain, _ = await loop.connect_accepted_socket(asyncio.Protocol, ours2)
        plain.write(b"head")
        at_once = peer2.recv(100)
        plain.close()
        peer.close()
        peer2.close()
        return early, together, last, at_once

    early, together, last, at_once = asyncio.run(main())
    assert early == b""
    assert together == b"HTTP/1.1 200 OK\r\n\r\nbody"
    assert last == b"last"
    assert at_once == b"head"


def test_a_forked_child_reads_its_own_resident_size():
    """The descriptor is kept open, and /proc/self was resolved when it was opened: a
    child must open its own, or it would read its parent's size."""
    resident_bytes()  # opened here, in the parent
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            before = resident_bytes()
            block = bytearray(200 * 1024 * 1024)
            for i in range(0, len(block), os.sysconf("SC_PAGE_SIZE")):
                block[i] = 1
            os.write(write, str(resident_bytes() - before).encode())
        finally:
            os._exit(0)
    os.close(write)
    grown = int(os.read(read, 64))
    os.close(read)
    os.waitpid(child, 0)
    assert grown > 150 * 1024 * 1024


PIECES = st.sampled_from(
    [
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "/",
        "|",
        "+",
        "*",
        "-",
        "!",
        "&&",
        "=",
        "<",
        ">",
        " UNION ",
        "optional",
        "Minus",
        ' "a(b{" ',
        " <http://x/a(b)> ",
        " # comment ((\n",
        " ?x ",
        " 1 ",
        "unıon",
    ]
)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=60), st.integers(0, 12), st.integers(0, 30))
def test_the_shortcut_never_passes_what_the_lexer_refuses(pieces, depth, operators):
    text = "SELECT * WHERE " + "".join(pieces)
    if not _within_bounds(text, depth, operators):
        return
    lexed_shape(text, depth, operators)  # the lexer passes it too


def test_the_shortcut_leaves_a_deep_query_to_the_lexer():
    deep = "SELECT * WHERE " + "{" * 101 + "}" * 101
    assert not _within_bounds(deep, 100, 500)
    with pytest.raises(ShapeError):
        check_shape(deep, 100, 500)
    assert _within_bounds("SELECT ?n WHERE { ?s <p:x> ?n }", 100, 500)
