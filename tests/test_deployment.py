"""docker-compose.yml and the Dockerfile agree with the settings the app reads.

No Docker engine runs here, so the wiring is checked by reading the files.
"""

from __future__ import annotations

import re
from dataclasses import fields

import yaml

from kzgraph.settings import PROJECT_ROOT, Settings, load_settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text()
SETTING_NAMES = {f"KZGRAPH_{f.name.upper()}" for f in fields(Settings)}


def test_two_services_with_health_checks_and_restart_policies():
    services = COMPOSE["services"]
    assert {name for name, s in services.items() if "profiles" not in s} == {"oxigraph", "kzgraph"}
    for service in services.values():
        assert service["healthcheck"]["test"]
        assert service["restart"] == "unless-stopped"
    assert services["oxigraph"]["image"].startswith("ghcr.io/oxigraph/oxigraph")
    assert any(v.split(":")[0] in COMPOSE["volumes"] for v in services["oxigraph"]["volumes"])
    assert services["kzgraph"]["depends_on"]["oxigraph"]["condition"] == "service_healthy"


def test_kzgraph_environment_is_made_of_real_settings():
    for name in ("kzgraph", "kzgraph-virtuoso"):
        env = COMPOSE["services"][name]["environment"]
        assert set(env) <= SETTING_NAMES, set(env) - SETTING_NAMES
    for name in re.findall(r"\b(KZGRAPH_[A-Z_]+)=", DOCKERFILE):
        assert name in SETTING_NAMES | {"KZGRAPH_HOME"}, name


def test_the_store_url_points_at_the_oxigraph_service():
    oxigraph = COMPOSE["services"]["oxigraph"]
    bind = oxigraph["command"][oxigraph["command"].index("--bind") + 1]
    port = bind.rsplit(":", 1)[1]
    store = COMPOSE["services"]["kzgraph"]["environment"]["KZGRAPH_STORE"]
    assert store == f"http://oxigraph:{port}"


def test_the_store_is_reachable_only_on_an_internal_network():
    """Oxigraph's port takes writes without a token: no port published on the host, its
    only network internal (no route out either), and kzgraph on that network."""
    oxigraph, kzgraph = COMPOSE["services"]["oxigraph"], COMPOSE["services"]["kzgraph"]
    assert "ports" not in oxigraph
    assert oxigraph["networks"], "the store must be on a named network"
    for network in oxigraph["networks"]:
        assert COMPOSE["networks"][network]["internal"] is True
        assert network in kzgraph["networks"]
    public = [n for n in kzgraph["networks"] if not (COMPOSE["networks"][n] or {}).get("internal")]
    assert public, "kzgraph itself must be reachable"
    assert "network_mode" not in oxigraph
    # kzgraph lets queries with SERVICE reach the store only because the store is isolated.
    assert kzgraph["environment"]["KZGRAPH_REMOTE_STORE_ISOLATED"] == "true"


def test_the_virtuoso_profile_reaches_virtuosos_sparql_endpoint_with_credentials():
    services = COMPOSE["services"]
    assert services["virtuoso"]["profiles"] == services["kzgraph-virtuoso"]["profiles"]
    env = services["kzgraph-virtuoso"]["environment"]
    assert env["KZGRAPH_STORE"] == "http://virtuoso:8890/sparql"
    assert env["KZGRAPH_STORE_USER"] and env["KZGRAPH_STORE_PASSWORD"]
    assert services["kzgraph-virtuoso"]["depends_on"]["virtuoso"]["condition"] == "service_healthy"


def test_ports_and_settings_agree(monkeypatch):
    env = COMPOSE["services"]["kzgraph"]["environment"]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.is_remote and settings.store == "http://oxigraph:7878"
    assert f"{settings.port}:{settings.port}" in COMPOSE["services"]["kzgraph"]["ports"]
    assert f"EXPOSE {settings.port}" in DOCKERFILE
    assert f"127.0.0.1:{settings.port}/health" in DOCKERFILE
    assert settings.host == "0.0.0.0"


def test_dockerfile_builds_then_serves_and_ships_the_ui():
    assert "kzgraph build && exec kzgraph serve" in DOCKERFILE
    assert "yasgui.min.js" in DOCKERFILE
    for folder in ("ontology", "mappings", "queries", "sources", "src"):
        assert f"COPY {folder} ./{folder}" in DOCKERFILE
