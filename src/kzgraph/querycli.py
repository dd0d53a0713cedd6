"""``kzgraph query``: canned queries and SPARQL text from the command line."""

from __future__ import annotations

import argparse
import sys

import pyoxigraph as ox

from kzgraph import store as on_disk
from kzgraph.functions import CUSTOM_FUNCTIONS
from kzgraph.namespaces import PREDEFINED
from kzgraph.queries import ParameterError, load_catalogue
from kzgraph.settings import Settings

FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}


def run(args: argparse.Namespace, settings: Settings) -> int:
    catalogue = {q.name: q for q in load_catalogue(settings.queries)}
    if args.list:
        for q in catalogue.values():
            params = ", ".join(
                f"{p.name}:{p.type}" + ("" if p.required else "?") for p in q.parameters
            )
            print(f"{q.name:24} {q.summary}" + (f"  [{params}]" if params else ""))
        return 0
    substitutions: dict = {}
    if args.name:
        if args.name not in catalogue:
            raise ValueError(f"no canned query {args.name!r}; `kzgraph query --list` shows them")
        query = catalogue[args.name]
        given = dict(_pair(p) for p in args.param)
        try:
            substitutions = query.bind(given)
        except ParameterError as exc:
            raise ValueError(str(exc)) from exc
        text = query.text
    elif args.file:
        with open(args.file, encoding="utf-8") as f:
            text = f.read()
    else:
        text = args.sparql
    store = on_disk.load_in_memory(settings.store)
    results = store.query(
        text,
        prefixes=PREDEFINED,
        substitutions=substitutions,
        custom_functions=CUSTOM_FUNCTIONS,
        use_default_graph_as_union=settings.union_default_graph,
    )
    if args.format == "table":
        _print_table(results)
    else:
        results.serialize(sys.stdout.buffer, _format(results, args.format))
    return 0


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"--param {text!r}: write it as name=value")
    return key.strip(), value


def _format(results, name: str):
    graph = isinstance(results, ox.QueryTriples)
    if graph and name in ("csv", "tsv", "json", "xml"):
        return ox.RdfFormat.TURTLE
    if not graph and name in ("turtle", "ntriples"):
        return ox.QueryResultsFormat.JSON
    return FORMATS[name]


def _print_table(results) -> None:
    if isinstance(results, ox.QueryBoolean):
        print("true" if results else "false")
        return
    if isinstance(results, ox.QueryTriples):
        sys.stdout.buffer.write(results.serialize(format=ox.RdfFormat.TURTLE) or b"")
        return
    columns = [v.value for v in results.variables if not v.value.startswith("_")]
    rows = [[_cell(row[c]) for c in columns] for row in results]
    widths = [min(60, max([len(c), *(len(r[i]) for r in rows)])) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(cell[:w].ljust(w) for cell, w in zip(r, widths, strict=True)))
    print(f"({len(rows)} rows)")


def _cell(term) -> str:
    if term is None:
        return ""
    value = term.value
    for prefix in ("kz", "wd"):
        iri = PREDEFINED[prefix]
        if isinstance(term, ox.NamedNode) and value.startswith(iri):
            return f"{prefix}:{value[len(iri) :]}"
    return value.replace("\n", " ")
