"""Dated occasions the prose names: referendums and events (constitutional amendments,
addresses, sessions, unrest, agreements ...). Elections are read in reading.py.

An occasion is a noun of occasion ("referendum", "amendments", "address") tied to a date
by the analysis: "the referendum of 30 August 1995", "the constitutional referendum held
on 5 June 2022", "approved by referendum on 6 November 1994", "opened the first session
... on 29 March 2023", "the 1997 peace agreement". One occasion told in several sentences
is one entity: the occasions are indexed first, by kind and year, at their most precise date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from spacy.tokens import Token

from kzgraph.extract.article import Article
from kzgraph.extract.clause import Clause, Reading, clause_evidence, country_adjective
from kzgraph.extract.facts import DateValue, Evidence, Mention, find_dates
from kzgraph.names import slugify

# Head noun (lemma) -> kind of occasion. Elections have their own reader.
OCCASION_NOUNS = {
    "referendum": "referendum",
    "plebiscite": "referendum",
    "amendment": "event",
    "address": "event",
    "session": "event",
    "sitting": "event",
    "unrest": "event",
    "protest": "event",
    "agreement": "event",
    "accord": "event",
    "treaty": "event",
    "coup": "event",
    "crisis": "event",
    "revolution": "event",
    "uprising": "event",
    "riot": "event",
    "war": "event",
    "standoff": "event",
    "dissolution": "event",
    "opening": "event",
}
_ADOPTS = re.compile(
    r"\bconstitution\b[^.;]{0,60}\b(?:approved|adopted|accepted|endorsed|ratified|put to|followed in)\b"
    r"|\bput (?:a|the|its) (?:new )?constitution to\b",
    re.I,
)
_CONSTITUTIONAL = re.compile(r"\bconstitution(?:al)?\b|\bamendments?\b", re.I)


@dataclass(frozen=True)
class Occasion:
    """One occasion as a sentence tells it."""

    kind: str  # "referendum" | "event"
    head: str  # the head noun's lemma
    phrase: str  # the noun phrase without its article ("referendum of 30 August 1995")
    date: DateValue
    start: int  # the words that tell it, within the sentence
    end: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.head, self.date.iso[:4])


def find_occasions(clause: Clause) -> list[Occasion]:
    """The occasions a sentence dates."""
    found = []
    for date in _dates(clause):
        head, lemma = _occasion_head(clause, date) or (None, "")
        if head is None:
            continue
        lo, hi = _phrase_bounds(head, date)
        if lo <= (date.start or 0) <= hi + 1:
            hi = max(hi, date.end or hi)  # "coup of 15 May 1934": the date ends the phrase
        phrase = re.sub(r"^(?:the|a|an|its|his|her|their|this|that)\s+", "", clause.text[lo:hi])
        phrase = re.sub(r"^[A-Z][a-z]+['’]s\s+", "", phrase)
        if not phrase or len(phrase) > 90:
            continue
        start = min(lo, date.start or lo)
        end = max(hi, date.end or hi)
        found.append(Occasion(OCCASION_NOUNS[lemma], lemma, phrase, date, start, end))
    return found


_YEAR = re.compile(r"\b(?P<year>1[89]\d\d|20\d\d)(?:[–-](?:1[89]\d\d|20\d\d))?\b")


def _dates(clause: Clause) -> list[DateValue]:
    """The sentence's dates and its bare years ("the 1997 peace agreement", "planned for
    2027"), which count only where the analysis ties them to an occasion."""
    dates = list(clause.dates)
    for m in _YEAR.finditer(clause.text):
        if not any((d.start or 0) <= m.start() < (d.end or 0) for d in dates):
            iso = _with_day(clause.text, m.group("year"))
            dates.append(DateValue(iso, _precision(iso), m.start(), m.end()))
    return dates


_DAY_MONTH = re.compile(
    r"\b(?:on|held on) (?:(?P<d1>\d{1,2}) (?P<m1>[A-Z][a-z]+)|(?P<m2>[A-Z][a-z]+) (?P<d2>\d{1,2}))\b(?!,? \d)"
)


def _with_day(text: str, year: str) -> str:
    """ "The 2022 constitutional referendum, held on 5 June": the day the sentence gives
    without a year belongs to the occasion's year."""
    m = _DAY_MONTH.search(text)
    if not m:
        return year
    day, month = (m.group("d1"), m.group("m1")) if m.group("d1") else (m.group("d2"), m.group("m2"))
    found = find_dates(f"{day} {month} {year}")
    return found[0].iso if found else year


def _precision(iso: str) -> str:
    return {4: "year", 7: "month"}.get(len(iso), "day")


def _is_occasion(token: Token) -> bool:
    return token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() in OCCASION_NOUNS


def _occasion_head(clause: Clause, date: DateValue) -> tuple[Token, str] | None:
    """The occasion noun the date belongs to, through the analysis's dependencies, and the
    kind of occasion it names (its lemma, or "referendum" for a text put to the voters)."""
    root = clause.date_root(date)
    if root is not None and root.dep_ == "pobj" and root.head.dep_ == "prep":
        text = _put_to_voters(clause, root.head.head)
        if text is not None:
            return text, "referendum"
    head = _occasion_token(clause, date)
    return (head, head.lemma_.lower()) if head is not None else None


def _occasion_token(clause: Clause, date: DateValue) -> Token | None:
    root = clause.date_root(date)
    if root is None:
        return None
    # "the 1997 peace agreement", "The 2022 constitutional referendum"
    if root.dep_ in ("nummod", "compound", "amod", "npadvmod") and _is_occasion(root.head):
        return root.head
    if root.dep_ != "pobj" or root.head.dep_ != "prep":
        return None
    # "After a further referendum, on October 21, 2007": the date set off by a comma
    before = root.head.nbor(-1) if root.head.i > 1 else None
    if before is not None and before.text == "," and _is_occasion(before.nbor(-1)):
        return before.nbor(-1)
    governor = root.head.head
    # "the referendum of 30 August 1995", "the protests of 2020–2021"
    if _is_occasion(governor):
        return governor
    if governor.pos_ not in ("VERB", "AUX"):
        return None
    # "the constitutional referendum held on 5 June 2022", "Amendments adopted in May 2007"
    if governor.dep_ in ("acl", "relcl") and _is_occasion(governor.head):
        return governor.head
    for child in governor.children:
        # "opened the first session of the VIII convocation on 29 March 2023"
        if child.dep_ in ("dobj", "nsubjpass") and _is_occasion(child):
            return child
        # "approved by referendum on 6 November 1994"
        if child.dep_ in ("agent", "prep") and child.lower_ == "by":
            noun = next((c for c in child.children if c.dep_ == "pobj"), None)
            if noun is not None and _is_occasion(noun):
                return noun
    return None


_TO_VOTERS = re.compile(r"\b(?:nationwide|popular|national) vote\b|\bto (?:the )?voters\b", re.I)


def _put_to_voters(clause: Clause, governor: Token) -> Token | None:
    """ "A package of constitutional amendments was put to voters on 26 September 1999",
    "put a new constitution to the voters", "amendments approved in a nationwide vote on
    1 July 2020": a constitutional text put to the voters is a referendum; the text's noun
    phrase names it."""
    if governor.lower_ == "vote" and governor.dep_ == "pobj":
        governor = governor.head.head  # "approved in [a nationwide vote] on 1 July 2020"
    if governor.pos_ not in ("VERB", "AUX") or not _CONSTITUTIONAL.search(clause.text):
        return None
    if not _TO_VOTERS.search(clause.text[governor.idx : governor.idx + 60]):
        return None
    subject = next((c for c in governor.children if c.dep_ in ("dobj", "nsubjpass")), None)
    if subject is None:  # the small model's "Amendments [nsubj] approved in a vote ..."
        subject = next(
            (
                c
                for c in governor.children
                if c.dep_ == "nsubj" and _CONSTITUTIONAL.search(" ".join(t.text for t in c.subtree))
            ),
            None,
        )
    if subject is None and governor.dep_ in ("acl", "relcl"):
        subject = governor.head
    if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return None
    return subject


def _phrase_bounds(head: Token, date: DateValue) -> tuple[int, int]:
    """The noun phrase of the occasion: its modifiers, the head, and an "of"/"to" phrase
    that names what it is of (the date's own "of" phrase included)."""
    left = [c for c in head.lefts if c.dep_ in ("amod", "compound", "nummod", "nmod", "poss")]
    start_token = left[0].left_edge if left else head
    end = head.idx + len(head.text)
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "to", "on"):
            end = _phrase_end(child)
            break
    start = start_token.idx
    if start_token.dep_ == "det" or start_token.tag_ in ("DT", "PRP$"):
        start = start_token.nbor().idx if start_token.i + 1 <= head.i else start
    return start, end


def _phrase_end(prep: Token) -> int:
    """Where a prepositional phrase ends, before any clause hanging from it ("..., under
    which a bicameral Parliament took the place of ...")."""
    end = prep.idx + len(prep.text)
    for token in prep.subtree:
        if token.is_punct or token.dep_ in ("relcl", "acl", "advcl", "appos", "cc"):
            break
        end = token.idx + len(token.text)
    return end


def index_occasions(reading: Reading, clauses: list[Clause]) -> None:
    """First pass: the most precise date each occasion is given anywhere in the article,
    so that "the 2022 constitutional referendum" and "the referendum of 5 June 2022" are one;
    and the years the article's constitutions date from (several years: several names)."""
    for clause in clauses:
        for occasion in find_occasions(clause):
            known = reading.occasions.get(occasion.key)
            if known is None or len(occasion.date.iso) > len(known.date.iso):
                reading.occasions[occasion.key] = occasion
            if occasion.kind == "referendum" and _ADOPTS.search(clause.text):
                reading.constitution_years.add(occasion.date.iso[:4])
        for _, date in _enactments(clause):
            reading.constitution_years.add(date.iso[:4])


def occasions(article: Article, reading: Reading, clause: Clause) -> None:
    """Each dated occasion, named as encyclopedias name it ("1995 Kazakh constitutional
    referendum"), with the text's own phrase as another name, and its date."""
    for occasion in find_occasions(clause):
        canonical = reading.occasions.get(occasion.key, occasion)
        mention = _mention(article, clause, canonical, occasion)
        ev = clause_evidence(article, clause, occasion.start, occasion.end)
        article.add(mention, "pointInTime", _plain(canonical.date), ev, rule="occasion")
        if occasion.phrase != mention.name:
            article.add(mention, "alias", occasion.phrase, ev, rule="occasion")
        undated = event_name(mention.name)
        if undated:
            article.add(mention, "alias", undated, ev, rule="occasion")
        if occasion.kind == "referendum" and _ADOPTS.search(clause.text):
            # "A constitution approved by referendum on 6 November 1994"
            when = _plain(canonical.date)
            constitution = country_constitution(article, clause, reading, when.iso[:4])
            if constitution is not None:
                article.add(constitution[0], "inception", when, ev, rule="occasion")
                article.add(constitution[0], "adoptedThrough", mention, ev, rule="occasion")
                article.add(constitution[0], "instanceOf", "wd:Q7755", ev, rule="occasion")


_ENACTED = {"adopt", "approve", "sign", "enact", "ratify", "promulgate", "accept", "endorse"}


def _enactments(clause: Clause) -> list[tuple[Token, DateValue]]:
    """ "The constitution adopted on 8 December 1992", "The Constitution of Georgia,
    adopted on 24 August 1995", "the new constitution was approved on ...": the
    constitution and the date the analysis ties to the verb that enacted it."""
    found = []
    for date in clause.dates:
        root = clause.date_root(date)
        if root is None or root.dep_ != "pobj" or root.head.dep_ != "prep":
            continue
        verb = root.head.head
        if verb.lemma_.lower() not in _ENACTED or root.head.lower_ not in ("on", "in"):
            continue
        # "nsubj": the small model reads "The constitution adopted on ... replaced it" as a
        # constitution adopting something; a constitution adopts nothing.
        texts = [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj", "nsubj")]
        if verb.dep_ in ("acl", "relcl"):
            texts.append(verb.head)
        # not "a new version of the constitution adopted in 2017": that is an amendment
        found += [(t, date) for t in texts if t.lower_ == "constitution" and t.dep_ != "pobj"]
    heading = timeline_date(clause)
    if heading is not None and not found:
        # "1996-06-28: after an all-night sitting, the Rada adopted the Constitution of Ukraine."
        for verb in clause.doc:
            if verb.lemma_.lower() in _ENACTED and verb.pos_ == "VERB":
                found += [
                    (t, heading)
                    for t in verb.children
                    if t.dep_ in ("dobj", "nsubjpass") and t.lower_ == "constitution"
                ]
    return found


def timeline_date(clause: Clause) -> DateValue | None:
    """The date a timeline's item starts with ("2014-02-21: the Rada restored ..."): the
    date of everything the item tells."""
    first = clause.dates[0] if clause.dates else None
    if first is None or first.start != 0:
        return None
    return first if clause.text[first.end or 0 :].lstrip().startswith(":") else None


def enactments(article: Article, reading: Reading, clause: Clause) -> None:
    """A constitution dates from the day it was adopted."""
    for token, date in _enactments(clause):
        when = _plain(date)
        constitution = country_constitution(article, clause, reading, when.iso[:4], token)
        if constitution is None:
            continue
        mention, _ = constitution
        lo, hi = sorted((token.idx, date.end or token.idx))
        ev = clause_evidence(article, clause, lo, max(hi, token.idx + len(token.text)))
        article.add(mention, "inception", when, ev, rule="enacted")
        article.add(mention, "instanceOf", "wd:Q7755", ev, rule="enacted")


def _plain(date: DateValue) -> DateValue:
    return DateValue(date.iso, date.precision)


def _mention(article: Article, clause: Clause, canonical: Occasion, here: Occasion) -> Mention:
    year = canonical.date.iso[:4]
    s = clause.sentence.start
    if canonical.kind == "referendum":
        adjective = country_adjective(article)
        constitutional = _CONSTITUTIONAL.search(clause.text) or _CONSTITUTIONAL.search(
            canonical.phrase
        )
        label = " ".join(
            w
            for w in (
                year,
                adjective or article.country_name,
                "constitutional" if constitutional else "",
                "referendum",
            )
            if w
        )
        slug = slugify(f"referendum {canonical.date.iso}")
        return Mention(label, "referendum", s + here.start, s + here.end, slug=slug)
    # "address of 8 September 2025" -> "Address (8 September 2025)": what, then when.
    what = re.sub(r"\s+(?:of|on|in)\s+[^,;]*\d{4}(?:[–-]\d{4})?$", "", canonical.phrase)
    what = re.sub(r"^\d{4}(?:[–-]\d{4})?\s+", "", what)
    if _PROPER_NAME.fullmatch(what):
        label = what  # "the Rose Revolution of November 2003" has a name of its own
    else:
        label = f"{what[:1].upper()}{what[1:]} ({spoken_date(canonical.date)})"
    slug = slugify(f"event {canonical.date.iso} {canonical.head} {article.country_name}")
    return Mention(label, "event", s + here.start, s + here.end, slug=slug)


def event_name(label: str) -> str | None:
    """ "Dissolution of the Supreme Council (November 1996)" is also called "Dissolution of
    the Supreme Council": an event whose name says what it was of is known without its
    date; "Amendments (May 2007)" is not."""
    m = re.fullmatch(r"(?P<what>.+ of .+) \([^()]*\d{4}\)", label)
    return m.group("what") if m else None


# Every word capitalised but the small ones: "Rose Revolution", "Decree No. 1400".
_PROPER_NAME = re.compile(r"[A-Z][\w.’'-]*(?:\s+(?:of|the|and|on|No\.|[A-Z0-9][\w.’'-]*))*")


def spoken_date(date: DateValue) -> str:
    """29 March 2023, May 2007, 2023."""
    parts = date.iso.split("-")
    month = calendar.month_name[int(parts[1])] if len(parts) > 1 else ""
    day = str(int(parts[2])) if len(parts) > 2 else ""
    return " ".join(w for w in (day, month, parts[0]) if w)


_OWN_RULES = ("occasion", "enacted", "named-kind")


def country_constitution(
    article: Article,
    clause: Clause,
    reading: Reading,
    year: str | None = None,
    token: Token | None = None,
) -> tuple[Mention, Evidence] | None:
    """ "the constitution", "the 1995 Constitution", "A constitution approved by
    referendum": the country's constitution, where the article names no constitution by
    year and place (those are read in prose.py). An article that dates constitutions to
    several years names each by its year ("1993 Constitution of Kyrgyzstan"); one that
    never says which is meant then names none."""
    token = token or next((t for t in clause.doc if t.lower_ == "constitution"), None)
    if token is None or not article.country_name:
        return None
    several = len(reading.constitution_years) > 1
    if several and year is None:
        return None
    label = f"Constitution of {article.country_name}"
    if several:
        label = f"{year} {label}"
    if any(
        f.subject.kind == "constitution" and f.rule not in _OWN_RULES and f.subject.name != label
        for f in article.facts
    ):
        return None
    s = clause.sentence.start
    mention = Mention(label, "constitution", s + token.idx, s + token.idx + len(token.text))
    ev = clause_evidence(article, clause, token.idx, token.idx + len(token.text))
    return mention, ev
