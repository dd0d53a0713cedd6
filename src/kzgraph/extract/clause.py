"""A sentence analysed for the rules: its names typed (person, party, chamber ...) from the
linguistic analysis, its dates, and what the reader carries from sentence to sentence
(the paragraph's chamber, election and office, surnames already named in full)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Token

from kzgraph.document import Sentence
from kzgraph.extract.article import Article
from kzgraph.extract.facts import MONTHS, ROLE_CLASSES, DateValue, Evidence, Mention, find_dates
from kzgraph.extract.numbers import number_of
from kzgraph.names import fold

PARTY_WORDS = {
    "party",
    "partiyasi",
    "front",
    "movement",
    "bloc",
    "alliance",
    "rus",
    "league",
    "coalition",
}
PARTY_WORDS |= {fold(w) for w in PARTY_WORDS}  # words are compared folded ("asembly")
BODY_WORDS = {
    "assembly", "parliament", "council", "senate", "chamber", "house", "majlis", "mejlis",
    "majilis", "mazhilis", "soviet", "duma", "sejm", "rada", "kurultai", "khural",
    "legislature", "oliy", "milli",
    # what other countries call theirs
    "congress", "diet", "kenesh", "saeima", "seimas", "riigikogu", "storting", "althing",
    "folketing", "riksdag", "eduskunta", "knesset", "sabor", "skupstina", "sobranie",
    "maslahaty", "hural", "jirga", "shura", "majles", "bundestag", "bundesrat", "cortes",
    "oireachtas", "dail", "seanad", "senedd", "verkhovna",
}  # fmt: skip
BODY_WORDS |= {fold(w) for w in BODY_WORDS}
ORG_WORDS = {
    "commission", "court", "university", "committee", "administration", "organisation",
    "organization", "office", "bank", "government", "ministry", "agency", "union", "mission",
    "service", "foundation", "institute", "bureau",
    "database", "times", "guide", "nations", "states", "osce", "odihr", "ipu", "tass",
}  # fmt: skip
ORG_WORDS |= {fold(w) for w in ORG_WORDS}
INDEPENDENTS = re.compile(
    r"\b(?:independents?|non-party (?:candidates|deputies|members)|self-nominated candidates"
    r"|deputies (?:with|who had) no party)\b",
    re.I,
)
GENERIC_BODY = re.compile(
    r"\b(?:the|its|this) (?:house|chamber|lower house|upper house|new house)\b", re.I
)
OFFICE_TITLES = {
    "speaker": "Speaker",
    "chairman": "Chairman",
    "chairwoman": "Chairwoman",
    "chairperson": "Chairperson",
    "chair": "Chairman",
    "president": "President",
}
SEAT_WORDS = {"seat", "seats", "mandate", "mandates"}
MEMBER_WORDS = {"deputies", "members", "seats", "senators", "representatives", "mps", "people"}


@dataclass(frozen=True)
class Name:
    """A name in a sentence: its text, kind and offsets within the sentence."""

    text: str
    kind: str
    start: int
    end: int


@dataclass
class Reading:
    """What the reader carries from sentence to sentence."""

    paragraph: int = -1
    election: Mention | None = None  # the election the paragraph is about
    election_date: DateValue | None = None
    chamber: Mention | None = None  # the chamber the paragraph is about
    office: Mention | None = None  # the office a list of holders is about
    surnames: dict[str, str] = field(default_factory=dict)  # folded surname -> full name
    elections: dict[str, list[tuple[DateValue, Mention]]] = field(default_factory=dict)
    occasions: dict[tuple[str, str], Any] = field(default_factory=dict)  # (head, year) -> Occasion
    constitution_years: set[str] = field(default_factory=set)  # years constitutions date from
    last_body: Mention | None = None  # the legislature or chamber named last, in full
    last_body_at: int = -1  # the sentence that named it
    body_before: Mention | None = None  # the one named last before that sentence
    last_year: str = ""  # the year of the last date read ("in September of that year")
    last_day: str = ""  # the last day read, ISO ("The next day the deputies chose ...")
    listing: str | None = None  # the words that introduce a list of seats ("Seats won ...:")


@dataclass
class Clause:
    """One analysed sentence with its names and dates."""

    sentence: Sentence
    doc: Doc
    names: list[Name]
    dates: list[DateValue]

    @property
    def text(self) -> str:
        return self.sentence.text

    def tokens_between(self, start: int, end: int) -> list[Token]:
        return [t for t in self.doc if start <= t.idx < end]

    def date_root(self, date: DateValue) -> Token | None:
        """The word that ties a date to the rest of the sentence ("August" in "of 30 August
        1995"): the one of its words whose head lies outside the date."""
        tokens = self.tokens_between(date.start or 0, date.end or 0)
        inside = {t.i for t in tokens}
        return next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), None)

    def names_of(self, *kinds: str) -> list[Name]:
        return [n for n in self.names if n.kind in kinds]


# --- names ---------------------------------------------------------------------------


# "on 19 September", "of June 5": a day whose year the sentence gives elsewhere
_DAY_WITHOUT_YEAR = re.compile(
    r"\b(?:[Oo]n|of) (?:(?P<d1>\d{1,2}) (?P<m1>[A-Z][a-z]+)|(?P<m2>[A-Z][a-z]+) (?P<d2>\d{1,2}))\b"
    r"(?!,? \d)"
)


def _days_without_year(text: str, dates: list[DateValue], last_year: str) -> list[DateValue]:
    """ "in 2004, when voters went to the polls on 19 September": the day in the one year
    the sentence names; "On 21 September of that year": the year the text named last."""
    years = {d.iso[:4] for d in dates}
    # "On 21 September of that year", "A week later, on 14 November": the year told before
    that_year = not years and last_year and re.search(r"\bof that year\b|\blater,? on\b", text)
    if that_year:
        years = {last_year}
    if len(years) != 1:
        return dates
    year = years.pop()
    out = list(dates)
    for m in _DAY_WITHOUT_YEAR.finditer(text):
        if any((d.start or 0) < m.end() and m.start() < (d.end or 0) for d in dates):
            continue
        earlier = [d for d in dates if (d.end or 0) <= m.start()]
        told = earlier and (
            earlier[-1].precision != "year" or "when" in text[earlier[-1].end or 0 : m.start()]
        )  # "on 27 March 2023, and on 29 March", "in 2004, when ... on 19 September"
        if not (that_year or told):
            continue  # "the Althing elected in 1995 was dissolved on 12 May": which year, unsaid
        day, month = (
            (m.group("d1"), m.group("m1")) if m.group("d1") else (m.group("d2"), m.group("m2"))
        )
        found = find_dates(f"{day} {month} {year}")
        if found:
            out.append(DateValue(found[0].iso, "day", m.start() + 3, m.end()))
    return sorted(out, key=lambda d: d.start or 0)


_NEXT_DAY = re.compile(r"\b(?:the|on the) (?:next|following) day\b", re.I)
# a day that starts or ends a span, or is told in brackets, is no day the story is at
_SPAN_END = re.compile(r"(?:\b(?:since|until|till|from|between|born)\s+(?:on\s+)?|\()$")


def _story_days(text: str, dates: list[DateValue]) -> list[DateValue]:
    """The days the sentence tells as its own ("On 3 May the Saeima met"), not those of an
    aside ("who had chaired it since 3 May 1988"): what "the next day" counts from."""
    return [d for d in dates if d.precision == "day" and not _SPAN_END.search(text[: d.start or 0])]


def _next_day(text: str, dates: list[DateValue], last_day: str) -> list[DateValue]:
    """ "The next day the deputies chose X": the day after the last day told, in this
    sentence before the words or in the one before."""
    m = _NEXT_DAY.search(text)
    if m is None:
        return dates
    before = [d for d in _story_days(text, dates) if (d.end or 0) <= m.start()]
    base = before[-1].iso if before else last_day
    if not base or any(d.start is not None and d.start >= m.start() for d in dates):
        return dates  # "the next day, 7 July": the day is told
    try:
        day = datetime.date.fromisoformat(base) + datetime.timedelta(days=1)
    except ValueError:
        return dates
    found = DateValue(day.isoformat(), "day", m.start(), m.end())
    return sorted([*dates, found], key=lambda d: d.start or 0)


def analyse_clause(article: Article, reading: Reading, sentence: Sentence, doc: Doc) -> Clause:
    earlier = dict(reading.surnames)  # a surname alone: someone named before it, not after
    before_clause = dict(earlier)
    names: list[Name] = []
    for m in article.mentions(sentence):
        start, end = m.start - sentence.start, m.end - sentence.start  # type: ignore[operator]
        names.append(Name(m.name, m.kind, start, end))
    for start, end in _entity_spans(doc):
        text = sentence.text[start:end]
        # "the", "a", and lower-case words the model took in ("unicameral Supreme Council")
        # ("A Just Russia" keeps its "A" inside a sentence)
        article_word = r"[Tt]he|[Aa]n?" if start == 0 else r"[Tt]he|an?"
        lead = re.match(rf"(?:(?:{article_word}|[a-z][\w\-]*)\s+)+(?=[^\W\d_])", text)
        if lead and not text[lead.end()].isupper():
            lead = None
        if lead:
            text, start = text[lead.end() :], start + lead.end()
        text = re.sub(r"(?:['’]s|\s*\(\w*|\s+\d[\d,.]*)$", "", text)  # "... of Tajikistan 60"
        end = start + len(text)
        if text == text.lower() and article.kind_of(text) is None:
            continue  # "the old ruling communist party": a description, not a name
        cut = re.search(r" of(?: the)?$", text)
        if cut:  # the model stopped at "the Supreme Soviet of": the name goes on
            rest = re.match(
                r"(?: the)? [A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*)*",
                sentence.text[start + cut.start() + 3 :],
            )
            if rest is None:
                continue
            end = start + cut.start() + 3 + rest.end()
            text = sentence.text[start:end]
        kind = _kind_of(article, reading, text, entity_label_at(doc, start))
        party_word = _PARTY_MEMBER_WORD.match(text)
        if kind == "person" and party_word and len(text[party_word.end() :].split()) >= 2:
            # "the Social Democrat Pauls Kalniņš": the person, not his party's word
            text, start = text[party_word.end() :], start + party_word.end()
        if kind is None and entity_label_at(doc, start) == "FAC" and _acts_as_person(doc, start):
            kind = "person"
        republic = _SOVIET_REPUBLIC.match(sentence.text, end)
        if republic and kind in ("chamber", "legislature"):
            end = republic.end()  # "the Supreme Soviet" + " of the Tajik SSR"
            text = sentence.text[start:end]
        country = _of_country(article, sentence.text, end)
        if country and kind in ("party", "chamber", "legislature", "organization"):
            # the model stopped before "of Moldova": "the Party of Communists of the Republic"
            end += country
            text = sentence.text[start:end]
        inside = [n for n in names if n.start < end and start < n.end]
        if (
            inside
            and kind in ("party", "chamber", "legislature", "organization")
            and all(n.start >= start and n.end <= end and n.text != text for n in inside)
            and (
                any(n.kind in ("country", "place") for n in inside)
                or 0 < _of_country(article, sentence.text, inside[-1].end) == end - inside[-1].end
                or kind in ("chamber", "legislature")
                and _CAPITALISED_NAME.fullmatch(text)
                and all(n.kind in ("chamber", "legislature") for n in inside)
            )
        ):
            # "the Social Democratic Party of Kyrgyzstan", "the People's Party of Tajikistan":
            # a body named after its country, not a shorter name and the country; "the Great
            # Council of Norlandia" is not the "Council" the article knows
            names = [n for n in names if n not in inside]
            inside = []
        if inside:
            continue
        if kind:
            names.append(Name(_full_name(reading, text, kind), kind, start, end))
    for start, end in _proper_name_runs(doc):
        text = sentence.text[start:end]
        overlaps = any(n.start < end and start < n.end for n in names)
        if not overlaps and _kind_of(article, reading, text, "ORG") not in BODY_KINDS:
            names.append(Name(_full_name(reading, text, "person"), "person", start, end))
    for m in INDEPENDENTS.finditer(sentence.text):
        if not any(n.start < m.end() and m.start() < n.end for n in names):
            names.append(Name("Independents", "group", m.start(), m.end()))
    names = _parties_by_role(article, doc, names)
    for m in _INITIALLED.finditer(sentence.text):
        if not any(n.start < m.end() and m.start() < n.end for n in names):
            names.append(Name(m.group(), "person", m.start(), m.end()))
    country = fold(article.country_name) if article.country_name else None
    if country:  # "Prosperous Moldova" ends a movement's name: no person is so called
        names = [n for n in names if n.kind != "person" or country not in fold(n.text).split()]
    names = _parties_of_people(article, sentence.text, names)
    names = _parties_told_so(article, sentence.text, names)
    names = _results_left_unsaid(article, sentence.text, names)
    names = _parties_by_their_word(article, sentence.text, names)
    names = _parties_sharing_a_word(article, sentence.text, names)
    for n in names:
        short = _ABBREVIATION.match(sentence.text, n.end)
        if short and n.kind in BODY_KINDS:
            article.learn(short.group(1), n.kind)  # "... (SDPK) won 11"; "the SDPK came first"
        if n.kind == "person" and " " in n.text:
            reading.surnames[fold(n.text.split()[-1])] = n.text
            article.learn(n.text, "person")
    full_names = sorted(
        (n for n in names if n.kind == "person" and " " in n.text), key=lambda n: n.end
    )
    for token in doc:  # "Berdimuhamedow was elected ...": a surname alone, named in full before
        proper = token.text[:1].isupper() and token.ent_type_ not in ("DATE", "GPE", "ORG")
        for n in full_names:
            if n.end <= token.idx:
                earlier[fold(n.text.split()[-1])] = n.text
        full = earlier.get(fold(token.text)) if proper else None
        start, end = token.idx, token.idx + len(token.text)
        if full and not any(n.start < end and start < n.end for n in names):
            names.append(Name(full, "person", start, end))
    for m in _HYPHENED.finditer(sentence.text):  # "Ter-Petrosyan": the model splits it
        key, start, end = fold(m.group()), m.start(), m.end()
        told = [n.text for n in full_names if n.end <= start and fold(n.text.split()[-1]) == key]
        full = told[-1] if told else before_clause.get(key)
        if full and not any(n.start < end and start < n.end for n in names):
            names.append(Name(full, "person", start, end))
    names.sort(key=lambda n: n.start)
    dates = _days_without_year(sentence.text, find_dates(sentence.text), reading.last_year)
    dates = _next_day(sentence.text, dates, reading.last_day)
    if dates:
        reading.last_year = dates[-1].iso[:4]
    days = _story_days(sentence.text, dates)
    if days:
        reading.last_day = days[-1].iso
    elif any(d.precision == "day" for d in dates):
        reading.last_day = ""  # the story moved to another time: the day it was at is gone
    return Clause(sentence, doc, names, dates)


_HYPHENED = re.compile(r"(?<![\w\-])[A-ZÀ-Þ][\w’']+(?:-[A-ZÀ-Þ][\w’']+)+(?![\w\-])")
# What a person is called after their party: "Social Democrat X", "the Communist Y"
_PARTY_MEMBER_WORD = re.compile(
    r"(?:(?:Social|Christian|Liberal|National|Free) )?(?:Democrat|Republican|Socialist|Communist"
    r"|Liberal|Conservative|Nationalist|Agrarian|Green)s? "
)
# A section about one election: "=== 2024 ===", "== 2019 parliamentary election =="
ELECTION_SECTION = re.compile(r"\s*(?P<year>\d{4})(?: (?:\w+ )?elections?)?\s*", re.I)
_SOVIET_REPUBLIC = re.compile(r" of the (?:[A-ZÀ-Þ][\w\-]+ )+(?:SSR|ASSR)\b")


def _of_country(article: Article, text: str, at: int) -> int:
    """The length of " of (the Republic of) <the article's country>" right at ``at``, or 0."""
    if not article.country_name:
        return 0
    name = re.escape(article.country_name)
    m = re.match(rf" of (?:the )?(?:Republic of )?{name}\b", text[at:])
    return m.end() if m else 0


_CAPITALISED_NAME = re.compile(r"[A-ZÀ-Þ][\w’'\-]*(?: (?:of|the|for|[A-ZÀ-Þ][\w’'\-]*))*")
# "(SDPK)", "(Yeni Azərbaycan Partiyası, YAP)": a short name after the name in full
_ABBREVIATION = re.compile(
    r"\s*\((?:[^()]*?[,;]\s*)?([A-ZÀ-Þ][A-ZÀ-Þa-z\-]{0,2}[A-ZÀ-Þ][A-ZÀ-Þ\-]{0,6})\)"
)
BODY_KINDS = ("party", "chamber", "legislature", "organization", "place", "country")
TITLE_WORDS = {
    "minister", "president", "speaker", "chairman", "chairwoman", "chair", "deputy", "prime",
    "secretary", "general", "prosecutor", "judge", "court", "state", "nation", "address",
    "republic", "supreme", "constitution", "constitutional", "assembly", "party", "national",
    "central", "election", "commission", "house", "soviet", "council", "majilis", "senate",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "ssr", "union", "people", "peoples",
}  # fmt: skip
TITLE_WORDS |= {fold(w) for w in TITLE_WORDS}


def _proper_name_runs(doc: Doc) -> list[tuple[int, int]]:
    """Runs of two to four capitalised proper nouns outside any entity the model found
    ("Ural Mukhamedzhanov presided ..."): personal names the small model misses."""
    runs: list[tuple[int, int]] = []
    run: list[Token] = []
    for token in [*doc, None]:
        ok = (
            token is not None
            and token.tag_ == "NNP"
            and token.text[:1].isupper()
            and token.text[1:].islower()
            and token.text.isalpha() is not False
            and not token.ent_type_
            and fold(token.text) not in TITLE_WORDS
        )
        if ok:
            run.append(token)
            continue
        if 2 <= len(run) <= 4 and (run[0].i == 0 or doc[run[0].i - 1].lower_ not in ("the", "of")):
            runs.append((run[0].idx, run[-1].idx + len(run[-1].text)))
        run = []
    return runs


def _entity_spans(doc: Doc) -> list[tuple[int, int]]:
    """The analysis's entities, with "the Supreme Soviet" + "of the" + "Azerbaijan SSR"
    joined into one name (a body named after its country)."""
    spans: list[tuple[int, int]] = []
    ents = list(doc.ents)
    i = 0
    while i < len(ents):
        start, end = ents[i].start_char, ents[i].end_char
        while (
            i + 1 < len(ents)
            and ents[i].label_ in ("ORG", "FAC", "PERSON")
            and ents[i + 1].label_ in ("GPE", "ORG", "NORP")
            and re.fullmatch(r" of (?:the )?", doc.text[end : ents[i + 1].start_char])
            and set(fold(doc.text[start:end]).split()) & (BODY_WORDS | PARTY_WORDS)
        ):
            i += 1
            end = ents[i].end_char
            if (
                i + 1 < len(ents)
                and ents[i].label_ == "NORP"
                and ents[i + 1].label_ in ("ORG", "GPE")
                and doc.text[end : ents[i + 1].start_char] == " "
            ):  # "of the" + "Armenian" + "SSR"
                i += 1
                end = ents[i].end_char
        spans.append((start, end))
        i += 1
    return spans


# Verbs whose object or subject is a person: "elected Eugenia Ostapciuc", "X resigned"
_PERSON_VERBS = {"elect", "appoint", "choose", "succeed", "replace", "resign", "die", "nominate"}


def _acts_as_person(doc: Doc, start: int) -> bool:
    """A name the model took for a building ("Eugenia Ostapciuc") that a verb of people
    governs: two or three capitalised words, the subject or object of "elect", "resign"..."""
    span = next((e for e in doc.ents if e.start_char == start), None)
    if span is None or not 2 <= len(span) <= 3:
        return False
    if not all(t.text[:1].isupper() and t.pos_ == "PROPN" for t in span):
        return False
    root = span.root
    return root.dep_ in ("nsubj", "nsubjpass", "dobj") and root.head.lemma_ in _PERSON_VERBS


def entity_label_at(doc: Doc, start: int) -> str:
    return next((e.label_ for e in doc.ents if e.start_char <= start < e.end_char), "")


def _kind_of(article: Article, reading: Reading, text: str, label: str) -> str | None:
    """The kind of thing an entity the analysis found names, from its words and label."""
    known = article.kind_of(text)
    if known:
        return known
    words = [fold(w) for w in re.findall(r"[\w’'\-]+", text)]
    if not words or label in (
        "DATE",
        "TIME",
        "PERCENT",
        "MONEY",
        "QUANTITY",
        "ORDINAL",
        "CARDINAL",
    ):
        return None
    if set(words) & PARTY_WORDS and label in ("ORG", "PERSON", "NORP", "GPE"):
        return "party"
    if set(words) & ORG_WORDS:
        return "organization"
    if set(words) & BODY_WORDS and label in ("ORG", "FAC", "GPE", "PERSON", "NORP"):
        return "chamber"
    if label == "PERSON" and len(words) == 1 and words[0] in reading.surnames:
        return "person"
    title_case = all(w[:1].isupper() and not w.isupper() for w in text.split())
    if label in ("PERSON", "NORP", "GPE", "ORG") and 2 <= len(words) <= 4 and title_case:
        # The small model often calls an unfamiliar name an organisation or a place.
        placeish = {
            fold(w) for w in ("republic", "ssr", "region", "city", "district", "square", "street")
        }
        if not set(words) & placeish and not re.search(r"\b(?:of|and|for)\b", text):
            return "person"
    if label in ("ORG", "GPE") and len(words) == 1 and words[0] in reading.surnames:
        return "person"
    return None


# "S. Ganbaatar", "T. Dorjkhand": an initial and a surname (not the "S. Congress" of "U.S.")
_INITIALLED = re.compile(r"(?<![\w.])[A-Z]\. ?[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?\b")

# What only a party does: "European Georgia won 5 seats", "Ata-Jurt's 28 seats",
# "Prosperous Armenia, with 3.95 percent, ...".
_SEATS_WON = re.compile(
    r"^(?:['’]s (?:\d+|[a-z]+(?:-[a-z]+)?) (?:seats|mandates)\b"
    r"| (?:won|took|got|gained|secured|received|held) (?:\d+|[a-z]+(?:-[a-z]+)?)"
    r"(?: of the (?:\d+|[a-z]+(?:-[a-z]+)?))? (?:seats|mandates)\b)"  # "won 42 of the 77 seats"
)
_SHARE_WON = re.compile(
    r"^(?:,? with| (?:won|took|got|gained|received|polled|secured)) \d+(?:\.\d+)? ?(?:%|percent\b|per cent\b)"
)
_NAME_BEFORE = re.compile(r"[A-Z][\w’'\-]*(?: (?:[A-Z][\w’'\-]*|of|for|and))*$")


def _parties_by_role(article: Article, doc: Doc, names: list[Name]) -> list[Name]:
    """Names that win seats, or a share with no person's name, are parties, whatever the
    analysis first took them for; learned, so later sentences agree."""
    text = doc.text
    out = []
    winners = _seat_winners(doc)
    for name in names:
        after = text[name.end :]
        person = name.kind == "person" and entity_label_at(doc, name.start) == "PERSON"
        # the parse's subject of "won N seats" when it has one, else the name just before
        seats = (
            any(name.start <= i < name.end for i in winners) if winners else _SEATS_WON.match(after)
        )
        won = seats or (_SHARE_WON.match(after) and not person)
        if won and name.kind in ("person", "place", "organization"):
            name = Name(name.text, "party", name.start, name.end)
            article.learn(name.text, "party")
        out.append(name)
    for m in re.finditer(r"(?:['’]s|,? with \d| (?:won|took|got|gained|secured|received) )", text):
        if not (_SEATS_WON.match(text[m.start() :]) or _SHARE_WON.match(text[m.start() :])):
            continue
        found = _NAME_BEFORE.search(text[: m.start()])
        if found is None:
            continue
        start = _proper_start(doc, found.start(), m.start())
        if start is None or any(n.start < m.start() and start < n.end for n in out):
            continue
        if _SHARE_WON.match(text[m.start() :]) and entity_label_at(doc, start) == "PERSON":
            continue
        out.append(Name(text[start : m.start()], "party", start, m.start()))
        article.learn(text[start : m.start()], "party")
    return out


# "Dumitru Diacov of the Movement for a Democratic and Prosperous Moldova", "S. Ganbaatar of
# the Our Coalition alliance", "Dastan Jumabekov, of the Kyrgyzstan party"
_OF_PARTY = re.compile(
    r",? of (?:the )?(?P<name>[A-ZÀ-Þ][\w’'\-/]*(?: (?:[A-ZÀ-Þ][\w’'\-/]*|and|for|a|of|the))*"
    r"(?: [\"“][^\"”]{1,30}[\"”])?)"  # 'the Democratic Party "Saimnieks"'
    r"(?: (?P<word>party|alliance|bloc|coalition|movement|list))?(?=[\s,.;:)]|$)"
)


def _parties_of_people(article: Article, text: str, names: list[Name]) -> list[Name]:
    """A person "of" a name with a party's word in it (or after it) is of that party."""
    out = list(names)
    for person in [n for n in names if n.kind == "person"]:
        m = _OF_PARTY.match(text, person.end)
        if m is None:
            continue
        name = re.sub(r"(?: (?:and|for|a|of|the))+$", "", m.group("name"))
        words = {fold(w) for w in re.findall(r"[\w’'\-]+", name)}
        if not (m.group("word") or words & PARTY_WORDS):
            continue
        out = _with_party(article, out, name, m.start("name"))
    return sorted(out, key=lambda n: n.start)


def _with_party(article: Article, names: list[Name], name: str, start: int) -> list[Name]:
    """``names`` with ``name`` at ``start`` a party (learned), in place of what it overlaps."""
    end = start + len(name)
    if any(n.kind == "party" and n.start == start and n.end == end for n in names):
        return names
    article.learn(name, "party")
    return [n for n in names if not (n.start < end and start < n.end)] + [
        Name(name, "party", start, end)
    ]


_QUOTED = re.compile(r' ["“][^"”]{1,30}["”]')


def _quoted_party_names(article: Article, text: str, names: list[Name]) -> list[Name]:
    """'the Belarusian Party "Belaya Rus"': a party's name goes on over the quoted word."""
    out = []
    for n in names:
        quoted = _QUOTED.match(text, n.end) if n.kind == "party" else None
        if quoted:
            n = Name(text[n.start : quoted.end()], "party", n.start, quoted.end())
            article.learn(n.text, "party")
            out = [m for m in out if not (m.start < n.end and n.start < m.end)]
        elif any(m.start < n.end and n.start < m.end for m in out):
            continue
        out.append(n)
    return out


# "For Truth, the party of the writer Zakhar Prilepin", "Akhali (the party of ...)"
_TOLD_PARTY = re.compile(
    r"(?P<name>[A-ZÀ-Þ][\w’'\-]*(?: (?:[A-ZÀ-Þ][\w’'\-]*|for|of|the|–|—))*)"
    r"(?:,| \() ?the (?:[a-z]+ )?(?:party|alliance|bloc) (?:of|led by|founded by)\b"
)
_RENAMED_PARTY = re.compile(
    r"(?P<name>[A-ZÀ-Þ][\w’'\-]*(?: [A-ZÀ-Þ][\w’'\-]*)*),? as (?:the )?(?P<old>[A-ZÀ-Þ])"
    r"[^,;]*? (?:had been|was|has been) renamed\b"
)
# Capitalised words that open a sentence, not a name: "In March, the party of ..."
_NOT_A_NAME = re.compile(
    r"(?:In|On|At|By|After|Before|During|Since|When|While|As|From|Under|With|Until|Then|Also"
    r"|Later|Meanwhile|Its|Their|His|Her|This|That|These|Those)\b"
)
# "the Labour Party and Girchi": two parties the model took for one
_TWO_PARTIES = re.compile(
    rf"^(?P<a>.+ (?:{'|'.join(w.title() for w in PARTY_WORDS)})) and (?P<b>[A-Z].+)$"
)


def _parties_told_so(article: Article, text: str, names: list[Name]) -> list[Name]:
    """Names the sentence itself calls parties, and two parties joined by "and"."""
    out = []
    for n in _quoted_party_names(article, text, names):
        two = _TWO_PARTIES.match(n.text) if n.kind == "party" else None
        if two:
            b = n.start + two.start("b")
            out += [Name(two.group("a"), "party", n.start, n.start + len(two.group("a")))]
            out += [Name(two.group("b"), "party", b, n.end)]
            article.learn(two.group("b"), "party")
        else:
            out.append(n)
    told = [(m.start("name"), m.group("name")) for m in _TOLD_PARTY.finditer(text)]
    for m in _RENAMED_PARTY.finditer(text):  # "the Blue Union, as the Blue Party had been renamed"
        if any(n.kind == "party" and n.start == m.start("old") for n in out):
            told.append((m.start("name"), m.group("name")))
    for start, found in told:
        if start > 0 and text[start - 1] not in " (" or _NOT_A_NAME.match(found):
            continue  # "In March, the party of ...": a sentence's opening words
        article_word = re.match(r"The ", found)
        if article_word:
            found, start = found[article_word.end() :], start + article_word.end()
        out = _with_party(article, out, found, start)
    return sorted(out, key=lambda n: n.start)


_PROPER_RUN = r"[A-ZÀ-Þ][\w’'\-–]*(?:\s+(?:[A-ZÀ-Þ][\w’'\-–]*|of|for|and|the|in|is))*?"
# "his My Step Alliance", "the Peasants' Unity Bloc": a name that ends in a party's word
_NAMED_PARTY = re.compile(
    rf"(?<![\w’'\-])(?P<name>{_PROPER_RUN}\s+(?:Party|Alliance|Bloc|Coalition))\b(?![\-–])"
)
# "the Strength Is in Unity alliance", "the UNM-led Free Georgia bloc": a name, then the word
_WORDED_PARTY = re.compile(
    rf"(?:\bthe|-led)\s+(?P<name>{_PROPER_RUN})\s+(?:alliance|bloc|coalition)\b"
)
_LEADING = re.compile(rf"^(?:(?:[Tt]he|{_NOT_A_NAME.pattern})\s+)+")
# Blocs of states and grand coalitions are no parties: "the Eastern Bloc", "the North
# Atlantic alliance", "the Grand Coalition talks", "the Eurasian Economic Union bloc"
_NOT_A_PARTY_BLOC = re.compile(
    r"^(?:(?:Eastern|Western|Soviet|Warsaw|Communist) Bloc|North Atlantic|Grand Coalition)$"
    r"|\b(?:Union|Treaty|Pact|Organi[sz]ation|Community)$"
)
# a party is told with what parties do: seats, votes, lists, elections, shares
_ELECTORAL = re.compile(
    r"\b(?:seats?|votes?|won|win|list|elect\w*|ran|stood|campaign\w*|part(?:y|ies)|per ?cent)\b|%",
    re.I,
)


def _owner(text: str, names: list[Name], start: int, end: int) -> Name | None:
    """The person whose possessive opens the span: "Anna Berg" in "Anna Berg's Blue Alliance"."""
    return next(
        (
            n
            for n in names
            if n.kind == "person"
            and start <= n.start < n.end < end
            and re.match(r"['’]s\s", text[n.end : n.end + 3])
        ),
        None,
    )


def _parties_by_their_word(article: Article, text: str, names: list[Name]) -> list[Name]:
    """Names a party's word tells: one that ends in "Party", "Alliance", "Bloc" or
    "Coalition", or one the text follows with "alliance", "bloc" or "coalition" (of two words
    or more: "the Soviet bloc" is no party), where the analysis saw no name or a person."""
    out = list(names)
    if not _ELECTORAL.search(text):
        return out
    found = [(m.start("name"), m.group("name"), 1) for m in _NAMED_PARTY.finditer(text)]
    found += [(m.start("name"), m.group("name"), 2) for m in _WORDED_PARTY.finditer(text)]
    for start, name, least in found:
        lead = _LEADING.match(name)
        if lead:
            name, start = name[lead.end() :], start + lead.end()
        if len(name.split()) < least or len(name.split()) < 2 and least == 1:
            continue
        if _NOT_A_PARTY_BLOC.search(name):
            continue
        end = start + len(name)
        overlapping = [n for n in out if n.start < end and start < n.end]
        owner = _owner(text, out, start, end)
        if owner is not None:  # "Anna Berg's Blue Alliance": the party after the owner
            start, name = owner.end + 3, text[owner.end + 3 : end]
            overlapping = [n for n in overlapping if n is not owner]
        if any(n.kind not in ("person", "organization") for n in overlapping):
            continue  # a party, a place or a house the analysis found: its name stands
        out = _with_party(article, out, name, start)
    return sorted(out, key=lambda n: n.start)


# "the Socialist and Democratic parties": the Socialist Party and the Democratic Party
_SHARED_WORD = re.compile(
    r"\bthe (?P<a>[A-ZÀ-Þ][\w’'\-]*) and (?P<b>[A-ZÀ-Þ][\w’'\-]*) (?P<word>parties|movements|fronts)\b"
)


# The words parties are named by; "the Estonian and Russian parties", "the Christian and
# Islamic parties" are groups of parties, told by nation or faith
_PARTY_IDEAS = {
    "socialist", "social", "democratic", "liberal", "conservative", "communist", "green",
    "agrarian", "labour", "labor", "republican", "radical", "progressive", "reform",
    "centre", "center", "civic", "popular", "red", "blue",
}  # fmt: skip


def _parties_sharing_a_word(article: Article, text: str, names: list[Name]) -> list[Name]:
    """Two parties named by their own words and one plural party word they share."""
    out = list(names)
    for m in _SHARED_WORD.finditer(text):
        if any(n.start < m.end("word") and m.start("a") < n.end for n in out):
            continue  # a name the analysis found there stands
        if not {m.group("a").lower(), m.group("b").lower()} <= _PARTY_IDEAS:
            continue
        word = {"parties": "Party", "movements": "Movement", "fronts": "Front"}[m.group("word")]
        for group in ("a", "b"):
            name = f"{m.group(group)} {word}"
            article.learn(name, "party")
            out.append(Name(name, "party", m.start(group), m.end(group)))
    return sorted(out, key=lambda n: n.start)


_COUNT_WORD = r"\d+|[a-z]+(?:-[a-z]+)?"
# "The Blue Party won 47 seats", "took forty-two of the 77 seats": a party's seats told in full
_SEATS_TOLD = re.compile(
    rf"\b(?:won|took|got|gained|secured|received|held)\s+(?:just\s+|only\s+)?(?:{_COUNT_WORD})"
    rf"(?:\s+of\s+the\s+(?:{_COUNT_WORD}))?\s+(?:seats|mandates)\b"
)
# "..., the ACUM bloc 26", "; the Fell and Moss Bloc 11", "Unity twenty", "Adolat with 24":
# the next name and its count, the verb and the seat word left out
_UNSAID_ITEM = re.compile(
    r"(?:[,;]|\band)\s+(?:the\s+)?(?P<name>[^\W\d_][\w’'\-/!]*(?:\s+[^\W\d_][\w’'\-/!]*)*?)"
    rf"(?:\s+(?:bloc|alliance|coalition|list))?\s+(?:with\s+)?(?P<n>{_COUNT_WORD})"
    r"(?=\s*(?:[,;.]|\band\b|\bwith\b|$))"
)
_NAME_LINKS = {"and", "of", "for", "the"}


def _results_left_unsaid(article: Article, text: str, names: list[Name]) -> list[Name]:
    """After a party that won seats, the others in the same sentence with only their count
    ("The Blue Party won 47 seats, the Red Party 14, the ACUM bloc 26 and Unity twenty"):
    each name so told is a party's, whatever the analysis took it for."""
    told = _SEATS_TOLD.search(text)
    if told is None:
        return names
    out = list(names)
    for m in _UNSAID_ITEM.finditer(text, told.end()):
        if re.search(r"\bin\s+[A-ZÀ-Þ][\w’'\-]*\s*$", text[: m.start()]):
            break  # "... and 13 in Kyiv, X 4": counts of a place now, not the results
        name, start = m.group("name"), m.start("name")
        owner = _owner(text, out, start, start + len(name))
        if owner:  # "Raimbek Matraimov's Mekenchil 13": the party, not its owner
            name, start = text[owner.end + 3 : start + len(name)], owner.end + 3
        words = name.split()
        proper = words[0][0].isupper() and words[-1][0].isupper()
        if not proper or any(w not in _NAME_LINKS and not w[0].isupper() for w in words):
            continue  # "the remaining two", "others with 5": no name
        count = number_of(m.group("n"))
        if count is None or 1800 <= count <= 2100 or words[0].lower() in MONTHS:
            continue  # "in March 2004": a date, not a name and its count
        end = start + len(name)
        overlapping = [n for n in out if n.start < end and start < n.end]
        if any(n.kind not in ("person", "organization") for n in overlapping):
            continue  # a party already, or a place, a house: not this rule's
        out = _with_party(article, out, name, start)
    return sorted(out, key=lambda n: n.start)


# What a party does with seats or a share: "won 20 seats", "came first", "finished with 5%"
WIN_VERBS = {
    "win", "take", "get", "gain", "secure", "receive", "hold", "capture", "carry", "obtain",
    "come", "finish", "become", "poll", "score",
}  # fmt: skip


def _seat_winners(doc: Doc) -> set[int]:
    """Where the subjects of "won 20 seats" stand: "The Fisher League (FL) of Anna Berg took
    11 seats" is won by the League, whatever stands between it and the verb."""
    found = set()
    for verb in doc:
        if verb.lemma_.lower() not in WIN_VERBS or verb.pos_ != "VERB":
            continue
        objects = [c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in _SEAT_NOUNS]
        if not any(c.dep_ == "nummod" and c.like_num for o in objects for c in o.children):
            continue
        for subject in (c for c in verb.children if c.dep_ == "nsubj"):
            if subject.pos_ == "PROPN":
                found.add(subject.idx)
    return found


_SEAT_NOUNS = {"seat", "mandate"}


def _proper_start(doc: Doc, start: int, end: int) -> int | None:
    """Where the proper name in [start, end) begins: the first proper noun after any
    other capitalised word ("Meanwhile European Georgia" -> "European Georgia")."""
    tokens = [t for t in doc if start <= t.idx < end]
    while tokens and tokens[0].tag_ not in ("NNP", "NNPS"):
        tokens = tokens[1:]
    if not tokens or fold(tokens[0].text) in TITLE_WORDS:
        return None
    return tokens[0].idx


def _full_name(reading: Reading, text: str, kind: str) -> str:
    """A surname alone ("Gafarova") means the person named in full before."""
    if kind == "person" and " " not in text:
        return reading.surnames.get(fold(text), text)
    return text


def name_mention(clause: Clause, name: Name) -> Mention:
    s = clause.sentence.start
    return Mention(name.text, name.kind, s + name.start, s + name.end)


_ROLE_WORDS = re.compile(r"\b(upper|lower) (?:house|chamber)\b", re.I)


def chamber_with_role(article: Article, role: str) -> Mention | None:
    """The article's chamber read as its upper (or lower) house."""
    return next(
        (
            f.subject
            for f in article.facts
            if f.relation == "instanceOf"
            and f.value == ROLE_CLASSES[role]
            and f.subject.kind == "chamber"
        ),
        None,
    )


def chamber_of(
    article: Article, reading: Reading, clause: Clause, before: int | None = None
) -> Mention:
    """The chamber a sentence is about: one it names (before ``before``), else the
    paragraph's, else the one its section is titled after, else the article's subject (or
    the chamber an election article is for)."""
    bodies = [
        n for n in clause.names_of("chamber", "legislature") if before is None or n.start < before
    ]
    generic = re.match(r"The (assembly|council|chamber|soviet|congress)\b", clause.text)
    last = (
        reading.body_before if reading.last_body_at == clause.sentence.start else reading.last_body
    )
    if generic and last is not None and fold(last.name).split()[-1] == fold(generic[1]):
        return last  # "The assembly, which first met ...": the Constitutional Assembly named before
    if bodies:
        return name_mention(clause, bodies[-1])
    role = _ROLE_WORDS.findall(clause.text[:before] if before is not None else clause.text)
    if role:  # "In the upper chamber X presided": the chamber the infobox calls upper
        chamber = chamber_with_role(article, role[-1].lower())
        if chamber is not None:
            return chamber
    if reading.chamber is not None:
        return reading.chamber
    section = clause.sentence.section
    if article.kind_of(section) in ("chamber", "legislature"):  # "== Federation Council =="
        return Mention(section, article.kind_of(section) or "chamber")
    subject = article.legislature
    if subject.kind == "election" and subject.owner is not None:
        return subject.owner
    return subject


def clause_evidence(article: Article, clause: Clause, start: int, end: int) -> Evidence:
    """Evidence for the words [start, end) of the clause, kept within the sentence."""
    start, end = max(0, start), min(len(clause.text), end)
    return article.evidence(clause.sentence, min(start, end), max(start, end))


def country_adjective(article: Article) -> str | None:
    """The country's adjective as the text itself writes it: "Kazakh" (Kazakhstan),
    "Tajik", "Azerbaijani", "Belarusian": the word of the text that shortens or extends the
    country's name, most often used."""
    country = fold(article.country_name)
    if not country:
        return None
    counts: dict[str, int] = {}
    for word in re.findall(r"\b[A-Z][a-zäöüə]{3,}\b", article.doc.text):
        key = fold(word)
        demonym = re.search(r"(?:an|i|ish|ese|ic|k|h|z|men)$", key)  # not "Latvijas"
        if key != country and demonym and _names_the_country(key, country):
            counts[word] = counts.get(word, 0) + 1
    if counts:
        return max(counts, key=lambda w: counts[w])
    return article.country_adjective or None


def record_holder(
    article: Article,
    clause: Clause,
    office: Mention,
    holder: Name,
    org: Mention | None,
    start: DateValue | None,
    end: DateValue | None,
    rule: str,
) -> None:
    """``holder`` held ``office`` (chairing ``org``) from ``start`` to ``end``."""
    person = name_mention(clause, holder)
    qualifiers: tuple = ()
    if start:
        qualifiers += (("startTime", start),)
    if end:
        qualifiers += (("endTime", end),)
    ev = clause_evidence(article, clause, holder.start, holder.end)
    article.add(office, "officeholder", person, ev, qualifiers, rule=rule)
    article.add(person, "positionHeld", office, ev, qualifiers, rule=rule)
    if org is not None:
        article.add(org, "chairperson", person, ev, qualifiers, rule=rule)


def names_another_country(article: Article, clause: Clause) -> bool:
    """Whether the sentence names a country or nationality other than the article's ("the
    Russian defence minister", "a deputy prime minister of Kyrgyzstan", "Kazakhstan's X" in
    an article about Kyrgyzstan): a title told there may be that country's office, so the
    rules that give titles told in passing to the article's country stay silent."""
    own = fold(article.country_name or "")
    for ent in clause.doc.ents:
        if ent.label_ not in ("GPE", "NORP"):
            continue
        name = fold(re.sub(r"^the\s+|['’]s$", "", ent.text))
        if not own or len(name) < 4 or not _names_the_country(name, own):
            return True
    return False


def _names_the_country(word: str, country: str) -> bool:
    """Whether a folded word is the folded country's name, shortened or extended ("kazakh",
    "kazakhstans", "latvian" for "latvia")."""
    return country.startswith(word) or word.startswith(country[:-1])
