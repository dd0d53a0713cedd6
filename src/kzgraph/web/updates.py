"""Reading a SPARQL Update's text for the parts of the protocol the engine does not do
itself: the dataset given by ``using-graph-uri`` / ``using-named-graph-uri``, and
``LOAD`` of an IRI the server will not fetch.

pyoxigraph's ``Store.update`` takes no dataset, so the protocol's dataset is written into
the text as the ``USING`` / ``USING NAMED`` clauses it stands for (SPARQL 1.1 Protocol
2.2.3: the parameters are equivalent to those clauses). The lexer of
``kzgraph.sparql_text`` skips strings, IRIs and comments, so a keyword inside a literal
is never taken for one.
"""

from __future__ import annotations

from dataclasses import dataclass

from kzgraph.sparql_text import spans

# An operation that changes nothing, valid anywhere an operation is (SPARQL 1.1 Update
# grammar: QuadData may be empty). Replaces a LOAD the server skips.
NO_OPERATION = "INSERT DATA {}"

Span = tuple[str, str, int, int]


class DatasetConflict(ValueError):
    """using-graph-uri / using-named-graph-uri given together with USING or WITH."""


def _word(token: Span, *words: str) -> bool:
    return token[0] == "word" and token[1].upper() in words


def _matching_brace(toks: list[Span], open_index: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``open_index`` (or the last token)."""
    depth = 0
    for i in range(open_index, len(toks)):
        if toks[i][1] == "{":
            depth += 1
        elif toks[i][1] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(toks) - 1


def with_protocol_dataset(text: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """The update with ``USING <g>`` / ``USING NAMED <g>`` added to every operation that
    has a WHERE clause. ``DELETE WHERE { P }`` cannot carry USING, so it becomes the
    equivalent ``DELETE { P } USING … WHERE { P }``. Raises DatasetConflict when the text
    names its own dataset (USING or WITH), which the protocol forbids."""
    if not default_graphs and not named_graphs:
        return text
    toks = spans(text)
    depth = 0
    for token in toks:
        depth += token[1] == "{"
        depth -= token[1] == "}"
        if depth == 0 and _word(token, "USING", "WITH"):
            raise DatasetConflict(
                f"the update names its dataset with {token[1].upper()} and the request with "
                "using-graph-uri/using-named-graph-uri: give one or the other (SPARQL 1.1 Protocol 2.2.3)"
            )
    using = " ".join(
        [f"USING <{g}>" for g in default_graphs] + [f"USING NAMED <{g}>" for g in named_graphs]
    )
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the text
    i, depth, in_modify = 0, 0, False
    while i < len(toks):
        token = toks[i]
        if token[1] == "{":
            depth += 1
        elif token[1] == "}":
            depth -= 1
        elif depth == 0 and _word(token, "DELETE", "INSERT") and i + 1 < len(toks):
            following = toks[i + 1]
            if _word(following, "DATA"):
                pass
            elif _word(token, "DELETE") and _word(following, "WHERE") and i + 2 < len(toks):
                close = _matching_brace(toks, i + 2)
                pattern = text[toks[i + 2][2] : toks[close][3]]
                edits.append((following[2], following[3], f"{pattern} {using} WHERE"))
                i = close + 1
                continue
            else:
                in_modify = True
        elif depth == 0 and in_modify and _word(token, "WHERE"):
            edits.append((token[2], token[2], f"{using} "))
            in_modify = False
        i += 1
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


@dataclass(frozen=True)
class Load:
    """One LOAD operation: where it reads from, whether SILENT, and its place in the text."""

    source: str
    silent: bool
    start: int
    end: int


def loads(text: str, resolve: dict[str, str]) -> list[Load]:
    """Every ``LOAD [SILENT] <iri> [INTO GRAPH <g>]`` of the update. ``resolve`` maps a
    prefix to its namespace, for ``LOAD ex:data``."""
    toks = spans(text)
    found = []
    for i, token in enumerate(toks):
        if not _word(token, "LOAD"):
            continue
        j = i + 1
        silent = j < len(toks) and _word(toks[j], "SILENT")
        j += silent
        if j >= len(toks):
            break
        kind, value = toks[j][0], toks[j][1]
        if kind == "iri":
            source = value[1:-1]
        elif kind == "pname":
            prefix, _, local = value.partition(":")
            source = resolve.get(prefix, prefix + ":") + local
        else:
            continue  # not a LOAD the parser will accept: left for it to report
        end = j
        if end + 1 < len(toks) and _word(toks[end + 1], "INTO"):
            end += 1
            if end + 1 < len(toks) and _word(toks[end + 1], "GRAPH"):
                end += 1
            end += 1
        end = min(end, len(toks) - 1)
        found.append(Load(source, silent, token[2], toks[end][3]))
    return found


def without(text: str, skipped: list[Load]) -> str:
    """The update with each of ``skipped`` replaced by an operation that does nothing."""
    for load in sorted(skipped, key=lambda x: x.start, reverse=True):
        text = text[: load.start] + NO_OPERATION + text[load.end :]
    return text
