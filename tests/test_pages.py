"""What people read: dates at their precision, labels instead of identifiers."""

from __future__ import annotations

import datetime

import pyoxigraph as ox
import pytest
import requests

from kzgraph.namespaces import PREDEFINED
from kzgraph.ontology import load as load_ontology
from kzgraph.settings import BASE_IRI
from kzgraph.web import dates, terms
from kzgraph.web.entities import EntityReader

XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
WIKIBASE = "http://wikiba.se/ontology#"


@pytest.mark.parametrize(
    "value, precision, text, iso",
    [
        ("1995-01-01T00:00:00Z", 9, "1995", "1995"),
        ("2007-05-01T00:00:00Z", 10, "May 2007", "2007-05"),
        ("1995-08-30T00:00:00Z", 11, "30 August 1995", "1995-08-30"),
        ("1995-08-30T00:00:00Z", None, "30 August 1995", "1995-08-30"),
        ("1990-01-01", 8, "1990s", "1990"),
    ],
)
def test_a_date_reads_at_its_precision(value, precision, text, iso):
    date = dates.parse(value, precision)
    assert str(date) == text and date.iso == iso


def test_a_year_sorts_after_the_days_of_that_year():
    year = dates.parse("1995-01-01T00:00:00Z", 9)
    referendum = dates.parse("1995-08-30T00:00:00Z", 11)
    december = dates.parse("1995-12-01T00:00:00Z", 10)
    next_year = dates.parse("1996-01-30T00:00:00Z", 11)
    ordered = sorted([next_year, year, december, referendum], key=lambda d: d.sort_key)
    assert ordered == [referendum, december, year, next_year]
    assert year.end == datetime.date(1995, 12, 31) and december.end == datetime.date(1995, 12, 31)


def test_native_partial_dates_keep_their_precision():
    g_year = ox.Literal("1995", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    month = ox.Literal(
        "2007-05", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")
    )
    assert dates.shown(g_year) == "1995" and dates.shown(month) == "May 2007"


def test_not_a_date_is_left_alone():
    assert dates.parse("98") is None and dates.parse("1995-02-30") is None
    assert (
        dates.shown(
            ox.Literal("98", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        )
        == "98"
    )


def test_wikidata_terms_have_labels():
    assert terms.wikidata_label("http://www.wikidata.org/entity/Q375928") == "lower house"
    assert terms.wikidata_label("http://www.wikidata.org/prop/direct/P1342") == "number of seats"
    assert terms.wikidata_label("http://www.wikidata.org/prop/qualifier/value/P580") == "start time"
    assert terms.wikidata_label("http://www.wikidata.org/entity/Q99999999") is None
    assert terms.compact("http://www.w3.org/ns/org#Post") == "org:Post"
    assert terms.compact(BASE_IRI + "entity/majilis") == "kz:majilis"


VALUE_NODES = """
kz:body kzo:slug "body" ; a kzo:Chamber ; rdfs:label "Test chamber"@en ;
  p:P571 kzs:body-inception ; p:P1342 kzs:body-seats-now , kzs:body-seats-before .
kzs:body-inception a wikibase:Statement ; wikibase:rank wikibase:NormalRank ;
  ps:P571 "1995-01-01T00:00:00Z"^^xsd:dateTime ;
  psv:P571 [ wikibase:timeValue "1995-01-01T00:00:00Z"^^xsd:dateTime ; wikibase:timePrecision 9 ] .
kzs:body-seats-now a wikibase:Statement ; wikibase:rank wikibase:PreferredRank ;
  ps:P1342 107 ; pq:P580 "2007-05-01T00:00:00Z"^^xsd:dateTime ;
  pqv:P580 [ wikibase:timeValue "2007-05-01T00:00:00Z"^^xsd:dateTime ; wikibase:timePrecision 10 ] .
kzs:body-seats-before a wikibase:Statement ; wikibase:rank wikibase:NormalRank ;
  ps:P1342 98 ; pq:P582 "2007-05-01T00:00:00Z"^^xsd:dateTime ;
  pqv:P582 [ wikibase:timeValue "2007-05-01T00:00:00Z"^^xsd:dateTime ; wikibase:timePrecision 10 ] .
"""
# The shape of earlier builds: the precision on the statement node, none for qualifiers.
STATEMENT_NODES = """
kz:body kzo:slug "body" ; a kzo:Chamber ; rdfs:label "Test chamber"@en ; p:P571 kzs:body-inception .
kzs:body-inception a wikibase:Statement ; wikibase:rank wikibase:NormalRank ;
  ps:P571 "1995-01-01T00:00:00Z"^^xsd:dateTime ; wikibase:timePrecision 9 ;
  pq:P580 "2007-05-01T00:00:00Z"^^xsd:dateTime .
"""


def quads(turtle: str) -> list[ox.Quad]:
    prefixes = "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREDEFINED.items())
    prefixes += f"@prefix kzs: <{BASE_IRI}statement/> .\n"
    graph = ox.NamedNode(BASE_IRI + "source/test")
    return [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(prefixes + turtle, format=ox.RdfFormat.TURTLE)
    ]


@pytest.mark.parametrize("shape", [VALUE_NODES, STATEMENT_NODES])
def test_entity_pages_read_the_precision_where_the_data_puts_it(shape):
    store = ox.Store()
    store.extend(quads(shape))
    view = EntityReader(store, load_ontology(), BASE_IRI).entity("body")
    (inception,) = next(sts for name, _, sts in view.properties if name == "inception")
    assert str(inception.date) == "1995"
    assert [str(d) for d, _, _ in view.timeline] == ["1995"]
    if shape is STATEMENT_NODES:  # no precision for the qualifier: taken as the day it names
        ((_, start, precision),) = inception.qualifiers
        assert str(dates.of_literal(start, precision)) == "1 May 2007"


@pytest.fixture(scope="module")
def value_node_server(tmp_path_factory):
    """kzgraph serving a graph in the final shape: value nodes and a preferred rank."""
    from kzgraph import store

    from .servers import start_kzgraph

    folder = tmp_path_factory.mktemp("value-nodes")
    store.write(quads(VALUE_NODES), folder / "store")
    server = start_kzgraph(folder / "store", folder / "log")
    yield server
    server.stop()


def test_entity_page_marks_the_current_value_and_reads_value_node_dates(value_node_server):
    page = requests.get(
        value_node_server.url + "entity/body", headers={"Accept": "text/html"}, timeout=10
    ).text
    seats = page.split('id="p-numberOfSeats"', 1)[1].split("<h", 1)[0]
    assert seats.index("107") < seats.index("98")  # the preferred statement first
    current = seats.split("107", 1)[1].split("</li>", 1)[0]
    assert ">current</span>" in current
    assert "earlier or other value" in seats.split("98", 1)[1]
    assert '<time datetime="2007-05">May 2007</time>' in page
    assert '<time datetime="1995">1995</time>' in page and "T00:00:00Z" not in page


def test_entity_page_shows_dates_and_labels(live):
    page = requests.get(
        live.url + "entity/majilis", headers={"Accept": "text/html"}, timeout=10
    ).text
    assert "T00:00:00Z" not in page
    assert "lower house" in page and ">Q375928<" not in page
    timeline = requests.get(
        live.url + "entity/parliament-of-kazakhstan", headers={"Accept": "text/html"}, timeout=10
    ).text
    assert '<time datetime="1996-01-30">30 January 1996</time>' in timeline
    assert "-01-01<" not in timeline


def test_reconciliation_preview_and_ontology_show_labels(live):
    preview = requests.get(live.url + "reconcile/preview?id=majilis", timeout=10).text
    assert "lower house" in preview and "entity/Q375928" not in preview
    ontology = requests.get(live.url + "ontology", headers={"Accept": "text/html"}, timeout=10).text
    assert ">legislature</a> <code>wd:Q11204</code>" in ontology
    assert ">org:Post</a>" in ontology


def html(live, path: str) -> str:
    r = requests.get(live.url + path, headers={"Accept": "text/html"}, timeout=10)
    assert r.status_code == 200, r.text[:300]
    return r.text


def header_row(page: str) -> list[str]:
    row = page.split('<table class="results">', 1)[1].split("</tr>", 1)[0]
    return [h.split("</th>")[0] for h in row.split("<th>")[1:]]


def test_provenance_page_puts_the_quotation_first_and_offsets_in_one_column(live):
    page = html(live, "queries/entity-provenance")
    headers = header_row(page)
    assert headers[0] == "quote" and headers[-1] == "characters"
    assert not {"words", "spanStart", "sentenceEnd"} & set(headers)
    assert "<mark>Senate, the upper house, consists of 50 deputies</mark>" in page
    assert "number of seats" in page  # the property by its label, not only P1342


def test_find_entity_page_has_one_row_per_entity(live):
    rows = requests.get(
        live.url + "queries/find-entity.json", params={"name": "nazarbayev"}, timeout=10
    ).json()["results"]["bindings"]
    entities = [r["entity"]["value"] for r in rows]
    assert len(entities) == len(set(entities))
    person = next(r for r in rows if r["entity"]["value"].endswith("/nursultan-nazarbayev"))
    assert "Nazarbayev" in person["matched"]["value"]


def test_result_cells_link_to_local_pages_with_the_iri_to_copy(live):
    page = html(live, "queries/office-holders")
    assert 'href="/entity/maulen-ashimbayev"' in page
    assert 'data-copy="https://w3id.org/kzgraph/entity/maulen-ashimbayev"' in page
    assert 'href="https://w3id.org/kzgraph/entity/' not in page


def test_canned_query_pages_show_dates_at_their_precision_and_render_markdown(live):
    page = html(live, "queries/timeline")
    assert "T00:00:00Z" not in page.split("<details>")[0]
    assert '<time datetime="1995">1995</time>' in page
    assert "whenPrecision" not in header_row(page)
    sizes = html(live, "queries/chambers-with-sizes")
    assert "<code>conflict</code>" in sizes and "`conflict`" not in sizes.split("<details>")[0]


def test_a_chamber_page_says_what_is_not_known(live):
    senate = html(live, "entity/senate")
    assert "No Wikidata item is linked" in senate and "wikidata.org/w/index.php?search=" in senate
    assert "No seat diagram" in senate and "49 and 50 seats, which conflict" in senate
    majilis = html(live, "entity/majilis")
    assert "What the graph knows, and what it does not" not in majilis
    assert "hemicycle" in majilis
