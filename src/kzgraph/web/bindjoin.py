"""Bounded federation: a SERVICE call carries the entities it is about (a bind join).

pyoxigraph sends a SERVICE pattern as it is written: ``?item ?property ?wikidata`` goes to
Wikidata unbound and asks for all of Wikidata, which times out or hits the row bound. Other
engines send the bindings they already have along with the pattern; here the bindings that
matter are kzgraph's ``owl:sameAs`` links. A variable that the query binds locally with
``owl:sameAs ?item`` and uses inside an allowlisted SERVICE gets a ``VALUES ?item { wd:Q… }``
block at the start of the SERVICE pattern, holding the linked items, so that every solution
of the pattern is about one of them. More items than ``service_batch`` are split into
several SERVICE calls joined by UNION: their VALUES are disjoint, so the union has the same
solutions as one call with all of them.

The items sent are every item kzgraph links to (at most the number of linked entities), not
only those the rest of the query keeps: a superset, which the join with the local side then
narrows. It is read once per data version.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kzgraph.namespaces import OWL
from kzgraph.sparql_text import prefixes, spans, token_iri

OWL_SAME_AS = OWL + "sameAs"
LINKED_ITEMS = (
    f"SELECT DISTINCT ?item WHERE {{ ?entity <{OWL_SAME_AS}> ?item "
    "FILTER(isIRI(?item)) } ORDER BY ?item"
)

Span = tuple[str, str, int, int]


@dataclass(frozen=True)
class ServiceBlock:
    """``SERVICE [SILENT] <endpoint> { body }`` in the query text."""

    endpoint: str
    start: int  # of the SERVICE keyword
    head_end: int  # after the endpoint token
    body_start: int  # after the opening brace
    end: int  # after the closing brace
    variables: frozenset[str]


def linked_items(store: ox.Store) -> list[str]:
    """The IRIs kzgraph entities are linked to with owl:sameAs, sorted."""
    return [row["item"].value for row in store.query(LINKED_ITEMS, use_default_graph_as_union=True)]


def _service_blocks(toks: list[Span], known: dict[str, str]) -> list[ServiceBlock]:
    blocks = []
    i = 0
    while i < len(toks):
        if toks[i][0] == "word" and toks[i][1].upper() == "SERVICE":
            j = i + 1
            if j < len(toks) and toks[j][1].upper() == "SILENT":
                j += 1
            endpoint = token_iri(toks[j], known) if j < len(toks) else None
            if endpoint is not None and j + 1 < len(toks) and toks[j + 1][1] == "{":
                depth, k = 0, j + 1
                for k in range(j + 1, len(toks)):
                    depth += toks[k][1] == "{"
                    depth -= toks[k][1] == "}"
                    if depth == 0:
                        break
                body = toks[j + 2 : k]
                blocks.append(
                    ServiceBlock(
                        endpoint,
                        toks[i][2],
                        toks[j][3],
                        toks[j + 1][3],
                        toks[k][3],
                        frozenset(t[1][1:] for t in body if t[0] == "var"),
                    )
                )
                i = k + 1
                continue
        i += 1
    return blocks


def _linked_variables(
    toks: list[Span], known: dict[str, str], blocks: list[ServiceBlock]
) -> set[str]:
    """Variables the query binds with ``owl:sameAs ?v`` outside every SERVICE block."""
    inside = [(b.start, b.end) for b in blocks]
    found = set()
    for token, following in zip(toks, toks[1:], strict=False):
        if any(start <= token[2] < end for start, end in inside):
            continue
        if following[0] == "var" and token_iri(token, known) == OWL_SAME_AS:
            found.add(following[1][1:])
    return found


def _values(variable: str, items: list[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(f'<{iri}>' for iri in items)} }} "


def bind_join(
    text: str, endpoints: tuple[str, ...], items: list[str], batch: int, predefined: dict[str, str]
) -> str:
    """The query with each SERVICE call to one of ``endpoints`` that uses a linked variable
    carrying the linked ``items`` (in batches of at most ``batch``)."""
    if "service" not in text.lower():
        return text
    toks = spans(text)
    known = prefixes([(k, v) for k, v, _, _ in toks], predefined)
    blocks = [b for b in _service_blocks(toks, known) if b.endpoint in endpoints]
    if not blocks:
        return text
    linked = _linked_variables(toks, known, blocks)
    out, last = [], 0
    for block in blocks:
        joined = sorted(block.variables & linked)
        if not joined or f"VALUES ?{joined[0]}" in text[block.body_start : block.end]:
            continue
        head = text[block.start : block.body_start]
        body = text[block.body_start : block.end]
        others = "".join(_values(v, items) for v in joined[1:])
        chunks = [items[i : i + batch] for i in range(0, len(items), batch)] or [[]]
        calls = [f"{head} {_values(joined[0], chunk)}{others}{body}" for chunk in chunks]
        replacement = calls[0] if len(calls) == 1 else " UNION ".join(f"{{ {c} }}" for c in calls)
        out += [text[last : block.start], replacement]
        last = block.end
    return "".join(out) + text[last:]
