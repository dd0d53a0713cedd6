"""The four Kazakhstan articles build into one graph: one entity per thing, facts in time,
and answers for any date (in SPARQL over the Wikidata model and in the canned queries)."""

from __future__ import annotations

import pytest

from kzgraph.pipeline import build, source_files
from kzgraph.queries import load_catalogue
from kzgraph.settings import PROJECT_ROOT, load_settings

from .conftest import PREFIX_TEXT, Graph

E = "https://w3id.org/kzgraph/entity/"
SOURCE = "https://w3id.org/kzgraph/source/"


@pytest.fixture(scope="module")
def graph() -> Graph:
    settings = load_settings()
    paths = source_files(None, settings)
    assert {p.stem for p in paths} >= {
        "parliament-of-kazakhstan",
        "senate-of-kazakhstan",
        "majilis",
        "2023-kazakh-legislative-election",
    }
    return Graph(build(paths, settings).quads)


@pytest.fixture(scope="module")
def catalogue():
    return {q.name: q for q in load_catalogue(PROJECT_ROOT / "queries")}


def canned(graph: Graph, catalogue, name: str, **params: str) -> list[dict[str, str]]:
    query = catalogue[name]
    result = graph.store.query(
        PREFIX_TEXT + query.text,
        substitutions=query.bind(params),
        use_default_graph_as_union=True,
    )
    return [
        {v.value: (s[v].value if s[v] is not None else None) for v in result.variables}
        for s in result
    ]


def test_one_senate_with_references_from_both_articles(graph):
    rows = graph.rows(
        f"SELECT DISTINCT ?src WHERE {{ <{E}senate> ?p ?st . ?st prov:wasDerivedFrom/pr:P248 ?src }}"
    )
    sources = {r["src"] for r in rows}
    assert {f"{SOURCE}parliament-of-kazakhstan", f"{SOURCE}senate-of-kazakhstan"} <= sources
    assert not graph.ask('ASK { ?s rdfs:label "Senate"@en ; a kzo:Chamber }')


def test_one_statement_per_thing_said_with_a_reference_per_article(graph):
    # The Senate's chairman is stated by two articles: one statement, both references.
    rows = graph.rows(f"""
        SELECT ?st (COUNT(DISTINCT ?src) AS ?n) WHERE {{
          <{E}senate> p:P488 ?st . ?st ps:P488 <{E}maulen-ashimbayev> ;
            prov:wasDerivedFrom/pr:P248 ?src }} GROUP BY ?st""")
    assert any(int(r["n"]) >= 2 for r in rows)
    # The union default graph holds each statement's triples once.
    dup = graph.rows(f"SELECT ?v WHERE {{ <{E}senate> p:P488 ?st . ?st ps:P488 ?v }}")
    assert len(dup) == len({(r["v"]) for r in dup}) or len(dup) == len(
        graph.rows(f"SELECT DISTINCT ?st WHERE {{ <{E}senate> p:P488 ?st }}")
    )


def test_two_spells_are_two_statements(graph):
    rows = graph.rows(f"""
        SELECT ?start WHERE {{ <{E}senate> p:P488 ?st . ?st ps:P488 <{E}kassym-jomart-tokayev> ;
          pq:P580 ?start }} ORDER BY ?start""")
    assert [r["start"][:10] for r in rows] == ["2007-01-11", "2013-10-16"]


def chair_on(graph: Graph, chamber: str, day: str) -> set[str]:
    """Who chaired ``chamber`` on ``day``, written as a Wikidata user writes it."""
    rows = graph.rows(f"""
        SELECT DISTINCT ?person WHERE {{
          <{E}{chamber}> p:P488 ?st . ?st ps:P488 ?person ; pq:P580 ?start .
          OPTIONAL {{ ?st pq:P582 ?end }}
          BIND("{day}T00:00:00Z"^^xsd:dateTime AS ?day)
          FILTER(?start <= ?day && (!BOUND(?end) || ?end > ?day))
          FILTER(BOUND(?end) || NOT EXISTS {{ <{E}{chamber}> p:P488 ?n . ?n ps:P488 ?other ;
            pq:P580 ?s2 . FILTER(?other != ?person && ?s2 > ?start && ?s2 <= ?day) }})
        }}""")
    return {r["person"].rsplit("/", 1)[1] for r in rows}


@pytest.mark.parametrize(
    "chamber, day, holders",
    [
        ("senate", "2015-06-01", {"kassym-jomart-tokayev"}),  # who chaired the Senate in 2015
        ("senate", "2004-03-10", {"nurtai-abykayev"}),  # the day the holder changes
        ("senate", "2004-03-09", {"oralbay-abdykarimov"}),
        ("majilis", "2010-06-01", {"ural-mukhamedzhanov"}),  # the Mäjilis in 2010
        ("majilis", "2007-08-01", set()),  # between Mukhamedzhanov's terms, before Musin
        ("majilis", "2016-06-22", {"nurlan-nigmatulin"}),  # the day Nigmatulin returned
        ("majilis", "1995-06-01", set()),  # before the first convocation
        ("senate", "1995-06-01", set()),
    ],
)
def test_who_chaired_on_a_day(graph, catalogue, chamber, day, holders):
    assert chair_on(graph, chamber, day) == holders
    rows = canned(graph, catalogue, "presiding-officers", date=day, chamber=f"{E}{chamber}")
    assert {r["person"].rsplit("/", 1)[1] for r in rows} == holders


def test_composition_ends_where_the_next_begins(graph, catalogue):
    mid_2022 = canned(graph, catalogue, "composition-on-date", date="2022-06-01")
    seats = {r["partyLabel"]: int(r["seats"]) for r in mid_2022}
    assert seats.get("Amanat") == 76  # the 2021 election, not the 2016 one (84)
    assert canned(graph, catalogue, "composition-on-date", date="1995-06-01") == []
    mid_2016 = canned(graph, catalogue, "composition-on-date", date="2016-06-01")
    assert {r["partyLabel"]: int(r["seats"]) for r in mid_2016}.get("Amanat") == 84


def test_current_values_are_preferred(graph):
    # The Mäjilis's current chairman is the preferred chairperson statement; past ones are normal.
    rows = graph.rows(f"""
        SELECT ?person ?rank WHERE {{ <{E}majilis> p:P488 ?st . ?st ps:P488 ?person ;
          wikibase:rank ?rank }}""")
    preferred = {r["person"].rsplit("/", 1)[1] for r in rows if r["rank"].endswith("PreferredRank")}
    assert preferred and preferred <= {"erlan-koshanov"}
    assert graph.ask(f"ASK {{ <{E}majilis> wdt:P488 <{E}erlan-koshanov> }}")
    assert not graph.ask(f"ASK {{ <{E}majilis> wdt:P488 <{E}marat-ospanov> }}")


def test_a_chambers_size_now_is_its_size_not_a_part_nor_a_past_one(graph):
    # "The Mäjilis grew to 107 members: 98 elected by party list ..." is a part of 98 seats:
    # it must not merge into the statement of the size 98 and make the whole a part, and
    # the sizes history dates (77 in 1999, 107 in 2007) are not the size today.
    sizes = graph.rows(f"SELECT ?n WHERE {{ <{E}majilis> wdt:P1342 ?n }}")
    assert sizes == [{"n": "98"}]
    parts = graph.rows(f"""
        SELECT ?n WHERE {{ <{E}majilis> p:P1342 ?st . ?st ps:P1342 ?n ;
          <https://w3id.org/kzgraph/prop/qualifier/seatsFilledBy> ?how ; wikibase:rank ?rank
          FILTER(?rank = wikibase:PreferredRank) }}""")
    assert parts == []
