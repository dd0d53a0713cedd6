"""Numbers a page or a header states must be the true ones, also after a write: the
source view's character counts, ETags, dumps and the VoID description."""

from __future__ import annotations

import re

import requests

from .conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
G = "http://example.org/graph/counts"


def test_source_view_counts_the_characters_of_the_article(live, seed_text):
    page = requests.get(
        live.url + "source/parliament-of-kazakhstan", headers={"Accept": "text/html"}, timeout=10
    ).text
    covered, total = map(int, re.search(r"\((\d+) of (\d+) characters\)", page).groups())
    assert total == len(seed_text)
    assert 0 < covered <= total
