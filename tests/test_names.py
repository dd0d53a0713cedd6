import re

import pytest

from kzgraph.extract.facts import Mention
from kzgraph.names import fold, slugify
from kzgraph.resolve import Resolver, load_table
from kzgraph.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    "a, b",
    [
        ("Mäjilis", "Mazhilis"),
        ("Mäjilis", "Majilis"),
        ("Mäjilis", "Мажилис"),
        ("Aq Jol", "Ak Zhol"),
        ("Aq Jol", "AK Zhol"),
        ("Äşimbaev", "Ashimbayev"),
        ("Qoşanov", "Koshanov"),
        ("People’s Party", "People's Party"),
        ("Nazarbayev", "Nazarbaev"),
    ],
)
def test_transliterations_fold_to_one_key(a, b):
    assert fold(a) == fold(b)


def test_different_names_stay_different():
    assert fold("Senate") != fold("Mäjilis")
    assert fold("Auyl") != fold("Adal")


def test_slugs_are_ascii_and_stable():
    assert slugify("Mäulen Äşimbaev") == "maulen-ashimbaev"
    assert slugify("People’s Party") == "peoples-party"
    assert slugify("Парламент") == "parlament"


def test_local_aliases_only_count_in_their_article():
    resolver = Resolver(load_table(PROJECT_ROOT / "mappings" / "entities.yaml"))
    resolver.begin_article(Mention("Parliament of Kazakhstan", "legislature"), "Kazakhstan")
    assert resolver.lookup("Senate").slug == "senate"
    resolver.begin_article(Mention("Parliament of Kenya", "legislature"), "Kenya")
    assert resolver.lookup("Senate") is None
    assert resolver.resolve("Senate", "chamber").slug == "senate-kenya"
    assert resolver.lookup("Mazhilis").slug == "majilis"  # a global alias


def test_another_spelling_of_a_known_name_becomes_one_of_its_names():
    resolver = Resolver(load_table(PROJECT_ROOT / "mappings" / "entities.yaml"))
    resolver.begin_article(Mention("Mäjilis", "chamber"), "Kazakhstan")
    koshanov = resolver.resolve("Yerlan Koshanov", "person")
    assert koshanov.slug == "erlan-koshanov"
    assert "Yerlan Koshanov" in koshanov.names()  # a label a reader may search by


def test_entity_table_uses_only_confirmed_qids():
    """Every QID in the table appears in shared/wikidata-terms.md (when it is there)."""
    terms = PROJECT_ROOT.parent / "shared" / "wikidata-terms.md"
    if not terms.exists():
        pytest.skip("../shared is absent")
    text = terms.read_text()
    for entity in load_table(PROJECT_ROOT / "mappings" / "entities.yaml"):
        if entity.qid:
            assert re.search(rf"\b{entity.qid}\b", text), entity.slug
