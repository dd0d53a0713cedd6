"""The WDQS label service labels after the query: the rows are the query's own.

Oracle: the same query without the service, run in pyoxigraph and labelled here in
Python (one term at a time, straight from the quads), must give the same multiset of rows.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzgraph.namespaces import PREDEFINED
from kzgraph.web.labels import prepare

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DESCRIPTION = "http://schema.org/description"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
SUFFIX = {"Label": LABEL, "Description": DESCRIPTION, "AltLabel": ALT}


@pytest.fixture(scope="module")
def client(live):
    """The seed served by `kzgraph serve` on loopback (the session's ``live`` server)."""
    return live


@pytest.fixture(scope="module")
def store(seed):
    return seed.store


def served(client, query: str) -> list[dict[str, str]]:
    r = requests.post(
        client.url + "sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def oracle_label(store: ox.Store, term, prop: str, languages: list[str]) -> str | None:
    """Labelling written out the simple way, for one term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        values = [q.object for q in store.quads_for_pattern(term, ox.NamedNode(prop), None, None)]
        for code in languages:
            code = "en" if code == "[AUTO_LANGUAGE]" else code
            found = sorted(
                {v.value for v in values if (v.language or "").lower().split("-")[0] == code}
            )
            if found:
                return ", ".join(found) if prop == ALT else found[0]
        return term.value.rsplit("/", 1)[-1] if prop == LABEL else None
    if isinstance(term, ox.Literal) and prop == LABEL:
        return term.value
    return None


def oracle(store: ox.Store, where: str, projected: list[str], wanted, languages) -> Counter:
    plain = store.query(
        f"SELECT {' '.join('?' + v for v in projected)} WHERE {{ {where} }}",
        prefixes=PREDEFINED,
        use_default_graph_as_union=True,
    )
    solutions = [{v: s[v] for v in projected} for s in plain]
    del plain  # pyoxigraph results must be freed in the thread that made them
    rows = []
    for s in solutions:
        row = {v: s[v].value for v in projected if s[v] is not None}
        for target, base, prop in wanted:
            value = oracle_label(store, s[base], prop, languages)
            if value is not None:
                row[target] = value
        rows.append(frozenset(row.items()))
    return Counter(rows)


def as_multiset(rows: list[dict[str, str]]) -> Counter:
    return Counter(frozenset(r.items()) for r in rows)


def test_unbound_variables_stay_unbound_and_rows_are_not_multiplied(client, store):
    """The issue's query: 8 elections, not 8 x every labelled entity."""
    where = "?e wdt:P31 wd:Q2618461 . OPTIONAL { ?e wdt:P541 ?chamber }"
    query = f"""SELECT ?e ?eLabel ?chamber ?chamberLabel WHERE {{ {where}
      SERVICE wikibase:label {{ bd:serviceParam wikibase:language "en". }} }}"""
    rows = served(client, query)
    expected = oracle(
        store,
        where,
        ["e", "chamber"],
        [("eLabel", "e", LABEL), ("chamberLabel", "chamber", LABEL)],
        ["en"],
    )
    assert rows and as_multiset(rows) == expected
    assert all(("chamberLabel" in r) == ("chamber" in r) for r in rows)


def test_descriptions_alt_labels_and_language_fallback(client, store):
    where = "VALUES ?x { kz:majilis kz:senate kz:no-such-thing }"
    query = f"""SELECT ?x ?xLabel ?xDescription ?xAltLabel WHERE {{ {where}
      SERVICE wikibase:label {{ bd:serviceParam wikibase:language "fr,kk,en". }} }}"""
    rows = {r["x"].rsplit("/", 1)[1]: r for r in served(client, query)}
    assert rows["majilis"]["xLabel"] == "Мәжіліс"  # no French label: Kazakh comes next
    assert rows["no-such-thing"]["xLabel"] == "no-such-thing"
    assert "xDescription" not in rows["no-such-thing"]
    wanted = [("xLabel", "x", LABEL), ("xDescription", "x", DESCRIPTION), ("xAltLabel", "x", ALT)]
    assert as_multiset(list(rows.values())) == oracle(
        store, where, ["x"], wanted, ["fr", "kk", "en"]
    )


def test_explicit_bindings_inside_the_service(client, store):
    where = "?c wdt:P1342 ?seats ."
    query = f"""SELECT ?c ?name ?about WHERE {{ {where}
      SERVICE wikibase:label {{ bd:serviceParam wikibase:language "[AUTO_LANGUAGE],ru".
        ?c rdfs:label ?name . ?c schema:description ?about . }} }}"""
    wanted = [("name", "c", LABEL), ("about", "c", DESCRIPTION)]
    rows = served(client, query)
    assert rows and all("name" in r for r in rows)
    assert as_multiset(rows) == oracle(store, where, ["c"], wanted, ["[AUTO_LANGUAGE]", "ru"])


def test_order_by_a_label_sorts_after_labelling(client):
    query = """SELECT ?c ?cLabel WHERE { ?c wdt:P31 ?class .
      SERVICE wikibase:label { bd:serviceParam wikibase:language "ru,en". } } ORDER BY DESC(?cLabel) ?c"""
    labels = [r.get("cLabel") for r in served(client, query)]
    assert labels == sorted(labels, reverse=True)
    assert len(set(labels)) > 1


def test_order_by_a_label_with_limit_is_refused_clearly(client):
    query = """SELECT ?c ?cLabel WHERE { ?c wdt:P31 ?class .
      SERVICE wikibase:label { bd:serviceParam wikibase:language "en". } } ORDER BY ?cLabel LIMIT 3"""
    r = requests.post(client.url + "sparql", data={"query": query}, timeout=30)
    assert r.status_code == 400
    assert "LIMIT" in r.json()["message"]


# --- generated query shapes ---------------------------------------------------------------

PROPERTIES = [
    "wdt:P31",
    "wdt:P541",
    "wdt:P102",
    "wdt:P1342",
    "wdt:P194",
    "wdt:P361",
    "wdt:P1365",
    "owl:sameAs",
]
LANGUAGES = st.lists(
    st.sampled_from(["en", "kk", "ru", "fr", "[AUTO_LANGUAGE]"]), min_size=1, max_size=3
)


@st.composite
def shapes(draw):
    """A WHERE clause of required and OPTIONAL (possibly nested) patterns over ?v0 ... ?vn."""
    parts = [f"?v0 {draw(st.sampled_from(PROPERTIES))} ?v1 ."]
    variables = ["v0", "v1"]
    for _ in range(draw(st.integers(0, 3))):
        subject = draw(st.sampled_from(variables))
        new = f"v{len(variables)}"
        pattern = f"?{subject} {draw(st.sampled_from(PROPERTIES))} ?{new} ."
        kind = draw(st.sampled_from(["required", "optional", "nested"]))
        if kind == "required":
            parts.append(pattern)
        elif kind == "optional" or len(parts) < 2:
            parts.append(f"OPTIONAL {{ {pattern} }}")
        else:
            inner = f"?{new} {draw(st.sampled_from(PROPERTIES))} ?{new}x ."
            parts.append(f"OPTIONAL {{ {pattern} OPTIONAL {{ {inner} }} }}")
            variables.append(f"{new}x")
        variables.append(new)
    projected = draw(st.lists(st.sampled_from(variables), min_size=1, unique=True))
    wanted = [
        (f"{v}{suffix}", v, SUFFIX[suffix])
        for v in projected
        for suffix in draw(st.lists(st.sampled_from(list(SUFFIX)), unique=True, max_size=2))
    ]
    return " ".join(parts), projected, wanted, draw(LANGUAGES)


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(shapes())
def test_generated_shapes_match_the_oracle(client, store, shape):
    where, projected, wanted, languages = shape
    head = " ".join(f"?{v}" for v in projected + [t for t, _, _ in wanted])
    query = f"""SELECT {head} WHERE {{ {where}
      SERVICE wikibase:label {{ bd:serviceParam wikibase:language "{",".join(languages)}" . }} }}"""
    assert as_multiset(served(client, query)) == oracle(store, where, projected, wanted, languages)


# --- the swap cannot create syntax ---------------------------------------------------------

STRUCTURE = ['"', "'", "{", "}", "\n", "\r", "\\", "#"]
PIECES = st.sampled_from(
    [
        "SERVICE wikibase:label {",
        "SERVICE <http://wikiba.se/ontology#label> {",
        "SERVICE SILENT wikibase:label {",
        "# SERVICE wikibase:label {",
        '"SERVICE wikibase:label {"',
        '"""',
        "'",
        "}",
        "{",
        "\n",
        "\r",
        "\u2028",
        "\u00a0",
        "<2)#>",
        "#",
        "<http://x/\u00a0#>",
        "bd:serviceParam wikibase:language 'en' .",
        "?x rdfs:label ?y .",
        "SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }",
    ]
)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=12), st.sampled_from([" ", "\n", ""]))
def test_the_label_swap_writes_no_structure(pieces, sep):
    """Only ``SILENT`` is added and IRIs are swapped: no quote, brace, line end, backslash
    or ``#`` is added or removed (an IRI with ``#`` is replaced by one with ``#``)."""
    text = sep.join(pieces)
    swapped, _ = prepare(text, PREDEFINED)
    for char in STRUCTURE:
        assert swapped.count(char) == text.count(char), (char, text, swapped)
    assert swapped.replace(" SILENT", "").count("SERVICE") == text.replace(" SILENT", "").count(
        "SERVICE"
    )
