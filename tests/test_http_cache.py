"""The compose deployment's HTTP cache (nginx/kzgraph.conf), run for real: Debian's nginx
on loopback in front of `kzgraph serve`, with the configuration docker-compose.yml mounts."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import pytest
import requests

from kzgraph.settings import PROJECT_ROOT

from .servers import free_port, start_kzgraph

QUERY = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}


@pytest.fixture(scope="module")
def cached(seed_store, tmp_path_factory):
    if shutil.which("nginx") is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is needed (apt-get install nginx-light)")
        pytest.skip("nginx is not installed")
    folder = tmp_path_factory.mktemp("nginx")
    kzgraph = start_kzgraph(seed_store, folder / "kzgraph.log", "--workers", "2")
    port = free_port()
    site = (PROJECT_ROOT / "nginx" / "kzgraph.conf").read_text()
    site = site.replace("server kzgraph:8000;", f"server {kzgraph.url[7:].strip('/')};")
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    site = site.replace("/var/cache/nginx/kzgraph", str(folder / "cache"))
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        # As root, nginx's workers would switch to a user that cannot write the test folder.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  include {folder}/site.conf;\n}}\n"
    )
    nginx = subprocess.Popen(
        ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(url + "health", timeout=2)
            break
        except requests.RequestException:
            assert nginx.poll() is None, nginx.stderr.read().decode()
            time.sleep(0.1)
    yield url
    nginx.send_signal(signal.SIGQUIT)
    nginx.wait(timeout=15)
    kzgraph.stop()


def test_repeated_queries_are_answered_by_the_cache(cached):
    first = requests.get(cached + "sparql", params=QUERY, timeout=30)
    second = requests.get(cached + "sparql", params=QUERY, timeout=30)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Proxy-Cache"] == "MISS"
    assert second.headers["X-Proxy-Cache"] == "HIT"
    assert second.json() == first.json()


def test_the_cache_keeps_one_answer_per_format(cached):
    tsv = requests.get(cached + "sparql", params=QUERY, headers={"Accept": "text/csv"}, timeout=30)
    again = requests.get(
        cached + "sparql", params=QUERY, headers={"Accept": "text/csv"}, timeout=30
    )
    assert tsv.headers["Content-Type"].startswith("text/csv")
    assert again.headers["Content-Type"].startswith("text/csv")
    assert again.text == tsv.text


def test_requests_with_credentials_are_never_cached(cached):
    headers = {"Authorization": "Bearer anything"}
    for _ in range(2):
        r = requests.get(cached + "sparql", params=QUERY, headers=headers, timeout=30)
        assert r.status_code == 200 and r.headers["X-Proxy-Cache"] == "BYPASS"
