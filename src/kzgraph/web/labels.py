"""The Wikidata Query Service's label service, done the way WDQS does it: after the query.

``SERVICE wikibase:label { bd:serviceParam wikibase:language "en,kk" . }`` asks for
``?xLabel``, ``?xDescription`` and ``?xAltLabel`` of each projected ``?x`` (or for the
variables bound explicitly inside the service: ``?x rdfs:label ?name``). The engine
never sees a label pattern: the service's endpoint is swapped for one that cannot be
reached and the call made ``SILENT``, so it evaluates to the empty solution and leaves
every row as it was. The solutions are then labelled in Python, in batched lookups:
only bound variables get labels, unbound ones stay unbound, the row count never changes.
A top-level ``ORDER BY`` on a label variable is applied after labelling.

The swap replaces two tokens and adds the word ``SILENT``; it writes no quote, brace,
line end or backslash, and a ``#`` only where the replaced IRI had one, so it cannot
turn a comment or a string into live syntax (``tests/test_labels.py`` checks this on
generated text). Where it misreads the text, the egress sandbox still stops any call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from kzgraph.namespaces import RDFS, SCHEMA, SKOS, WIKIBASE, XSD
from kzgraph.sparql_text import prefixes, spans, token_iri

LABEL_SERVICE = WIKIBASE + "label"
LANGUAGE = WIKIBASE + "language"
RDFS_LABEL = RDFS + "label"
SCHEMA_DESCRIPTION = SCHEMA + "description"
SKOS_ALT_LABEL = SKOS + "altLabel"
# Suffix -> property; AltLabel before Label, since "xAltLabel" also ends in "Label".
SUFFIXES = (
    ("AltLabel", SKOS_ALT_LABEL),
    ("Description", SCHEMA_DESCRIPTION),
    ("Label", RDFS_LABEL),
)
# Port 1 is refused by the engine's HTTP client before it connects, and the egress
# sandbox refuses anything but the gateway: the SILENT call fails and yields one empty row.
UNREACHABLE = "<http://127.0.0.1:1/wikibase-label>"
UNREACHABLE_WITH_HASH = "<http://127.0.0.1:1/wikibase-label#label>"
BATCH = 500


class LabelError(ValueError):
    """A label-service request this server cannot answer correctly."""


@dataclass
class LabelRequest:
    languages: list[str] = field(default_factory=lambda: ["en"])
    explicit: list[tuple[str, str, str]] = field(default_factory=list)  # (target, base, property)
    order: list[tuple[str, bool]] | None = None  # top-level ORDER BY ?v / DESC(?v) ...
    order_text: bool = False  # there is a top-level ORDER BY (simple or not)
    sliced: bool = False  # a top-level LIMIT or OFFSET


def prepare(text: str, predefined: dict[str, str]) -> tuple[str, LabelRequest | None]:
    """The text the engine runs, and what to label afterwards (None: no label service)."""
    toks = spans(text)
    known = prefixes([(k, v) for k, v, _, _ in toks], predefined)
    request: LabelRequest | None = None
    edits: list[tuple[int, int, str]] = []
    for i, (kind, value, _, end) in enumerate(toks):
        if kind != "word" or value.upper() != "SERVICE":
            continue
        j = i + 1
        silent = j < len(toks) and toks[j][1].upper() == "SILENT"
        j += silent
        if j >= len(toks) or token_iri(toks[j], known) != LABEL_SERVICE:
            continue
        if not silent:
            edits.append((end, end, " SILENT"))
        endpoint = toks[j]
        edits.append(
            (endpoint[2], endpoint[3], UNREACHABLE_WITH_HASH if "#" in endpoint[1] else UNREACHABLE)
        )
        request = request or LabelRequest()
        _read_body(toks, j + 1, known, request)
    if request is None:
        return text, None
    _read_modifiers(toks, request)
    out, last = [], 0
    for start, end, new in sorted(edits):
        out += [text[last:start], new]
        last = end
    return "".join(out) + text[last:], request


def _read_body(toks: list, start: int, known: dict[str, str], request: LabelRequest) -> None:
    """Languages and explicit bindings from ``{ ... }`` after the service IRI."""
    if start >= len(toks) or toks[start][1] != "{":
        return
    depth, body = 0, []
    for tok in toks[start:]:
        depth += {"{": 1, "}": -1}.get(tok[1], 0) if tok[0] == "other" else 0
        if depth == 0:
            break
        body.append(tok)
    for i, tok in enumerate(body):
        if token_iri(tok, known) == LANGUAGE and i + 1 < len(body) and body[i + 1][0] == "string":
            request.languages = languages(body[i + 1][1].strip("\"'"))
        if tok[0] == "var" and i + 2 < len(body) and body[i + 2][0] == "var":
            prop = token_iri(body[i + 1], known)
            if prop in (RDFS_LABEL, SCHEMA_DESCRIPTION, SKOS_ALT_LABEL):
                request.explicit.append((body[i + 2][1][1:], tok[1][1:], prop))


def languages(listing: str) -> list[str]:
    """``"en,kk,ru"`` -> ["en", "kk", "ru"]; WDQS's ``[AUTO_LANGUAGE]`` is English here."""
    codes = [c.strip().lower() for c in listing.split(",") if c.strip()]
    return [("en" if c == "[auto_language]" else c) for c in codes] or ["en"]


def _read_modifiers(toks: list, request: LabelRequest) -> None:
    """The outermost query's ORDER BY keys (when they are plain variables) and slicing."""
    depth, order_at = 0, None
    for i, (kind, value, _, _) in enumerate(toks):
        if kind == "other" and value in "{}":
            depth += 1 if value == "{" else -1
        elif depth == 0 and kind == "word":
            word = value.upper()
            if word == "ORDER":
                order_at = i
            elif word in ("LIMIT", "OFFSET"):
                request.sliced = True
    if order_at is None:
        return
    request.order_text = True
    keys: list[tuple[str, bool]] = []
    i = order_at + 2
    while i < len(toks) and not (
        toks[i][0] == "word" and toks[i][1].upper() in ("LIMIT", "OFFSET", "VALUES")
    ):
        kind, value = toks[i][0], toks[i][1]
        if kind == "var":
            keys.append((value[1:], False))
            i += 1
        elif kind == "word" and value.upper() in ("ASC", "DESC") and i + 3 < len(toks):
            if toks[i + 1][1] == "(" and toks[i + 2][0] == "var" and toks[i + 3][1] == ")":
                keys.append((toks[i + 2][1][1:], value.upper() == "DESC"))
                i += 4
            else:
                return
        else:
            return  # an expression: the engine's order stands
    request.order = keys


# --- labelling solutions ----------------------------------------------------------------------


def targets(request: LabelRequest, names: list[str]) -> list[tuple[str, str, str]]:
    """(target, base, property) for each variable the service fills."""
    if request.explicit:
        return [t for t in request.explicit if t[0] in names and t[1] in names]
    found = []
    for name in names:
        for suffix, prop in SUFFIXES:
            base = name[: -len(suffix)]
            if name.endswith(suffix) and base in names:
                found.append((name, base, prop))
                break
    return found


def label_solutions(
    store: ox.Store, results: ox.QuerySolutions, request: LabelRequest
) -> ox.QuerySolutions:
    """The same rows, with the label variables filled in (and sorted on them if asked)."""
    variables = list(results.variables)
    names = [v.value for v in variables]
    rows = [[solution[v] for v in variables] for solution in results]
    wanted = targets(request, names)
    position = {name: i for i, name in enumerate(names)}
    subjects = {
        row[position[base]]
        for row in rows
        for _, base, _ in wanted
        if isinstance(row[position[base]], ox.NamedNode | ox.BlankNode)
    }
    texts = lookup(store, subjects)
    for row in rows:
        for target, base, prop in wanted:
            if row[position[target]] is None and row[position[base]] is not None:
                row[position[target]] = choose(row[position[base]], prop, texts, request.languages)
    labelled = {target for target, _, _ in wanted}
    if request.order_text and labelled & {name for name, _ in request.order or []}:
        if request.sliced:
            raise LabelError(
                "ORDER BY on a label variable together with LIMIT or OFFSET is not supported: "
                "labels are added after the query, so the limit would cut before the sort; "
                "drop the LIMIT, or order by another variable"
            )
        rows = sort_rows(rows, [(position[n], desc) for n, desc in request.order or []])
    return _as_solutions(names, rows)


def lookup(store: ox.Store, subjects: set) -> dict[tuple, list[ox.Literal]]:
    """Labels, descriptions and alt labels of the subjects, from every graph, in batches."""
    texts: dict[tuple, list[ox.Literal]] = {}
    ordered = sorted(subjects, key=str)
    for start in range(0, len(ordered), BATCH):
        values = " ".join(
            str(s) for s in ordered[start : start + BATCH] if isinstance(s, ox.NamedNode)
        )
        if not values:
            continue
        query = (
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
            f"VALUES ?p {{ <{RDFS_LABEL}> <{SCHEMA_DESCRIPTION}> <{SKOS_ALT_LABEL}> }} ?s ?p ?o }}"
        )
        for row in store.query(query, use_default_graph_as_union=True):
            if isinstance(row["o"], ox.Literal):
                texts.setdefault((row["s"], row["p"].value), []).append(row["o"])
    return texts


def choose(subject, prop: str, texts: dict, wanted_languages: list[str]) -> ox.Literal | None:
    """WDQS's choice: the first language of the list that has a value; for a label, the
    entity's own name when none has (a literal labels itself); alt labels joined by ", "."""
    values = texts.get((subject, prop), [])
    for code in wanted_languages:
        matching = sorted(
            (v.value for v in values if v.language and _language_matches(v.language, code)),
        )
        if matching:
            text = ", ".join(dict.fromkeys(matching)) if prop == SKOS_ALT_LABEL else matching[0]
            return ox.Literal(text, language=code)
    if prop != RDFS_LABEL:
        return None
    if isinstance(subject, ox.NamedNode):
        return ox.Literal(subject.value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
    if isinstance(subject, ox.Literal):
        return ox.Literal(subject.value)
    return None


def _language_matches(tag: str, code: str) -> bool:
    tag = tag.lower()
    return tag == code or tag.startswith(code + "-")


def sort_key(term) -> tuple:
    """SPARQL's ORDER BY order: unbound, blank nodes, IRIs, literals (numbers by value)."""
    if term is None:
        return (0, 0, "")
    if isinstance(term, ox.BlankNode):
        return (1, 0, term.value)
    if isinstance(term, ox.NamedNode):
        return (2, 0, term.value)
    try:
        return (3, 0, float(term.value)) if _is_numeric(term) else (3, 1, term.value)
    except ValueError:
        return (3, 1, term.value)


def _is_numeric(term) -> bool:
    return term.datatype.value.startswith(XSD) and (
        term.datatype.value.rsplit("#", 1)[1]
        in ("integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger")
    )


def sort_rows(rows: list[list], keys: list[tuple[int, bool]]) -> list[list]:
    """Stable multi-key sort: the last key first, each ascending or descending."""
    for index, descending in reversed(keys):
        rows = sorted(rows, key=lambda row, i=index: sort_key(row[i]), reverse=descending)
    return rows


def _as_solutions(names: list[str], rows: list[list]) -> ox.QuerySolutions:
    """Rows as a QuerySolutions that pyoxigraph serializes in any results format."""
    bindings = [
        {name: _json_term(term) for name, term in zip(names, row, strict=True) if term is not None}
        for row in rows
    ]
    data = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}})
    return ox.parse_query_results(data.encode(), ox.QueryResultsFormat.JSON)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    literal = {"type": "literal", "value": term.value}
    if term.language:
        literal["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        literal["datatype"] = term.datatype.value
    return literal
