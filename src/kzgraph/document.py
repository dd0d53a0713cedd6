"""Parse an article into title, infobox, sections and sentences, keeping character offsets.

The format is the one of the seed articles: a ``= Title =`` line, an optional
official-name line, infobox lines ``- Key: value``, then prose paragraphs under
``== Section ==`` headings. Every piece keeps ``start``/``end`` offsets into the
original text, so each fact extracted later can point back at its exact words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


class DocumentError(ValueError):
    """An article that cannot be read; names the file and, where known, the line."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Group:
    """One ``|Name (N)`` item of an infobox group list, e.g. a party and its seats."""

    name: str
    count: int
    start: int
    end: int


@dataclass(frozen=True)
class InfoboxEntry:
    key: str
    value: str
    start: int  # offsets of the value
    end: int
    line: int
    line_start: int  # offsets of the whole line, the entry's evidence
    line_end: int

    @property
    def base_key(self) -> str:
        """The key without its index: ``Leader1 Type`` -> ``Leader Type``."""
        return split_key(self.key)[0]

    @property
    def index(self) -> int | None:
        return split_key(self.key)[1]


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    section: str
    paragraph: int  # index of the paragraph in the document, for topic tracking
    item: bool = False  # an item of a list in the prose ("- Natsagiin Bagabandi, 1992–1996")


@dataclass
class Document:
    name: str
    text: str
    title: str
    official_name: str | None = None
    official_name_span: Span | None = None
    infobox: list[InfoboxEntry] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def entries(self, base_key: str) -> list[InfoboxEntry]:
        return [e for e in self.infobox if e.base_key.lower() == base_key.lower()]

    def entry(self, base_key: str, index: int | None = None) -> InfoboxEntry | None:
        for e in self.entries(base_key):
            if e.index == index:
                return e
        return None


_KEY_INDEX = re.compile(r"^(?P<head>[A-Za-z][A-Za-z ]*?)(?P<index>\d+)(?P<tail>(?: [A-Za-z]+)*)$")
_TITLE = re.compile(r"^=\s*(?P<title>[^=].*?)\s*=$")
_HEADING = re.compile(r"^==+\s*(?P<title>.*?)\s*==+$")
_INFOBOX_LINE = re.compile(r"^- (?P<key>[^:\n]{1,60}?):[ \t]*(?P<value>.*?)\s*$")
_GROUP_ITEM = re.compile(r"\|\s*(?P<name>[^|()]+?)\s*\((?P<count>[^)]*)\)")
# A sentence ends at . ! or ? (optionally followed by a closing quote or bracket)
# before white space and an upper-case letter, a digit or an opening quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘(])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Mr.", "Mrs.", "Dr.", "St.", "No.", "vs.", "Jr.")
_INITIAL = re.compile(r"(?<![\w.])[A-Z]\.\s*$")  # "S. Ganbaatar": an initial ends no sentence


def split_key(key: str) -> tuple[str, int | None]:
    """``Leader1 Type`` -> (``Leader Type``, 1); ``House Type`` -> (``House Type``, None)."""
    m = _KEY_INDEX.match(key.strip())
    if not m:
        return key.strip(), None
    base = (m.group("head").strip() + m.group("tail")).strip()
    return base, int(m.group("index"))


def parse_groups(entry: InfoboxEntry) -> tuple[list[Group], list[str]]:
    """Parse a ``|Name (N), |Name (N)`` list; returns the groups and a warning per bad item."""
    groups: list[Group] = []
    problems: list[str] = []
    items = [m for m in re.finditer(r"\|[^|]*", entry.value)]
    for item in items:
        m = _GROUP_ITEM.match(item.group(0))
        if not m or not m.group("count").strip().isdigit():
            problems.append(f"line {entry.line}: cannot read group {item.group(0).strip(' ,')!r}")
            continue
        start = entry.start + item.start() + m.start("name")
        groups.append(
            Group(
                name=m.group("name"),
                count=int(m.group("count")),
                start=start,
                end=entry.start + item.start() + m.end(),
            )
        )
    return groups, problems


def load(path: str | Path) -> Document:
    """Read and parse an article file; raises DocumentError naming the file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(path), f"cannot read: {exc.strerror}") from exc
    if b"\x00" in raw:
        raise DocumentError(str(path), "binary file (contains NUL bytes), not an article")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(
            str(path), f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line
        ) from exc
    return parse(text, name=path.stem, source=str(path))


def parse(text: str, name: str, source: str | None = None) -> Document:
    """Parse article text. ``name`` becomes the source's slug; ``source`` is used in errors."""
    source = source or name
    text = text.lstrip("\ufeff") if text.startswith("\ufeff") else text
    if not text.strip():
        raise DocumentError(source, "empty article")
    lines = _lines_with_offsets(text)
    title, body_from = _title(lines, source)
    doc = Document(name=name, text=text, title=title)
    i = body_from
    # The optional official-name line: plain text right after the title, before the infobox.
    while i < len(lines) and not lines[i][0].strip():
        i += 1
    if (
        i + 1 < len(lines)
        and not lines[i][0].startswith(("- ", "="))
        and lines[i + 1][0].startswith("- ")
    ):
        line, start = lines[i]
        doc.official_name = line.strip()
        doc.official_name_span = Span(start, start + len(line.rstrip()))
        i += 1
    i = _read_infobox(doc, lines, i)
    if not doc.infobox:
        doc.warnings.append(f"{source}: no infobox; extracting from the prose only")
    _read_prose(doc, lines, i)
    if not doc.infobox and not doc.sentences:
        raise DocumentError(source, "no infobox and no prose: nothing to extract")
    return doc


def _lines_with_offsets(text: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        out.append((line.rstrip("\r\n"), pos))
        pos += len(line)
    return out


def _title(lines: list[tuple[str, int]], source: str) -> tuple[str, int]:
    for i, (line, _) in enumerate(lines):
        if not line.strip():
            continue
        m = _TITLE.match(line.strip())
        if not m or line.strip().startswith("=="):
            raise DocumentError(source, "the first line must be the title, as '= Title ='", i + 1)
        return m.group("title"), i + 1
    raise DocumentError(source, "empty article")


def _read_infobox(doc: Document, lines: list[tuple[str, int]], i: int) -> int:
    while i < len(lines):
        line, start = lines[i]
        if not line.strip():
            if doc.infobox:
                return i
            i += 1
            continue
        m = _INFOBOX_LINE.match(line)
        if not m:
            return i
        doc.infobox.append(
            InfoboxEntry(
                key=m.group("key").strip(),
                value=m.group("value"),
                start=start + m.start("value"),
                end=start + m.end("value"),
                line=i + 1,
                line_start=start,
                line_end=start + len(line),
            )
        )
        i += 1
    return i


NAVIGATION = {"see also", "references", "external links", "further reading", "notes", "sources"}


def _read_prose(doc: Document, lines: list[tuple[str, int]], i: int) -> None:
    section = "Introduction"
    paragraph = 0
    for line, start in lines[i:]:
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if heading:
            section = heading.group("title")
            doc.sections.append(section)
            continue
        if not stripped:
            continue
        offset = start + (len(line) - len(line.lstrip()))
        if stripped.startswith("- "):
            # A list in the prose ("the following chairs:", results by party, the parties
            # that ran, each told in a sentence) continues the paragraph that introduces it;
            # the "See also" list and bare titles are navigation, not claims.
            if section.lower() in NAVIGATION or not (
                re.search(r"\d", stripped) or len(stripped.split()) > 5
            ):
                continue
            text = stripped[2:].strip()
            offset += len(stripped) - len(stripped[2:].lstrip())
            doc.sentences.append(
                Sentence(text, offset, offset + len(text), section, paragraph, item=True)
            )
            continue
        paragraph += 1
        for s_start, s_end in split_sentences(stripped):
            doc.sentences.append(
                Sentence(
                    text=stripped[s_start:s_end],
                    start=offset + s_start,
                    end=offset + s_end,
                    section=section,
                    paragraph=paragraph,
                )
            )


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Split a paragraph into (start, end) sentence spans, relative to the paragraph."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(paragraph):
        cut = m.start() + (len(m.group(0)) - len(m.group(0).lstrip('"”’)')))
        candidate = paragraph[start:cut]
        if candidate.rstrip().endswith(_ABBREVIATIONS) or _INITIAL.search(candidate):
            continue
        spans.append((start, cut))
        start = m.end()
    if start < len(paragraph):
        spans.append((start, len(paragraph.rstrip())))
    return [(s, e) for s, e in spans if paragraph[s:e].strip()]
