"""The extractor's measured quality travels with the dataset: `kzgraph evaluate --record`
writes a corpus's figures into the package, and the VoID description publishes them as
W3C DQV quality measurements (and its page shows each corpus's means)."""

import json
import shutil

import pytest
import rdflib
import requests

from kzgraph import quality
from kzgraph.cli import main
from kzgraph.settings import PROJECT_ROOT

from .conftest import SHARED

DQV = rdflib.Namespace("http://www.w3.org/ns/dqv#")
KZO = rdflib.Namespace("https://w3id.org/kzgraph/ontology#")
DATASET = rdflib.URIRef("https://w3id.org/kzgraph/dataset")
BROWSER = {"Accept": "text/html,application/xhtml+xml"}


def test_a_record_gives_each_article_each_mean_and_each_relation(tmp_path):
    path = tmp_path / "norland.json"
    articles = {
        "b-article": (quality.Figure(3, 4), quality.Figure(9, 10)),
        "a-article": (quality.Figure(1, 2), quality.Figure(5, 10)),
    }
    quality.record(path, articles, {"chairperson": quality.Figure(2, 5)})
    first = path.read_text()
    quality.record(path, dict(reversed(articles.items())), {"chairperson": quality.Figure(2, 5)})
    assert path.read_text() == first  # the same figures, the same file: no spurious diff in CI

    found = {(m.metric, m.article, m.relation): m for m in quality.measurements(tmp_path)}
    assert found[("recall", "a-article", None)].value == 0.5
    assert found[("precision", "b-article", None)].value == 0.9
    assert found[("recall", None, None)].value == pytest.approx((0.5 + 0.75) / 2)
    assert found[("precision", None, None)].value == pytest.approx((0.5 + 0.9) / 2)
    relation = found[("recall", None, "chairperson")]
    assert relation.value == 0.4 and relation.label.endswith(": 2/5")
    assert found[("recall", "a-article", None)].slug == "norland/a-article/recall"
    assert {m.corpus for m in found.values()} == {"norland"}
    assert len(found) == 7  # 2 articles x 2 metrics, 2 means, 1 relation


def test_evaluate_records_what_it_measured(tmp_path):
    if not (SHARED / "eval" / "gold_check.py").exists():
        pytest.skip("../shared/eval (the referee scripts) is not beside the checkout")
    corpus = tmp_path / "corpus"
    for folder, suffix in (("docs", ".txt"), ("gold", ".json")):
        (corpus / folder).mkdir(parents=True)
        name = f"senate-of-kazakhstan{suffix}"
        shutil.copy(SHARED / "eval" / folder / name, corpus / folder / name)
    record = tmp_path / "one.json"
    args = ["evaluate", str(corpus), "--referee", str(SHARED / "eval"), "--record", str(record)]
    assert main(args) == 0

    data = json.loads(record.read_text())
    hit, total = data["articles"]["senate-of-kazakhstan"]["recall"]
    gold = json.loads((corpus / "gold" / "senate-of-kazakhstan.json").read_text())
    assert total == len(gold) and 0 < hit <= total
    found = sum(h for h, _ in data["relations"].values())
    assert found == hit and sum(n for _, n in data["relations"].values()) == total


def test_the_recorded_figures_are_published_as_dqv_measurements(live):
    r = requests.get(live.url + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=10)
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    recorded = quality.measurements()
    assert recorded, "no figures recorded in src/kzgraph/quality: run make eval"
    published = set(g.objects(DATASET, DQV.hasQualityMeasurement))
    assert len(published) == len(recorded)

    source = next(m for m in recorded if m.article == "parliament-of-kazakhstan")
    iri = rdflib.URIRef(f"https://w3id.org/kzgraph/dataset/quality/{source.slug}")
    assert iri in published
    assert (iri, rdflib.RDF.type, DQV.QualityMeasurement) in g
    assert (iri, DQV.computedOn, DATASET) in g
    metric = KZO.extractionRecall if source.metric == "recall" else KZO.extractionPrecision
    assert (iri, DQV.isMeasurementOf, metric) in g
    assert float(g.value(iri, DQV.value)) == pytest.approx(source.value, abs=1e-4)
    assert str(g.value(iri, KZO.evaluationCorpus)) == source.corpus

    # The metrics are the ontology's own terms, with their dimension.
    ontology = rdflib.Graph().parse(PROJECT_ROOT / "ontology" / "kzgraph.ttl")
    for term in (KZO.extractionRecall, KZO.extractionPrecision):
        assert (term, rdflib.RDF.type, DQV.Metric) in ontology
        assert (term, DQV.inDimension, KZO.extractionAccuracy) in ontology

    page = requests.get(live.url + ".well-known/void", headers=BROWSER, timeout=10).text
    assert "<h2>Extraction quality</h2>" in page
    mean = next(m for m in recorded if m.article is None and m.relation is None)
    assert f"<td>{mean.corpus}</td>" in page and f"{mean.value:.0%}" in page
