"""What the server says about itself: the SPARQL 1.1 Service Description at GET /sparql
and the VoID description of the dataset at /.well-known/void, both with real counts."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox

from kzgraph import __version__, quality
from kzgraph.namespaces import DCAT, DCT, DQV, KZO, RDF, RDFS, SD, VOID, WDT, XSD
from kzgraph.namespaces import FORMATS as FORMATS_NS
from kzgraph.rdf import node
from kzgraph.settings import Settings

DUMP_MEDIA_TYPES = {
    "nq": "application/n-quads",
    "trig": "application/trig",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
}
PREFIXES = {
    "sd": SD,
    "void": VOID,
    "dct": DCT,
    "rdfs": RDFS,
    "xsd": XSD,
    "kzo": KZO,
    "dcat": DCAT,
    "dqv": DQV,
}


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=node(XSD + "integer"))


def statistics(store: ox.Store) -> dict:
    """Counts for VoID: triples, entities, classes, properties, graphs (one pass of queries)."""

    def rows(q: str) -> list:
        return list(store.query(q, use_default_graph_as_union=True))

    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, None))
    entities = int(
        rows(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{KZO}slug> ?s }}")[0]["n"].value
    )
    classes = [
        (r["c"].value, int(r["n"].value))
        for r in rows(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
        )
    ]
    properties = [
        (r["p"].value, int(r["n"].value))
        for r in rows("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    ]
    graphs = []
    for g in sorted(store.named_graphs(), key=lambda g: g.value):
        graphs.append((g.value, sum(1 for _ in store.quads_for_pattern(None, None, None, g))))
    return {
        "triples": triples,
        "entities": entities,
        "classes": classes,
        "properties": properties,
        "graphs": graphs,
    }


class Triples(list):
    """A list of triples with a short way to add one."""

    def add(self, s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        self.append(ox.Triple(s, node(p), o))


def void_triples(
    stats: dict, settings: Settings, root: str, dumps: list[tuple[str, str, int]]
) -> list[ox.Triple]:
    ds = node(f"{settings.base_iri}dataset")
    t = Triples()
    add = t.add

    add(ds, RDF + "type", node(VOID + "Dataset"))
    add(
        ds,
        DCT + "title",
        ox.Literal(settings.graph_title, language="en"),
    )
    add(ds, DCT + "license", node("https://creativecommons.org/licenses/by-sa/4.0/"))
    add(ds, VOID + "sparqlEndpoint", node(f"{root}sparql"))
    add(ds, VOID + "uriSpace", ox.Literal(f"{settings.base_iri}entity/"))
    add(ds, VOID + "vocabulary", node(KZO))
    add(ds, VOID + "vocabulary", node(WDT))
    add(ds, VOID + "triples", _int(stats["triples"]))
    add(ds, VOID + "entities", _int(stats["entities"]))
    add(ds, VOID + "classes", _int(len(stats["classes"])))
    add(ds, VOID + "properties", _int(len(stats["properties"])))
    add(
        ds,
        VOID + "exampleResource",
        node(f"{settings.base_iri}entity/{settings.graph_subject_slug}"),
    )
    add(ds, RDF + "type", node(DCAT + "Dataset"))
    for name, url, size in dumps:
        add(ds, VOID + "dataDump", node(url))
        # Each dump also as a DCAT distribution: format, size, licence, triple count.
        dist = node(f"{url}#distribution")
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF + "type", node(DCAT + "Distribution"))
        add(dist, DCAT + "downloadURL", node(url))
        add(
            dist,
            DCAT + "mediaType",
            ox.Literal(DUMP_MEDIA_TYPES.get(name.split(".")[1], "application/octet-stream")),
        )
        add(dist, DCAT + "compressFormat", ox.Literal("application/gzip"))
        add(
            dist,
            DCAT + "byteSize",
            ox.Literal(str(size), datatype=node(XSD + "nonNegativeInteger")),
        )
        add(dist, DCT + "license", node("https://creativecommons.org/licenses/by-sa/4.0/"))
        add(dist, VOID + "triples", _int(stats["triples"]))
    for i, (cls, n) in enumerate(stats["classes"]):
        part = node(f"{settings.base_iri}dataset/class/{i}")
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", node(cls))
        add(part, VOID + "entities", _int(n))
    for i, (prop, n) in enumerate(stats["properties"]):
        part = node(f"{settings.base_iri}dataset/property/{i}")
        add(ds, VOID + "propertyPartition", part)
        add(part, VOID + "property", node(prop))
        add(part, VOID + "triples", _int(n))
    for graph, n in stats["graphs"]:
        sub = node(f"{graph}#dataset")
        add(ds, VOID + "subset", sub)
        add(sub, RDF + "type", node(VOID + "Dataset"))
        add(sub, SD + "name", node(graph))
        add(sub, VOID + "triples", _int(n))
    t += quality_triples(ds, settings)
    return t


def quality_triples(dataset: ox.NamedNode, settings: Settings) -> list[ox.Triple]:
    """The extractor's recall and precision on the evaluation corpora (kzgraph/quality.py),
    as DQV quality measurements of the dataset, each computed on what was measured: an
    evaluation article, or a whole evaluation corpus."""
    t = Triples()
    measured = quality.measurements()
    base = f"{settings.base_iri}dataset/quality/"
    for corpus in sorted({m.corpus for m in measured}):
        articles = sorted({m.article for m in measured if m.corpus == corpus and m.article})
        where = node(base + quote(corpus))
        t.add(where, RDF + "type", node(KZO + "EvaluationCorpus"))
        label = f"evaluation corpus {corpus}: {len(articles)} articles with hand-written gold facts"
        t.add(where, RDFS + "label", ox.Literal(label, language="en"))
        for article in articles:
            part = node(f"{base}{quote(corpus)}/{quote(article)}")
            t.add(part, RDF + "type", node(KZO + "EvaluationArticle"))
            t.add(part, RDFS + "label", ox.Literal(f"{article} ({corpus})", language="en"))
            t.add(part, DCT + "isPartOf", where)
    for m in measured:
        iri = node(base + quote(m.slug, safe="/"))
        target = f"{m.corpus}/{m.article}" if m.article else m.corpus
        t.add(dataset, DQV + "hasQualityMeasurement", iri)
        t.add(iri, RDF + "type", node(DQV + "QualityMeasurement"))
        t.add(iri, DQV + "isMeasurementOf", node(KZO + m.metric_name))
        t.add(iri, DQV + "computedOn", node(base + quote(target, safe="/")))
        t.add(iri, DQV + "value", ox.Literal(f"{m.value:.4f}", datatype=node(XSD + "double")))
        t.add(iri, RDFS + "label", ox.Literal(m.label, language="en"))
        t.add(iri, KZO + "evaluationCorpus", ox.Literal(m.corpus))
        if m.article:
            t.add(iri, KZO + "evaluationArticle", ox.Literal(m.article))
        if m.relation:
            t.add(iri, KZO + "evaluationRelation", ox.Literal(m.relation))
        t.add(iri, KZO + "extractorVersion", ox.Literal(__version__))
    return t


def service_triples(
    stats: dict, settings: Settings, root: str, queries: list[tuple[str, str]]
) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint."""
    service = node(f"{root}sparql")
    t = Triples()
    add = t.add

    add(service, RDF + "type", node(SD + "Service"))
    add(service, SD + "endpoint", service)
    add(service, SD + "supportedLanguage", node(SD + "SPARQL11Query"))
    if settings.update_token:
        add(service, SD + "supportedLanguage", node(SD + "SPARQL11Update"))
    if settings.union_default_graph:
        add(service, SD + "feature", node(SD + "UnionDefaultGraph"))
    add(service, SD + "feature", node(SD + "BasicFederatedQuery"))
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "RDF_XML",
        "JSON-LD",
        "TriG",
        "N-Quads",
    ):
        add(service, SD + "resultFormat", node(FORMATS_NS + fmt))
    add(
        service,
        RDFS + "comment",
        ox.Literal(
            f"Queries run for at most {settings.query_timeout:g} s (then 503). Results are never truncated: "
            "there is no row cap; large results are streamed. SERVICE may call only: "
            + ", ".join(settings.service_allowlist)
            + ".",
            language="en",
        ),
    )
    add(
        service,
        KZO + "queryTimeoutSeconds",
        ox.Literal(f"{settings.query_timeout:g}", datatype=node(XSD + "decimal")),
    )
    add(service, KZO + "resultRowLimit", ox.Literal("none"))
    for endpoint in settings.service_allowlist:
        add(service, KZO + "federationAllowlist", node(endpoint))
    dataset = node(f"{root}sparql#dataset")
    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF + "type", node(SD + "Dataset"))
    default = node(f"{root}sparql#default-graph")
    add(dataset, SD + "defaultGraph", default)
    add(default, RDF + "type", node(SD + "Graph"))
    add(default, VOID + "triples", _int(stats["triples"]))
    if settings.union_default_graph:
        add(
            default,
            RDFS + "comment",
            ox.Literal("The default graph is the union of all named graphs.", language="en"),
        )
    for graph, n in stats["graphs"]:
        # A graph IRI may have a fragment already; a second "#" would not be an IRI.
        base = graph.replace("#", "%23") + "#"
        named = node(f"{base}named-graph")
        add(dataset, SD + "namedGraph", named)
        add(named, RDF + "type", node(SD + "NamedGraph"))
        add(named, SD + "name", node(graph))
        inner = node(f"{base}graph")
        add(named, SD + "graph", inner)
        add(inner, RDF + "type", node(SD + "Graph"))
        add(inner, VOID + "triples", _int(n))
    for name, url in queries:
        q = node(url)
        add(service, KZO + "cannedQuery", q)
        add(q, RDFS + "label", ox.Literal(name))
    return t
