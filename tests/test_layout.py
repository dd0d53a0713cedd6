"""The import graph of src/kzgraph: imports only go down the layers, never in a cycle, and
never from inside a function to dodge one (docs/architecture.md has the map).

Read from the source with ``ast``, so the test sees every import, including those inside
functions that a run might never reach.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A module may import its own layer and the layers below, never above.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("bottom", ("kzgraph", "kzgraph.settings", "kzgraph.namespaces")),
    (
        "core",
        (
            "kzgraph.names",
            "kzgraph.sparql_text",
            "kzgraph.functions",
            "kzgraph.document",
            "kzgraph.extract",
            "kzgraph.ontology",
            "kzgraph.resolve",
            "kzgraph.rdf",
            "kzgraph.validate",
            "kzgraph.pipeline",
            "kzgraph.evaluate",
            "kzgraph.quality",
            "kzgraph.store",
            "kzgraph.remote",
            "kzgraph.publishing",
            "kzgraph.queries",
            "kzgraph.reconcile",
        ),
    ),
    # The query service and what it is built from, below the routes that use it.
    (
        "query",
        (
            "kzgraph.web.dataset",
            "kzgraph.web.dumps",
            "kzgraph.web.egress",
            "kzgraph.web.federation",
            "kzgraph.web.bindjoin",
            "kzgraph.web.labels",
            "kzgraph.web.shape",
            "kzgraph.web.updates",
            "kzgraph.web.formats",
            "kzgraph.web.errors",
            "kzgraph.web.protocol",
            "kzgraph.web.allowlist",
            "kzgraph.web.cache",
            "kzgraph.web.service",
            "kzgraph.web.watchdog",
        ),
    ),
    ("web", ("kzgraph.web",)),
    ("cli", ("kzgraph.cli", "kzgraph.querycli", "kzgraph.web.server")),
]

# Imports that break the rules today, each in a file another engineer is changing; the
# test fails on any other. Remove an entry when its file is fixed.
KNOWN: set[tuple[str, str]] = set()


# The entry points, which load per command what that command needs.
COMMANDS = {"kzgraph.cli", "kzgraph.web.server"}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def kzgraph_imports() -> list[Import]:
    """Every import of a kzgraph module, ``from kzgraph.web import dates`` counted as an
    import of ``kzgraph.web.dates``; imports under ``if TYPE_CHECKING`` are left out."""
    modules = {module_name(p) for p in SRC.rglob("*.py")}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        importer = module_name(path)
        tree = ast.parse(path.read_text(), str(path))
        for node, in_function in _walk(tree, False):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                assert node.level == 0, f"{path}:{node.lineno}: use absolute imports"
                names = [
                    f"{node.module}.{a.name}"
                    if f"{node.module}.{a.name}" in modules
                    else node.module
                    for a in node.names
                ]
            else:
                continue
            for name in names:
                if name.split(".")[0] == "kzgraph":
                    found.append(Import(importer, name, node.lineno, in_function))
    return found


def _walk(node: ast.AST, in_function: bool):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            continue
        inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield child, inside
        yield from _walk(child, inside)


def _is_type_checking(test: ast.expr) -> bool:
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def layer(module: str) -> int:
    """The most specific layer entry that names the module or a package holding it (the
    package ``kzgraph`` itself names only its ``__init__``: a new module must be placed)."""
    best, best_len = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            within = prefix != "kzgraph" and module.startswith(prefix + ".")
            if (module == prefix or within) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    assert best is not None, f"{module} is in no layer: add it to LAYERS and docs/architecture.md"
    return best


def test_every_module_has_a_layer():
    for path in SRC.rglob("*.py"):
        layer(module_name(path))


def test_imports_only_go_down():
    upward = [
        f"{i.importer} (layer {LAYERS[layer(i.importer)][0]}) imports {i.imported} "
        f"(layer {LAYERS[layer(i.imported)][0]}), line {i.line}"
        for i in kzgraph_imports()
        if layer(i.imported) > layer(i.importer) and (i.importer, i.imported) not in KNOWN
    ]
    assert not upward, "\n".join(upward)


def test_no_import_hides_inside_a_function():
    """A function-local import of kzgraph is how a cycle gets dodged. The commands alone
    import per command (cli.py, and web/server.py for the ways of serving), so that
    ``kzgraph query`` does not load spaCy and ``build`` not Flask."""
    hidden = [
        f"{i.importer} line {i.line}: {i.imported}"
        for i in kzgraph_imports()
        if i.in_function and i.importer not in COMMANDS and (i.importer, i.imported) not in KNOWN
    ]
    assert not hidden, "\n".join(hidden)


def test_no_cycles():
    graph: dict[str, set[str]] = {}
    for i in kzgraph_imports():
        if i.importer != i.imported and (i.importer, i.imported) not in KNOWN:
            graph.setdefault(i.importer, set()).add(i.imported)
    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; a package is not counted as importing its own submodules'
    importers (``kzgraph.web`` -> ``kzgraph.web.pages`` -> ``kzgraph.web.dates`` is no cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in list(graph):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize(
    "modules",
    [
        # what `kzgraph build` and `kzgraph export` load
        ["kzgraph.cli", "kzgraph.pipeline", "kzgraph.validate", "kzgraph.store"],
        # what `kzgraph query` loads
        ["kzgraph.cli", "kzgraph.querycli"],
    ],
)
def test_commands_without_a_server_do_not_load_flask(modules):
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug') "
        "or m.startswith('kzgraph.web')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_rules_see_a_violation():
    """The checks can fail: a made-up upward import and a cycle are found."""
    assert layer("kzgraph.store") < layer("kzgraph.web.pages")
    with pytest.raises(AssertionError, match="in no layer"):
        layer("kzgraph.not_listed")
    assert _strongly_connected({"a": {"b"}, "b": {"a"}}) == [["a", "b"]]
