"""Every vocabulary namespace kzgraph writes or reads, in one place.

The bottom of the import graph: it imports nothing of kzgraph but the default base IRI,
so the pipeline, the store, the query service and the web layer all take their IRIs from
here instead of spelling them again. The IRIs of one deployment's own things (entities,
statements, sources) depend on its configured base and are built by ``rdf.Namespaces``.
"""

from __future__ import annotations

from kzgraph.settings import BASE_IRI

# W3C and other general vocabularies.
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
DQV = "http://www.w3.org/ns/dqv#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SHACL = "http://www.w3.org/ns/shacl#"
# Vocabularies the ontology aligns its terms to (ontology/kzgraph.ttl).
ORG = "http://www.w3.org/ns/org#"
POPOLO = "http://www.popoloproject.com/schema#"
FOAF = "http://xmlns.com/foaf/0.1/"
DBO = "http://dbpedia.org/ontology/"

# Wikidata's RDF model, as the Wikidata Query Service names it.
WIKIBASE = "http://wikiba.se/ontology#"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = "http://www.wikidata.org/prop/statement/"
PQ = "http://www.wikidata.org/prop/qualifier/"
PR = "http://www.wikidata.org/prop/reference/"
PSV = "http://www.wikidata.org/prop/statement/value/"
PQV = "http://www.wikidata.org/prop/qualifier/value/"
BD = "http://www.bigdata.com/rdf#"

# kzgraph's own ontology: fixed, whatever the deployment's base IRI (ontology/kzgraph.ttl).
KZO = "https://w3id.org/kzgraph/ontology#"

RDF_TYPE = RDF + "type"

# The prefixes written into Turtle, TriG and JSON-LD output.
PREFIXES = {
    "kzo": KZO,
    "wd": WD,
    "wdt": WDT,
    "p": P,
    "ps": PS,
    "pq": PQ,
    "pr": PR,
    "wikibase": WIKIBASE,
    "prov": PROV,
    "schema": SCHEMA,
    "skos": SKOS,
    "rdfs": RDFS,
    "rdf": RDF,
    "owl": OWL,
    "xsd": XSD,
    "dct": DCT,
}

# Prefixes every query may use undeclared, as on the Wikidata Query Service.
PREDEFINED = {
    **PREFIXES,
    "kz": f"{BASE_IRI}entity/",
    "bd": BD,
    "psv": PSV,
    "pqv": PQV,
    "sd": SD,
    "void": VOID,
}
