"""What the code imports is declared, and what is declared is pinned in requirements.lock
(the lock ``make install`` installs), so a fresh clone gets the versions the tests ran on."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCK = ROOT / "requirements.lock"


def declared(*extras: str) -> list[Requirement]:
    names = list(PYPROJECT["dependencies"])
    for extra in extras:
        names += PYPROJECT["optional-dependencies"][extra]
    return [Requirement(n) for n in names]


def pinned() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", LOCK.read_text(), re.M)
    return {canonicalize_name(name): version for name, version in pins}


def imported_distributions(folder: Path) -> dict[str, set[str]]:
    """The distributions providing each third-party module imported under ``folder``."""
    provided = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in ("kzgraph", "tests", "benchmarks"):
                    continue
                dists = {canonicalize_name(d) for d in provided.get(top, [top])}
                found.setdefault(top, set()).update(dists)
    return found


def test_every_dependency_is_pinned_in_the_lock_within_its_range():
    pins = pinned()
    for requirement in declared("test"):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement}: run make lock"
        )


def test_the_code_imports_only_declared_distributions():
    runtime = {canonicalize_name(r.name) for r in declared()}
    with_tests = {canonicalize_name(r.name) for r in declared("test")}
    for folder, allowed in ((ROOT / "src", runtime), (ROOT / "tests", with_tests)):
        for module, dists in imported_distributions(folder).items():
            assert dists & allowed, f"{folder.name}/ imports {module} ({dists}), not declared"
