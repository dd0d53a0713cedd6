"""The downloadable dumps (/dumps/, listed in the VoID description) of the data as it is now.

``kzgraph build`` writes the dumps of each release beside it. An authorised update
changes the data after that, so it marks the dumps stale (under the write lock, which
costs nothing), and the next request that needs them writes them again from the data
the worker holds, once per data version. Each file is written whole and renamed into
place: a download never gets half a file.

A remote store has no release folder: its dumps are not served.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from kzgraph import store as on_disk
from kzgraph.web.dataset import Dataset

VERSION_FILE = "data-version"  # the data version the dumps were written from, after an update


def folder(dataset: object) -> Path | None:
    """The dumps folder of the dataset's current release (None for a remote store)."""
    if not isinstance(dataset, Dataset):
        return None
    return on_disk.dumps_path(dataset.path)


def mark_stale(dataset: object) -> None:
    """Called inside the write lock, as the data changes: the dumps no longer hold it."""
    path = folder(dataset)
    if path is None:
        return
    path.mkdir(parents=True, exist_ok=True)
    # Never again taken for the build's own dumps, whatever a slower writer leaves behind.
    (path / VERSION_FILE).write_text("stale", encoding="utf-8")
    for file in path.glob("*.gz"):
        file.unlink(missing_ok=True)


def current(dataset: object) -> Path | None:
    """The dumps folder, holding the dumps of the data the dataset serves now."""
    path = folder(dataset)
    if path is None:
        return None
    store = dataset.fresh()  # type: ignore[attr-defined]
    version = dataset.version  # type: ignore[attr-defined]
    built = not (path / VERSION_FILE).exists()
    if built or _written_for(path) == version:
        return path
    # Written to a temporary folder and renamed file by file: a concurrent download or a
    # second worker doing the same never sees a partial file.
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    quads = on_disk.without_version(store.quads_for_pattern(None, None, None, None))
    on_disk.write_dumps(quads, scratch)
    path.mkdir(parents=True, exist_ok=True)
    for file in scratch.iterdir():
        os.replace(file, path / file.name)
    scratch.rmdir()
    (path / VERSION_FILE).write_text(version, encoding="utf-8")
    return path


def _written_for(path: Path) -> str | None:
    with contextlib.suppress(OSError):
        return (path / VERSION_FILE).read_text(encoding="utf-8")
    return None
