"""The extractor's quality as `make eval` last measured it, recorded in the package and
published with the dataset's description as W3C DQV quality measurements.

A researcher deciding whether to trust a relation should not have to find the README: the
recall and precision of each evaluation article, each corpus's mean and the recall of each
relation are in the VoID description (/.well-known/void) beside the counts, as data.

`kzgraph evaluate CORPUS --record FILE` writes one corpus's figures (quality-records/
NAME.json, NAME being the corpus's name in the description); CI runs the evaluation and
fails when a record differs from what it measured, so the published figures are those of
the code. This module is read by the web server: it must stay light (no extraction
imports). The records' folder has a hyphen in its name so that it can never be taken for
a package.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

RECORDS = Path(__file__).parent / "quality-records"

# What a measurement measures (the ontology's dqv:Metric, by local name): an article's
# figure, the plain mean of a corpus's articles, a relation's gold facts pooled over a corpus.
METRICS = {
    ("recall", "article"): "extractionRecall",
    ("precision", "article"): "extractionPrecision",
    ("recall", "mean"): "meanExtractionRecall",
    ("precision", "mean"): "meanExtractionPrecision",
    ("recall", "relation"): "relationRecall",
}
# Corpus, article and relation names become parts of IRIs: kept to these characters.
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Figure:
    """One measured ratio: ``hit`` of ``total`` (facts of the gold found, or triples of the
    graph the gold supports). With nothing to count (``total`` 0) it has no value."""

    hit: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hit / self.total if self.total else None


def mean(values: list[float | None]) -> float | None:
    """The plain mean of the values there are (None where there are none)."""
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


@dataclass(frozen=True)
class Measurement:
    """A figure of one corpus: of an article, the corpus's mean (``article`` None), or a
    relation's over the whole corpus (``relation`` set, recall only)."""

    corpus: str
    metric: str  # "recall" or "precision"
    value: float
    article: str | None = None
    relation: str | None = None
    figure: Figure | None = None  # absent for a mean

    @property
    def scope(self) -> str:
        return "relation" if self.relation else "article" if self.article else "mean"

    @property
    def metric_name(self) -> str:
        """The ontology's local name of what this measures (``METRICS``)."""
        return METRICS[(self.metric, self.scope)]

    @property
    def slug(self) -> str:
        if self.relation:
            return f"{self.corpus}/relation/{self.relation}/{self.metric}"
        return f"{self.corpus}/{self.article or 'mean'}/{self.metric}"

    @property
    def label(self) -> str:
        counted = f": {self.figure.hit}/{self.figure.total}" if self.figure else ""
        if self.relation:
            return f"{self.metric} of the relation {self.relation} in {self.corpus}{counted}"
        if self.article:
            return f"{self.metric} on {self.article} ({self.corpus}){counted}"
        return f"mean {self.metric} over the articles of {self.corpus}"


def record(
    path: Path,
    articles: dict[str, tuple[Figure, Figure]],
    relations: dict[str, Figure],
) -> None:
    """Write one corpus's figures: each article's (recall, precision) and each relation's
    recall. Sorted and without a date, so that an unchanged measurement is an unchanged file."""
    for name in [path.stem, *articles, *relations]:
        if not NAME.fullmatch(name):
            raise ValueError(
                f"{name!r}: corpus, article and relation names must match {NAME.pattern}"
            )
    data = {
        "articles": {
            name: {"recall": [r.hit, r.total], "precision": [p.hit, p.total]}
            for name, (r, p) in sorted(articles.items())
        },
        "relations": {name: [f.hit, f.total] for name, f in sorted(relations.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


@functools.cache
def measurements(folder: Path = RECORDS) -> tuple[Measurement, ...]:
    """Every recorded figure with a value, corpus by corpus (a corpus is named by its file);
    none without records. Read once: the records are part of the installed package."""
    out: list[Measurement] = []
    for path in sorted(folder.glob("*.json")):
        corpus = path.stem
        data = json.loads(path.read_text())
        articles = data.get("articles", {})
        for metric in ("recall", "precision"):
            figures = {name: Figure(*fig[metric]) for name, fig in articles.items()}
            for name, figure in figures.items():
                if figure.value is not None:
                    out.append(Measurement(corpus, metric, figure.value, name, figure=figure))
            average = mean([f.value for f in figures.values()])
            if average is not None:
                out.append(Measurement(corpus, metric, average))
        for relation, (hit, total) in data.get("relations", {}).items():
            figure = Figure(hit, total)
            if figure.value is not None:
                out.append(
                    Measurement(corpus, "recall", figure.value, relation=relation, figure=figure)
                )
    return tuple(out)
