"""Reading SPARQL text without evaluating it: the SERVICE and LOAD IRIs a request
would make the server call (for a clear refusal; what is enforced is in
``web/egress.py``), and where the WDQS label service is (``web/labels.py``).

A small lexer skips strings, IRIs and comments, so that ``"SERVICE"`` in a literal
or a comment is not mistaken for the keyword, and a keyword hidden in odd case or
spacing is still found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)"
    r"|(?P<pname>[A-Za-z][\w.\-]*:[\w.\-%:]*|:[\w.\-%:]*)"
    r"|(?P<word>[A-Za-z_]+)"
    r"|(?P<other>\S)",
    re.S,
)


class QueryTextError(ValueError):
    pass


def tokens(text: str) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value, _, _ in spans(text)]


def spans(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of every token but comments."""
    return [
        (m.lastgroup or "", m.group(0), m.start(), m.end())
        for m in _TOKEN.finditer(text)
        if m.lastgroup != "comment"
    ]


def prefixes(toks: list[tuple[str, str]], predefined: dict[str, str]) -> dict[str, str]:
    found = dict(predefined)
    for i, (kind, value) in enumerate(toks):
        if kind == "word" and value.upper() == "PREFIX" and i + 2 < len(toks):
            name, iri = toks[i + 1][1], toks[i + 2][1]
            if iri.startswith("<"):
                found[name.rstrip(":")] = iri[1:-1]
    return found


def token_iri(token: tuple, known: dict[str, str]) -> str | None:
    """The IRI an IRI or prefixed-name token stands for (None for other tokens, or an
    undeclared prefix)."""
    kind, value = token[0], token[1]
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        return known[prefix] + local if prefix in known else None
    return None


def called_iris(text: str, predefined: dict[str, str]) -> list[tuple[str, str]]:
    """(keyword, IRI) for every ``SERVICE`` and ``LOAD`` in the text.

    A SERVICE whose endpoint is a variable yields ``?var``: it cannot be checked and
    is refused by the caller.
    """
    return [(keyword, iri) for keyword, iri, _, _ in _calls(text, predefined)]


def _calls(text: str, predefined: dict[str, str]) -> list[tuple[str, str, int, int]]:
    """(keyword, IRI, start, end of the endpoint token) for each SERVICE and LOAD."""
    toks = spans(text)
    known = prefixes([(k, v) for k, v, _, _ in toks], predefined)
    calls = []
    for i, (kind, value, _, _) in enumerate(toks):
        keyword = value.upper()
        if kind != "word" or keyword not in ("SERVICE", "LOAD"):
            continue
        j = i + 1
        while j < len(toks) and toks[j][1].upper() == "SILENT":
            j += 1
        if j >= len(toks):
            continue
        t_kind, t_value, start, end = toks[j]
        if t_kind == "iri":
            calls.append((keyword, t_value[1:-1], start, end))
        elif t_kind == "pname":
            prefix, _, local = t_value.partition(":")
            if prefix not in known:
                raise QueryTextError(f"unknown prefix {prefix!r} in {keyword} {t_value}")
            calls.append((keyword, known[prefix] + local, start, end))
        else:
            calls.append((keyword, t_value, start, end))
    return calls


def redirect_services(
    text: str, predefined: dict[str, str], target: Callable[[str], str | None]
) -> str:
    """Replace each ``SERVICE <iri>`` whose ``target(iri)`` is not None by that IRI."""
    out, last = [], 0
    for keyword, iri, start, end in _calls(text, predefined):
        new = target(iri) if keyword == "SERVICE" else None
        if new is not None:
            out += [text[last:start], f"<{new}>"]
            last = end
    return "".join(out) + text[last:]


def names_dataset(text: str) -> bool:
    """Does the query name its own dataset (``FROM`` or ``FROM NAMED`` outside any group)?"""
    depth = 0
    for kind, value, _, _ in spans(text):
        if kind == "other" and value in "{}":
            depth += 1 if value == "{" else -1
        elif kind == "word" and depth == 0 and value.upper() == "FROM":
            return True
    return False


def bind_inline(text: str, bindings: dict[str, str]) -> str:
    """Put ``VALUES (?a ?b) { (term term) }`` first in the query's WHERE group, so the
    values are in scope for every pattern and FILTER of the group, as pyoxigraph's
    substitutions are. ``bindings`` maps variable names to terms already written as
    SPARQL (by pyoxigraph: ``str(term)``)."""
    toks = spans(text)
    words = [i for i, t in enumerate(toks) if t[0] == "word" and t[1].upper() == "WHERE"]
    start = words[0] if words else 0
    brace = next((t for t in toks[start:] if t[1] == "{"), None)
    if brace is None:
        raise QueryTextError("the query has no WHERE group to bind parameters in")
    names = " ".join(f"?{name}" for name in bindings)
    values = f" VALUES ({names}) {{ ({' '.join(bindings.values())}) }} "
    return text[: brace[3]] + values + text[brace[3] :]
