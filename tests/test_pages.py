"""What people read: dates at their precision, labels instead of identifiers."""

from __future__ import annotations

import datetime

import pyoxigraph as ox
import pytest
import requests

from kzgraph.ontology import load as load_ontology
from kzgraph.settings import BASE_IRI
from kzgraph.web import dates, labels
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


def test_not_a_date_is_left_alone():
    assert dates.parse("98") is None and dates.parse("1995-02-30") is None
    assert (
        dates.shown(
            ox.Literal("98", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        )
        == "98"
    )


def test_wikidata_terms_have_labels():
    assert labels.wikidata_label("http://www.wikidata.org/entity/Q375928") == "lower house"
    assert labels.wikidata_label("http://www.wikidata.org/prop/direct/P1342") == "number of seats"
    assert (
        labels.wikidata_label("http://www.wikidata.org/prop/qualifier/value/P580") == "start time"
    )
    assert labels.wikidata_label("http://www.wikidata.org/entity/Q99999999") is None
    assert labels.compact("http://www.w3.org/ns/org#Post") == "org:Post"
    assert labels.compact(BASE_IRI + "entity/majilis") == "kz:majilis"


def _statement_store(on_value_node: bool) -> ox.Store:
    """One entity with an inception of 1995 (precision 9), the precision on the value node
    (Wikidata's shape) or on the statement node (the earlier shape)."""
    e = ox.NamedNode(BASE_IRI + "entity/body")
    st = ox.NamedNode(BASE_IRI + "statement/body-1")
    value = ox.Literal("1995-01-01T00:00:00Z", datatype=XSD_DATETIME)
    start = ox.Literal("2007-05-01T00:00:00Z", datatype=XSD_DATETIME)
    quads = [
        (e, ox.NamedNode("https://w3id.org/kzgraph/ontology#slug"), ox.Literal("body")),
        (e, ox.NamedNode("http://www.wikidata.org/prop/P571"), st),
        (st, ox.NamedNode("http://www.wikidata.org/prop/statement/P571"), value),
        (st, ox.NamedNode("http://www.wikidata.org/prop/qualifier/P580"), start),
    ]
    if on_value_node:
        node, qnode = ox.BlankNode(), ox.BlankNode()
        quads += [
            (st, ox.NamedNode("http://www.wikidata.org/prop/statement/value/P571"), node),
            (node, ox.NamedNode(WIKIBASE + "timeValue"), value),
            (
                node,
                ox.NamedNode(WIKIBASE + "timePrecision"),
                ox.Literal("9", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ),
            (st, ox.NamedNode("http://www.wikidata.org/prop/qualifier/value/P580"), qnode),
            (qnode, ox.NamedNode(WIKIBASE + "timeValue"), start),
            (
                qnode,
                ox.NamedNode(WIKIBASE + "timePrecision"),
                ox.Literal("10", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ),
        ]
    else:
        quads.append(
            (
                st,
                ox.NamedNode(WIKIBASE + "timePrecision"),
                ox.Literal("9", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            )
        )
    store = ox.Store()
    store.extend([ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in quads])
    return store


@pytest.mark.parametrize("on_value_node", [True, False])
def test_entity_pages_read_the_precision_where_the_data_puts_it(on_value_node):
    reader = EntityReader(_statement_store(on_value_node), load_ontology(), BASE_IRI)
    view = reader.entity("body")
    ((_, _, [statement]),) = [p for p in view.properties if p[0] == "inception"]
    assert str(statement.date) == "1995"
    ((_, start, precision),) = statement.qualifiers
    assert str(dates.of_literal(start, precision)) == (
        "May 2007" if on_value_node else "1 May 2007"
    )
    assert [str(d) for d, _, _ in view.timeline] == ["1995"]


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
