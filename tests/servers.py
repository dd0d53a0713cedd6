"""Real servers on loopback for the tests: kzgraph itself, and the Oxigraph server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    process: subprocess.Popen
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: children of the master process."""
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry))
        return sorted(pids)


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start:\n{log.read_text()[-3000:]}")


def start_kzgraph(store: Path, log: Path, *flags: str, env: dict | None = None) -> Running:
    port = free_port()
    out = open(log, "wb")  # noqa: SIM115 - the server process writes to it until stopped
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kzgraph.cli",
            "serve",
            "--store",
            str(store),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *flags,
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for(url + "health", process, log)
    running = Running(process, url, log)
    if "--workers" in flags:
        # /health answers as soon as the first worker is up; wait for them all.
        expected = int(flags[flags.index("--workers") + 1])
        deadline = time.monotonic() + 30
        while len(running.worker_pids()) < expected and time.monotonic() < deadline:
            time.sleep(0.05)
    return running


def oxigraph_binary() -> str | None:
    candidate = Path(sys.executable).with_name("oxigraph")
    return str(candidate) if candidate.exists() else None


def start_oxigraph(
    location: Path | None, log: Path, *extra: str, port: int | None = None
) -> Running:
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the Oxigraph server is not installed (pip install oxigraph)")
    port = port or free_port()
    out = open(log, "wb")  # noqa: SIM115 - the server process writes to it until stopped
    process = subprocess.Popen(
        [
            binary,
            "serve",
            *(["--location", str(location)] if location else []),
            "--bind",
            f"127.0.0.1:{port}",
            *extra,
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for(url + "query?query=ASK%7B%7D", process, log)
    return Running(process, url, log)


def memory_mb(pids: list[int], field: str = "VmRSS") -> float:
    """Resident (VmRSS) or peak (VmHWM) memory of processes, summed, in MiB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024
