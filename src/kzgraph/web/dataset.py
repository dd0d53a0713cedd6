"""The dataset a server answers from: an in-memory copy of the on-disk store.

Each worker process holds its own copy, loaded before the workers fork (so the
pages are shared copy-on-write) and reloaded when the store changes. The store
changes in two ways, and both are seen by every worker before its next request:

- ``kzgraph build`` swaps the ``var/store`` symlink to a new release;
- an authorised update (SPARQL Update, Graph Store Protocol) is applied to the
  on-disk store under an exclusive file lock, the release's N-Quads snapshot is
  rewritten, then the generation file beside the store is touched.

Workers load the snapshot, never RocksDB (see ``kzgraph.store``).

A worker compares the symlink target and the generation file (two ``stat``
calls, a few microseconds) at the start of each request. The data version it
reports is the one kzgraph writes into the release's snapshot at each publish and update
(``kzgraph.store.load_release``), never a quad that queries would see.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from kzgraph import store as on_disk
from kzgraph.remote import RemoteDataset
from kzgraph.settings import BASE_IRI, Settings
from kzgraph.store import StoreUnavailable

T = TypeVar("T")

__all__ = ["Dataset", "StoreUnavailable", "derived", "files_version", "open_dataset"]


def open_dataset(settings: Settings) -> on_disk.Dataset:
    """The dataset ``settings.store`` names: a remote SPARQL server or the on-disk store."""
    if settings.is_remote:
        return RemoteDataset(settings)
    return Dataset(settings.store, settings.base_iri)


_derived: dict[str, tuple[str, object]] = {}


def derived(dataset, name: str, compute: Callable[[ox.Store], T]) -> T:
    """A value computed from the data (statistics, the reconciliation index), once per
    data version and per worker process; any change to the data recomputes it."""
    store = dataset.fresh()
    cached = _derived.get(name)
    if cached is None or cached[0] != dataset.version:
        cached = (dataset.version, compute(store))
        _derived[name] = cached
    return cached[1]  # type: ignore[return-value]


def files_version(path: Path) -> str:
    """Identifies the store's files: the current release (its inode) and the update
    generation. Changes whenever ``kzgraph build`` publishes or an update is applied, so
    it tells any process (a worker, the front's shared cache) that the data changed."""
    try:
        stat = os.stat(path)  # follows the symlink to the current release
    except FileNotFoundError as exc:
        raise StoreUnavailable(f"no store at {path}: run `kzgraph build` first") from exc
    except OSError as exc:
        raise StoreUnavailable(f"the store at {path} cannot be read: {exc.strerror}") from exc
    try:
        generation = os.stat(path.with_name(path.name + ".generation")).st_mtime_ns
    except FileNotFoundError:
        generation = 0
    # The inode of a deleted release can be reused; its creation time cannot.
    return f"{stat.st_ino}:{stat.st_ctime_ns}:{generation}"


class Dataset:
    def __init__(self, path: str | Path, base_iri: str = BASE_IRI) -> None:
        self.path = Path(path)
        self.base_iri = base_iri
        self._files_version = ""
        self._generation_file = self.path.with_name(self.path.name + ".generation")
        self._lock_file = self.path.with_name(self.path.name + ".lock")
        self._reload_lock = threading.Lock()
        self.store: ox.Store = ox.Store()
        self.version = ""
        self.reload()

    # --- reading ----------------------------------------------------------------------

    def files_version(self) -> str:
        """Identifies the files: the current release (its inode) and the update generation.

        On the hot path of every request, so two stat calls and no path resolution."""
        return files_version(self.path)

    def reload(self) -> None:
        try:
            files = self.files_version()
            store, marker = on_disk.load_release(self.path)
        except (on_disk.StoreError, OSError) as exc:
            raise StoreUnavailable(str(exc)) from exc
        if marker is None and not any(True for _ in store.quads_for_pattern(None, None, None)):
            raise StoreUnavailable(f"the store at {self.path} is empty: run `kzgraph build`")
        self.store = store
        # A store built before version markers existed is identified by its files.
        self.version = marker or files
        self._files_version = files

    @property
    def changed(self) -> bool:
        """Did another process change the store since it was loaded here?"""
        return self.files_version() != self._files_version

    @contextmanager
    def between_updates(self):
        """Held while no update is being applied (a shared lock on the update lock file):
        the files are whole, not half-written."""
        self._lock_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_file, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)
            yield

    def adopt(self, loaded: Dataset) -> None:
        """Take the data ``loaded`` (another Dataset on the same path) holds: the server's
        master loads a changed store beside the one it serves, then swaps (web/server.py)."""
        self.store, self.version, self._files_version = (
            loaded.store,
            loaded.version,
            loaded._files_version,
        )

    def fresh(self) -> ox.Store:
        """The store, reloaded first if another process changed it."""
        if self.files_version() != self._files_version:
            with self._reload_lock:
                if self.files_version() != self._files_version:
                    self.reload()
        return self.store

    # --- writing ----------------------------------------------------------------------

    @contextmanager
    def writable(self):
        """An exclusive read-write handle on the on-disk store; bumps the generation after."""
        self._lock_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_file, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                disk = ox.Store(str(self.path.resolve()))
            except OSError as exc:
                raise StoreUnavailable(
                    f"the store at {self.path} cannot be written: {exc}"
                ) from exc
            try:
                yield disk
                disk.flush()
                on_disk.write_snapshot(
                    disk.quads_for_pattern(None, None, None, None),
                    on_disk.snapshot_path(self.path),
                    on_disk.new_version(),
                )
            finally:
                self._generation_file.write_text(str(os.getpid()))
                os.utime(self._generation_file)
        self.reload()
