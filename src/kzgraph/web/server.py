"""Run the application: an asynchronous front (web/front.py) before gunicorn's workers.

Why this shape (see ../shared/engine-notes.md and web/watchdog.py):
- the front process reads requests whole and keeps connections alive, so slow or idle
  clients cost a socket, never a worker; it schedules the workers (web/lanes.py) and
  answers repeated requests from a cache shared by all workers;
- ``preload_app``: the dataset is loaded into memory once, in the master, and the
  workers share its pages copy-on-write; a replacement worker starts with it loaded.
  When the store changes, the master loads it again and forks new workers from it
  (``reload_and_refork``), so the copy stays shared after an update.
- sync workers, one connection each at a time, behind the front on a Unix socket in a
  private folder: a runaway query can be stopped by ending its worker without touching
  anyone else's request.
- gunicorn's own timeout stays above the query timeout, so that the watchdog, which
  can still answer 503, acts first.

The front is forked before the dataset is loaded (it holds none of it) and is not a
child of the master (tests and operators count the master's children as the workers);
it ends when the master does, which it learns from a pipe only the master holds open.
With ``front = false`` the workers serve the public address themselves.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from gunicorn.app.base import BaseApplication

from kzgraph.settings import Settings
from kzgraph.web import create_app
from kzgraph.web.dataset import Dataset, StoreUnavailable
from kzgraph.web.lanes import READY, plan
from kzgraph.web.state import state

RELOAD_POLL_SECONDS = 1.0  # how often the master looks for a changed store


class Server(BaseApplication):
    def __init__(
        self,
        settings: Settings,
        bind: str,
        master_alive: int | None = None,
        workers_ready: int | None = None,
    ) -> None:
        self.settings = settings
        self.bind = bind
        self.master_alive = master_alive
        self.workers_ready = workers_ready
        self.application = create_app(settings)
        dataset = state(self.application).dataset
        self.refork = Refork(dataset) if isinstance(dataset, Dataset) else None
        super().__init__()

    def load_config(self) -> None:
        watchdog = state(self.application).watchdog
        gateway = state(self.application).service.gateway
        master_alive = self.master_alive

        def post_fork(server, worker) -> None:
            if master_alive is not None:
                os.close(master_alive)  # only the master keeps the front running
            # First, before any thread: the watchdog forks the worker's lifeline keeper.
            watchdog.start(
                self.settings.worker_memory_mb,
                retire=lambda: setattr(worker, "alive", False),
                lifeline=master_alive is None,  # the front answers for a worker that died
            )
            if gateway is not None:
                gateway.start()

        workers_ready = self.workers_ready
        refork = self.refork  # kept across SIGHUP, which runs this method again

        def pre_fork(server, worker) -> None:
            # The master's objects, as a worker is forked: the collector will not write to
            # them again (its passes would copy every page they sit on, in the master, and
            # unshare it from the workers and the front).
            gc.freeze()

        def when_ready(arbiter) -> None:
            if refork is not None:
                refork.start()

        def on_reload(arbiter) -> None:
            if refork is not None:
                refork.swap()

        def post_worker_init(worker) -> None:
            if workers_ready is not None:  # tell the front this worker takes requests now
                os.write(workers_ready, READY.pack(os.getpid()))

        options = {
            "bind": self.bind,
            "workers": self.settings.workers,
            # Sync workers: one connection per process at a time. (gthread with one thread
            # keeps connections alive, but its workers accept connections ahead of the one
            # they serve, and ending a worker for a runaway query then resets them all:
            # measured under load, hundreds of valid requests were reset.) Behind the front,
            # each keeps the front's connection open between requests (web/worker.py);
            # serving clients directly, each closes it (a client kept alive would hold it).
            "worker_class": "sync"
            if workers_ready is None
            else "kzgraph.web.worker.KeepAliveWorker",
            "preload_app": True,
            "timeout": int(self.settings.query_timeout) + 30,
            "graceful_timeout": 10,
            "keepalive": 2,
            "limit_request_line": 8190,
            "limit_request_fields": 100,
            "limit_request_field_size": 8190,
            # gunicorn trusts X-Forwarded-Proto and friends from any peer on a Unix socket;
            # the application alone judges them (proxy_count, ProxyFix).
            "secure_scheme_headers": {},
            "forwarder_headers": "",
            "pre_fork": pre_fork,
            "post_fork": post_fork,
            "post_worker_init": post_worker_init,
            "when_ready": when_ready,
            "on_reload": on_reload,
            "errorlog": "-",
            "loglevel": "info",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


class Refork:
    """In the master: when the store changes (an update, a new release), load it here and
    have gunicorn fork a new set of workers from it (SIGHUP: new workers first, then the
    old ones end after their current request). The workers then share the new copy's
    pages copy-on-write, as they shared the first: one copy per host after an update too,
    where each worker reloading its own kept one copy per worker. Until an old worker
    ends it still reloads on its own before answering, so no answer is stale.

    The load runs in a thread (the master keeps replacing workers meanwhile) into a
    separate Dataset; the swap happens in the master's own thread, in gunicorn's
    ``on_reload`` hook, so no worker is forked from a half-swapped dataset. (Loaded in
    the master's own thread after dropping the old copy, the new one landed among the
    old one's freed chunks in the main heap, and every worker's own allocations then
    copied ~170 MiB of it at 10^6: 3.4x one copy in all, against 1.6x this way.)"""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.loaded: Dataset | None = None
        self.failed = ""  # the files version that could not be loaded

    def start(self) -> None:
        threading.Thread(target=self._watch, name="kzgraph-reload", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(RELOAD_POLL_SECONDS)
            if self.loaded is not None or not self.dataset.changed:
                continue
            with contextlib.suppress(StoreUnavailable):
                if self.dataset.files_version() == self.failed:
                    continue  # not loadable: tried once, until the files change again
            try:
                with self.dataset.between_updates():  # not from a half-applied update
                    self.loaded = Dataset(self.dataset.path, self.dataset.base_iri)
            except (StoreUnavailable, OSError) as exc:
                logging.getLogger("kzgraph.server").warning("store not reloaded: %s", exc)
                with contextlib.suppress(StoreUnavailable):
                    self.failed = self.dataset.files_version()
                continue
            os.kill(os.getpid(), signal.SIGHUP)

    def swap(self) -> None:
        loaded, self.loaded = self.loaded, None
        if loaded is not None:
            self.dataset.adopt(loaded)
            del loaded  # the old copy is freed here (no cycles hold it: no collection needed)
            give_back_freed_memory()


def give_back_freed_memory() -> None:
    """Return the old copy's freed pages to the system (glibc keeps them in its arenas):
    otherwise they stay counted in the master, and shared into every new worker."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def serve(settings: Settings) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    if not settings.front:
        # Loads the dataset: fails here, clearly, if there is none.
        server = Server(settings, f"{settings.host}:{settings.port}")
        announce(settings, "no front")
        server.run()
        return 0
    listener = listen(settings.host, settings.port)  # fails here if the address is taken
    private = Path(tempfile.mkdtemp(prefix="kzgraph-"))  # mode 0700: the workers' socket
    master_alive, keep_alive = os.pipe()
    workers_ready, ready = os.pipe()
    master = os.getpid()
    gc.freeze()  # see pre_fork: the front shares these pages too
    start_front(
        settings,
        listener,
        str(private / "workers.sock"),
        (master_alive, keep_alive),
        (workers_ready, ready),
    )
    listener.close()
    os.close(master_alive)
    os.close(workers_ready)
    try:
        server = Server(settings, f"unix:{private / 'workers.sock'}", keep_alive, ready)
        lanes = plan(settings.workers, settings.long_query_workers, settings.reserved_workers)
        announce(
            settings,
            f"front: {lanes.short} short-query, {lanes.long} long-query, {lanes.reserved} reserved",
        )
        server.run()
    finally:
        # A worker that ends gracefully (replaced after an update, retired for memory)
        # leaves through here too (gunicorn raises SystemExit in it): the socket's
        # folder is the master's to remove, never a worker's.
        if os.getpid() == master:
            shutil.rmtree(private, ignore_errors=True)
    return 0


def announce(settings: Settings, shape: str) -> None:
    print(
        f"kzgraph: serving {settings.store} on http://{settings.host}:{settings.port}/ "
        f"({settings.workers} workers, {shape}; query timeout {settings.query_timeout:g} s, "
        f"{'writable with a token' if settings.update_token else 'read-only'})",
        file=sys.stderr,
        flush=True,
    )


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=4096)


def start_front(
    settings: Settings,
    listener: socket.socket,
    upstream: str,
    pipe: tuple[int, int],
    ready: tuple[int, int],
) -> None:
    """Fork the front process, detached from this one (a grandchild, re-parented); it
    keeps the read end of ``pipe``, whose write end only the master holds, and the read
    end of ``ready``, on which each worker writes its pid when it is ready."""
    child = os.fork()
    if child:
        os.waitpid(child, 0)
        return
    code = 1
    try:
        if os.fork() == 0:
            from kzgraph.web.front import run_front

            os.close(pipe[1])
            os.close(ready[1])
            run_front(settings, listener, upstream, pipe[0], ready[0])
        code = 0
    except BaseException:
        logging.getLogger("kzgraph.front").exception("the front failed")
    finally:
        os._exit(code)
