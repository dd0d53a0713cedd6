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
QUALITY = "https://w3id.org/kzgraph/dataset/quality/"
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
BROWSER = {"Accept": "text/html,application/xhtml+xml"}


def test_a_record_gives_each_article_each_mean_and_each_relation(tmp_path):
    path = tmp_path / "norland.json"
    articles = {
        "b-article": (quality.Figure(3, 4), quality.Figure(9, 10)),
        "a-article": (quality.Figure(1, 2), quality.Figure(5, 10)),
        "c-article": (quality.Figure(0, 5), quality.Figure(0, 0)),  # no claim to check
    }
    relations = {"chairperson": quality.Figure(2, 5), "inception": quality.Figure(0, 0)}
    quality.record(path, articles, relations)
    first = path.read_text()
    quality.record(path, dict(reversed(articles.items())), relations)
    assert path.read_text() == first  # the same figures, the same file: no spurious diff in CI

    found = {(m.metric_name, m.article, m.relation): m for m in quality.measurements(tmp_path)}
    assert found[("extractionRecall", "a-article", None)].value == 0.5
    assert found[("extractionPrecision", "b-article", None)].value == 0.9
    assert found[("extractionRecall", "c-article", None)].value == 0.0
    # Nothing to count is no figure, and no part of a mean.
    assert ("extractionPrecision", "c-article", None) not in found
    assert ("relationRecall", None, "inception") not in found
    assert found[("meanExtractionRecall", None, None)].value == pytest.approx((0.5 + 0.75) / 3)
    assert found[("meanExtractionPrecision", None, None)].value == pytest.approx((0.5 + 0.9) / 2)
    relation = found[("relationRecall", None, "chairperson")]
    assert relation.value == 0.4 and relation.label.endswith(": 2/5")
    assert found[("extractionRecall", "a-article", None)].slug == "norland/a-article/recall"
    assert {m.corpus for m in found.values()} == {"norland"}
    assert len(found) == 8
    assert quality.measurements(tmp_path / "nothing-recorded") == ()


@pytest.mark.parametrize("name", ["Saeima 2022", "a/b", "<x>", "#1", ""])
def test_a_name_that_cannot_be_part_of_an_iri_is_refused_when_recorded(tmp_path, name):
    with pytest.raises(ValueError, match="must match"):
        quality.record(tmp_path / "norland.json", {name: (quality.Figure(1, 1),) * 2}, {})


def test_a_corpus_without_gold_is_an_error(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "lonely.txt").write_text("= Lonely =\n")
    referee = SHARED / "eval"
    if not (referee / "gold_check.py").exists():
        pytest.skip("../shared/eval (the referee scripts) is not beside the checkout")
    record = tmp_path / "empty.json"
    args = ["evaluate", str(tmp_path), "--referee", str(referee), "--record", str(record)]
    assert main(args) == 2
    assert "gold" in capsys.readouterr().err and not record.exists()


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
    assert recorded, "no figures recorded in src/kzgraph/quality-records: run make eval"
    published = set(g.objects(DATASET, DQV.hasQualityMeasurement))
    assert len(published) == len(recorded)

    source = next(m for m in recorded if m.article == "parliament-of-kazakhstan")
    iri = rdflib.URIRef(f"{QUALITY}{source.slug}")
    assert iri in published
    assert (iri, rdflib.RDF.type, DQV.QualityMeasurement) in g
    assert (iri, DQV.isMeasurementOf, KZO[source.metric_name]) in g
    assert float(g.value(iri, DQV.value)) == pytest.approx(source.value, abs=1e-4)
    # Computed on what was measured: the article, part of its corpus; not the dataset.
    article = rdflib.URIRef(f"{QUALITY}{source.corpus}/parliament-of-kazakhstan")
    assert (iri, DQV.computedOn, article) in g
    assert (article, rdflib.RDF.type, KZO.EvaluationArticle) in g
    corpus = rdflib.URIRef(f"{QUALITY}{source.corpus}")
    assert (article, DCT.isPartOf, corpus) in g
    assert (corpus, rdflib.RDF.type, KZO.EvaluationCorpus) in g
    assert str(g.value(iri, KZO.evaluationCorpus)) == source.corpus

    # Each kind of figure is its own metric, an ontology term with its dimension.
    ontology = rdflib.Graph().parse(PROJECT_ROOT / "ontology" / "kzgraph.ttl")
    used = set(g.objects(None, DQV.isMeasurementOf))
    assert used == {KZO[name] for name in quality.METRICS.values()}
    for term in used:
        assert (term, rdflib.RDF.type, DQV.Metric) in ontology
        assert (term, DQV.inDimension, KZO.extractionAccuracy) in ontology

    page = requests.get(live.url + ".well-known/void", headers=BROWSER, timeout=10).text
    assert "<h2>Extraction quality</h2>" in page
    for corpus in {m.corpus for m in recorded}:
        recall, precision = (
            next(m.value for m in recorded if m.corpus == corpus and m.metric_name == name)
            for name in ("meanExtractionRecall", "meanExtractionPrecision")
        )
        row = (
            f'<tr><td>{corpus}</td><td class="number">{recall:.0%}</td>'
            f'<td class="number">{precision:.0%}</td></tr>'
        )
        assert row in page
