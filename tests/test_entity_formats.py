"""Every entity dereferences in every format, on the embedded store (the remote stores
are compared with it in test_remote_store.py)."""

from __future__ import annotations

import pyoxigraph as ox
import requests

RDF = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}


def slugs(live) -> list[str]:
    r = requests.get(
        live.url + "sparql",
        params={"query": "SELECT DISTINCT ?slug WHERE { ?e kzo:slug ?slug }"},
        timeout=30,
    )
    return sorted(b["slug"]["value"] for b in r.json()["results"]["bindings"])


def test_every_entity_dereferences_in_every_format(live):
    found = slugs(live)
    assert "senate" in found  # the entity whose statements conflict with each other
    for slug in found:
        page = requests.get(f"{live.url}entity/{slug}", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200, slug
        for ext, (media, fmt) in RDF.items():
            by_suffix = requests.get(f"{live.url}entity/{slug}.{ext}", timeout=30)
            by_accept = requests.get(
                f"{live.url}entity/{slug}", headers={"Accept": media}, timeout=30
            )
            for r in (by_suffix, by_accept):
                assert r.status_code == 200, (slug, ext, r.text[:300])
                assert r.headers["Content-Type"].startswith(media), (slug, ext)
            triples = list(ox.parse(by_suffix.content, format=fmt))
            assert triples and set(triples) == set(ox.parse(by_accept.content, format=fmt))


def test_a_description_includes_both_sides_of_a_conflict_once(live):
    body = requests.get(f"{live.url}entity/senate.nt", timeout=30).content
    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    conflicts = [t for t in triples if t.predicate.value.endswith("#conflictsWith")]
    assert conflicts and len(triples) == len(set(triples))
    assert {t.subject for t in conflicts} == {t.object for t in conflicts}
