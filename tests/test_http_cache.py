"""The compose deployment's HTTP cache (nginx/kzgraph.conf), run for real: Debian's nginx
on loopback in front of `kzgraph serve`, with the configuration docker-compose.yml mounts."""

from __future__ import annotations

import os
import shutil

import pytest
import requests

from .servers import start_kzgraph, start_nginx, stop_all

QUERY = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}


@pytest.fixture(scope="module")
def cached(seed_store, tmp_path_factory):
    if shutil.which("nginx") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is needed (apt-get install nginx-light)")
        pytest.skip("nginx is not installed")
    folder = tmp_path_factory.mktemp("nginx")
    kzgraph = start_kzgraph(seed_store, folder / "kzgraph.log", "--workers", "2")
    nginx = start_nginx(kzgraph.url, folder)
    yield nginx.url
    stop_all([nginx, kzgraph])


def test_repeated_queries_are_answered_by_the_cache(cached):
    first = requests.get(cached + "sparql", params=QUERY, timeout=30)
    second = requests.get(cached + "sparql", params=QUERY, timeout=30)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Proxy-Cache"] == "MISS"
    assert second.headers["X-Proxy-Cache"] == "HIT"
    assert second.json() == first.json()


def test_the_cache_keeps_one_answer_per_format(cached):
    # A query of its own, so that no other test has cached it first.
    query = {"query": "SELECT (COUNT(*) AS ?formats) WHERE { ?s a ?c }"}

    def ask(accept: str) -> requests.Response:
        return requests.get(cached + "sparql", params=query, headers={"Accept": accept}, timeout=30)

    json_first = ask("application/sparql-results+json")
    csv_first, csv_again = ask("text/csv"), ask("text/csv")
    json_again = ask("application/sparql-results+json")
    assert json_first.headers["X-Proxy-Cache"] == "MISS"
    assert csv_first.headers["X-Proxy-Cache"] == "MISS"  # not the JSON answer
    assert csv_first.headers["Content-Type"].startswith("text/csv")
    assert csv_again.headers["X-Proxy-Cache"] == "HIT"
    assert csv_again.headers["Content-Type"].startswith("text/csv")
    assert csv_again.text == csv_first.text
    assert json_again.headers["X-Proxy-Cache"] == "HIT"
    assert json_again.headers["Content-Type"].startswith("application/sparql-results+json")
    assert json_again.json() == json_first.json()


def test_requests_with_credentials_are_never_cached(cached):
    headers = {"Authorization": "Bearer anything"}
    for _ in range(2):
        r = requests.get(cached + "sparql", params=QUERY, headers=headers, timeout=30)
        assert r.status_code == 200 and r.headers["X-Proxy-Cache"] == "BYPASS"
