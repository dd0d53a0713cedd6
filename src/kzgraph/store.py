"""Where the graph lives: the store interface, the data version, and the embedded
pyoxigraph store on disk (the other implementation, SPARQL over HTTP, is
``kzgraph.remote``).

Nothing above the stores knows which one is in use: it reads through a ``GraphStore`` (a
pyoxigraph ``Store`` or a ``RemoteStore``), publishes a build with ``publishing.publish``
and reads the whole dataset with ``publishing.dataset_quads``.

Each release is a RocksDB directory plus an N-Quads snapshot beside it
(``<release>.nq``). Servers load the snapshot into memory instead of opening
RocksDB: a process that has opened RocksDB and then forks leaves its children
unable to open it again (they wait for background threads that were not
copied), and gunicorn forks its workers from a preloaded master.

A build never writes into the store being served. It writes a complete new
store into ``<store>.d/<stamp>`` and then swaps the ``<store>`` symlink to it
with one ``rename(2)``, which is atomic: readers see the old store or the new
one, never half of one. A build that fails or is killed leaves only an
unreferenced directory, which the next build removes.
"""

from __future__ import annotations

import gzip
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from kzgraph.namespaces import PREFIXES

if TYPE_CHECKING:
    pass

EXPORT_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says which path and why."""


class StoreUnavailable(RuntimeError):
    """The store cannot be read now (missing, unreachable, holding no kzgraph data);
    a server answers 503 until it can."""


class GraphStore(Protocol):
    """What kzgraph reads and writes through: pyoxigraph's ``Store`` API, the part used."""

    def query(self, query: str, **options) -> object: ...

    def update(self, update: str, **options) -> None: ...

    def quads_for_pattern(
        self, subject=None, predicate=None, object=None, graph_name=None
    ) -> Iterable[ox.Quad]: ...

    def named_graphs(self) -> Iterable[ox.NamedNode]: ...


class Dataset(Protocol):
    """What a server answers from: a store, the version of its data, a way to write."""

    path: object
    version: str

    def fresh(self) -> GraphStore:
        """The store, with ``version`` current; raises ``StoreUnavailable``."""
        ...

    def writable(self) -> AbstractContextManager[GraphStore]:
        """A handle to write through; the data version changes after it."""
        ...


# --- the data version: new at each publish and update, kept out of the queried data ------------
#
# The version identifies the data for caches and ETags: every publish and every write through
# kzgraph gives a new one. It is never a quad of the data, which queries over every named graph
# would see (GRAPH ?g). The embedded store keeps it in the first line of the release's N-Quads
# snapshot, a comment (``write_snapshot``), so that a worker reads data and version from one
# file, replaced as a whole; a remote store keeps it in a bookkeeping graph that kzgraph never
# names in a query's dataset (``kzgraph.remote.RemoteStore.read_version``).

KZO_DATA_VERSION = "https://w3id.org/kzgraph/ontology#dataVersion"
SNAPSHOT_VERSION = "# kzgraph data version: "


def new_version() -> str:
    """A fresh, unique data version: its time (for people) and a random part (for uniqueness)."""
    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:12]}"


def version_quad(base_iri: str, version: str) -> ox.Quad:
    """``<base>dataset kzo:dataVersion "version"`` in ``<base>bookkeeping``, the graph a remote
    store keeps its version in."""
    return ox.Quad(
        ox.NamedNode(base_iri + "dataset"),
        ox.NamedNode(KZO_DATA_VERSION),
        ox.Literal(version),
        ox.NamedNode(base_iri + "bookkeeping"),
    )


def is_version_quad(quad: ox.Quad) -> bool:
    return quad.predicate.value == KZO_DATA_VERSION


def without_version(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The data without a version marker (stores built before the version moved out of the
    data held one in ``graph/meta``): exports and dumps stay byte-identical for the same input."""
    return [q for q in quads if not is_version_quad(q)]


def releases_dir(store: Path) -> Path:
    return store.with_name(store.name + ".d")


def write(
    quads: Iterable[ox.Quad], store: str | Path, keep: int = 1, version: str | None = None
) -> Path:
    """Write ``quads`` as a new release with its data version (``version``, or a new one)
    and make ``store`` point at it atomically."""
    store = Path(store)
    releases = releases_dir(store)
    try:
        releases.mkdir(parents=True, exist_ok=True)
        if store.exists() and not store.is_symlink():
            # A store from before releases existed: keep it as a release.
            store.rename(releases / f"legacy-{int(time.time())}")
        release = releases / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        quads = list(quads)
        target = ox.Store(str(release))
        target.bulk_extend(quads)
        target.flush()
        target.optimize()
        del target  # close before it is published
        write_snapshot(quads, snapshot_path(release), version or new_version())
        write_dumps(without_version(quads), dumps_path(release))
        link = store.with_name(f".{store.name}.{os.getpid()}.tmp")
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(
            release.relative_to(store.parent) if release.is_relative_to(store.parent) else release
        )
        os.replace(link, store)
    except OSError as exc:
        # Leave nothing half-written behind; the published store was never touched.
        if "release" in locals():
            shutil.rmtree(release, ignore_errors=True)
            shutil.rmtree(dumps_path(release), ignore_errors=True)
            snapshot_path(release).unlink(missing_ok=True)
        raise StoreError(f"cannot write the store at {store}: {exc}") from exc
    _remove_old_releases(store, releases, keep)
    return release


def _remove_old_releases(store: Path, releases: Path, keep: int) -> None:
    """Remove releases other than the current one and the ``keep`` newest before it.

    Old releases may still be open read-only by running servers; on POSIX they keep
    reading the files they hold open until they reload.
    """
    current = store.resolve()
    others = sorted(
        (p for p in releases.iterdir() if p.is_dir() and p.resolve() != current),
        key=lambda p: p.name,
    )
    for old in others[: max(0, len(others) - keep)]:
        shutil.rmtree(old, ignore_errors=True)
        snapshot_path(old).unlink(missing_ok=True)


def snapshot_path(release: str | Path) -> Path:
    release = Path(release).resolve()
    return release.with_name(release.name + ".nq")


def dumps_path(release: str | Path) -> Path:
    """The folder of downloadable dumps of a release (or of the store's current release)."""
    release = Path(release).resolve()
    return release.with_name(release.name + ".dumps")


def write_dumps(quads: list[ox.Quad], folder: Path) -> None:
    """Gzipped N-Quads, TriG, Turtle and JSON-LD, byte-identical for the same graph."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, suffix in (
        ("nquads", "nq"),
        ("trig", "trig"),
        ("turtle", "ttl"),
        ("jsonld", "jsonld"),
    ):
        data = serialize_dataset(quads, name)
        with (
            open(folder / f"kzgraph.{suffix}.gz", "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
        ):
            gz.write(data)


def write_snapshot(quads: Iterable[ox.Quad], path: Path, version: str) -> None:
    """Write sorted N-Quads under a comment line holding the data version, atomically
    (a temporary file, then rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    lines = sorted(ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS).decode().splitlines())
    tmp.write_text(
        "\n".join([SNAPSHOT_VERSION + version, *lines]) + "\n",
        encoding="utf-8",
    )
    os.replace(tmp, path)


def open_read_only(store: str | Path) -> ox.Store:
    path = Path(store)
    if not path.exists():
        raise StoreError(f"no store at {path}: run `kzgraph build` first")
    try:
        return ox.Store.read_only(str(path.resolve()))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc


def load_in_memory(store: str | Path) -> ox.Store:
    """The store's data in memory: 3-5x faster queries for a read-mostly graph
    (see ../shared/engine-notes.md), at ~370 bytes per triple."""
    return load_release(store)[0]


def load_release(store: str | Path) -> tuple[ox.Store, str | None]:
    """The store's data in memory and its data version (None for a store written before
    snapshots held one). Reads the release's snapshot, so that RocksDB is never opened in
    the calling process; data and version come from one open file, so they always agree."""
    path = Path(store)
    if not path.exists():
        raise StoreError(f"no store at {path}: run `kzgraph build` first")
    memory = ox.Store()
    try:
        snapshot = open(snapshot_path(path), "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        source = open_read_only(path)  # a store written before snapshots existed
        memory.bulk_extend(source.quads_for_pattern(None, None, None, None))
        return memory, None
    with snapshot:
        first = snapshot.readline().decode("utf-8")
        snapshot.seek(0)
        memory.bulk_load(input=snapshot, format=ox.RdfFormat.N_QUADS)
    version = (
        first.removeprefix(SNAPSHOT_VERSION).strip() if first.startswith(SNAPSHOT_VERSION) else None
    )
    return memory, version or None


def serialize_dataset(quads: list[ox.Quad], fmt: str) -> bytes:
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    rdf_format = EXPORT_FORMATS[fmt]
    quads = list(quads)
    if fmt == "nquads":
        lines = sorted(ox.serialize(quads, format=rdf_format).decode().splitlines())
        return ("\n".join(lines) + "\n").encode() if lines else b""
    if fmt in ("turtle", "ntriples"):
        triples = sorted({q.triple for q in quads}, key=str)
        return ox.serialize(
            triples, format=rdf_format, prefixes=PREFIXES if fmt == "turtle" else None
        )
    quads.sort(key=str)
    return ox.serialize(quads, format=rdf_format, prefixes=PREFIXES if fmt == "trig" else None)
