"""`kzgraph build` and `kzgraph export` as a user runs them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib

from kzgraph import store as on_disk

from .conftest import FIXTURES, SEED
from .servers import copy_store

KZGRAPH = [sys.executable, "-m", "kzgraph.cli"]


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    proc = subprocess.run([*KZGRAPH, *args], capture_output=True, env=env, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(proc.stderr.decode())
    return proc


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One `kzgraph build` into a new store, shared by the tests that read a build's output
    (a build takes tens of seconds): the store and what the command printed."""
    path = tmp_path_factory.mktemp("cli") / "store"
    return path, run("build", str(SEED), "--store", str(path))


@pytest.fixture(scope="module")
def store(first_build) -> Path:
    return first_build[0]


def test_build_prints_a_summary(first_build):
    err = first_build[1].stderr.decode()
    assert "numberOfSeats" in err and "validation: conforms" in err
    # the Senate's 49 and 50 seats; the Supreme Council dissolved in 1993 and in 1995
    assert "4 in conflict" in err


def test_same_input_gives_a_byte_identical_nquads_export(store: Path, tmp_path: Path):
    again = tmp_path / "again"
    run("build", str(SEED), "--store", str(again))
    first = run("export", "--store", str(store), "--format", "nquads").stdout
    second = run("export", "--store", str(again), "--format", "nquads").stdout
    assert first == second
    assert first.decode().splitlines() == sorted(first.decode().splitlines())


@pytest.mark.parametrize(
    "fmt, rdflib_format",
    [("nquads", "nquads"), ("trig", "trig"), ("turtle", "turtle"), ("jsonld", "json-ld")],
)
def test_every_export_format_parses(store: Path, fmt: str, rdflib_format: str):
    data = run("export", "--store", str(store), "--format", fmt).stdout
    graph = rdflib.Dataset() if fmt in ("nquads", "trig", "jsonld") else rdflib.Graph()
    graph.parse(data=data, format=rdflib_format)
    count = sum(1 for _ in graph.quads()) if isinstance(graph, rdflib.Dataset) else len(graph)
    assert count > 2000


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty article"),
        (b"\x00\x01\x02garbage", "binary"),
        ("= Parliament of X =\n\nThe M\u00e4jilis\n".encode("latin-1"), "not UTF-8"),
        (b"no title here\n", "the first line must be the title"),
    ],
)
def test_bad_input_fails_clearly_and_leaves_the_store_alone(
    store: Path, tmp_path: Path, content: bytes, message: str
):
    before = run("export", "--store", str(store)).stdout
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    proc = run("build", str(SEED), str(bad), "--store", str(store), check=False)
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert "bad.txt" in err and message in err
    assert "Traceback" not in err
    assert run("export", "--store", str(store)).stdout == before


def test_a_killed_build_leaves_the_previous_store(store: Path, tmp_path: Path):
    """A build killed while it writes its release (killed at once, and a little later,
    after the release folder appears) leaves the previous store or the complete new one,
    byte for byte: never a broken or half-written one."""
    sources = [str(SEED), str(FIXTURES / "parliament-of-kenya.txt")]
    run("build", *sources, "--store", str(tmp_path / "complete"))
    complete = run("export", "--store", str(tmp_path / "complete")).stdout
    path = tmp_path / "store"
    copy_store(store, path)  # a store as a build leaves it
    before = run("export", "--store", str(path)).stdout
    assert before != complete
    releases = on_disk.releases_dir(path)
    outcomes = []
    for delay in (0.0, 0.05, 0.15, 0.3):
        existing = set(releases.iterdir())
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
        proc = subprocess.Popen(
            [*KZGRAPH, "build", *sources, "--store", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 60
        while not set(releases.iterdir()) - existing and time.monotonic() < deadline:
            time.sleep(0.001)
        assert set(releases.iterdir()) - existing, "the build never started writing"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = run("export", "--store", str(path)).stdout
        assert after in (before, complete)
        outcomes.append(after == complete)
        before = after
    # Killed as its release appeared, the build had not published yet.
    assert outcomes[0] is False


def test_export_without_a_store_says_what_to_do(tmp_path: Path):
    proc = run("export", "--store", str(tmp_path / "nothing"), check=False)
    assert proc.returncode == 2
    assert "kzgraph build" in proc.stderr.decode()


def test_the_summary_counts_distinct_quads_as_the_store_holds_them(first_build):
    path, proc = first_build
    built = int(re.search(r"built (\d+) quads", proc.stderr.decode())[1])
    exported = run("export", "--store", str(path)).stdout.decode().splitlines()
    assert built == len(exported) == len(set(exported))
