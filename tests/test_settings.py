"""Configuration in one place: defaults < TOML file < KZGRAPH_* environment < flags."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kzgraph.settings import Settings, load_settings


def test_precedence(tmp_path, monkeypatch):
    config = tmp_path / "kzgraph.toml"
    config.write_text(
        '[kzgraph]\nport = 9000\nworkers = 3\nquery_timeout = 12\nservice_allowlist = ["https://a.example/sparql"]\n'
    )
    monkeypatch.setenv("KZGRAPH_WORKERS", "5")
    monkeypatch.setenv("KZGRAPH_UNION_DEFAULT_GRAPH", "false")
    settings = load_settings(str(config), port=9100)
    assert settings.port == 9100  # flag beats file
    assert settings.workers == 5  # environment beats file
    assert settings.query_timeout == 12.0  # file beats default
    assert settings.union_default_graph is False
    assert settings.service_allowlist == ("https://a.example/sparql",)
    assert Settings().port == 8000


def test_service_map_and_remote_detection(monkeypatch):
    monkeypatch.setenv(
        "KZGRAPH_SERVICE_MAP", "https://query.wikidata.org/sparql=http://127.0.0.1:1/query"
    )
    monkeypatch.setenv("KZGRAPH_STORE", "http://oxigraph:7878")
    settings = load_settings()
    assert settings.service_url("https://query.wikidata.org/sparql") == "http://127.0.0.1:1/query"
    assert settings.service_url("https://other.example/sparql") == "https://other.example/sparql"
    assert settings.is_remote


def test_unknown_setting_is_an_error(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[kzgraph]\nprot = 1\n")
    with pytest.raises(ValueError, match="unknown setting 'prot'"):
        load_settings(str(config))


def test_serve_without_a_store_says_to_build(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kzgraph.cli",
            "serve",
            "--store",
            str(tmp_path / "none"),
            "--port",
            "0",
        ],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert b"kzgraph build" in proc.stderr and b"Traceback" not in proc.stderr
