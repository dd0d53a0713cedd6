"""Real servers on loopback for the tests: kzgraph itself, and the Oxigraph server."""

from __future__ import annotations

import os
import shutil
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
    store: Path | str | None = None  # what a kzgraph server serves

    def stop(self) -> None:
        stop_all([self])

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: children of the master process."""
        return processes_where(PARENT, self.process.pid)


def stop_all(servers: list[Running]) -> None:
    """Stop servers at once (each takes seconds to shut down its workers), then wait for all."""
    running = [s.process for s in servers if s.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    running = Running(process, url, log, store)
    if "--workers" in flags:
        # /health answers as soon as the first worker is up; wait for them all.
        expected = int(flags[flags.index("--workers") + 1])
        deadline = time.monotonic() + 30
        while len(running.worker_pids()) < expected and time.monotonic() < deadline:
            time.sleep(0.05)
    return running


def copy_store(template: Path, store: Path) -> None:
    """Make ``store`` hold a copy of ``template``'s data, published as `kzgraph build` publishes
    (a new release beside the store, then the ``store`` symlink swapped to it atomically): a
    server on ``store`` reloads it before its next request. Copying the release's files takes
    milliseconds where building takes seconds."""
    from kzgraph import store as on_disk

    release = template.resolve()
    releases = on_disk.releases_dir(store)
    releases.mkdir(parents=True, exist_ok=True)
    previous = list(releases.iterdir())
    copy = releases / f"copy-{time.monotonic_ns()}"
    shutil.copytree(release, copy)
    shutil.copyfile(on_disk.snapshot_path(release), on_disk.snapshot_path(copy))
    shutil.copytree(on_disk.dumps_path(release), on_disk.dumps_path(copy))
    link = store.with_name(f".{store.name}.copy.tmp")
    link.unlink(missing_ok=True)
    link.symlink_to(copy.relative_to(store.parent))
    os.replace(link, store)
    for old in previous:  # servers hold the data in memory, not these files
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()


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


# --- Virtuoso (Debian's virtuoso-opensource) -----------------------------------------------------

VIRTUOSO_USER, VIRTUOSO_PASSWORD = "kzgraph", "kzgraph-test-secret"
VIRTUOSO_MAX_ROWS = 1000  # below the seed's size, so that reading the whole dataset must page
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


@dataclass
class Virtuoso:
    """A Virtuoso server with its own database folder, on loopback."""

    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self) -> None:
        ini = self.folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(
                d=self.folder,
                sql_port=self.sql_port,
                http_port=self.http_port,
                max_rows=VIRTUOSO_MAX_ROWS,
            )
        )
        log = self.folder / "stdout.log"
        out = open(log, "ab")  # noqa: SIM115 - the server process writes to it until stopped
        self.process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)],
            cwd=self.folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.url + "?query=ASK%7B%7D", self.process, self.folder / "virtuoso.log", 300)

    def sql(self, statements: str) -> None:
        """Run SQL as dba through isql (Virtuoso's own client)."""
        proc = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            timeout=60,
        )
        if proc.returncode != 0 or b"Error" in proc.stdout + proc.stderr:
            raise RuntimeError(f"isql failed: {(proc.stdout + proc.stderr).decode()[-2000:]}")

    def add_user(self) -> None:
        """A SPARQL user that may update, for the Digest-protected -auth endpoints; the
        anonymous SPARQL account stays read-only."""
        self.sql(
            f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}'); "
            f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";'
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_virtuoso(folder: Path) -> Virtuoso:
    if virtuoso_binary() is None:
        raise RuntimeError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    server = Virtuoso(folder, free_port(), free_port())
    server.start()
    server.add_user()
    return server


def start_nginx(upstream: str, folder: Path) -> Running:
    """Debian's nginx on loopback with the compose deployment's configuration
    (nginx/kzgraph.conf, its HTTP cache in ``folder``) in front of ``upstream``
    (a kzgraph server's URL)."""
    from kzgraph.settings import PROJECT_ROOT

    port = free_port()
    site = (PROJECT_ROOT / "nginx" / "kzgraph.conf").read_text()
    site = site.replace("server kzgraph:8000;", f"server {upstream[7:].strip('/')};")
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    site = site.replace("/var/cache/nginx/kzgraph", str(folder / "cache"))
    site = site.replace("/var/log/nginx/access.log", str(folder / "access.log"))
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        # As root, nginx's workers would switch to a user that cannot write the folder.
        ("user root;\n" if os.geteuid() == 0 else "")
        # One worker per core, as the official image's nginx.conf has it.
        + "worker_processes auto;\n"
        + f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  include {folder}/site.conf;\n}}\n"
    )
    log = folder / "nginx.log"
    process = subprocess.Popen(
        ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=open(log, "wb"),  # noqa: SIM115 - nginx writes to it until stopped
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for(url + "health", process, log, seconds=20)
    return Running(process, url, log)


PARENT, GROUP = 1, 2  # fields of /proc/PID/stat after the command name


def processes_where(field: int, value: int) -> list[int]:
    """The processes whose /proc stat ``field`` (PARENT or GROUP) is ``value``."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[field]) == value:
                pids.append(int(entry))
    return sorted(pids)
