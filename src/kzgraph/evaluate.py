"""Extraction quality, measured: each article of an evaluation corpus is built alone and
scored against its hand-written gold facts by the corpus's own referee scripts
(``gold_check.py`` for recall, ``precision_check.py`` for precision).

The corpus is a folder with ``docs/NAME.txt``, ``gold/NAME.json`` and the two scripts
(``../shared/eval`` beside the checkout). Nothing here knows an article.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kzgraph import quality
from kzgraph.pipeline import build
from kzgraph.settings import Settings

_FIGURE = re.compile(r"(?P<what>recall|precision) (?P<pct>\d+)% \((?P<hit>\d+)/(?P<n>\d+)\)")
_RELATION = re.compile(r"^\s+(?P<rel>[a-z_]+)\s+(?P<hit>\d+)/(?P<n>\d+)\s*$")


@dataclass
class Score:
    """One article's figures: recall and precision, and recall per gold relation."""

    article: str
    recall: tuple[int, int] = (0, 0)
    precision: tuple[int, int] = (0, 0)
    relations: dict[str, tuple[int, int]] = field(default_factory=dict)

    @staticmethod
    def ratio(pair: tuple[int, int]) -> float:
        """The figure's value; nothing to count is 0 here, under any floor."""
        return quality.Figure(*pair).value or 0.0


def means(scores: list[Score]) -> tuple[float, float]:
    """The plain means of the articles' recall and of their precision, as published."""
    recall = quality.mean([quality.Figure(*s.recall).value for s in scores])
    precision = quality.mean([quality.Figure(*s.precision).value for s in scores])
    return recall or 0.0, precision or 0.0


def evaluate(corpus: Path, settings: Settings, referee: Path | None = None) -> list[Score]:
    """Build each article of ``corpus/docs`` alone and score it with the referee scripts
    of ``referee`` (by default the corpus's own)."""
    scores = []
    for doc in sorted((corpus / "docs").glob("*.txt")):
        gold = corpus / "gold" / f"{doc.stem}.json"
        if gold.exists():
            scores.append(_score(referee or corpus, doc, gold, settings))
    return scores


def _score(referee: Path, doc: Path, gold: Path, settings: Settings) -> Score:
    result = build([doc], settings)
    score = Score(doc.stem)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "graph.nq"
        ox.serialize(result.quads, output=str(dump), format=ox.RdfFormat.N_QUADS)
        for script in ("gold_check.py", "precision_check.py"):
            out = subprocess.run(
                [sys.executable, str(referee / script), "--rdf", str(dump), "--gold", str(gold)],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            for line in out.splitlines():
                m = _FIGURE.search(line)
                if m:
                    pair = (int(m.group("hit")), int(m.group("n")))
                    setattr(score, m.group("what"), pair)
                r = _RELATION.match(line)
                if r and script == "gold_check.py":
                    score.relations[r.group("rel")] = (int(r.group("hit")), int(r.group("n")))
    return score


def report(scores: list[Score]) -> str:
    """A per-article table, the mean, and recall per relation over the whole corpus."""
    lines = ["| article | recall | precision |", "|---|---|---|"]
    for s in scores:
        lines.append(
            f"| {s.article} | {Score.ratio(s.recall):.0%} ({s.recall[0]}/{s.recall[1]}) "
            f"| {Score.ratio(s.precision):.0%} ({s.precision[0]}/{s.precision[1]}) |"
        )
    if scores:
        r, p = means(scores)
        lines.append(f"| **mean** | {r:.0%} | {p:.0%} |")
    lines += ["", "| relation | recall |", "|---|---|"]
    for rel, (hit, n) in sorted(relation_recall(scores).items()):
        lines.append(f"| {rel} | {hit / n:.0%} ({hit}/{n}) |")
    return "\n".join(lines)


def relation_recall(scores: list[Score]) -> dict[str, tuple[int, int]]:
    """Gold facts found and gold facts, per relation, over the whole corpus."""
    totals: dict[str, tuple[int, int]] = {}
    for s in scores:
        for rel, (hit, n) in s.relations.items():
            found, total = totals.get(rel, (0, 0))
            totals[rel] = (found + hit, total + n)
    return totals


def record_scores(path: Path, scores: list[Score]) -> None:
    """The corpus's figures as the package records them (kzgraph/quality.py)."""
    quality.record(
        path,
        {s.article: (quality.Figure(*s.recall), quality.Figure(*s.precision)) for s in scores},
        {rel: quality.Figure(*pair) for rel, pair in relation_recall(scores).items()},
    )


def below(
    scores: list[Score],
    min_recall: float,
    min_precision: float,
    targets: dict[str, tuple[float, float]] | None = None,
    mean_recall: float = 0.0,
    mean_precision: float = 0.0,
) -> list[str]:
    """What misses its floor: an article under the per-article floors, an article named in
    ``targets`` under its own, or the mean of the others under the mean floors (issue 11: the
    source 95%/85%, the six others 85%/90% on average)."""
    targets = targets or {}
    out = []
    for s in scores:
        recall, precision = min_recall, min_precision
        if s.article in targets:
            recall, precision = targets[s.article]
        if Score.ratio(s.recall) < recall or Score.ratio(s.precision) < precision:
            out.append(
                f"{s.article}: recall {Score.ratio(s.recall):.1%}, "
                f"precision {Score.ratio(s.precision):.1%} (floor {recall:.0%}/{precision:.0%})"
            )
    others = [s for s in scores if s.article not in targets]
    if others:
        r, p = means(others)
        if r < mean_recall or p < mean_precision:
            out.append(
                f"mean of {len(others)} articles: recall {r:.1%}, precision {p:.1%} "
                f"(floor {mean_recall:.0%}/{mean_precision:.0%})"
            )
    return out


def parse_target(text: str) -> tuple[str, tuple[float, float]]:
    """ "parliament-of-kazakhstan=0.95/0.85" -> the article and its recall/precision floor."""
    m = re.fullmatch(r"(?P<name>[\w\-]+)=(?P<r>[\d.]+)/(?P<p>[\d.]+)", text.strip())
    if m is None:
        raise ValueError(f"--target {text!r}: write ARTICLE=RECALL/PRECISION, e.g. x=0.95/0.85")
    return m["name"], (float(m["r"]), float(m["p"]))
