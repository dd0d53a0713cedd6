"""The query worker behind the front: gunicorn's sync worker, keeping its connection to the
front open between requests.

gunicorn's sync worker closes each connection after one answer (it expects clients, not a
buffering proxy, and a client kept alive would hold the process). Behind the front
(web/front.py) every connection comes from the front, which sends one request at a time
on it and reuses it for the next: no connection is opened, accepted, drained and closed
per request, which was the largest part of the front's per-request cost (measured:
connecting took a quarter of the front's time under load, and the worker's graceful close
waited for the front's side to close before it could accept again).

Everything else stays one request per process at a time: the watchdog is armed for each
request on the connection's socket, and a query whose client leaves is still stopped by
the front half-closing the connection (the watchdog sees the end of input and ends the
worker). Between requests the worker waits for the next one or a signal (gunicorn writes
each signal to the worker's pipe), tells the master it is alive meanwhile, and closes the
connection when it is asked to end (an update, a memory retirement, a shutdown).
"""

from __future__ import annotations

import errno
import os
import select
from datetime import datetime

from gunicorn import http, util
from gunicorn.http import wsgi
from gunicorn.workers.sync import SyncWorker


class OnePieceResponse(wsgi.Response):
    """gunicorn's response with its head held back and sent in one write with the start
    of the body. gunicorn writes the head and the body separately: for a small answer
    that is two writes, and the front, woken by the head, is woken again for the body
    (seen with strace: the head's write took most of the answer's time in the worker)."""

    head = b""

    def send_headers(self) -> None:
        if self.headers_sent:
            return
        lines = self.default_headers()
        lines.extend([f"{k}: {v}\r\n" for k, v in self.headers])
        self.head = util.to_bytestring("".join(lines) + "\r\n", "latin-1")
        self.headers_sent = True

    def send_head(self, then: bytes = b"") -> None:
        """The held head, if any, with ``then`` (already framed) in the same write."""
        head, self.head = self.head, b""
        if head or then:
            self.sock.sendall(head + then)

    def _emit_body(self, data: bytes) -> None:
        self.send_head(b"%X\r\n%s\r\n" % (len(data), data) if self.chunked else data)

    def sendfile(self, respiter) -> bool:
        self.send_headers()
        self.send_head()
        return super().sendfile(respiter)

    def close(self) -> None:
        self.send_headers()
        self.send_head(b"0\r\n\r\n" if self.chunked else b"")


class KeepAliveWorker(SyncWorker):
    """A sync worker serving every request the front sends on a connection."""

    def handle(self, listener, client, addr) -> None:
        req = None
        try:
            parser = http.get_parser(self.cfg, client, addr)
            while True:
                req = next(parser)
                if not self.handle_request(listener, req, client, addr):
                    return
                if not self.next_request_arrives(client):
                    return
        except http.errors.NoMoreData:
            pass  # the front closed the connection between requests
        except StopIteration:
            pass
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
        except BaseException as exc:
            self.handle_error(req, client, addr, exc)
        finally:
            # Closed at once, not drained (gunicorn's graceful close reads what is left):
            # a request the front sent after the last answer stays unread, so the front is
            # told by a reset that it never ran and sends it to another worker. The answer
            # already sent is still read first (a Unix socket keeps it for the front).
            client.close()

    def next_request_arrives(self, client) -> bool:
        """Wait for the connection's next request; False when the worker is to end first
        (a signal wakes the wait through the worker's pipe) or the parent is gone."""
        timeout = max(0.5, self.timeout / 2)
        while self.alive:
            self.notify()
            try:
                readable, _, _ = select.select([client, self.PIPE[0]], [], [], timeout)
            except InterruptedError:
                continue
            if self.PIPE[0] in readable:
                os.read(self.PIPE[0], 1)
            if client in readable:
                return self.alive
            if not self.is_parent_alive():
                return False
        return False

    def handle_request(self, listener, req, client, addr) -> bool:
        """gunicorn's ``SyncWorker.handle_request`` without forcing the connection closed;
        True when the connection stays open for the next request."""
        environ: dict = {}
        resp = None
        try:
            self.cfg.pre_request(self, req)
            request_start = datetime.now()
            resp, environ = wsgi.create(
                req, client, addr, listener.getsockname(), self.cfg, OnePieceResponse
            )
            self.nr += 1
            if self.nr >= self.max_requests:
                self.log.info("Autorestarting worker after current request.")
                self.alive = False
            respiter = self.wsgi(environ, resp.start_response)
            try:
                if isinstance(respiter, environ["wsgi.file_wrapper"]):
                    resp.write_file(respiter)
                else:
                    for item in respiter:
                        resp.write(item)
                resp.close()
            finally:
                self.log.access(resp, req, environ, datetime.now() - request_start)
                if hasattr(respiter, "close"):
                    respiter.close()
            return self.alive and not resp.should_close()
        except OSError:
            raise
        except (Exception, SystemExit):
            if resp and resp.headers_sent:
                self.log.exception("Error handling request")
                util.close_graceful(client)
                raise StopIteration() from None
            raise
        finally:
            try:
                self.cfg.post_request(self, req, environ, resp)
            except Exception:
                self.log.exception("Exception in post_request hook")
        return False
