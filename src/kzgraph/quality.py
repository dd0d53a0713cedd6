"""The extractor's quality as `make eval` last measured it, recorded in the package and
published with the dataset's description as W3C DQV quality measurements.

A researcher deciding whether to trust a relation should not have to find the README: the
recall and precision of each evaluation article, each corpus's mean and the recall of each
relation are in the VoID description (/.well-known/void) beside the counts, as data.

`kzgraph evaluate CORPUS --record FILE` writes one corpus's figures (quality/NAME.json,
NAME being the corpus's name in the description); CI runs the evaluation and fails when
a record differs from what it measured, so the published figures are those of the code.
This module is read by the web server: it must stay light (no extraction imports).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

RECORDS = Path(__file__).parent / "quality"


@dataclass(frozen=True)
class Figure:
    """One measured ratio: ``hit`` of ``total`` (facts of the gold found, or triples of the
    graph the gold supports)."""

    hit: int
    total: int

    @property
    def value(self) -> float:
        return self.hit / self.total if self.total else 0.0


@dataclass(frozen=True)
class Measurement:
    """A figure of one corpus: for an article, the corpus's mean (``article`` None), or a
    relation over the whole corpus (``relation`` set, recall only)."""

    corpus: str
    metric: str  # "recall" or "precision"
    value: float
    article: str | None = None
    relation: str | None = None
    figure: Figure | None = None  # absent for a mean

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
    data = {
        "articles": {
            name: {"recall": [r.hit, r.total], "precision": [p.hit, p.total]}
            for name, (r, p) in sorted(articles.items())
        },
        "relations": {name: [f.hit, f.total] for name, f in sorted(relations.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


def measurements(folder: Path = RECORDS) -> list[Measurement]:
    """Every recorded figure, corpus by corpus (a corpus is named by its file)."""
    out: list[Measurement] = []
    for path in sorted(folder.glob("*.json")):
        corpus = path.stem
        data = json.loads(path.read_text())
        articles = data.get("articles", {})
        for metric in ("recall", "precision"):
            figures = {name: Figure(*fig[metric]) for name, fig in articles.items()}
            for name, figure in figures.items():
                out.append(Measurement(corpus, metric, figure.value, name, figure=figure))
            if figures:
                mean = sum(f.value for f in figures.values()) / len(figures)
                out.append(Measurement(corpus, metric, mean))
        for relation, (hit, total) in data.get("relations", {}).items():
            figure = Figure(hit, total)
            out.append(
                Measurement(corpus, "recall", figure.value, relation=relation, figure=figure)
            )
    return out
