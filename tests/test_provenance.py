"""Every fact can be traced to the exact words it came from."""

import pytest

from .conftest import FIXTURES, SEED


@pytest.mark.parametrize(
    "graph_name, path",
    [
        ("seed", SEED),
        ("finland", FIXTURES / "parliament-of-finland.txt"),
        ("kenya", FIXTURES / "parliament-of-kenya.txt"),
    ],
)
def test_every_quotation_is_the_source_text_at_its_offsets(request, graph_name, path):
    graph = request.getfixturevalue(graph_name)
    text = path.read_text(encoding="utf-8")
    rows = graph.rows("""
        SELECT ?quote ?s ?e ?ss ?se ?words WHERE {
          ?ref a wikibase:Reference ; pr:P1683 ?quote ; kzo:sentenceStart ?s ; kzo:sentenceEnd ?e ;
               kzo:spanStart ?ss ; kzo:spanEnd ?se ; kzo:evidenceText ?words }""")
    assert len(rows) > 20
    for r in rows:
        s, e, ss, se = int(r["s"]), int(r["e"]), int(r["ss"]), int(r["se"])
        assert text[s:e] == r["quote"]
        assert s <= ss <= se <= e
        assert text[ss:se] == r["words"]


def test_every_statement_has_a_reference_to_its_source(seed):
    assert (
        seed.rows(
            "SELECT ?st WHERE { ?st a wikibase:Statement FILTER NOT EXISTS { ?st prov:wasDerivedFrom/pr:P248 ?src } }"
        )
        == []
    )
    sources = seed.rows("SELECT DISTINCT ?src WHERE { ?ref pr:P248 ?src }")
    assert sources == [{"src": "https://w3id.org/kzgraph/source/parliament-of-kazakhstan"}]


def test_every_truthy_triple_has_a_statement(seed):
    rows = seed.rows("""
        SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/kzgraph/source/parliament-of-kazakhstan> { ?s ?p ?o }
          FILTER(STRSTARTS(STR(?p), STR(wdt:)))
          BIND(IRI(REPLACE(STR(?p), "prop/direct/", "prop/")) AS ?pp)
          BIND(IRI(REPLACE(STR(?p), "prop/direct/", "prop/statement/")) AS ?ps)
          FILTER NOT EXISTS { ?s ?pp ?st . ?st ?ps ?o } }""")
    assert rows == []


def test_infobox_and_prose_agreeing_share_one_statement_with_two_references(seed):
    rows = seed.rows("""
        SELECT (COUNT(?ref) AS ?n) WHERE { <https://w3id.org/kzgraph/entity/majilis> p:P1342 ?st .
          ?st ps:P1342 98 ; prov:wasDerivedFrom ?ref }""")
    assert int(rows[0]["n"]) >= 2  # the infobox and the prose (and any other place saying 98)
    assert (
        len(
            seed.rows("""SELECT ?st WHERE { <https://w3id.org/kzgraph/entity/majilis> p:P1342 ?st .
          ?st ps:P1342 98 }""")
        )
        == 1
    )
