"""What the extractor knows while reading one article: the names it can spot, the
legislature the article is about, and the current topic (chamber, election ...)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kzgraph.document import Document, Sentence
from kzgraph.extract.facts import Evidence, Fact, Mention, Value
from kzgraph.names import fold, key_variants

_WORD = re.compile(r"\w+(?:[’'\-.]\w+)*")
MAX_NAME_WORDS = 9

# Types before facts: what a relation's value may be, whatever a rule read. Independents
# and parliamentary groups take no part in an election as such; only people hold offices.
VALUE_KINDS = {
    "participant": {"party", "person"},
    "memberOfParty": {"party"},
    "chairperson": {"person"},
    "officeholder": {"person"},
}


@dataclass
class Article:
    """Reading state for one document. ``names`` maps folded names to kinds."""

    doc: Document
    names: dict[str, str]
    legislature: Mention
    country: Mention | None = None
    facts: list[Fact] = field(default_factory=list)
    chamber_by_index: dict[int, Mention] = field(default_factory=dict)
    topic: dict[str, Mention] = field(default_factory=dict)  # kind -> last subject
    topic_paragraph: int = -1
    last_date: dict[str, object] = field(default_factory=dict)
    recent: dict[str, Mention] = field(default_factory=dict)  # kind -> last named, this section
    recent_section: str = ""
    country_name: str = ""
    country_adjective: str = ""  # from the table of countries, if the text has none
    originals: dict[str, str] = field(default_factory=dict)  # folded name -> as written
    offices: list[tuple[Mention, Mention]] = field(default_factory=list)  # (body, its chair)
    _mentions: dict[tuple[int, int], list[Mention]] = field(default_factory=dict, repr=False)

    def learn(self, name: str, kind: str) -> None:
        if kind != "country" and self.country_name and fold(name) == fold(self.country_name):
            kind = "country"  # "Kyrgyzstan" alone is the country, not the tail of a party's name
        self.names.setdefault(fold(name), kind)
        self.originals.setdefault(fold(name), name)
        first = re.split(r" [–—] ", name)[0] if kind == "party" else name
        if first != name and " " in first and fold(first) not in self.names:
            self.learn(first, kind)  # "A Just Russia — For Truth" grew out of "A Just Russia"

    def original_name(self, key: str) -> str:
        """A learned name as the article wrote it (``key`` is folded)."""
        return self.originals.get(key, key)

    def kind_of(self, name: str) -> str | None:
        for key in key_variants(name):
            if key in self.names:
                return self.names[key]
        return None

    def add(
        self,
        subject: Mention,
        relation: str,
        value: Value,
        evidence: Evidence,
        qualifiers: tuple[tuple[str, Value], ...] = (),
        rule: str = "",
    ) -> None:
        allowed = VALUE_KINDS.get(relation)
        if allowed and isinstance(value, Mention) and value.kind not in allowed:
            return
        self.facts.append(Fact(subject, relation, value, evidence, qualifiers, rule))

    # --- spotting names in prose -------------------------------------------------------

    def mentions(self, sentence: Sentence, kinds: set[str] | None = None) -> list[Mention]:
        """Known entity names in a sentence, longest match first, left to right."""
        # Many rules ask for the same sentence; the answer changes only with the names known.
        key = (sentence.start, len(self.names))
        if key not in self._mentions:
            self._mentions[key] = self._find_mentions(sentence)
        found = self._mentions[key]
        return found if kinds is None else [m for m in found if m.kind in kinds]

    def _find_mentions(self, sentence: Sentence) -> list[Mention]:
        text = sentence.text
        words = list(_WORD.finditer(text))
        found: list[Mention] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + MAX_NAME_WORDS) - 1, i - 1, -1):
                start, end = words[i].start(), words[j].end()
                name = text[start:end]
                kind = self.names.get(fold(name))
                if kind is None and j > i and words[i].group().lower() not in ("the", "a", "an"):
                    # "Nur Otan Party", "Party" trailing a known name (its article is no part
                    # of it: "the Agrarian Party" is "Agrarian Party", "A Just Russia" a name)
                    kind = self.kind_of(name) if name.split()[-1].lower() == "party" else None
                # A lone lower-case word ("parliament") is a common noun, not a name; so are
                # lower-case words that spell a capitalised name ("house of the Parliament").
                original = self.originals.get(fold(name), name)
                common = name[0].islower() and (i == j or original[0].isupper())
                if kind and not common:
                    found.append(Mention(name, kind, sentence.start + start, sentence.start + end))
                    i = j
                    break
            i += 1
        return found

    def evidence(self, sentence: Sentence, start: int, end: int) -> Evidence:
        """Evidence for the words ``sentence.text[start:end]``."""
        return Evidence(
            source=self.doc.name,
            start=sentence.start,
            end=sentence.end,
            text=sentence.text,
            span_start=sentence.start + start,
            span_end=sentence.start + end,
            origin="prose",
        )

    def mention_at(self, sentence: Sentence, name: str, start: int, kind: str) -> Mention:
        """A mention of ``name`` found at ``start`` within the sentence ("the X" -> "X")."""
        article = re.match(r"(?:[Tt]he|[Aa]n?)\s+", name)
        if article and len(name) > article.end():
            name, start = name[article.end() :], start + article.end()
        return Mention(name, kind, sentence.start + start, sentence.start + start + len(name))

    def remember(self, mention: Mention, sentence: Sentence) -> None:
        """The last election, referendum or convocation named, for the sentences after it."""
        if sentence.section != self.recent_section:
            self.recent, self.recent_section = {}, sentence.section
        self.recent[mention.kind] = mention

    def recall(self, kind: str, sentence: Sentence) -> Mention | None:
        if sentence.section != self.recent_section:
            return None
        return self.recent.get(kind)

    def set_topic(self, mention: Mention, sentence: Sentence) -> None:
        if sentence.paragraph != self.topic_paragraph:
            self.topic = {}
            self.topic_paragraph = sentence.paragraph
        self.topic[mention.kind] = mention

    def current(self, kind: str, sentence: Sentence) -> Mention | None:
        """The last ``kind`` subject in this paragraph (for "Members are elected ...")."""
        if sentence.paragraph != self.topic_paragraph:
            return None
        return self.topic.get(kind)


def relative(mention: Mention, sentence: Sentence) -> tuple[int, int]:
    """The mention's offsets within the sentence text."""
    assert mention.start is not None and mention.end is not None
    return mention.start - sentence.start, mention.end - sentence.start


def split_list(text: str, conjunctions: bool = True) -> Iterator[tuple[str, int]]:
    """Items of an English list ("A, B, or the C") with their offsets in ``text``."""
    pos = 0
    separators = r",\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+" if conjunctions else r",\s*"
    for sep in re.finditer(separators, text):
        yield from _list_item(text, pos, sep.start())
        pos = sep.end()
    yield from _list_item(text, pos, len(text))


def _list_item(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    lead = re.match(r"\s*(?:(?:either|the|a|an)\s+)*", text[start:end])
    start += lead.end() if lead else 0
    item = text[start:end].rstrip(" .;")
    if item:
        yield item, start
