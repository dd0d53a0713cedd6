"""Run the application under gunicorn: preloaded, with sync workers.

Why this shape (see ../shared/engine-notes.md and web/watchdog.py):
- ``preload_app``: the dataset is loaded into memory once, in the master, and the
  workers share its pages copy-on-write; a replacement worker starts with it loaded.
- sync workers, one connection each at a time: a runaway query can be stopped by
  ending its worker without touching anyone else's request.
- gunicorn's own timeout stays above the query timeout, so that the watchdog, which
  can still answer 503, acts first.
"""

from __future__ import annotations

import logging
import sys

from gunicorn.app.base import BaseApplication

from kzgraph.settings import Settings
from kzgraph.web import create_app


class Server(BaseApplication):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.application = create_app(settings)
        super().__init__()

    def load_config(self) -> None:
        watchdog = self.application.extensions["kzgraph.watchdog"]
        gateway = self.application.extensions["kzgraph.service"].gateway

        def post_fork(server, worker) -> None:
            # First, before any thread: the watchdog forks the worker's lifeline keeper.
            watchdog.start(
                self.settings.worker_memory_mb, retire=lambda: setattr(worker, "alive", False)
            )
            if gateway is not None:
                gateway.start()

        options = {
            "bind": f"{self.settings.host}:{self.settings.port}",
            "workers": self.settings.workers,
            # Sync workers: one connection per process at a time. (gthread with one thread
            # keeps connections alive, but its workers accept connections ahead of the one
            # they serve, and ending a worker for a runaway query then resets them all:
            # measured under load, hundreds of valid requests were reset.)
            "worker_class": "sync",
            "preload_app": True,
            "timeout": int(self.settings.query_timeout) + 30,
            "graceful_timeout": 10,
            "keepalive": 2,
            "limit_request_line": 8190,
            "limit_request_fields": 100,
            "limit_request_field_size": 8190,
            "post_fork": post_fork,
            "errorlog": "-",
            "loglevel": "info",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(settings: Settings) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    server = Server(settings)  # loads the dataset: fails here, clearly, if there is none
    print(
        f"kzgraph: serving {settings.store} on http://{settings.host}:{settings.port}/ "
        f"({settings.workers} workers, query timeout {settings.query_timeout:g} s, "
        f"{'writable with a token' if settings.update_token else 'read-only'})",
        file=sys.stderr,
        flush=True,
    )
    server.run()
    return 0
