"""kzgraph: legislatures extracted from articles, shaped like Wikidata, served over SPARQL 1.1."""

__version__ = "0.1.0"
