"""SPARQL extension functions every kzgraph query may call.

``kzo:fold(text)`` gives the matching key of a name (see ``kzgraph.names.fold``), so a
query can match names ignoring case, accents and transliteration:
``FILTER(CONTAINS(kzo:fold(STR(?label)), kzo:fold("mazhilis")))``.
"""

from __future__ import annotations

import pyoxigraph as ox

from kzgraph.names import fold
from kzgraph.namespaces import KZO


def _fold(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ox.Literal | None:
    return ox.Literal(fold(term.value)) if isinstance(term, ox.Literal | ox.NamedNode) else None


CUSTOM_FUNCTIONS = {ox.NamedNode(KZO + "fold"): _fold}
