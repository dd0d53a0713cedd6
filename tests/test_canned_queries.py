"""Every canned query, run over HTTP against the seed graph, with the rows it must give."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import requests

from kzgraph.queries import ParameterError, QueryFileError, load_catalogue, parse_query_file
from kzgraph.settings import PROJECT_ROOT
from kzgraph.web import dates

E = "https://w3id.org/kzgraph/entity/"


def rows_json(live, query, **params) -> list[dict[str, str]]:
    r = requests.get(f"{live.url}queries/{query}.json", params=params, timeout=30)
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def rows_csv(live, query, **params) -> list[dict[str, str]]:
    r = requests.get(
        f"{live.url}queries/{query}", params=params, headers={"Accept": "text/csv"}, timeout=30
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), r.text
    return list(csv.DictReader(io.StringIO(r.text)))


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def both(live, query, **params):
    """The rows as JSON and as CSV must agree, value for value (CSV writes an unbound
    variable as an empty field)."""
    j, c = rows_json(live, query, **params), rows_csv(live, query, **params)
    columns = list(c[0]) if c else []
    as_json = sorted(tuple(row.get(col, "") for col in columns) for row in j)
    as_csv = sorted(tuple(row[col] for col in columns) for row in c)
    assert as_json == as_csv
    assert all(set(row) <= set(columns) for row in j)
    return j, c


def test_chambers_with_sizes_lists_both_senate_sizes(live):
    j, c = both(live, "chambers-with-sizes")
    got = {(short(r["chamber"]), r["seats"], r["conflict"]) for r in j}
    # The infobox's 49 and the prose's 50 disagree (both kept, both flagged); 98 agrees.
    assert {("majilis", "98", "false"), ("senate", "49", "true"), ("senate", "50", "true")} <= got
    assert not {row for row in got if row[:2] in {("majilis", "98")} and row[2] == "true"}
    assert {r["quote"] for r in c if r["seats"] == "50"} == {
        "The Senate, the upper house, consists of 50 deputies who are appointed either by local legislative bodies (mäslihats), the President, or the Assembly of People of Kazakhstan for six-year terms."
    }


@pytest.mark.parametrize(
    "date, expected",
    [
        (
            "2024-01-01",
            {
                "amanat": 62,
                "auyl": 8,
                "respublica": 6,
                "ak-zhol": 6,
                "peoples-party-of-kazakhstan": 5,
                "nationwide-social-democratic-party": 4,
                "independents-kazakhstan": 7,
            },
        ),
        ("2020-06-01", {"amanat": 84, "ak-zhol": 7, "peoples-party-of-kazakhstan": 7}),
        ("2010-01-01", {}),
    ],
)
def test_composition_on_a_date(live, date, expected):
    j, c = both(live, "composition-on-date", date=date)
    assert {short(r["party"]): int(r["seats"]) for r in j} == expected
    assert {short(r["party"]) for r in c} == set(expected)


def test_composition_defaults_to_today(live):
    assert sum(int(r["seats"]) for r in rows_json(live, "composition-on-date")) == 98


def test_office_holders(live):
    j, _ = both(live, "office-holders")
    pairs = {(short(r["office"]), short(r["holder"])) for r in j}
    assert ("chairman-of-the-senate", "maulen-ashimbayev") in pairs
    assert ("chairman-of-the-majilis", "erlan-koshanov") in pairs
    assert ("chairman-of-the-supreme-council", "serikbolsyn-abdildin") in pairs
    one = rows_json(live, "office-holders", office=E + "chairman-of-the-supreme-council")
    assert [(short(r["holder"]), short(r["term"])) for r in one] == [
        ("serikbolsyn-abdildin", "supreme-council-of-kazakhstan-convocation-12")
    ]


def test_chamber_elections(live):
    j, _ = both(live, "chamber-elections")
    results = {
        (short(r["election"]), short(r.get("party", "")), r.get("share"), r.get("seats")) for r in j
    }
    assert ("election-2016-03-20-majilis", "amanat", "0.822", "84") in results
    assert ("election-2016-03-20-majilis", "ak-zhol", "0.0718", "7") in results
    # Every dated election the graph holds for the chamber, and only those: the graph's
    # elections change as extraction improves, so the oracle asks the graph, not a list.
    majilis = {short(r["election"]) for r in j}
    senate = {
        short(r["election"]) for r in rows_json(live, "chamber-elections", chamber=E + "senate")
    }
    assert majilis == dated_elections(live, "majilis")
    assert senate == dated_elections(live, "senate")
    assert "election-2016-03-20-majilis" in majilis and "election-2014-10-01-senate" in senate
    assert not majilis & senate


def dated_elections(live, chamber: str) -> set[str]:
    query = f"SELECT DISTINCT ?e WHERE {{ ?e kzo:electionFor <{E}{chamber}> ; wdt:P585 ?date }}"
    r = requests.get(
        f"{live.url}sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    return {short(b["e"]["value"]) for b in r.json()["results"]["bindings"]}


def test_timeline_between_two_dates(live):
    j, _ = both(live, "timeline", **{"from": "1993-01-01", "to": "1996-12-31"})
    kinds = [(r["when"][:10], r["kind"]) for r in j]
    # in the order of the real intervals: a date known to the year sorts at that year's end
    latest = [dates.parse(r["when"], r["whenPrecision"]).sort_key for r in j]
    assert latest == sorted(latest)
    established = next(r for r in j if r["kind"] == "established" and r["when"].startswith("1995"))
    assert established["whenPrecision"] == "9"
    assert kinds.index(("1995-08-30", "referendum")) < kinds.index(("1995-01-01", "established"))
    assert ("1993-12-01", "dissolved") in kinds
    assert ("1995-08-30", "referendum") in kinds
    assert ("1996-01-30", "first session") in kinds
    assert ("1995-12-05", "election") in kinds
    assert all("1993" <= when[:4] <= "1996" for when, _ in kinds)


def test_find_entity_ignores_accents_and_transliteration(live):
    found = {short(r["entity"]) for r in rows_json(live, "find-entity", name="mazhilis")}
    assert "majilis" in found
    assert {short(r["entity"]) for r in rows_json(live, "find-entity", name="KOSHANOV")} == {
        "erlan-koshanov"
    }
    assert {short(r["entity"]) for r in rows_json(live, "find-entity", name="Мажилис")} >= {
        "majilis"
    }


def test_find_entity_paginates_with_true_links(live):
    r = requests.get(
        f"{live.url}queries/find-entity.json",
        params={"name": "a", "per_page": 5, "page": 2},
        timeout=30,
    )
    total = int(r.headers["X-Total-Count"])
    assert total > 10
    assert len(r.json()["results"]["bindings"]) == 5
    links = requests.utils.parse_header_links(r.headers["Link"])
    rels = {link["rel"]: link["url"] for link in links}
    assert set(rels) == {"first", "last", "prev", "next"}
    last_page = -(-total // 5)
    assert f"page={last_page}" in rels["last"]
    last = requests.get(rels["last"], timeout=30)
    assert 1 <= len(last.json()["results"]["bindings"]) <= 5
    assert "next" not in {
        link["rel"] for link in requests.utils.parse_header_links(last.headers["Link"])
    }
    beyond = requests.get(
        f"{live.url}queries/find-entity.json",
        params={"name": "a", "per_page": 5, "page": last_page + 1},
        timeout=30,
    )
    assert beyond.json()["results"]["bindings"] == []


def test_entity_provenance_offsets(live, seed_text):
    j, _ = both(live, "entity-provenance", entity=E + "senate")
    assert len(j) > 5
    for r in j:
        assert seed_text[int(r["sentenceStart"]) : int(r["sentenceEnd"])] == r["quote"]
        assert seed_text[int(r["spanStart"]) : int(r["spanEnd"])] == r["words"]


def test_conflicting_claims(live):
    j, _ = both(live, "conflicting-claims")
    got = {(short(r["subject"]), r["property"], r["value"]) for r in j}
    assert {("senate", "P1342", "49"), ("senate", "P1342", "50")} <= got
    # Each conflict lists both sides.
    for subject, prop, _ in got:
        assert len({v for s, p, v in got if (s, p) == (subject, prop)}) >= 2


def test_wikidata_links(live):
    linked = rows_json(live, "wikidata-links", linked="true", per_page=1000)
    unlinked = rows_json(live, "wikidata-links", linked="false", per_page=1000)
    assert ("majilis", "Q1247199") in {(short(r["entity"]), short(r["wikidata"])) for r in linked}
    assert "senate" in {short(r["entity"]) for r in unlinked}
    assert all("wikidata" not in r for r in unlinked)
    everything = rows_json(live, "wikidata-links", per_page=1000)
    assert len(everything) == len(linked) + len(unlinked)


def test_party_names(live):
    j, _ = both(live, "party-names")
    by_party = {short(r["party"]): r for r in j}
    assert by_party["adal-kazakhstan"]["formerName"] == "Birlik Party"
    assert "Nur Otan" in by_party["amanat"]["otherNames"]


def test_extraction_statistics(live):
    j, _ = both(live, "extraction-statistics")
    facts = {(r["property"], r["origin"]): int(r["facts"]) for r in j}
    assert facts[("P1342", "infobox")] >= 2 and facts[("P1342", "prose")] >= 2
    assert sum(facts.values()) > 150


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date": "not-a-date"}, "parameter 'date'"),
        ({"date": "2024-13-40"}, "parameter 'date'"),
        ({"chamber": "not an iri"}, "parameter 'chamber'"),
        ({"chamber": "http://x/> } ; DROP ALL #"}, "parameter 'chamber'"),
        ({"bogus": "1"}, "parameter 'bogus'"),
    ],
)
def test_bad_parameter_values_are_a_400_naming_the_parameter(live, params, message):
    r = requests.get(f"{live.url}queries/composition-on-date.json", params=params, timeout=10)
    assert r.status_code == 400
    assert message in r.json()["message"]


@pytest.mark.parametrize(
    "value", ['mazhilis"', "} ; DROP ALL #", "x\n} UNION { ?s ?p ?o }", "'; <urn:x> ", '")) } #']
)
def test_injection_through_a_string_parameter_is_bound_harmlessly(live, value):
    r = requests.get(
        f"{live.url}queries/find-entity.json", params={"name": value, "per_page": 1000}, timeout=10
    )
    assert r.status_code == 200
    rows = r.json()["results"]["bindings"]
    # The value is text to match, nothing more: the rows are exactly the entities with a name
    # containing it (most values match none; an injected UNION would match everything).
    assert {row["entity"]["value"] for row in rows} == entities_named(live, value)
    assert all(row["_name"]["value"] == value for row in rows)


def test_find_entity_matches_what_the_oracle_matches(live):
    """The oracle of the injection test finds something when there is something to find."""
    found = {row["entity"] for row in rows_json(live, "find-entity", name="mazhilis")}
    assert found and found == entities_named(live, "mazhilis")


def entities_named(live, text: str) -> set[str]:
    """The entities find-entity should return for ``text``, matched in Python on every name
    the graph holds (the query's own pattern, without its filter)."""
    from kzgraph.names import fold

    query = """SELECT DISTINCT ?entity ?name WHERE {
      ?entity kzo:slug ?slug . { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name }
      ?entity rdfs:label ?label ; a ?kind .
      FILTER(LANG(?label) = "en" && STRSTARTS(STR(?kind), STR(kzo:))) }"""
    r = requests.get(
        f"{live.url}sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    return {
        b["entity"]["value"]
        for b in r.json()["results"]["bindings"]
        if fold(text) in fold(b["name"]["value"])
    }


def test_unknown_query_and_suffix(live):
    assert requests.get(f"{live.url}queries/nothing", timeout=10).status_code == 404
    assert requests.get(f"{live.url}queries/timeline.pdf", timeout=10).status_code == 404


def test_queries_index_json_and_html(live):
    listing = requests.get(
        f"{live.url}queries", headers={"Accept": "application/json"}, timeout=10
    ).json()["queries"]
    names = {q["name"] for q in listing}
    assert len(names) >= 12 and "composition-on-date" in names
    date = next(
        p
        for q in listing
        if q["name"] == "composition-on-date"
        for p in q["parameters"]
        if p["name"] == "date"
    )
    assert date["type"] == "date"
    html = requests.get(f"{live.url}queries", headers={"Accept": "text/html"}, timeout=10)
    assert html.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in html.headers


def test_query_page_for_a_browser(live):
    r = requests.get(
        f"{live.url}queries/composition-on-date",
        params={"date": "2020-06-01"},
        headers={"Accept": "text/html"},
        timeout=10,
    )
    assert r.status_code == 200
    assert '<form method="get">' in r.text and 'name="date"' in r.text
    assert "84" in r.text and "Amanat" in r.text
    assert "open in the query editor" in r.text and "PREFIX" in r.text


def test_openapi_document_is_valid(live):
    from openapi_spec_validator import validate

    spec = requests.get(f"{live.url}openapi.json", timeout=10).json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    op = spec["paths"]["/queries/composition-on-date"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["date"]["schema"]["format"] == "date"
    assert params["chamber"]["schema"]["default"] == E + "majilis"
    assert "text/csv" in op["responses"]["200"]["content"]
    linked = spec["paths"]["/queries/wikidata-links"]["get"]["parameters"]
    assert next(p for p in linked if p["name"] == "linked")["schema"]["enum"] == ["true", "false"]
    assert requests.get(f"{live.url}openapi", timeout=10).status_code == 200


def test_canned_queries_are_listed_in_the_service_description(live):
    r = requests.get(live.url + "sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert f"{live.url}queries/composition-on-date" in r.text


def test_every_query_file_has_a_header_and_parses():
    catalogue = load_catalogue(PROJECT_ROOT / "queries")
    assert len(catalogue) >= 12
    for q in catalogue:
        assert q.summary and q.description


@pytest.mark.parametrize(
    "content, message",
    [
        ("#+ summary: [unclosed\nSELECT * {}", "not valid YAML"),
        ("#+ sumary: typo\nSELECT * {}", "unknown decorator"),
        ("#+ summary: fine\nSELECT * WHERE { ?s ?p }", "not valid SPARQL"),
        ("SELECT * {}", r"needs a #\+ summary"),
        ("#+ summary: x\n#+ pagination: -3\nSELECT * {}", "pagination"),
    ],
)
def test_a_malformed_query_file_is_an_error(tmp_path: Path, content, message):
    path = tmp_path / "bad.rq"
    path.write_text(content)
    with pytest.raises(QueryFileError, match=message):
        parse_query_file(path)


def test_parameter_types_bind_as_typed_terms():
    q = next(q for q in load_catalogue(PROJECT_ROOT / "queries") if q.name == "composition-on-date")
    bound = {v.value: t for v, t in q.bind({"date": "2020-01-01"}).items()}
    assert bound["_date_xsd_date"].datatype.value == "http://www.w3.org/2001/XMLSchema#date"
    assert bound["_chamber_iri"].value == E + "majilis"
    with pytest.raises(ParameterError):
        q.bind({"date": "2020-02-30"})


def test_cli_query(seed_store):
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kzgraph.cli",
            "query",
            "composition-on-date",
            "--param",
            "date=2020-06-01",
            "--format",
            "csv",
            "--store",
            str(seed_store),
        ],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode())))
    assert {short(r["party"]): r["seats"] for r in rows} == {
        "amanat": "84",
        "ak-zhol": "7",
        "peoples-party-of-kazakhstan": "7",
    }
    listing = subprocess.run(
        [sys.executable, "-m", "kzgraph.cli", "query", "--list"], capture_output=True, timeout=60
    )
    assert b"composition-on-date" in listing.stdout
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "kzgraph.cli",
            "query",
            "timeline",
            "--param",
            "from=yesterday",
            "--store",
            str(seed_store),
        ],
        capture_output=True,
        timeout=60,
    )
    assert bad.returncode == 2 and b"parameter 'from'" in bad.stderr
