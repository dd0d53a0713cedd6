"""Refuse queries whose shape would overflow the engine's stack, before it sees them.

pyoxigraph's parser and evaluator recurse once per nesting level and once per link of
an operator chain; about 10 KB of braces, parentheses, OPTIONALs, ``UNION``s or a long
property path ends the process with SIGSEGV. Real queries nest a few levels and chain
a few dozen operators, so two bounds, counted over the query's tokens, keep every
query far below the depths that crash (measured: 300 ``/`` in a path and 600 ``+``
pass on an 8 MiB stack; the sandbox thread that runs queries has 512 MiB):

- nesting: the deepest stack of ``(``, ``{`` and ``[``;
- operators: the count of operator characters and of ``UNION``, ``OPTIONAL``, ``MINUS``.

This is a resource guard read with the same small lexer as the rest of the text
checks; if it misreads a query the engine may still crash, and then the worker's
lifeline answers 503 (``web/watchdog.py``).
"""

from __future__ import annotations

from kzgraph.sparql_text import spans

OPENERS = {"(": 1, "{": 1, "[": 1, ")": -1, "}": -1, "]": -1}
OPERATORS = set("/|+*-!&=<>")  # not "^": "^^" types every literal of a long VALUES
KEYWORDS = {"UNION", "OPTIONAL", "MINUS"}


class ShapeError(ValueError):
    """The query is nested or chained beyond the limits; the message says which."""


def check_shape(text: str, max_depth: int, max_operators: int | None) -> None:
    """Raise ShapeError past either bound (``max_operators`` None: nesting only)."""
    if not _within_bounds(text, max_depth, max_operators):
        lexed_shape(text, max_depth, max_operators)


def lexed_shape(text: str, max_depth: int, max_operators: int | None) -> None:
    """The check itself, over the query's tokens."""
    depth = deepest = operators = 0
    for kind, value, _, _ in spans(text):
        if kind == "other":
            if value in OPENERS:
                depth += OPENERS[value]
                deepest = max(deepest, depth)
            elif value in OPERATORS:
                operators += 1
        elif kind == "word" and value.upper() in KEYWORDS:
            operators += 1
    if deepest > max_depth:
        raise ShapeError(
            f"the query nests {deepest} levels of brackets, braces or parentheses; the limit is "
            f"{max_depth}: flatten it (fewer nested groups or OPTIONALs)"
        )
    if max_operators is not None and operators > max_operators:
        raise ShapeError(
            f"the query has {operators} operators, path steps, UNIONs, OPTIONALs and MINUSes; "
            f"the limit is {max_operators}: use VALUES or IN (...) for long lists of alternatives"
        )


def _within_bounds(text: str, max_depth: int, max_operators: int | None) -> bool:
    """Whether counts over the raw text, which can only exceed the lexer's (every bracket
    and operator character counts, in strings, IRIs and comments too, and every
    occurrence of a keyword's letters in any case), already keep the query within both
    bounds: a short query then skips the lexer (measured: 4-6% of a worker's Python time
    per short query). Anything beyond them is read by the lexer as before."""
    if sum(text.count(c) for c in "([{") > max_depth:
        return False
    if max_operators is None:
        return True
    upper = text.upper()
    operators = sum(text.count(c) for c in OPERATORS) + sum(upper.count(k) for k in KEYWORDS)
    return operators <= max_operators
