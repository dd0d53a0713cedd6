"""Prose read by linguistic analysis: each sentence is analysed (tokens, parts of speech,
dependencies, named entities), its names are typed (person, party, chamber ...) and
general rules read facts from the analysis, not from one article's wording.

Every rule here fires on articles about different countries; a rule only one article
needs is not a rule. Each fact keeps the words that state it as its evidence.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from kzgraph.extract.article import Article
from kzgraph.extract.clause import (
    BODY_WORDS,
    ELECTION_SECTION,
    INDEPENDENTS,
    MEMBER_WORDS,
    OFFICE_TITLES,
    PARTY_WORDS,
    SEAT_WORDS,
    WIN_VERBS,
    Clause,
    Name,
    Reading,
    analyse_clause,
    chamber_of,
    clause_evidence,
    country_adjective,
    entity_label_at,
    name_mention,
    names_another_country,
    record_holder,
)
from kzgraph.extract.convocations import convocations
from kzgraph.extract.facts import ROLE_CLASSES, DateValue, Mention, find_dates, number
from kzgraph.extract.identity import country_of_apposed, legislature_country
from kzgraph.extract.infobox import election_mention
from kzgraph.extract.language import analyse
from kzgraph.extract.numbers import count_in, number_of
from kzgraph.extract.occasions import (
    OCCASION_NOUNS,
    country_constitution,
    enactments,
    event_name,
    find_occasions,
    index_occasions,
    occasions,
    spoken_date,
)
from kzgraph.extract.presidency import presidents, resignations
from kzgraph.extract.prose import convocation_mention
from kzgraph.extract.results import listed_parties, listed_results, results
from kzgraph.extract.seats import list_parts, seat_parts
from kzgraph.names import fold, slugify


def read_sentences(article: Article) -> None:
    """Read every sentence of the article's prose with the rules below."""
    sentences = article.doc.sentences
    if not sentences:
        return
    docs = analyse([s.text for s in sentences])
    _learn_party_names(article)
    reading = Reading()
    clauses = [analyse_clause(article, reading, s, d) for s, d in zip(sentences, docs, strict=True)]
    _index_elections(article, reading, clauses)
    index_occasions(reading, clauses)
    for clause in clauses:
        if clause.sentence.paragraph != reading.paragraph:
            reading.paragraph = clause.sentence.paragraph
            reading.chamber = None
            reading.office = None
        for rule in RULES:
            rule(article, reading, clause)
    _name_infobox_elections(article)


def _name_infobox_elections(article: Article) -> None:
    """Elections the infobox dates ("Last Election2: 17–19 September 2021") get the names
    encyclopedias give them, as those the prose dates do."""
    dated = [
        f
        for f in article.facts
        if f.rule == "election" and f.relation == "pointInTime" and f.evidence.origin == "infobox"
    ]
    for fact in dated:
        for name in _conventional_names(article, fact.subject, fact.value):
            article.add(fact.subject, "alias", name, fact.evidence, rule="election-name")


_PARTY_CALLED = re.compile(
    r"\bthe (?P<name>[A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+)?) (?:[a-z]+ )?party\b(?! (?:list|lists|system))"
)


def _learn_party_names(article: Article) -> None:
    """ "the Baitaq green party", "the Amanat party": a name the text calls a party, in
    lower case, is a party's name wherever it appears; so is a name listed with its seats
    in a list of results ("- Voice (Holos): 20")."""
    for sentence in article.doc.sentences:
        for m in _PARTY_CALLED.finditer(sentence.text):
            if article.kind_of(m.group("name")) in (None, "party"):
                article.learn(m.group("name"), "party")
    for name in listed_parties(article.doc.sentences):
        if article.kind_of(name) is None and not INDEPENDENTS.search(name):
            article.learn(name, "party")


# --- elections -----------------------------------------------------------------------

ELECTION_WORDS = re.compile(
    r"(?<!re-)\b(?:elections?|polls?|vote|run-?offs?|ballot)\b(?! (?:Commission|Guide|Committee))",
    re.I,
)
_DATE_PAIR = re.compile(
    r"\b(?P<d1>\d{1,2}) and (?P<d2>\d{1,2}) (?P<month>[A-Z][a-z]+),? (?P<year>\d{4})\b"
)


_YEAR_ELECTION = re.compile(
    r"\b(?P<a>1[89]\d\d|20\d\d)(?: and (?P<b>1[89]\d\d|20\d\d))?"
    r"(?= (?:(?:parliamentary|legislative|general|snap|early) )?(?:elections?|vote|polls)\b)"
)


def _election_dates(clause: Clause) -> list[DateValue]:
    """Dates an election sentence gives its vote: "on 9 and 23 December 1995" is two."""
    dates = [
        d for d in clause.dates if d.precision != "year" or _members_elected(clause, d)
    ]  # "was elected in the spring and summer of 1990"
    # "the 2016 election", "at the 2009 vote", "the 2007 and 2011 elections"
    for m in _YEAR_ELECTION.finditer(clause.text):
        for group in ("a", "b"):
            if m.group(group) and not any(
                (d.start or 0) <= m.start(group) < (d.end or 0) for d in dates
            ):
                dates.append(DateValue(m.group(group), "year", m.start(group), m.end(group)))
    for m in _DATE_PAIR.finditer(clause.text):
        first = find_dates(f"{m.group('d1')} {m.group('month')} {m.group('year')}")
        if first:
            dates.append(DateValue(first[0].iso, "day", m.start(), m.start("d2")))
            if 0 < int(m.group("d2")) - int(m.group("d1")) <= 2:
                # "on 17 and 18 April 1920": one vote over two days, from the first
                dates = [d for d in dates if d.start != m.start("d2")]
    return sorted(dates, key=lambda d: d.start or 0)


def _index_elections(article: Article, reading: Reading, clauses: list[Clause]) -> None:
    """First pass: every dated election of the article, so a later "the 2005 election" or
    an earlier "in 2005" finds the same election."""
    found = [
        (c, d)
        for c in clauses
        for d in _election_dates(c)
        if _dates_election(c, d) and not _is_runoff(c, d)
    ]
    # Days first: "the 2021 election" is the one held on 10 January 2021 told elsewhere.
    found.sort(key=lambda cd: -len(cd[1].iso))
    for clause, date in found:
        chamber = chamber_of(article, reading, clause)
        known = reading.elections.setdefault(date.iso[:4], [])
        if _election_for(reading, date, clause, exact=True) is None:
            known.append((date, election_mention(date, chamber, None, None)))


_RUNOFF = re.compile(r"\b(?:run-?offs?|second round)\b[^.;\d]{0,30}$", re.I)


def _is_runoff(clause: Clause, date: DateValue) -> bool:
    """ "when voters went to the polls on 19 September and, for the runoffs, on 3 October":
    the second round of the election, not an election of its own."""
    return bool(_RUNOFF.search(clause.text[max(0, (date.start or 0) - 40) : date.start or 0]))


def _dates_election(clause: Clause, date: DateValue) -> bool:
    """The date is an election's: an election word near it, or members elected on it; not a
    referendum's ("amendments approved in a nationwide vote on 1 July 2020")."""
    if not (
        _near_election_word(clause, date)
        or _members_elected(clause, date)
        or _listed_election(clause, date)
        or _results_day(clause, date)
    ):
        return False
    return not any(
        o.kind == "referendum" and o.date.start == date.start for o in find_occasions(clause)
    )


ELECTED = {"elect", "choose", "renew", "return", "fill"}


def _results_day(clause: Clause, date: DateValue) -> bool:
    """ "The LDPU had also come first in December 2019, when it won 53 seats": a party
    came first or won on that day, and the sentence counts seats."""
    root = clause.date_root(date)
    if root is None or root.dep_ != "pobj" or date.precision == "year":
        return False
    verb = root.head.head
    parties = clause.names_of("party", "group")
    return (
        verb.pos_ == "VERB"
        and verb.lemma_.lower() in WIN_VERBS
        and any(
            c.dep_ == "nsubj"
            and (
                any(n.start <= c.idx < n.end for n in parties)
                or c.lemma_.lower() in ("party", "list", "bloc")  # "Five parties got in on D"
            )
            for c in verb.children
        )
        and re.search(r"\b\d+ seats\b", clause.text) is not None
    )


def _listed_election(clause: Clause, date: DateValue) -> bool:
    """ "- 1994-03-27 (second convocation)" in a section on elections: an item that is a
    date (and a word on it) lists an election of the house."""
    return bool(
        clause.sentence.item
        and date.start == 0
        and date.precision == "day"
        and ELECTION_WORDS.search(clause.sentence.section)
        and re.fullmatch(r"\s*(?:\([^()]*\))?\s*\.?", clause.text[date.end or 0 :])
    )


def _members_elected(clause: Clause, date: DateValue) -> bool:
    """ "Its 181 members were chosen on 26 February 1995", "whose 230 deputies were last
    elected in February 1990", "half of the elected seats was renewed on 28 June 2017", "A
    new parliament was elected on 11 October 1992", "voters elected the first National
    Assembly": the chamber or its members elected on that date, not a person."""
    root = clause.date_root(date)
    for _ in range(2):  # "on 17 and 18 April 1920": the first day hangs on the month
        if root is not None and root.dep_ in ("nummod", "conj", "cc", "compound"):
            root = root.head
    if root is None or root.dep_ not in ("pobj", "appos", "npadvmod"):
        return False
    # up to the verb: "elected on D", "elected over three days, D", "in the spring of D"
    verb = root.head
    for _ in range(3):
        if verb.pos_ == "VERB" or verb.dep_ not in ("prep", "pobj", "appos", "npadvmod"):
            break
        verb = verb.head
    if verb.lemma_.lower() not in ELECTED or verb.pos_ != "VERB":
        return False
    elected = [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj")]
    if not elected and verb.dep_ in ("acl", "relcl"):  # "the house elected in December 2011"
        elected = [verb.head]
    bodies = [(n.start, n.end) for n in clause.names_of("chamber", "legislature")]
    for phrase in elected:
        if phrase.lower_ == "it" and phrase.dep_ == "nsubjpass" and clause.sentence.start > 0:
            # "It was last elected in September and October 1990": the house; not "It was
            # elected to the Security Council"
            return not any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children)
        for t in phrase.subtree:
            if t.lower_ in ELECTED_WHAT or any(a <= t.idx < b for a, b in bodies):
                return True
            if t.tag_ == "WDT" and _after_body(clause, phrase, bodies):
                return True  # "the Supreme Soviet, the last of which was elected on D"
    return False


def _after_body(clause: Clause, phrase, bodies: list[tuple[int, int]]) -> bool:
    """The relative clause starting at ``phrase`` follows a body's name ("the Supreme
    Soviet of the Turkmen SSR, the last of which ...", "the Seventh Saeima, which ...")."""
    begin = min(t.idx for t in phrase.subtree)
    # ("the Seventh Saeima onwards, which ...": one word may stand between)
    between = (
        r"\s*(?:of the \w+ convocation\s*)?(?:[a-z]+\s*)?,?\s*"  # "the Mäjilis of the 7th ..."
    )
    return any(re.fullmatch(between, clause.text[b:begin]) for _, b in bodies)


ELECTED_WHAT = MEMBER_WORDS | SEAT_WORDS | BODY_WORDS | {"senator", "deputy", "member", "mp"}


_OTHER_VOTE = re.compile(
    r"\b(?:presidential|local|municipal|regional|maslikhats?|referendum|party|internal)\W+(?:\w+\W+)?$",
    re.I,
)


_CALLED = re.compile(
    r"\b(?:calling|called|call|announcing|announced|scheduling|scheduled|postpone|postponed"
    r"|postponing)\s+(?:the\s+|an?\s+)?(?:\w+\s+)?$",
    re.I,
)


def _near_election_word(clause: Clause, date: DateValue) -> bool:
    """An election word of a legislative election within a few words of the date ("the
    election of 6 November 2005", "went to the polls on 19 September", "for 1 September
    2024"), not "the presidential election of ..." or "the local elections on ..."."""
    start = date.start or 0
    window = clause.text[max(0, start - 100) : start]
    window = re.split(r"\d{4}", window)[-1]  # not across another date
    # "72.97% of the vote ..., and was sworn in on 19 March": a share's vote is no election
    window = re.sub(
        r"(?:%|\bpercent|\bper cent) of the (?:[\w-]+ )?votes?\b", lambda m: " " * len(m[0]), window
    )
    words = list(ELECTION_WORDS.finditer(window))
    called = words and _CALLED.search(window[: words[-1].start()])
    if called and not re.match(r"\s+for\b", window[words[-1].end() :]):
        # "the decree calling the election on 17 June": the decree's day; "called an
        # election for 1 September": the vote's
        return False
    if re.search(r"\b(?:setting|set|fixing|fixed)\s+$", window):
        return False  # "... setting 1 June 2021 as the latest possible date"
    if words and not _OTHER_VOTE.search(window[: words[-1].start()]):
        between = window[words[-1].end() :].lower()
        # "elections were promised ... in his address of 1 September 2022": the address's date
        return not any(re.search(rf"\b{noun}s?\b", between) for noun in OCCASION_NOUNS)
    # "the 2007 and 2011 elections": both years' elections
    after = re.match(
        r"\s*(?:and \d{4}\s+)?(?:\w+\s+)?(?:elections?|vote)\b", clause.text[date.end or start :]
    )
    return bool(after) and not _OTHER_VOTE.search(after.group(0))


def elections(article: Article, reading: Reading, clause: Clause) -> None:
    """An election and its date(s), and the chamber it filled."""
    # "=== 2024 ===", "== 2019 election ==": the section is about that year's election
    heading = ELECTION_SECTION.fullmatch(clause.sentence.section)
    year = heading["year"] if heading else None
    if year and (reading.election_date is None or reading.election_date.iso[:4] != year):
        known = reading.elections.get(year)
        if known:
            reading.election_date, reading.election = known[0]
    for date in _election_dates(clause):
        if not _dates_election(clause, date):
            continue
        found = _election_for(reading, date, clause)
        if found is None:
            continue
        held, election = found
        start, end = date.start or 0, date.end or 0
        ev = clause_evidence(article, clause, start, end)
        if len(date.iso) >= len(held.iso) or not held.iso.startswith(date.iso):
            # not "2021" again for the election of 10 January 2021
            article.add(election, "pointInTime", date, ev, rule="election-date")
        for conventional in _conventional_names(article, election, date):
            article.add(election, "alias", conventional, ev, rule="election-name")
        if election.owner is not None:
            article.add(election, "electionFor", election.owner, ev, rule="election-date")
        aside = re.search(
            r"\bwhich\s+(?:had\s+)?(?:been\s+|was\s+)?\w*\s*elected\s+(?:on|in)\s+$",
            clause.text[:start],
        )
        if aside:
            continue  # "the Mäjilis ..., which had been elected on 10 January 2021": in passing
        if reading.election is None or reading.election.slug != election.slug:
            reading.election, reading.election_date = election, held
    if reading.election is None or not clause.dates:
        for year in re.findall(r"\b(1[89]\d\d|20\d\d)\b", clause.text):
            found = reading.elections.get(year)
            if found and re.search(
                rf"\b{year}\b[^.]{{0,30}}\b(?:elections?|vote)\b|\b(?:elections?|vote)\b[^.]{{0,15}}\b{year}\b",
                clause.text,
            ):
                reading.election_date, reading.election = found[0]


def _conventional_names(article: Article, election: Mention, date: DateValue) -> list[str]:
    """An election's names as encyclopedias write them ("2020 Azerbaijani parliamentary
    election", also called legislative; "2014 Kazakh Senate election" for an upper house),
    from the country's adjective the text itself uses."""
    adjective = country_adjective(article)
    if not adjective:
        return []
    owner = election.owner
    if owner is not None and (_is_upper_house(article, owner) or _is_other_body(article, owner)):
        # "Senate of Kazakhstan" -> "2014 Kazakh Senate election"
        # "Supreme Soviet of the Armenian SSR" -> "1990 Armenian Supreme Soviet election"
        body = re.sub(
            rf"\s+of\s+(?:the\s+)?(?:Republic\s+of\s+)?"
            rf"(?:{re.escape(article.country_name)}|{re.escape(adjective)}\s+SSR)$",
            "",
            owner.name,
        )
        return [f"{date.iso[:4]} {adjective} {body} election"]
    text = article.doc.text
    kinds = ["parliamentary", "legislative"]
    if text.count("legislative election") > text.count("parliamentary election"):
        kinds.reverse()  # the name the text itself prefers first
    return [f"{date.iso[:4]} {adjective} {kind} election" for kind in kinds]


def _is_other_body(article: Article, body: Mention) -> bool:
    """A body that is neither the article's legislature nor one of its chambers (a
    predecessor such as "the Supreme Soviet")."""
    subject = article.legislature
    if subject.kind == "election":
        return False
    key = fold(body.name)
    names = {fold(subject.name)} | {
        fold(str(f.value)) for f in article.facts if f.relation == "alias" and f.subject == subject
    }
    chambers = {fold(c.name) for c in article.chamber_by_index.values()}
    short = any(c.endswith(" " + key) for c in chambers)  # "the Duma" of "State Duma"
    return not (key in names | chambers or short or fold(subject.name).startswith(key + " of"))


def _is_upper_house(article: Article, chamber: Mention) -> bool:
    key = fold(chamber.name)
    return any(
        f.relation == "instanceOf"
        and f.value == ROLE_CLASSES["upper"]
        and fold(f.subject.name) == key
        for f in article.facts
    )


def _election_for(
    reading: Reading, date: DateValue, clause: Clause, exact: bool = False
) -> tuple[DateValue, Mention] | None:
    """The election of the article that a date in this sentence is about, with the day it
    was first held: the one held that day, else that month for the chamber the sentence
    names (an upper and a lower house may vote in the same month), else (unless ``exact``)
    the year's first."""
    known = reading.elections.get(date.iso[:4], [])
    if date.precision == "year":
        return known[0] if known else None
    named = {fold(n.text) for n in clause.names_of("chamber", "legislature")}
    for first, election in known:
        if first.iso == date.iso:
            return first, election
    for first, election in known:
        owner = fold(election.owner.name) if election.owner else None
        if first.iso[:7] == date.iso[:7] and (not named or owner in named):
            return first, election
    return None if exact or not known else known[0]


# --- offices and their holders -------------------------------------------------------

_TITLE = re.compile(
    r"\b(?P<deputy>(?:first )?deputy |vice[- ])?(?P<title>speaker|chairman|chairwoman|chairperson|chair|president)\b"
    r"(?: of (?:the )?(?:(?P<org>(?:\d+(?:st|nd|rd|th) )?(?-i:[A-Z])[\w’'\- ]+?(?= (?:and|from|until|in|on|since|who|when|with|for|was|is)\b|[,.;)]|$))"
    r"|(?P<house>(?-i:parliament|house|chamber|assembly)\b(?! of\b))))?",
    re.I,
)
# Bodies other than a house that a sentence may give a chairman
_OTHER_BODY = re.compile(
    r"\b(?:commission|committee|board|foundation|company|bank|association|union|inquiry"
    r"|congress of the party)\b",
    re.I,
)
_CHAIRED = re.compile(
    r"\b(?:chaired|presided(?: over)?|preside over|led|headed|ran)\b"
    r"(?: (?:the|its) (?:house|chamber|assembly|council|senate))?",
    re.I,
)
_SPAN = re.compile(
    r"\bfrom (?P<a>.+?) (?:until|to|till|through) (?P<b>.+?)(?:[,;)]|$)|\((?P<c>[^()]*?\d{4}) ?[–-] ?(?P<d>[^()]*?\d{4})\)|\bsince (?P<e>[^,;.]+)|\buntil (?P<f>[^,;.]+)"
)


def offices(article: Article, reading: Reading, clause: Clause) -> None:
    """Office holders: "X was elected speaker", "Speaker X", "X chaired the Y from A to B",
    "the chair passed to X", "X, the first holder, served from A until B"."""
    text = clause.text
    people = clause.names_of("person")
    if not people:
        return
    for title in _TITLE.finditer(text):
        word = title.group("title").lower()
        party = _party_of_title(clause, title.start())
        if party is not None:  # "whose chairman is X", "X was elected party chairman"
            lead = re.search(r"\b[Pp]arty\s+$", text[: title.start()])
            at = lead.start() if lead else title.start()
            holder = _holder_for(clause, people, at, title.end())
            if holder is not None:
                _party_person(article, clause, party, holder, chair=True, rule="party-chair")
            continue
        holder = _holder_for(clause, people, title.start(), title.end())
        if holder is None:
            continue
        if word == "president" and not title.group("org") and not title.group("house"):
            if title.group("deputy") or not text[title.end() : title.end() + 2].startswith(" "):
                continue
            if holder.start != title.end() + 1:
                continue  # "President Ilham Aliyev": the title right before the name
            office = _country_office(article, "President", clause, title.start(), title.end())
            _hold(article, clause, office, holder, None, title.start(), rule="office")
            continue
        if not title.group("org") and _OTHER_BODY.search(text[: title.start()]):
            continue  # "set up a commission of inquiry with X as chairman": not the house's
        org = _office_org(article, reading, clause, title)
        if org is None:
            continue
        office = _office(article, reading, clause, title, org)
        chair = (
            not title.group("deputy")
            and word != "president"
            or (word == "president" and (title.group("org") or title.group("house")) is not None)
        )
        _hold(article, clause, office, holder, org if chair else None, title.start(), rule="office")
    for verb in _CHAIRED.finditer(text):
        before = _subject_of_verb(clause, verb.start(), people) or [
            p for p in people if p.end <= verb.start() and verb.start() - p.end < 80
        ]
        if not before or re.search(
            r"\b(?:party|list|delegation|mission|observers)\b",
            text[verb.end() : verb.end() + 40],
            re.I,
        ):
            continue
        led = re.match(r"(?:led|headed|ran)\b", verb.group(), re.I)
        body_next = any(
            0 <= n.start - verb.end() <= 5 for n in clause.names_of("chamber", "legislature")
        )
        if led and " " not in verb.group() and not body_next:
            continue  # "led the country through the transition": no chair of a house
        org = chamber_of(article, reading, clause)
        bodies = [n for n in clause.names_of("chamber", "legislature") if n.start >= verb.start()]
        if bodies:
            org = name_mention(clause, bodies[0])
        office = _presiding_office(article, reading, org)
        _hold(article, clause, office, before[-1], org, verb.start(), rule="chaired")
        reading.office = office  # "...; she was followed by X (2008–2012), Y (2012–2016)"
    _chaired_by(article, reading, clause, people)
    _holder_series(article, reading, clause)


def _party_of_title(clause: Clause, at: int) -> Name | None:
    """The party a title at ``at`` belongs to: "the PDPT, whose chairman is ...", "was
    elected party chairman" (the party the sentence names last before it); "the X Party,
    founded in 2023, with Oleg Romanov as chairman" (a sentence about a party, no house)."""
    lead = clause.text[max(0, at - 60) : at]
    parties = [n for n in clause.names_of("party") if n.end <= at]
    if re.search(r"\b[Pp]arty\s+$", lead[-12:]):
        return parties[-1] if parties else None
    whose = re.search(r",\s+whose\s+$", clause.text[:at])
    if whose:  # "the PDPT, whose chairman is ...": the party named right before
        named = [n for n in clause.names if n.end <= whose.start()]
        return (
            named[-1]
            if named and named[-1].kind == "party" and whose.start() - named[-1].end <= 8
            else None
        )
    if parties and 0 <= at - parties[-1].end <= 1:
        return parties[-1]  # "led by the UNM chair Tina Bokuchava"
    with_as = re.search(r"\bwith\s+[A-ZÀ-Þ][^,;()]*?\s+as\s+(?:its\s+)?$", lead)
    houses = [n for n in clause.names_of("chamber", "legislature") if n.end <= at]
    founded = re.search(r"\b(?:founded|formed|registered|created|established)\b", clause.text[:at])
    if with_as and parties and not houses and founded and parties[0].end <= founded.start():
        return parties[0]  # "the X Party ... had been founded ..., with Y as chairman"
    return None


_CHAIRED_BY = re.compile(
    r"\b(?:was|were|has been|had been) (?:chaired|presided over|headed|led) by (?:the )?$"
)


def _chaired_by(article: Article, reading: Reading, clause: Clause, people: list[Name]) -> None:
    """ "The chamber was chaired by Frīdrihs Vesmanis until 1925": the body before the verb,
    its chair the person right after it, for the dates of that part of the sentence."""
    text = clause.text
    # "(also written Saidullo Khairullaev)": another spelling, not the next person
    people = [p for p in people if text.count("(", 0, p.start) <= text.count(")", 0, p.start)]
    for i, person in enumerate(people):
        verb = _CHAIRED_BY.search(text[max(0, person.start - 40) : person.start])
        if not verb:
            continue
        before = [n for n in clause.names if n.end <= person.start - 40 + verb.start()]
        if before and before[-1].kind not in ("chamber", "legislature"):
            continue  # "Respublica was led by ...": a party's leader
        if not before and not re.search(
            r"\b(?:chamber|house|parliament|assembly|council|senate)\b", text[: person.start], re.I
        ):
            continue
        org = chamber_of(article, reading, clause, before=person.start)
        if org.kind not in ("chamber", "legislature"):
            continue
        end = people[i + 1].start if i + 1 < len(people) else len(text)
        start, finish = _segment_term(clause, person, end)
        office = _presiding_office(article, reading, org)
        record_holder(article, clause, office, person, org, start, finish, "chaired-by")


def _holder_series(article: Article, reading: Reading, clause: Clause) -> None:
    """Holders in a row, each with their dates in brackets: "the Council was led by
    Alexander Voitovich (to 28 July 2003), Gennady Novitsky (to 31 October 2008) ...";
    "(to D)" starts where the previous holder's term ended."""
    office = reading.office
    led = re.search(r"\b(?:led|chaired|headed|presided over) by\b", clause.text)
    if led:
        org = chamber_of(article, reading, clause, before=led.start())
        office = _presiding_office(article, reading, org)
    if office is None:
        return
    org = _office_body(article, office)
    previous_end: DateValue | None = None
    text = clause.text
    people = [  # not "(also written Saidullo Khairullaev)": another spelling, not another holder
        p
        for p in clause.names_of("person")
        if text.count("(", 0, p.start) <= text.count(")", 0, p.start)
    ]
    for i, person in enumerate(people):
        if led and person.start < led.end():
            continue
        m = re.match(r"\s*\(([^()]*\d{4}[^()]*)\)", clause.text[person.end :])
        if m:
            until = re.match(r"\s*(?:to|until)\s+(.+)", m.group(1))
            if until:
                start, end = previous_end, _date_or_year(until.group(1))
            else:
                start, end = _item_term(m.group(1))
        elif led:
            # "chaired by A (also written B) from D1 until D2 and then by C, ..., until D3"
            stop = people[i + 1].start if i + 1 < len(people) else len(clause.text)
            part = re.sub(r"^\s*\([^()]*\)", "", clause.text[person.end : stop])
            spells = _spells(part)
            until = re.match(r",?\s*(?:[^,;]*,\s*)?until\s+(.+?)(?:[,;.]|$)", part)
            if spells:
                start, end = spells[0]
            elif until and previous_end is not None:
                start, end = previous_end, _date_or_year(until.group(1))
            else:
                continue
        else:
            continue
        if start or end:
            record_holder(article, clause, office, person, org, start, end, "holder-list")
        previous_end = end


_HOLDERS_INTRO = re.compile(
    r"\b(?:chairs|chairmen|chairwomen|chairpersons|speakers|presidents|presiding officers"
    r"|holders of the (?:office|post)|office-holders|heads)\b",
    re.I,
)
_RANGE = re.compile(
    r"(?P<a>(?:\d{1,2} )?(?:[A-Z][a-z]+ )?(?:\d{1,2},? )?(?:\d{4})?)\s*(?:–|-|—|\bto\b|\buntil\b)\s*"
    r"(?P<b>(?:\d{1,2} )?(?:[A-Z][a-z]+ )?(?:\d{1,2},? )?\d{4})"
)


def holder_lists(article: Article, reading: Reading, clause: Clause) -> None:
    """A list of office holders: "Since 1994 the chamber has had the following chairs:"
    then one item per holder, "Vladimir Shumeyko (13 January 1994 – 23 January 1996)",
    "Natsagiin Bagabandi, 1992–1996", "Valentina Matviyenko (since 21 September 2011)"."""
    if not clause.sentence.item:
        if clause.text.rstrip().endswith(":") and _HOLDERS_INTRO.search(clause.text):
            body = chamber_of(article, reading, clause)
            reading.office = _presiding_office(article, reading, body)
        return
    people = clause.names_of("person")
    if reading.office is None or not people or people[0].start > 2:
        return
    holder = people[0]
    start, end = _item_term(clause.text[holder.end :])
    if start is None and end is None:
        return
    org = _office_body(article, reading.office)
    record_holder(article, clause, reading.office, holder, org, start, end, "holder-list")


def _item_term(text: str) -> tuple[DateValue | None, DateValue | None]:
    """The first tenure an item gives: a range (a start without a year takes the end's
    year: "18 May – 21 September 2011"), or "since"/"from" a date."""
    text = re.split(r"\b(?:who|which|when|resigned|died)\b", text)[0]
    m = _RANGE.search(text)
    if m and m.group("a").strip():
        finish = _date_or_year(m.group("b"))
        a = m.group("a").strip(" ,")
        if finish and not re.search(r"\d{4}", a):
            a = f"{a} {finish.iso[:4]}"
        return _date_or_year(a), finish
    since = re.search(r"\b(?:since|from)\s+(?P<d>[^,;)]+)", text)
    return (_date_or_year(since.group("d")) if since else None), None


def _date_or_year(text: str) -> DateValue | None:
    found = find_dates(text.strip())
    if found:
        return DateValue(found[0].iso, found[0].precision)
    year = re.fullmatch(r"\s*(\d{4})\s*", text)
    return DateValue(year.group(1), "year") if year else None


# "X died on D and was succeeded as leader of the LDPR by Y": X left (another office, too)
_LEFT = re.compile(r"[^,;]{0,40}?\b(?:died|was succeeded|was replaced|was followed|resigned)\b")
# "when he was followed by X", "and was succeeded by X": X took the office next
# "he was followed in the chair by X", "succeeded as speaker by X"
_FOLLOWED_BY = re.compile(
    r"\b(?:followed|succeeded|replaced)(?: in the (?:chair|post|office)"
    r"| as (?:the )?(?:speaker|chairman|chairwoman|chair|president))? by\s+$"
)
# "Lupu was followed by Igor Corman in 2013, Corman by Andrian Candu in 2015": the verb left out
_FOLLOWED_TOO = re.compile(r"[,;]\s+(?:and\s+)?[A-Z][\w’'\-]+(?:,[^;]{1,60}?,)?\s+by\s+$")
_SUCCESSION = re.compile(
    r"\b(?:followed|succeeded|took over|took the chair|served|held (?:the|that) (?:chair|post|office)|presided|"
    r"replaced|was elected|were elected|became|chose|elected|took office|returned"
    r"|led the (?:house|chamber|assembly|council|senate|parliament))\b",
    re.I,
)
_CHAIR_SECTION = re.compile(r"chair|speaker|president|presiding|leader", re.I)
_TOOK_CHAIR = re.compile(
    r"\b(?:held|took|kept|assumed) the (?:chair|speakership)\b|\bin the chair\b"
    r"|\b(?:chaired|presided over) (?:the )?(?=[A-Z])"
    r"|\b(?:chaired|presided over|led|headed) (?:the|its) (?:upper |lower )?(?:house|chamber)\b"
)
# "... and Boris Gryzlov of United Russia from 2003 to 2011": the next holder in a row,
# the verb left out (an aside and a party may stand between the name and the dates)
_IN_TURN = re.compile(
    r"(?:\s*\([^()]*\))?(?:,?\s+of (?:the )?[A-Z][\w’'\- ]{1,40}?(?:\s*\([^()]*\))?)?,?\s+from "
    r"(?:\d{1,2} )?(?:[A-Z][a-z]+ )?(?:\d{1,2},? )?\d{4}\s+(?:to|until|till|through)\s+"
)


def succession(article: Article, reading: Reading, clause: Clause) -> None:
    """Holders of the office a paragraph or section is about, told as a story: "Oralbay
    Abdykarimov followed on 1 December 1999 and served until 10 March 2004, when Nurtai
    Abykayev took over." Each person whose part of the sentence says they took or held the
    office gets it, with the dates of that part."""
    office = reading.office
    if office is None and (
        _CHAIR_SECTION.search(clause.sentence.section) or _TOOK_CHAIR.search(clause.text)
    ):
        body = chamber_of(article, reading, clause)
        office = _presiding_office(article, reading, body)
        reading.office = office
    if office is None and _SUCCEEDED_PRONOUN.search(clause.text):
        office = _office_left(article, clause)
    if office is None:
        return
    text = clause.text
    # "(Uladzimir Kanaplyou)": another spelling, not the next holder
    people = [
        p
        for p in clause.names_of("person")
        if text.count("(", 0, p.start) <= text.count(")", 0, p.start)
    ]
    named = [
        b for b in clause.names_of("chamber", "legislature") if people and b.end <= people[0].start
    ]
    if named and re.match(r"(?:In|At|For) (?:the )?", text) and named[0].start <= 8:
        # "In the House of Representatives, Malofeyev gave way ...": that house's chair
        office = _presiding_office(article, reading, name_mention(clause, named[0]))
        reading.office = office
    elif people and re.match(r"(?:The|In the) (?:upper|lower) (?:house|chamber)\b", text):
        # "The lower chamber was chaired by ...": the chamber the infobox calls so
        body = chamber_of(article, reading, clause, before=people[0].start)
        office = _presiding_office(article, reading, body)
    org = _office_body(article, office)
    for i, person in enumerate(people):
        end = people[i + 1].start if i + 1 < len(people) else len(text)
        part = text[person.end : end]
        lead = text[max(0, person.start - 30) : person.start]
        if not (
            _SUCCESSION.search(part[:60])
            or re.match(r"\s+in the chair\b", part)
            and re.search(r"\bwith\s+$", lead)
            or re.search(r"\b(?:chose|elected|passed to|gave way(?: on [^,;]+)? to)\s+$", lead)
            or _FOLLOWED_BY.search(lead)
            or _FOLLOWED_TOO.search(text[max(0, person.start - 90) : person.start])
            and re.search(r"\b(?:followed|succeeded|replaced) by\b", text[: person.start])
            or _IN_TURN.match(part)
        ):
            continue
        if (
            re.match(r"['’]s\b", part)
            or re.match(r"\W*(?:was |were )?(?:elected|became|named) (?:the )?party\b", part)
            or re.search(r"\bPresident\s+$", lead)
            or _TITLE_BEFORE.search(lead)
            or _LEFT.match(part)
            or _ELECTED_PRESIDENT.match(part)
        ):
            continue  # "Mami's departure", "President Nazarbayev", "Prime Minister X": not the holder
        spells = _spells(clause.text[person.end : end])
        if not spells:
            spells = [_segment_term(clause, person, end)]
        seated = [d for d in clause.dates if (d.end or 0) <= person.start]
        if spells == [(None, None)] and seated and re.match(r"\s+in the chair\b", part):
            # "The assembly, which first met on 1 May 1920 with Jānis Čakste in the chair"
            spells = [(DateValue(seated[-1].iso, seated[-1].precision), None)]
        for start, finish in spells:
            if start is None and finish is None:
                continue
            record_holder(article, clause, office, person, org, start, finish, "succession")
        again = re.search(r"\bagain from (?P<d>(?:[^;.,]|,\s*\d)+)", clause.text[person.end : end])
        if again and people[0] is not person:
            when = find_dates(again.group("d"))
            if when:
                spell = DateValue(when[0].iso, when[0].precision)
                record_holder(article, clause, office, people[0], org, spell, None, "succession")


_SUCCEEDED_PRONOUN = re.compile(r"\b(?:succeeded|replaced|followed) (?:him|her)\b")
# "When X was elected the country's first president in 1991, the chair passed to Y": X left
_ELECTED_PRESIDENT = re.compile(
    r"\s+(?:was|had been)\s+elected\s+(?:the\s+)?(?:country's\s+)?(?:first\s+)?president\b(?!\s+of\s+the\b)",
    re.I,
)


_LEFT_OFFICE = re.compile(r"\b(?:resigned|died|stepped down|was dismissed|was removed)\b")


def _office_left(article: Article, clause: Clause) -> Mention | None:
    """ "Moșanu ... resigned on February 2, 1993. Petru Lucinschi succeeded him": the office
    of a holder the sentence before names and says left; none if that is not said."""
    sentences = article.doc.sentences
    index = next((i for i, s in enumerate(sentences) if s.start == clause.sentence.start), 0)
    if index == 0:
        return None
    previous = sentences[index - 1].text
    left = _LEFT_OFFICE.search(previous)
    if left is None:
        return None
    for fact in reversed(article.facts):
        if fact.relation == "officeholder" and isinstance(fact.value, Mention):
            surname = fold(fact.value.name.split()[-1])
            if re.search(rf"\b{re.escape(surname)}\b", fold(previous[: left.start()])):
                return fact.subject  # the one who left
    return None


def _office_body(article: Article, office: Mention) -> Mention | None:
    """The body an office presides over: its owner, or the body the infobox gave it."""
    return office.owner or next((b for b, o in article.offices if o is office), None)


def _segment_term(
    clause: Clause, person: Name, end: int
) -> tuple[DateValue | None, DateValue | None]:
    """Start and end of one person's tenure from their part of a sentence: "from A to B",
    "(A – B)", "on A ... until B", "since A"; "X took over" at the date just before."""
    text = clause.text
    part_dates = [
        d
        for d in clause.dates
        if person.end <= (d.start or 0) < end and not _date_in_aside(text, d.start or 0)
    ]
    again = re.search(r"\b(?:and )?again\b", text[person.end : end])
    if again:  # "... and again from 2013": the sentence's first holder's second spell
        part_dates = [d for d in part_dates if (d.start or 0) < person.end + again.start()]
    start = finish = None
    lead = text[max(0, person.start - 40) : person.start]
    gave_way = re.search(r"\bgave way (?:on|in) (?P<d>[^,;]+?) to\s+$", lead)
    if gave_way:  # "Malofeyev gave way on 21 November 2000 to Vadim Popov"
        start = _date_or_year(gave_way.group("d"))
    if re.search(r"\b(?:when|the day)\s+$", lead[-9:]) or re.search(
        r"\bwhen\s+\w+\s+was\s+\w+\s+by\s+$", lead
    ):
        earlier = [d for d in clause.dates if (d.end or 0) <= person.start]
        if earlier:
            start = DateValue(earlier[-1].iso, earlier[-1].precision)
            part_dates = [d for d in part_dates if _is_end(text, person.end, d)]
    for d in part_dates:
        value = DateValue(d.iso, d.precision)
        if _is_end(text, person.end, d):
            finish = finish or value
        elif start is None:
            start = value
    if start is None and _FOLLOWED_BY.search(lead):
        # "X served until D; he was followed in the chair by Y": Y from the day X left
        left = [d for d in clause.dates if (d.end or 0) <= person.start and _is_end(text, 0, d)]
        if left:
            start = DateValue(left[-1].iso, left[-1].precision)
    window = max(0, person.start - 90)
    ellipsis = _FOLLOWED_TOO.search(text[window : person.start])
    if start is None and ellipsis:
        # "... and Candu, after the election of February 24, 2019, by Zinaida Greceanîi"
        within = [
            d for d in clause.dates if window + ellipsis.start() <= (d.start or 0) < person.start
        ]
        if within:
            start = DateValue(within[-1].iso, within[-1].precision)
    return start, finish


def _date_in_aside(text: str, at: int) -> bool:
    """``at`` lies in a bracketed aside, not a term: "(who shortened his surname to Rahmon
    in 2007)", "(also written ...)"."""
    opening = text.rfind("(", 0, at)
    return (
        opening >= 0
        and text.find(")", opening) >= at
        and bool(re.match(r"\((?:who|which|also|later|then|now|born|he|she|it)\b", text[opening:]))
    )


_FROM_TO = re.compile(
    r"\bfrom (?P<a>\d{1,2} [A-Z][a-z]+(?: \d{4})?|[A-Z][a-z]+ \d{1,2},? \d{4}|[A-Z][a-z]+ \d{4}|\d{4})"
    r" (?:to|until|till|through|[–-]) (?P<b>\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2},? \d{4}|[A-Z][a-z]+ \d{4}|\d{4})"
)


def _spells(text: str) -> list[tuple[DateValue | None, DateValue | None]]:
    """Every "from A to B" of a text, a day and month without a year taking B's year
    ("from 25 March to 22 June 2016")."""
    spells = []
    for m in _FROM_TO.finditer(text):
        end = find_dates(m.group("b"))
        a = m.group("a")
        if end and not re.search(r"\d{4}", a):
            a = f"{a} {end[0].iso[:4]}"
        spells.append((_date_or_year(a), _date_or_year(m.group("b"))))
    return spells


def _is_end(text: str, after: int, date: DateValue) -> bool:
    """The date closes a tenure: "until D", "to D", "– D"."""
    before = text[max(after, (date.start or 0) - 12) : date.start or 0].lower()
    # "served until he himself won the presidency at the end of 1996"
    until = text[max(after, (date.start or 0) - 60) : date.start or 0]
    return bool(
        re.search(r"\b(?:until|to|till|through)\s+(?:the\s+\w+\s+of\s+)?$|[–-]\s*$", before)
        or re.search(r"\buntil\b[^,;.\d]*$", until)
    )


def _subject_of_verb(clause: Clause, at: int, people: list[Name]) -> list[Name]:
    """The person the parse makes the subject of the verb at ``at``."""
    verb = next((t for t in clause.doc if t.idx == at), None)
    if verb is None:
        return []
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            found = [p for p in people if p.start <= child.idx < p.end]
            if found:
                return found
    return []


def _holder_for(clause: Clause, people: list[Name], start: int, end: int) -> Name | None:
    """The person a title belongs to: "Speaker X", "X ... was elected speaker", "X as chair",
    "passed to X"."""
    text = clause.text
    after = [p for p in people if p.start >= end and p.start - end <= 2]
    if after:
        return after[0]
    named = _copula_holder(clause, people, start, end)
    if named is not None:
        return named
    lead = text[max(0, start - 45) : start].lower()
    if re.search(
        r"(?:elected|re-elected|became|appointed|named|as|chosen|remained|served as|was|new|first|succeeded \w+ as)\s+(?:the\s+)?(?:its\s+|his\s+|her\s+)?(?:first\s+|new\s+)?(?:deputy\s+)?$",
        lead,
    ):
        before = [p for p in people if p.end <= start]
        if before and re.search(r"\b(?:he|she)\s+(?:\w+\s+){0,3}$", lead):
            # "Asadov succeeded Alasgarov, and he remained speaker": the clause's subject
            subjects = [p for p in before if _is_subject(clause, p)] or before
            return subjects[0]  # the parse's subject, else the first named
        if before:
            return before[-1]
    passed = re.search(r"passed to$|went to$", text[:start].rstrip().lower())
    if passed:
        nxt = [p for p in people if p.start > end]
        return nxt[0] if nxt else None
    m = re.match(r"[^.]{0,25}?\b(?:passed|went) to ", text[end:])
    if m:
        nxt = [p for p in people if p.start >= end + m.end() - 1]
        return nxt[0] if nxt else None
    return None


def _copula_holder(clause: Clause, people: list[Name], start: int, end: int) -> Name | None:
    """ "Its chairman for the whole decade that followed was Erkin Khalilov", "The first
    chairman of the post-Soviet Duma was Ivan Rybkin": the title is the subject of "was",
    the person what it was."""
    title = next((t for t in clause.doc if start <= t.idx < end and t.dep_ == "nsubj"), None)
    if title is None or title.head.lemma_ != "be":
        return None
    attrs = [c for c in title.head.children if c.dep_ == "attr"]
    return next((p for p in people for a in attrs if p.start <= a.idx < p.end), None)


def _is_subject(clause: Clause, name: Name) -> bool:
    """The name is the subject of its verb in the analysis."""
    return any(
        t.dep_ in ("nsubj", "nsubjpass") for t in clause.doc if name.start <= t.idx < name.end
    )


def _office_org(
    article: Article, reading: Reading, clause: Clause, title: re.Match
) -> Mention | None:
    org = title.group("org")
    if org:
        known = [
            n
            for n in clause.names
            if n.start == title.start("org") or n.start == title.start("org") - 4
        ]
        if known and known[0].kind in ("chamber", "legislature"):
            return name_mention(clause, known[0])
        if set(fold(org).split()) & BODY_WORDS:
            start = title.start("org")
            return Mention(
                org,
                "chamber",
                clause.sentence.start + start,
                clause.sentence.start + start + len(org),
            )
        return None
    its = re.search(r"\b[Ii]ts\s+(?:first\s+|new\s+)?$", clause.text[: title.start()])
    if its:  # "its chairman": the body named last before the title
        lead = clause.text[: title.start()]
        before = [
            n
            for n in clause.names_of("chamber", "legislature")
            if n.end <= title.start() and lead.count("(", 0, n.start) <= lead.count(")", 0, n.start)
        ]  # not "the Supreme Council (as the Supreme Soviet now called itself) elected ..."
        if before:
            return name_mention(clause, before[-1])
        if reading.last_body is not None and not _GENERIC_HOUSE.search(lead):
            return reading.last_body  # "On D it adopted ..., and its chairman, X, ..."
    return chamber_of(article, reading, clause)


# "A new parliament was elected ..., and X was chosen as its chairman": the house it names
_GENERIC_HOUSE = re.compile(r"\b(?:parliament|house|chamber|assembly|legislature)\b", re.I)


def _presiding_office(
    article: Article, reading: Reading, org: Mention, word: str = "Chairman"
) -> Mention:
    """The chair of ``org``: the office the infobox names for it, else "<Word> of the ORG"."""
    for body, office in article.offices:
        a, b = fold(body.name), fold(org.name)
        if a == b or a.startswith(b + " ") or b.startswith(a + " "):  # Senate ~ Senate of X
            return office
    # An office the article knows by name: "Speaker of the Milli Majlis", not another
    # country's "Chairman of the Supreme Council of Kazakhstan" for "the Supreme Council".
    chair = re.compile(
        rf"(?:chairman|chairwoman|chairperson|chair|speaker|president) of (?:the )?{re.escape(fold(org.name))}"
    )
    for office_name, kind in article.names.items():
        if kind == "office" and chair.fullmatch(office_name):
            return Mention(article.original_name(office_name), "office", org.start, org.end)
    return Mention(
        f"{word} of the {{}}",
        "office",
        org.start,
        org.end,
        slug=f"{word.lower()}-of-the-{{}}",
        owner=org,
    )


def _office(
    article: Article, reading: Reading, clause: Clause, title: re.Match, org: Mention
) -> Mention:
    deputy = (title.group("deputy") or "").strip().title().replace("Vice ", "Vice-")
    if not deputy:
        word = OFFICE_TITLES[title.group("title").lower()]
        office = _presiding_office(
            article, reading, org, "Chairman" if word == "President" else word
        )
        reading.office = office
        return office
    word = OFFICE_TITLES[title.group("title").lower()]
    name = f"{deputy} {word} of the {{}}"
    return Mention(
        name,
        "office",
        org.start,
        org.end,
        slug=f"{deputy}-{word}-of-the-{{}}".lower().replace(" ", "-"),
        owner=org,
    )


_GOVERNMENT = r"(?P<office>(?:first )?deputy prime minister|prime minister|vice[- ]president)"
_TITLE_BEFORE = re.compile(rf"\b{_GOVERNMENT}\s+$", re.I)
# "the deputy prime minister, X, ...": the title set off by a comma, then its holder
_TITLE_APPOSED = re.compile(rf"\bthe\s+{_GOVERNMENT},\s+$", re.I)
_TITLE_AFTER = re.compile(
    rf"^(?:,\s+(?:(?P<before>until then|previously)\s+)?(?:a|the|then|its|his|her)?\s*"
    rf"(?P<former>former\s+)?(?:(?P<party>(?-i:[A-Z]{{2,6}}))\s+)?"
    rf"|\s+(?:\w+\s+)?(?:became|was (?:appointed|named|confirmed|made|elected)(?: as)?|took office as)\s+(?:the\s+)?)"
    rf"{_GOVERNMENT}\b",
    re.I,
)
_MADE = re.compile(r"\b(?:appointed|named|confirmed|made)\s+$", re.I)
_MADE_AS = re.compile(rf"^\s+(?:(?:\w+\s+){{0,4}}?as\s+)?(?:the\s+)?{_GOVERNMENT}\b", re.I)


def government(article: Article, reading: Reading, clause: Clause) -> None:
    """The country's government offices and their holders: "Prime Minister Ukhnaagiin
    Khürelsükh", "Norovyn Altankhuyag, a former prime minister", "X became prime minister
    on D", "the Khural appointed X prime minister"."""
    text = clause.text
    abroad = names_another_country(article, clause)
    for person in clause.names_of("person"):
        before, after = text[: person.start], text[person.end :]
        m = _TITLE_BEFORE.search(before) or _TITLE_AFTER.match(after)
        if m is None and re.match(r"\s*(?:,|$)", after) and not abroad:
            m = _TITLE_APPOSED.search(before)
        if m is not None and m.groupdict().get("before") and abroad:
            continue  # "X, until then a deputy prime minister (of another country)"
        made = _MADE.search(before) and _MADE_AS.match(after)
        found = m or made or _became(clause, person)
        if not found:
            continue
        title = _title(found.group("office"))
        office = _country_office(article, title, clause, person.start, person.end)
        if m is not None and m.groupdict().get("party"):
            # "X, a former GD prime minister": the party's prime minister, a member of it
            at = person.end + m.start("party")
            party = next((n for n in clause.names_of("party") if n.start == at), None)
            if party is not None:
                _party_person(article, clause, party, person, chair=False, rule="government")
        held = m.groupdict().get("former") or m.groupdict().get("before") if m else None
        if m is not None and (held or m.re is not _TITLE_AFTER):
            # "Prime Minister X", "X, until then a deputy prime minister" date nothing,
            # unless "in office since D" follows
            since = re.match(r",? in office since ([^,;.]+)", after)
            start = _date_or_year(since.group(1)) if since else None
            record_holder(article, clause, office, person, None, start, None, "government")
            continue
        _hold(article, clause, office, person, None, person.end, rule="government")


_GOVERNMENT_TITLE = re.compile(rf"^(?:the\s+)?{_GOVERNMENT}\b", re.I)


def _became(clause: Clause, person: Name) -> re.Match | None:
    """ "Sadyr Japarov, freed from prison by protesters, became prime minister": the person
    the analysis makes the subject of "became", however long the aside between."""
    for verb in clause.doc:
        if verb.lemma_ != "become" or verb.idx < person.end:
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None or not person.start <= subject.idx < person.end:
            continue
        attr = next((c for c in verb.children if c.dep_ == "attr"), None)
        if attr is not None:
            return _GOVERNMENT_TITLE.match(clause.text[attr.left_edge.idx :])
    return None


# "X, who was at the same time mayor of Dushanbe", "X, a former labour minister", "X, until
# then head of the Cabinet Secretariat", "X, formerly governor of Saint Petersburg"
_APPOSED_OFFICE = re.compile(
    r"^,\s+(?:who (?:was|had been|is) (?:at the same time |also |then )?|(?:a|the|then|its|his|her)\s+"
    r"|until then (?:a |the )?|formerly )?(?P<former>(?:former|onetime)\s+)?(?:(?:a|the)\s+)?"
    r"(?:(?P<title>mayor|governor|rector|director|head) of (?P<the>the )?"
    r"(?P<of>(?-i:[A-Z])[\w’'\-]*(?: (?:of |the )?(?-i:[A-Z])[\w’'\-]*)*)"
    r"|(?:[a-z]+-[a-z]+\s+)?(?P<field>[a-z]+) minister\b|(?P<prosecutor>prosecutor general)\b)",
    re.I,
)
# "the defence minister X", "the foreign minister, X": a minister's title before the holder
_MINISTER_BEFORE = re.compile(r"\bthe\s+(?:former\s+)?(?P<field>[a-z]+)\s+minister,?\s+$")
_NOT_A_FIELD = {"prime", "deputy", "first", "chief", "vice", "former", "the"}
# what encyclopedias call a minister told by the field of the ministry
_MINISTRIES = {"foreign": "Foreign Affairs", "defense": "Defence", "interior": "Internal Affairs"}


def _title(office: str) -> str:
    """ "deputy prime minister" as a title: "Deputy Prime Minister" ("vice-president":
    "Vice President")."""
    return " ".join(w.capitalize() for w in re.split(r"[- ]", office.lower()))


def _minister(field: str) -> str:
    """ "foreign minister" is the "Minister of Foreign Affairs", "labour minister" the
    "Minister of Labour"."""
    field = field.lower()
    return f"Minister of {_MINISTRIES.get(field, field.capitalize())}"


# "Koshanov, who had headed the Presidential Administration, was elected"
_HEADED = re.compile(
    r"^,\s+who (?:had )?headed (?P<the>the )?"
    r"(?P<of>(?-i:[A-Z])[\w’'\-]*(?: (?:of |the )?(?-i:[A-Z])[\w’'\-]*)*)"
)


def other_offices(article: Article, reading: Reading, clause: Clause) -> None:
    """Offices other than a chair's or the government's, told beside their holder: "mayor of
    Dushanbe", "head of the Presidential Administration", "a former labour minister". An
    institution ("the Cabinet Secretariat") is the country's; a place keeps its own name."""
    text = clause.text
    country = article.country_name
    abroad = names_another_country(article, clause)
    for person in clause.names_of("person"):
        m = _APPOSED_OFFICE.match(text[person.end :]) or _HEADED.match(text[person.end :])
        if m is None:
            m = _MINISTER_BEFORE.search(text[: person.start])
            if m is None or m.group("field") in _NOT_A_FIELD or abroad:
                continue
        if m.re is _MINISTER_BEFORE:
            title, national = _minister(m.group("field")), bool(country)
        elif m.re is _HEADED:
            title = f"Head of {m.group('the') or ''}{m.group('of')}"
            national = m.group("the") and country and country not in m.group("of")
        elif m.group("field") and m.group("field").lower() in ("prime", "deputy", "first"):
            continue  # the government's offices are read by government()
        elif m.group("title"):
            title = f"{m.group('title').capitalize()} of {m.group('the') or ''}{m.group('of')}"
            national = (
                m.group("the")
                and country
                and country not in m.group("of")
                and not re.search(r"\b[A-Z]{2,}\b", m.group("of"))  # "the ODIHR": not the country's
            )
        elif m.group("field"):
            title, national = _minister(m.group("field")), bool(country)
        else:
            title, national = "Prosecutor General", bool(country)
        if national:
            title = f"{title} of {country}"
        s = clause.sentence.start
        at = person.end if m.re is not _MINISTER_BEFORE else m.start()
        office = Mention(title, "office", s + at, s + at + len(m.group()))
        # told in passing, the office is not dated by the sentence's other dates
        record_holder(article, clause, office, person, None, None, None, "other-office")
    _member_titles(clause, article)


# "X left the Senate in June 2019 to become Prosecutor General", "Y had moved on to become
# foreign minister", "Z, who left to become president": an office taken up on leaving
_TO_BECOME = re.compile(
    r"\b(?P<verb>left|moved|resigned|stepped)\b[^;:]{0,40}?\bto become\s+(?:the\s+)?"
    rf"(?:{_GOVERNMENT}|(?P<president>president)\b(?!\s+of\b)"
    r"|(?P<prosecutor>prosecutor general)\b|(?-i:(?P<field>[a-z]+)) minister\b)"
    # the office itself, not "the President's state adviser"
    r"(?!['’]s)(?=\s*(?:[,.;)]|$)|\s+(?:in|of|on|until|after|and|when|while)\b)",
    re.I,
)


def offices_taken_up(article: Article, reading: Reading, clause: Clause) -> None:
    """The office someone left one post to take up: the subject of "left" ("who left": the
    person the clause hangs on), the country's office, undated (told in passing)."""
    country = article.country_name
    if not country or names_another_country(article, clause):
        return
    for m in _TO_BECOME.finditer(clause.text):
        verb = next((t for t in clause.doc if t.idx == m.start("verb")), None)
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None) if verb else None
        if subject is not None and subject.lower_ in ("who", "that") and verb.dep_ == "relcl":
            subject = verb.head
        holder = next(
            (
                p
                for p in clause.names_of("person")
                if subject is not None and p.start <= subject.idx < p.end
            ),
            None,
        )
        if holder is None or m.group("field") in _NOT_A_FIELD:
            continue
        if m.group("office"):
            title = _title(m.group("office"))
        elif m.group("field"):
            title = _minister(m.group("field"))
        else:
            title = "President" if m.group("president") else "Prosecutor General"
        s = clause.sentence.start
        office = Mention(f"{title} of {country}", "office", s + m.start(), s + m.end())
        record_holder(article, clause, office, holder, None, None, None, "office-taken-up")


# "Supreme Soviet Deputy Lyudmila Filaretova", "Senate Member X": a body's member by title
_MEMBER_TITLE = re.compile(r"^ (?P<title>Deputy|Senator|Member|MP) $")


def _member_titles(clause: Clause, article: Article) -> None:
    text = clause.text
    bodies = clause.names_of("chamber", "legislature")
    for person in clause.names_of("person"):
        body = next((b for b in bodies if _MEMBER_TITLE.match(text[b.end : person.start])), None)
        if body is None:
            continue
        title = _MEMBER_TITLE.match(text[body.end : person.start]).group("title")
        s = clause.sentence.start
        office = Mention(f"{title} of the {body.text}", "office", s + body.start, s + person.start)
        record_holder(article, clause, office, person, None, None, None, "other-office")


def _country_office(article: Article, title: str, clause: Clause, start: int, end: int) -> Mention:
    country = article.country_name or "the country"
    s = clause.sentence.start
    return Mention(f"{title} of {country}", "office", s + start, s + end)


def _hold(
    article: Article,
    clause: Clause,
    office: Mention,
    holder: Name,
    org: Mention | None,
    at: int,
    rule: str,
) -> None:
    """``holder`` held ``office`` (chairing ``org``), with the start and end the clause gives."""
    person = name_mention(clause, holder)
    start, end = _term(clause, holder, at)
    qualifiers: tuple = ()
    if start:
        qualifiers += (("startTime", start),)
    if end:
        qualifiers += (("endTime", end),)
    lo, hi = min(holder.start, at), max(holder.end, at + 10)
    ev = clause_evidence(article, clause, lo, hi)
    article.add(office, "officeholder", person, ev, qualifiers, rule=rule)
    article.add(person, "positionHeld", office, ev, qualifiers, rule=rule)
    if org is not None:
        article.add(org, "chairperson", person, ev, qualifiers, rule=rule)
        article.add(org, "officeOfHead", office, ev, rule=rule)


def _term(clause: Clause, holder: Name, at: int) -> tuple[DateValue | None, DateValue | None]:
    """Start and end of a tenure: "from A until B", "(A – B)", "since A", "until B", or the
    date of the sentence's election of the holder."""
    text = clause.text
    region = text[min(holder.start, at) :]
    m = _SPAN.search(region)
    if m:
        groups = m.groupdict()
        a = groups.get("a") or groups.get("c") or groups.get("e")
        b = groups.get("b") or groups.get("d") or groups.get("f")
        start = _date_of(a, clause)
        end = _date_of(b, clause, start)
        if start or end:
            return start, end
    days = [d for d in clause.dates if d.precision != "year"]
    if days and re.search(r"\b(?:elected|became|appointed|took|succeeded|named)\b", text):
        return days[0], None
    return None, None


def _date_of(text: str | None, clause: Clause, after: DateValue | None = None) -> DateValue | None:
    if not text:
        return None
    found = find_dates(text)
    if found:
        return DateValue(found[0].iso, found[0].precision)
    m = re.match(r"\s*(\d{1,2}) ([A-Z][a-z]+)\b", text)
    if m and after:  # "from 25 March to 22 June 2016"
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*", text)
    return DateValue(m.group(1), "year") if m else None


# --- chambers: size, term, founding, kind, place -------------------------------------

# "190", "fifty-six", "one hundred and ninety", "a hundred"
_COUNT = r"\d+|(?:a|one|two|three|four|five|six|seven|eight|nine) hundred(?: and [a-z]+(?:-[a-z]+)?)?|[a-z]+(?:-[a-z]+)?"
_SIZE = re.compile(
    r"\b(?:(?:has|had|have|of|with|comprises|comprised|comprising|consists of|consisted of|composed of|made up of|"
    r"enlarged to|grew to|increased to|reduced to|fell to|cut to|expanded to|"
    r"(?:shrank |grew )?from (?P<old>\d+|[a-z]+(?:-[a-z]+)?) to|seat|seats|"
    rf"its|their|all|total of|numbering)\s+(?P<n>{_COUNT})\s+(?:\w+\s+)?(?P<what>deputies|members|seats|senators|representatives|MPs|people)\b"
    r"|\b(?P<m>\d+|[a-z]+)-(?:member|seat)\b"
    # "the People's Representatives shrank to forty-five": a change of size, the noun left out
    rf"|\b(?:(?:grew|shrank|was (?:cut|reduced|increased|enlarged)|expanded) to|numbered) (?P<k>{_COUNT})\b(?! (?:percent|per cent|%)|\s+(?:\w+\s+)?(?:deputies|members|seats|senators))"
    r")",
    re.I,
)


_BODY_NOUN = re.compile(r"-(?:member|seat) (?:body|house|chamber|parliament|legislature)\b")
_IS_A = re.compile(r"\s*(?:\([^()]*\)\s*)?,?\s*(?:was|is|became|remained|,)?\s*(?:a|an)\s+", re.I)


def sizes(article: Article, reading: Reading, clause: Clause) -> None:
    """The size of a chamber: "Its 125 deputies", "a fifty-member council", "enlarged to 77
    seats", "Together the chambers seat 174 people, 64 in the upper and 110 in the lower"."""
    text = clause.text
    for m in _SIZE.finditer(text):
        value = count_in(m, "n", "m", "k")
        if value is None or value < 5:
            continue
        # "64 seats in districts", "won 30 seats ... list": a part or a party's, up to the
        # phrase's end ("grew to 107 members: 98 elected by party list" is the whole)
        phrase = re.split(r"[,:;(]", text[m.end() : m.end() + 30])[0]
        if re.search(
            r"\b(?:won|took|gained|received|kept|left with|party|parties|list|lists|districts|constituencies)\b",
            phrase,
            re.I,
        ) and m.group("n"):
            continue
        # "gave the Blue Alliance 88 of 132 seats": the whole the party's count is out of
        out_of = re.search(r"\b\d+\s+$", text[: m.start()]) and m.group().lower().startswith("of ")
        if (
            clause.names_of("party", "group")
            and not m.group("m")
            and not out_of
            and re.search(r"\b(?:won|took|gave|carried)\b", text, re.I)
        ):
            continue
        before = [
            n
            for n in clause.names_of("chamber", "legislature", "party", "group")
            if n.end <= m.start()
        ]
        if re.match(r"(?:The|Its|Their) (?:party|parties|bloc|alliance|faction|coalition)\b", text):
            continue  # "The party grew from fifty to one hundred seats": a party's, not a house's
        gap = len(text[before[-1].end : m.start()]) if before else len(text)
        if before and before[-1].kind in ("party", "group") and gap <= 12 and not out_of:
            continue  # "The Democratic Party was reduced to eleven seats": a party's seats
        if (
            before
            and before[-1].kind in ("party", "group")
            and text[m.start() :].startswith("with")
        ):
            continue  # "the SDPK came first with 38 seats"
        its_size = re.search(
            r"\b(?:[Ii]ts|[Tt]he (?:house|chamber)['’]s) size\s+$", text[: m.start()]
        )
        if (
            m.group("k")
            and not its_size
            and (not before or before[-1].kind in ("party", "group") or gap > 12)
        ):
            continue  # "... while the representatives grew to ninety": whose size is not said
        bodies = [n for n in clause.names_of("chamber", "legislature") if n.start <= m.start() + 40]
        if text[m.start() : m.start() + 3].lower() == "of " and before and before[-1] in bodies:
            bodies = bodies[: bodies.index(before[-1]) + 1]  # "an Assembly of 35 members"
        if m.group("m") and _BODY_NOUN.match(text, m.end("m")) and before:
            # "the Senate was a 39-seat body": the body named before, if nothing stands between
            lead = text[before[-1].end : m.start()]
            ok = before[-1].kind in ("chamber", "legislature") and _IS_A.fullmatch(lead)
            body = name_mention(clause, before[-1]) if ok else None
        elif m.group("m"):
            after = [n for n in clause.names_of("chamber", "legislature") if n.start >= m.end()]
            body = (
                name_mention(clause, after[0]) if after and after[0].start - m.end() < 30 else None
            )
        else:
            body = (
                name_mention(clause, bodies[-1]) if bodies else chamber_of(article, reading, clause)
            )
        if body is None:
            continue
        qualifiers: tuple = ()
        years = [d for d in clause.dates if d.start is not None]
        if years:
            qualifiers = (("pointInTime", DateValue(years[0].iso, years[0].precision)),)
        ev = clause_evidence(article, clause, m.start(), m.end())
        article.add(body, "numberOfSeats", value, ev, qualifiers, rule="size")
        old = count_in(m, "old")
        if old is not None and old >= 5 and m.group("what") and qualifiers:
            # "reduced the house from 120 to 90 seats in 2007": its size until the change;
            # undated, the old size would read as a current one
            ended = (("endTime", qualifiers[0][1]),)
            article.add(body, "numberOfSeats", old, ev, ended, rule="size")


_TERM = re.compile(r"\b(?P<n>\w+)[- ]year (?:term|mandate)s?\b|\bterms? of (?P<m>\w+) years\b")


# "extending the presidential term from five to seven years", "set the senatorial term at six
# years and lengthened that of Mäjilis deputies from four to five"
_TERM_CHANGE = re.compile(
    r"\b(?:(?P<presidential>presidential )?term|that of (?P<body>[A-ZÀ-Þ][\w’'\-]*(?: [A-ZÀ-Þ][\w’'\-]*)*)"
    r" (?:deputies|members|senators))\s+(?:was |were )?(?:\w+\s+)?from (?P<a>\w+) to (?P<b>\w+)"
    r"(?! (?:seats|members|deputies|percent))"
)


def _term_changes(article: Article, reading: Reading, clause: Clause) -> None:
    """A term changed from one length to another: the old one ends and the new one starts on
    the sentence's date (a president's term is the office's)."""
    for m in _TERM_CHANGE.finditer(clause.text):
        old, new = number_of(m.group("a")), number_of(m.group("b"))
        if old is None or new is None or not (0 < old <= 10 and 0 < new <= 10):
            continue
        if m.group("presidential"):
            if not article.country_name:
                continue
            subject = Mention(f"President of {article.country_name}", "office")
        elif m.group("body"):
            named = [
                n for n in clause.names_of("chamber", "legislature") if n.start == m.start("body")
            ]
            if not named:
                continue
            subject = name_mention(clause, named[0])
        else:
            subject = chamber_of(article, reading, clause, before=m.start() + 1)
        # the date told before the change ("At a joint sitting on 7 October 1998 ..."), not a
        # later one of the sentence's other news
        before = [d for d in clause.dates if (d.end or 0) <= m.start()]
        when = DateValue(before[-1].iso, before[-1].precision) if before else None
        ev = clause_evidence(article, clause, m.start(), m.end())
        article.add(
            subject, "termLength", old, ev, (("endTime", when),) if when else (), rule="term"
        )
        article.add(
            subject, "termLength", new, ev, (("startTime", when),) if when else (), rule="term"
        )


def terms(article: Article, reading: Reading, clause: Clause) -> None:
    _term_changes(article, reading, clause)
    for m in _TERM.finditer(clause.text):
        value = number_of(m.group("n") or m.group("m"))
        if value is None or value > 10:
            continue
        lead = clause.text[: m.start()].lower()
        if re.search(r"\bpresident(?:'s|ial)?\b[^,;]*$", lead):
            continue
        body = chamber_of(article, reading, clause, before=m.start() + 1)
        if body.kind not in ("chamber", "legislature"):
            continue
        ev = clause_evidence(article, clause, m.start(), m.end())
        article.add(body, "termLength", value, ev, rule="term")


_FOUNDED = re.compile(
    r"\b(?:established|founded|created|set up|formed|registered|came into being)\b", re.I
)
_ENDED = re.compile(
    r"\b(?:dissolved|abolished|disbanded|ceased to exist|was dissolved|were abolished)\b", re.I
)


def founding(article: Article, reading: Reading, clause: Clause) -> None:
    """ "X, founded in Nakhchivan in November 1992", "the Supreme Soviet ... set up in 1938"."""
    text = clause.text
    for pattern, relation in ((_FOUNDED, "inception"), (_ENDED, "dissolved")):
        for m in pattern.finditer(text):
            dates = [
                d
                for d in clause.dates
                if (d.start or 0) > m.end() and (d.start or 0) - m.end() < 40
            ]
            if not dates:
                continue
            named = [
                n
                for n in clause.names
                if n.kind in ("party", "chamber", "legislature")
                and n.end <= m.start()
                and m.start() - n.end < 60
            ]
            if not named:
                continue
            if relation == "dissolved" and re.search(
                r"\bconvocation\b", text[m.end() : m.end() + 30]
            ):
                continue
            subject = name_mention(clause, named[-1])
            ev = clause_evidence(article, clause, named[-1].start, dates[0].end or m.end())
            article.add(
                subject, relation, DateValue(dates[0].iso, dates[0].precision), ev, rule=relation
            )


_ROLE = re.compile(r"\b(?P<role>upper|lower) (?:house|chamber)\b", re.I)
_CAMERAL = re.compile(r"\b(?P<k>bicameral|unicameral|single-chamber|two-chamber)\b", re.I)
CAMERAL_CLASSES = {
    "bicameral": "wd:Q189445",
    "two-chamber": "wd:Q189445",
    "unicameral": "wd:Q37002670",
    "single-chamber": "wd:Q37002670",
}


def chamber_kinds(article: Article, reading: Reading, clause: Clause) -> None:
    """ "the Senate, the upper house", "X is the lower house", "the lower house is the
    Mäjilis", "a bicameral parliament"."""
    text = clause.text
    bodies = clause.names_of("chamber", "legislature")
    for m in _ROLE.finditer(text):
        near = [
            b
            for b in bodies
            if re.fullmatch(_BODY_THEN_KIND, text[b.end : m.start()])
            or re.fullmatch(r",? (?:(?:is|was) )?(?:the )?", text[m.end() : b.start])
        ]
        if len(near) != 1:
            continue
        ev = clause_evidence(
            article, clause, min(near[0].start, m.start()), max(near[0].end, m.end())
        )
        article.add(
            name_mention(clause, near[0]),
            "instanceOf",
            ROLE_CLASSES[m.group("role").lower()],
            ev,
            rule="chamber-role",
        )
    for m in _CAMERAL.finditer(text):
        named = _cameral_body(clause, bodies, m)
        if named is not None:
            subject = name_mention(clause, named)
            start, end = min(named.start, m.start()), max(named.end, m.end())
        elif article.legislature.kind == "legislature" and re.search(
            r"\b(?:is|was) (?:a|the|its) $", text[: m.start()]
        ):
            subject, start, end = article.legislature, m.start(), m.end()
        else:
            continue
        ev = clause_evidence(article, clause, start, end)
        article.add(
            subject, "instanceOf", CAMERAL_CLASSES[m.group("k").lower()], ev, rule="cameral"
        )


# between a body and what kind it is: "the Senate, the upper house", "the Federation Council
# (Sovet Federatsii), the upper house", "the State Great Khural, the country's single-chamber"
_BODY_THEN_KIND = (
    r"(?:\s*\([^()]*\))?,? (?:(?:is|was|serves as|became) )?(?:the|its|a)"
    r"(?: (?:country|nation|republic|state)'s)? "
)


def _cameral_body(clause: Clause, bodies: list, m: re.Match):
    """The body a "unicameral"/"single-chamber" word describes: the name right after it
    ("the unicameral Supreme Council", "a smaller, unicameral Supreme Assembly") or the one
    it is apposed to ("the State Great Khural, the country's single-chamber parliament")."""
    text = clause.text
    after = next((b for b in bodies if b.start == m.end() + 1), None)
    if after is not None:
        return after
    if not re.match(r" (?:parliament|legislature|assembly|body)\b", text[m.end() :], re.I):
        return None
    before = [b for b in bodies if re.fullmatch(_BODY_THEN_KIND, text[b.end : m.start()])]
    return before[-1] if len(before) == 1 else None


# "X took the place of the unicameral Y", "put a two-chamber X in place of the Y"
_TOOK_THE_PLACE = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:replaced|took the place of|in place of|superseded)\s+(?:the\s+)?"
    r"(?:(?:unicameral|bicameral|single-chamber|two-chamber|former|old|smaller|larger),?\s+)*"
)


def replacements(article: Article, reading: Reading, clause: Clause) -> None:
    """One body took the place of another, told with the two side by side."""
    bodies = clause.names_of("chamber", "legislature")
    text = clause.text
    for new, old in zip(bodies, bodies[1:], strict=False):
        if new.text != old.text and _TOOK_THE_PLACE.fullmatch(text[new.end : old.start]):
            ev = clause_evidence(article, clause, new.start, old.end)
            article.add(
                name_mention(clause, new),
                "replaces",
                name_mention(clause, old),
                ev,
                rule="replaces",
            )
            article.add(
                name_mention(clause, old),
                "replacedBy",
                name_mention(clause, new),
                ev,
                rule="replaces",
            )


_SITS = re.compile(
    r"\b(?:sits|meets|is based|is housed|is located|convenes|meet|sit)\s+in\s+", re.I
)


def places(article: Article, reading: Reading, clause: Clause) -> None:
    for m in _SITS.finditer(clause.text):
        place = next(
            (
                e
                for e in clause.doc.ents
                if e.start_char == m.end() and e.label_ in ("GPE", "FAC", "LOC")
            ),
            None,
        )
        if place is None:
            continue
        body = chamber_of(article, reading, clause, before=m.start())
        s = clause.sentence.start
        mention = Mention(place.text, "place", s + place.start_char, s + place.end_char)
        ev = clause_evidence(article, clause, m.start(), place.end_char)
        article.add(body, "meetingPlace", mention, ev, rule="meets-in")


# --- parties: members, leaders, names --------------------------------------------------

# the words of a title or description before a name: "the former prime minister"
_TITLED = (
    r"(?:(?:the|its|former|then|onetime|businessman|prime|deputy|president|speaker|minister"
    r"|chairman|leader|general)\s+)*"
)
_LED_BY = re.compile(
    r"\b(?P<verb>led|chaired|headed|founded and chaired|founded and led|founded(?: in \d{4})?) by"
    rf"\s+{_TITLED}",
    re.I,
)
# what may stand between a party and "led by": "the CPRF (KPRF), which is led by"
_LED_GAP = re.compile(r"(?:\s*\([^()]*\))?,?\s*(?:(?:and|which|that|is|was|now|then|also)\s+)*")
# "Ak Jol, the party of President Kurmanbek Bakiyev", "the LDPR of Vladimir Zhirinovsky"
# "Lelo, the party of the banker Mamuka Khazaradze", "Akhali (the party of A and B)",
# "Girchi (the original party of X)"
_PARTY_OF = re.compile(
    r"^(?:(?:\s*\([^()]*\))?,?\s+|\s*\()(?:the (?:[a-z]+ )?(?:party|bloc|alliance) )?of\s+",
    re.I,
)
# what may stand between "the party of" and its person: a title, "the banker"
_OF_TITLE = re.compile(rf"(?i:{_TITLED})|(?:the\s+)?(?:[a-z]+\s+){{1,2}}")
# "Nurlanbek Turgunbek uulu, the leader of the Ata-Jurt group", "Oyun-Erdene, chairman of the"
_LEADER_OF = re.compile(
    r",\s+(?:the\s+)?(?:(?:onetime|former|then)\s+)?(?P<role>leader|chairman|chairwoman|chair|head)"
    r"\s+of\s+(?:the\s+)?$"
)


# "X, a former prime minister and onetime leader of the Y", "X, by now leader of the Y", "X,
# a historian and a leader of the Y" (one of its leaders: a member), "X, first secretary of the
# Y since 1985" (the party's office, read as membership)
_LEADER_AFTER = re.compile(
    r"^,\s+(?:(?:a|an|the)\s+[^,;()]{1,50}?\s+and\s+)?(?:(?:by now|now|then|later|still)\s+)?"
    r"(?:(?P<one>a|an)\s+|the\s+)?(?:(?:onetime|former|then|longtime|long-time)\s+)?"
    r"(?P<role>leader|chairman|chairwoman|chair|head|first secretary|general secretary)\s+of\s+"
    r"(?:the\s+)?"
)
# "X was succeeded as leader of the Y by Z"
_SUCCEEDED_AS_LEADER = re.compile(
    r"\bsucceeded as (?:the )?(?:leader|chairman|chairwoman|chair|head) of (?:the )?$"
)


# "X, who was elected on the Y list", "X, who had entered the house on the Y list"
_ON_THE_LIST = re.compile(
    r"^,\s+who\s+[^,;()]{0,50}?\b(?:elected|entered|returned|stood|ran|won a seat)\b[^,;()]{0,30}?"
    r"\s+(?:on|from)\s+the\s+$"
)


# "the bloc's leader, the former dissident X", "to put its leader, X, in the chair"
_ITS_LEADER = re.compile(
    r"\b(?:the (?:party|bloc|alliance|movement|coalition)['’]s|its) (?:leader|chairman|chairwoman)"
    r",?\s+(?:the\s+(?:[a-z\-]+\s+){1,3})?$"
)


def _other_names_before(clause: Clause, party: Name, at: int) -> bool:
    """Whether anything else with a name (a party, group, people or person the analysis or
    the model found) stands before ``at`` besides ``party``: then "its" may be theirs."""
    others = [n for n in clause.names if n.end <= at and n.text != party.text]
    others += [
        e
        for e in clause.doc.ents
        if e.end_char <= at
        and e.label_ in ("ORG", "NORP", "PERSON")
        and not (
            party.start <= e.start_char < party.end or e.start_char <= party.start < e.end_char
        )
    ]
    return bool(others)


def _leaders_told_by_pronoun(article: Article, clause: Clause) -> None:
    """ "its leader, X" or "the bloc's leader, X" after a party: the party named last leads."""
    text = clause.text
    for person in clause.names_of("person"):
        m = _ITS_LEADER.search(text[: person.start])
        if m is None:
            continue
        # "the bloc's leader": the party named last; "its leader": the party, if it was the
        # last thing named
        kinds = ("party",) if m.group().startswith("the") else ("party", "chamber", "legislature")
        named = [n for n in clause.names_of(*kinds) if n.end <= m.start()]
        if (
            named
            and m.group().startswith("its")
            and _other_names_before(clause, named[-1], m.start())
        ):
            continue  # "the Greens backed the Centre Party, and its leader": whose?
        if named and named[-1].kind == "party":
            _party_person(article, clause, named[-1], person, chair=True, rule="party-leader")


def _leaders_told_after(article: Article, clause: Clause) -> None:
    """A person's party told after the name, as its leader or one of them, or as the list
    that returned them ("X, who was elected on the Y list")."""
    text = clause.text
    for party in clause.names_of("party"):
        if not re.match(r"\s+(?:party\s+)?list\b", text[party.end :]):
            continue
        before = [p for p in clause.names_of("person") if p.end <= party.start]
        # "elected on the Y list as a non-party candidate, later joined Z": no member of Y
        unaffiliated = re.search(
            r"\b(?:non-?party|non-?partisan|independent|joined)\b", text[party.end :], re.I
        )
        if before and not unaffiliated and _ON_THE_LIST.match(text[before[-1].end : party.start]):
            _party_person(article, clause, party, before[-1], chair=False, rule="party-list")
    for person in clause.names_of("person"):
        m = _LEADER_AFTER.match(text[person.end :])
        at = person.end + m.end() if m else -1
        party = next((n for n in clause.names_of("party") if n.start == at), None)
        if party is None:
            continue
        chair = not m.group("one") and m.group("role") not in (
            "first secretary",
            "general secretary",
        )
        _party_person(article, clause, party, person, chair=chair, rule="party-leader")
    for party in clause.names_of("party"):
        if not _SUCCEEDED_AS_LEADER.search(text[: party.start]):
            continue
        by = re.match(r"\s+by\s+", text[party.end :])
        at = party.end + by.end() if by else -1
        person = next((n for n in clause.names_of("person") if n.start == at), None)
        if person is not None:
            _party_person(article, clause, party, person, chair=True, rule="party-leader")


def party_people(article: Article, reading: Reading, clause: Clause) -> None:
    """Who belongs to a party, and who leads it: "the Y Party, led by X", "X of the Y
    Party", "X's Y Party", "Y, the party of X", "X, the leader of the Y"."""
    text = clause.text
    people = clause.names_of("person")
    parties = clause.names_of("party")
    _leaders_told_after(article, clause)
    _leaders_told_by_pronoun(article, clause)
    for m in _LED_BY.finditer(text):
        person = next((p for p in people if p.start == m.end()), None)
        near = [
            p for p in parties if p.end <= m.start() and _LED_GAP.fullmatch(text[p.end : m.start()])
        ]
        # the party the analysis hangs "led by" on, unless a ";" stands between: then the one
        # right before ("...; Butun Kyrgyzstan, led by former speaker X, six")
        found = [_led_party(clause, m.start()), near[-1] if near else None]
        found = [
            p
            for p in found
            if p is not None and p.end <= m.start() and ";" not in text[p.end : m.start()]
        ]
        party = found[0] if found else None
        if person is not None and party is not None:
            verb = m.group("verb").lower()
            chairs = not verb.startswith("founded") or " and " in verb
            _party_person(article, clause, party, person, chair=chairs, rule="led-by")
    for party in parties:
        of = _PARTY_OF.match(text[party.end :])
        if of:
            at = party.end + of.end()
            person = next(
                (p for p in people if p.start >= at and _OF_TITLE.fullmatch(text[at : p.start])),
                None,
            )
            while person is not None:
                _party_person(article, clause, party, person, chair=False, rule="party-of")
                also = re.match(r",?\s+and\s+", text[person.end :])
                at = person.end + also.end() if also else -1
                person = next((p for p in people if p.start == at), None)
        lead = text[max(0, party.start - 40) : party.start]
        before = [p for p in people if p.end <= party.start]
        if re.search(r"(?:\bof (?:the )?|\(|,\s)$", lead[-12:]) and before:
            person = before[-1]
            if 0 <= party.start - person.end <= 12:  # "X of the Y", "X (Y)", "X, SDPK"
                _party_person(article, clause, party, person, chair=False, rule="of-party")
        leader = _LEADER_OF.search(lead)
        if (
            leader
            and before
            and 0 <= (party.start - len(lead) + leader.start()) - before[-1].end <= 1
        ):
            _party_person(article, clause, party, before[-1], chair=True, rule="party-leader")
        took = re.search(r"\btook over (?:the leadership of |as leader of )?(?:the )?$", lead)
        owned = re.match(r"['’]s\b", text[party.end :])  # "took over the X Party's youth wing"
        if (
            took
            and before
            and not owned
            and max(0, party.start - 40) + took.start() - before[-1].end <= 3
        ):
            # "Leonid Slutsky took over the LDPR"
            _party_person(article, clause, party, before[-1], chair=True, rule="party-leader")
        whose = re.search(r",\s+whose\s+$", lead)
        if whose and before and party.start - before[-1].end <= 9:
            # "President Ilham Aliyev, whose New Azerbaijan Party": the person right before
            _party_person(article, clause, party, before[-1], chair=False, rule="party-of")
        owner = re.search(r"['’]s\s+$", text[max(0, party.start - 4) : party.start])
        if (
            owner and before and party.start - before[-1].end <= 4
        ):  # "Gagik Tsarukyan's Prosperous Armenia"
            _party_person(article, clause, party, before[-1], chair=False, rule="party-of")
        # "A Just Russia – For Truth, Sergey Mironov's party"
        after = [p for p in people if p.start >= party.end]
        if (
            after
            and re.fullmatch(r",\s+", text[party.end : after[0].start])
            and re.match(r"['’]s (?:\w+ )?party\b", text[after[0].end :])
        ):  # a person's party: theirs, though not always theirs to lead
            _party_person(article, clause, party, after[0], chair=False, rule="party-of")


def _led_party(clause: Clause, at: int) -> Name | None:
    """The party the analysis hangs "led by" on: "The I Have Honor Alliance, built around the
    Republican Party, led by Artur Vanetsyan" leads the alliance, not the Republicans."""
    verb = next((t for t in clause.doc if t.idx == at), None)
    while verb is not None and verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head  # "built around the Republican Party and led by ..."
    if verb is None or verb.dep_ not in ("acl", "relcl"):
        return None
    return next((n for n in clause.names_of("party") if n.start <= verb.head.idx < n.end), None)


def _party_person(
    article: Article, clause: Clause, party: Name, person: Name, chair: bool, rule: str
) -> None:
    """``person`` belongs to ``party`` (and, if ``chair``, leads it)."""
    lo, hi = min(party.start, person.start), max(party.end, person.end)
    ev = clause_evidence(article, clause, lo, hi)
    member, body = name_mention(clause, person), name_mention(clause, party)
    if chair:
        article.add(body, "chairperson", member, ev, rule=rule)
    article.add(member, "memberOfParty", body, ev, rule=rule)


_RENAMED = re.compile(
    r"\b(?:renamed(?: itself)?(?: as| to)?|changed its name to|known (?:until|before) [^,;]*? as|formerly(?: known as| called)?|then called|previously)\s+(?:the\s+)?",
    re.I,
)


def renames(article: Article, reading: Reading, clause: Clause) -> None:
    """A party's other name, dated where the text dates the change: "renamed Amanat in
    March 2022", "known until that year as the X", "Nur Otan (its name until March 2022)".
    The old name is an official name (P1448) that ended then."""
    text = clause.text
    parties = clause.names_of("party")
    for m in _RENAMED.finditer(text):
        after = next((p for p in parties if p.start == m.end()), None)
        before = [p for p in parties if p.end <= m.start()]
        if after is None or not before:
            continue
        ev = clause_evidence(article, clause, before[-1].start, after.end)
        old_first = not re.match(r"renamed|changed", m.group(0), re.I)
        old, new = (after, before[-1]) if old_first else (before[-1], after)
        dated = [d for d in clause.dates if (d.start or 0) >= m.start()]
        _renamed(article, clause, new, old, dated[0] if dated else None, ev)
    for i, p in enumerate(parties[:-1]):
        # "Nur Otan, as Otan had been renamed, ...": the later name first
        m = re.match(r",?\s+as\s+(?:the\s+)?$", text[p.end : parties[i + 1].start])
        after = re.match(r"\s+(?:had been|was|has been) renamed\b", text[parties[i + 1].end :])
        if m and after:
            ev = clause_evidence(article, clause, p.start, parties[i + 1].end)
            _renamed(article, clause, p, parties[i + 1], None, ev)
    for p in parties:
        m = re.match(r"\s*\((?:its|the party's) name until ([^)]+)\)", text[p.end :])
        newest = [q for q in parties if q is not p]
        if m and newest:
            ev = clause_evidence(article, clause, p.start, p.end + m.end())
            when = find_dates(m.group(1))
            _renamed(article, clause, newest[0], p, when[0] if when else None, ev)


_BODY_RENAMED = re.compile(
    r"\b(?:(?:was|were) renamed|renamed itself|carried on as|continued as|took the name)\s+(?:the\s+)?"
)
_CAPITALISED = re.compile(r"[A-Z][\w’'\-]*(?: (?:of|the|[A-Z][\w’'\-]*))*[\w’'\-]")


def body_renames(article: Article, reading: Reading, clause: Clause) -> None:
    """A legislature that went on under another name: "it was renamed the Supreme Council of
    the Republic of Belarus", "the same chamber carried on as the Supreme Soviet of the
    Republic of Azerbaijan", "took the name Supreme Council". The old name, from the body
    named before (or the paragraph's), is the new one's former name."""
    text = clause.text
    bodies = clause.names_of("chamber", "legislature")
    for m in _BODY_RENAMED.finditer(text):
        found = _CAPITALISED.match(text, m.end())
        if found is None:
            continue
        new_name = re.sub(r"(?: of| the)+$", "", found.group())
        words = set(fold(new_name).split())
        if not words & BODY_WORDS or words & PARTY_WORDS:
            continue  # a party's new name is read by renames()
        before = [b for b in bodies if b.end <= m.start() and " " in b.text]
        old = name_mention(clause, before[-1]) if before else reading.last_body
        if old is None or fold(old.name) == fold(new_name):
            continue
        s = clause.sentence.start
        new = Mention(new_name, "chamber", s + found.start(), s + found.start() + len(new_name))
        dated = [d for d in clause.dates if (d.start or 0) < m.start()] or clause.dates
        ended: tuple = ()
        if dated:
            ended = (("endTime", DateValue(dated[-1].iso, dated[-1].precision)),)
        ev = clause_evidence(article, clause, m.start(), found.start() + len(new_name))
        article.add(new, "formerName", old.name, ev, ended, rule="renamed")
    named = [b for b in bodies if " " in b.text]  # "it was renamed": the body named last
    if named:
        if reading.last_body_at != clause.sentence.start:
            reading.body_before = reading.last_body
        reading.last_body = name_mention(clause, named[-1])
        reading.last_body_at = clause.sentence.start


def _renamed(
    article: Article, clause: Clause, new: Name, old: Name, when: DateValue | None, ev
) -> None:  # noqa: ANN001
    ended: tuple = (("endTime", DateValue(when.iso, when.precision)),) if when else ()
    article.add(name_mention(clause, new), "formerName", old.text, ev, ended, rule="renamed")


# --- how members are chosen ------------------------------------------------------------

_SYSTEMS = re.compile(
    r"\b(?:party-list proportional representation|proportional representation|first-past-the-post(?: voting)?|"
    r"two-round system|plurality (?:vote|voting)|mixed(?:-member)? (?:majoritarian|proportional)?\s*(?:system|formula|arrangement|representation)|"
    r"single-member (?:constituencies|districts)|(?-i:party lists?)|parallel voting|parallel system(?! of)|"
    r"(?:Sainte-Lagu[eë]|D'Hondt|Hare) method|plurality-at-large voting(?: in multi-member constituencies)?|"
    r"(?:plurality )?block vot(?:e|ing)|(?:single|multiple) (?:non-)?transferable vote)\b",
    re.I,
)
# the names encyclopedias give a system the text calls otherwise
_SYSTEM_NAMES = {"parallel system": "Parallel voting", "block vote": "Block voting"}
_CHOSEN_BY = re.compile(
    r"\b(?P<verb>appointed|elected|chosen|nominated|named|returned|filled)\s+by\s+(?:the\s+)?", re.I
)


def selection(article: Article, reading: Reading, clause: Clause) -> None:
    """Electoral systems, and who appoints or elects members."""
    text = clause.text
    body = None
    for m in _SYSTEMS.finditer(text):
        body = body or chamber_of(article, reading, clause)
        name = _SYSTEM_NAMES.get(m.group(0).lower(), m.group(0))
        concept = Mention(
            name[0].upper() + name[1:],
            "concept",
            clause.sentence.start + m.start(),
            clause.sentence.start + m.end(),
        )
        ev = clause_evidence(article, clause, m.start(), m.end())
        article.add(body, "electoralSystem", concept, ev, rule="electoral-system")
    for m in _CHOSEN_BY.finditer(text):
        agent = next((n for n in clause.names if n.start == m.end()), None)
        rest = text[m.end() :]
        s = clause.sentence.start
        if agent is None:
            head = re.match(
                r"(?P<t>president|voters|the voters|popular vote|(?:regional|local) (?:councils|legislatures|assemblies|majlises|maslikhats)|deputies|the deputies)\b",
                rest,
                re.I,
            )
            if not head:
                continue
            word = head.group("t")
            if word.lower() == "president":
                agent_m = _country_office(
                    article, "President", clause, m.end(), m.end() + len(word)
                )
            else:
                agent_m = Mention(
                    word[0].upper() + word[1:], "organization", s + m.end(), s + m.end() + len(word)
                )
        elif agent.kind in ("person", "party"):
            continue
        else:
            agent_m = name_mention(clause, agent)
        subject = chamber_of(article, reading, clause, before=m.start())
        relation = (
            "appointedBy"
            if m.group("verb").lower() in ("appointed", "named", "nominated")
            else "electedBy"
        )
        if relation == "appointedBy" and agent_m.kind not in (
            "office",
            "organization",
            "chamber",
            "legislature",
        ):
            continue
        ev = clause_evidence(article, clause, m.start(), m.end() + len(agent_m.name))
        article.add(subject, relation, agent_m, ev, rule="chosen-by")


def named_kinds(article: Article, reading: Reading, clause: Clause) -> None:
    """What a name is, even where no other rule reads a fact about it: a person named in
    full, a party named in full, the country's constitution. Researchers reconcile by name
    and type."""
    other_names = {f.value for f in article.facts if f.relation == "alias"}
    for name in clause.names_of("person", "party"):
        if name.text in other_names or article.kind_of(name.text) not in (None, name.kind):
            continue  # "(Majlisi Oli, also spelled Madzhlisi Oli)" names the assembly
        if " " not in name.text and article.kind_of(name.text) != "party":
            continue
        if name.kind == "person" and not _surely_person(clause, name):
            continue
        ev = clause_evidence(article, clause, name.start, name.end)
        qid = "wd:Q5" if name.kind == "person" else "wd:Q7278"
        article.add(name_mention(clause, name), "instanceOf", qid, ev, rule="named-kind")
    constitution = country_constitution(article, clause, reading)
    if constitution is not None:
        mention, ev = constitution
        article.add(mention, "instanceOf", "wd:Q7755", ev, rule="named-kind")


# What a person is told as right before the name: "the billionaire", "the Italian deputy"
_WHAT_THEY_DO = re.compile(
    r"\b(?:the|a|an|former)\s+(?:[a-z\-]+\s+|[A-Z][a-z]+(?:an|ian|ese|ish|ic)\s+){0,3}"
    r"(?:businessman|businesswoman|billionaire|banker|deputy|writer|journalist|lawyer|economist"
    r"|historian|dissident|footballer|surgeon|activist|politician|general|diplomat|oligarch"
    r"|mathematician|physician|singer|actor|actress|teacher|professor)\s+$"
)


def _surely_person(clause: Clause, name: Name) -> bool:
    """The analysis calls it a person, it is written with an initial ("S. Ganbaatar"), the
    text tells what they do right before it ("the banker X"), or it stands in a list with a
    name the analysis calls a person ("Albert Rau and Daniya Yespayeva")."""
    if not re.match(r"[A-Z]", name.text):
        return False  # "Жогорку Кеңеш": a native spelling of a name told in English
    if entity_label_at(clause.doc, name.start) == "PERSON" or re.match(r"[A-Z]\. ", name.text):
        return True
    if _WHAT_THEY_DO.search(clause.text[: name.start]):
        return True  # "the businessman and deputy Ainārs Šlesers", "the billionaire X"
    people = clause.names_of("person")
    i = people.index(name)
    listed = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
    for j in (i - 1, i + 1):
        if 0 <= j < len(people):
            a, b = sorted((people[i], people[j]), key=lambda n: n.start)
            if listed.fullmatch(clause.text[a.end : b.start]) and (
                entity_label_at(clause.doc, people[j].start) == "PERSON"
            ):
                return True
    return False


def topic(article: Article, reading: Reading, clause: Clause) -> None:
    """A chamber named at the start of a sentence becomes the paragraph's chamber."""
    bodies = clause.names_of("chamber", "legislature")
    if bodies and bodies[0].start <= 12:
        reading.chamber = name_mention(clause, bodies[0])


_ALSO = re.compile(
    r"^(?:also |or |and )*(?:(?:spelled|written|transliterated|known as|called|rendered|styled)\s+)?"
    r"(?P<name>[A-ZÀ-ÖØ-ÞĀ-ſ][\w’'\-]*(?:\s+[A-ZÀ-ÖØ-ÞĀ-ſ][\w’'\-]*){0,5})(?:\s+in\s+[A-Z]\w+)?\s*$"
)


def aliases(article: Article, reading: Reading, clause: Clause) -> None:
    """Other names the text gives a thing: "Murtuz Alasgarov (also spelled Murtuz
    Aleskerov)", "Yerlan Koshanov (Erlan Qoşanov)", "The Milli Majlis (... also
    transliterated Milli Mejlis, and written Milli Məclis in Azerbaijani) is ..."."""
    text = clause.text
    named = [n for n in clause.names if n.kind in ("person", "party", "chamber", "legislature")]
    lead = re.match(r"(?:The )?(?P<name>[A-Z][\w’'\- ]+?) (?=\(|is |was )", text)
    first = clause.sentence.start == article.doc.sentences[0].start
    if first and lead and article.legislature.kind != "election":
        name = lead.group("name")
        if fold(name) != fold(article.legislature.name):
            ev = clause_evidence(article, clause, lead.start("name"), lead.end("name"))
            article.add(article.legislature, "alias", name, ev, rule="alias")
            subject = Name(name, article.legislature.kind, lead.start("name"), lead.end("name"))
            named = [subject, *[n for n in named if n.start >= subject.end]]
    for n in named:
        m = re.match(r"\s*\(([^()]+)\)", text[n.end :])
        if not m:
            continue
        is_subject = first and lead is not None and n.start == lead.start("name")
        subject = article.legislature if is_subject else name_mention(clause, n)
        for part in re.split(r"[;,]|\band\b", m.group(1)):
            part = part.strip().strip('"“”')
            if part.lower().startswith(("literally", "its ", "the party", "then ", "now ")):
                continue
            found = _ALSO.match(part)
            if not found or fold(found.group("name")) == fold(n.text):
                continue
            alias = found.group("name")
            if n.kind == "person" and len(alias.split()) < 2:
                continue
            at = n.end + m.start(1) + m.group(1).find(alias)
            ev = clause_evidence(article, clause, n.start, at + len(alias))
            article.add(subject, "alias", alias, ev, rule="alias")


EVENT_NOUNS = {
    "dissolve": "Dissolution",
    "abolish": "Abolition",
    "adopt": "Adoption",
    "amend": "Amendment",
    "establish": "Establishment",
    "rename": "Renaming",
    "proclaim": "Proclamation",
    "declare": "Declaration",
    "annul": "Annulment",
    "convene": "Convening",
    "grant": "Granting",
    "sign": "Signing",
}


# What a country has one of: "its independence", "the sovereignty of the republic"
_NATIONAL = re.compile(
    r"(?:(?:the )?(?:country|republic|nation|state)['’]s )?(?P<what>independence|sovereignty|constitution)"
    r"(?: of the (?:country|republic|state))?",
    re.I,
)


_FOR_COUNTRY = {"parliament", "deputy", "assembly", "council", "soviet", "legislature", "country",
                "republic", "nation", "state", "people", "voter", "government"}  # fmt: skip


def _acts_for_country(clause: Clause, verb: Token, country: str) -> bool:
    """The subject of ``verb`` speaks for the country: a house, the country, its people."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None:  # "once independence had been declared": by no one named
        return not any(c.dep_ == "agent" for c in verb.children)
    if fold(subject.text) == fold(country):
        return True  # "Turkmenistan declared its independence"
    if any(
        n.start <= subject.idx < n.end for n in clause.names_of("chamber", "legislature", "country")
    ):
        return True
    return subject.lemma_.lower() in _FOR_COUNTRY and not any(
        c.dep_ in ("amod", "compound") for c in subject.children
    )  # "the eastern province", "the party congress": not the country


def events(article: Article, reading: Reading, clause: Clause) -> None:
    """An event named after what happened to what: "Dissolution of the Supreme Soviet
    (1993)", dated by the sentence's own date."""
    if not clause.dates:
        return
    for token in clause.doc:
        noun = EVENT_NOUNS.get(token.lemma_.lower())
        if noun is None or token.pos_ not in ("VERB", "AUX"):
            continue
        objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
        if not objects or objects[0].pos_ == "PRON":
            continue
        if any(c.dep_ in ("oprd", "ccomp") and c.i > token.i for c in token.children):
            continue  # "was declared the winner", "declared the party unconstitutional": verdicts
        obj = objects[0]
        end = obj.right_edge.i + 1
        when = [  # "Moldova's independence on August 27, 1991": the date is not the name
            t.i - 1
            for t in clause.doc[obj.i + 1 : end]
            if t.ent_type_ == "DATE" and clause.doc[t.i - 1].lower_ in ("on", "in", "at", "since")
        ]
        span = clause.doc[obj.left_edge.i : when[0] if when else end]
        what = re.sub(r"^(?:the|a|an|its|their|his|her)\s+", "", span.text, flags=re.I)
        what = re.sub(r"\s*\([^)]*\)", "", what)  # an aside is not part of the name
        what = re.sub(r",\s+(?:which|who|whose|that)\b.*$", "", what)  # nor a clause about it
        if re.search(r"\b(?:unconstitutional|illegal|unlawful|invalid|void|extremist)$", what):
            continue  # a verdict the analysis took for the object's noun
        if not what or len(what) > 60 or not re.search(r"[A-Za-z]", what):
            continue
        as_written = what
        named = next((n for n in clause.names if n.start <= obj.idx < n.end), None)
        national = _NATIONAL.fullmatch(what)
        if named is not None:
            # "the Mäjilis of the 7th convocation, which ...": the convocation, not the house
            of = re.match(rf"{re.escape(named.text)} of the [^,;]*\bconvocation\b", as_written)
            what = of.group() if of else named.text
        elif (
            national
            and article.country_name
            and _acts_for_country(clause, token, article.country_name)
        ):
            # "declared the sovereignty of the republic", "parliament amended the constitution"
            what = f"{national.group('what').title()} of {article.country_name}"
        elif national:
            continue  # "the eastern province declared its independence": not the country's
        elif not re.search(r"\b[A-Z]|\b(?:election|referendum)s?\b", what):
            continue  # "signing of the decree", "dissolution of the chamber": not told enough
        if noun == "Adoption" and re.match(r"(?:\d{4} )?Constitution\b", what):
            continue  # a constitution's adoption is its inception (occasions.enactments)
        tied = _dates_of(clause, token)
        if not tied and len(clause.dates) > 1:
            continue  # which of the sentence's dates is the event's is not said
        date = (tied or clause.dates)[0]
        label = f"{noun} of the {what} ({spoken_date(date)})"
        s = clause.sentence.start
        slug = f"event-{date.iso}-{noun}-{what}".lower()
        event = Mention(label, "event", s + span.start_char, s + span.end_char, slug=slugify(slug))
        lo, hi = min(token.idx, span.start_char), max(token.idx + len(token.text), span.end_char)
        ev = clause_evidence(article, clause, lo, hi)
        article.add(event, "pointInTime", DateValue(date.iso, date.precision), ev, rule="event")
        undated = event_name(label)
        if undated:
            article.add(event, "alias", undated, ev, rule="event")
        if named is None:
            return
        article.add(event, "concerns", name_mention(clause, named), ev, rule="event")
        ended = noun in ("Dissolution", "Abolition") and named.kind in ("chamber", "legislature")
        if ended and not re.search(r"\bconvocation\b", as_written, re.I):
            # "Yeltsin issued a decree dissolving the Supreme Soviet": the body ended then
            when = DateValue(date.iso, date.precision)
            article.add(name_mention(clause, named), "dissolved", when, ev, rule="event")
        return


# What a body or a person issues that is an event of its own: "issued an appeal", "issued
# Decree No. 1400"
_ISSUED = {"appeal", "decree", "statement", "declaration", "ultimatum", "resolution", "address"}


def issued(article: Article, reading: Reading, clause: Clause) -> None:
    """ "On November 16, 1993, the Alatau District Council of Almaty issued an appeal to
    deputies": "Appeal of the Alatau District Council (16 November 1993)"; "Yeltsin issued
    Decree No. 1400": the decree by its name."""
    for token in clause.doc:
        if token.lemma_.lower() != "issue" or token.pos_ != "VERB":
            continue
        objects = [c for c in token.children if c.dep_ == "dobj"]
        # the object, or a word of its own name ("Decree No. 1400": the model may take "No")
        obj = next(
            (
                t
                for o in objects[:1]
                for t in [o, *(c for c in o.children if c.dep_ in ("compound", "nummod"))]
                if t.lemma_.lower() in _ISSUED
            ),
            None,
        )
        if obj is None:
            continue
        dates = _dates_of(clause, token) or (clause.dates if len(clause.dates) == 1 else [])
        if not dates:
            continue
        date = dates[0]
        named = re.match(
            r"[A-Z]\w*(?: (?:No\.|[A-Z\d][\w\-/]*(?:\.\d+)*))+", clause.text[obj.idx :]
        )
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        by = next(
            (n for n in clause.names if subject is not None and n.start <= subject.idx < n.end),
            None,
        )
        if named:
            what = named.group()  # "Decree No. 1400"
        elif by is not None and by.kind != "person":
            # the issuer as the sentence names it: "the Alatau District Council (Soviet) of Almaty"
            issuer = clause.doc[subject.left_edge.i : subject.right_edge.i + 1].text
            issuer = re.sub(r"\s*\([^()]*\)|^(?:the|a|an)\s+", "", issuer, flags=re.I)
            if not issuer.startswith(by.text) or len(issuer) > 60:
                issuer = by.text
            what = f"{obj.lemma_.title()} of the {issuer}"
        else:
            continue
        label = f"{what} ({spoken_date(date)})"
        s = clause.sentence.start
        slug = slugify(f"event-{date.iso}-{what}".lower())
        event = Mention(label, "event", s + token.idx, s + obj.idx + len(obj.text), slug=slug)
        lo = by.start if by is not None else token.idx  # the issuer, the verb and what it issued
        ev = clause_evidence(article, clause, lo, obj.idx + (len(what) if named else len(obj.text)))
        article.add(event, "pointInTime", DateValue(date.iso, date.precision), ev, rule="issued")
        article.add(event, "alias", what, ev, rule="issued")
        if by is not None and by.kind != "person":
            article.add(event, "concerns", name_mention(clause, by), ev, rule="issued")


# "X, running as part of the Y alliance", "Y, built around the X": X is part of Y
_PART_OF = re.compile(
    r"^,?\s+(?:running|standing|which ran|ran) (?:as part of|within) (?:the )?$|^,?\s+part of (?:the )?$"
)
_BUILT_AROUND = re.compile(
    r",?\s+(?:built|formed|organised|organized|centred|centered) around (?:the )?"
)
# "Y, an alliance of A with B and C", "Y brought together A, B and C", "Y, formed by A, B"
_UNITES = re.compile(
    r",?\s+(?:an?|the) (?:alliance|coalition|bloc|union) of (?:his |her |its |the )?"
    r"|,?\s+(?:which |that )?(?:brought together|united|comprised|grouped|formed by|made up of"
    r"|consisting of) (?:the )?",
)
# a member's name in such a list: "Girchi – More Freedom", "Lelo for Georgia", "Droa"
_MEMBER = re.compile(
    r"[A-Z][\w’'\-–]*(?:\s+(?:–\s+|for\s+(?:the\s+)?|of\s+(?:the\s+)?|the\s+)?[A-Z][\w’'\-–]*)*"
    r"(?:\s*\([^()]*\))?"
)
_MEMBER_SEPARATOR = re.compile(r",\s*(?:and\s+|with\s+)?(?:the\s+)?|\s+(?:and|with)\s+(?:the\s+)?")
_TOGETHER_WITH = re.compile(r",?\s+(?:together|along) with (?:the )?")


def alliances(article: Article, reading: Reading, clause: Clause) -> None:
    """Parties in an alliance: "The United National Movement, running as part of the
    Strength Is in Unity alliance", "The I Have Honor Alliance, built around the Republican
    Party", "Our Coalition, an alliance of his MPRP with the Civil Will–Green Party and
    ...", "the Right Person Electorate Coalition brought together A, B and C". The names
    listed after such words are the alliance's parties, whatever the analysis took them for
    ("Strategy Aghmashenebeli" is no person there)."""
    text = clause.text
    parties = clause.names_of("party")
    lead = _MEMBER.match(text) if clause.sentence.item else None
    if lead and not any(p.start == 0 for p in parties):
        # "- Inland Front, built around ...": an item names the alliance it goes on about
        name = re.sub(r"\s*\([^()]*\)$", "", lead.group())
        parties = [Name(name, "party", 0, len(name)), *parties]
    for i, party in enumerate(parties):
        following = parties[i + 1] if i + 1 < len(parties) else None
        unites = _UNITES.match(text[party.end :])
        around = _BUILT_AROUND.match(text[party.end :])
        if following and _PART_OF.fullmatch(text[party.end : following.start]):
            _member_of_alliance(article, clause, following, [party])
        elif around or unites:
            start = party.end + (around or unites).end()
            members = _listed_members(clause, start, whole_list=unites is not None)
            # "built around A, the party of X, together with B and C"
            together = _TOGETHER_WITH.search(text, members[-1].end) if around and members else None
            if together:
                members += _listed_members(clause, together.end(), whole_list=True)
            _member_of_alliance(article, clause, party, members)


def _listed_members(clause: Clause, at: int, whole_list: bool) -> list[Name]:
    """The names listed from ``at`` ("A (an aside), B – C, D and the E"), or the first only.
    A known name keeps its extent; a person the analysis found there is a party here."""
    found: list[Name] = []
    text = clause.text
    while m := _MEMBER.match(text, at):
        name = re.sub(r"\s*\([^()]*\)$", "", m.group())
        known = next(
            (n for n in clause.names if n.start == at and n.kind in ("party", "group")), None
        )
        found.append(known or Name(name, "party", at, at + len(name)))
        nxt = _MEMBER_SEPARATOR.match(text, m.end())
        if not whole_list or nxt is None or not text[nxt.end() : nxt.end() + 1].isupper():
            break
        at = nxt.end()
    return found


def _member_of_alliance(
    article: Article, clause: Clause, alliance: Name, members: list[Name]
) -> None:
    for member in members:
        lo, hi = min(alliance.start, member.start), max(alliance.end, member.end)
        ev = clause_evidence(article, clause, lo, hi)
        article.add(
            name_mention(clause, member),
            "partOf",
            name_mention(clause, alliance),
            ev,
            rule="alliance",
        )


_DISSOLVE = {"dissolve", "disperse", "disband", "dissolution"}
_OWN_HOUSE = re.compile(r"\b(?:their|its) own (?:chamber|house)\b|^the (?:house|chamber)$", re.I)


def dissolutions(article: Article, reading: Reading, clause: Clause) -> None:
    """A convocation or the house itself dissolved on a date: "signed a decree on 19 January
    2023 that dissolved the Mäjilis of the 7th convocation", "the deputies voted to dissolve
    their own chamber", "In 2025 the deputies voted to dissolve the seventh convocation".
    (A body dissolved by name is an event, read by events().)"""
    if not clause.dates:
        return
    for token in clause.doc:
        if token.lemma_.lower() not in _DISSOLVE:
            continue
        for obj in _dissolved_objects(token):
            phrase = clause.doc[obj.left_edge.i : obj.right_edge.i + 1]
            lo, hi = phrase.start_char, phrase.end_char
            named = [n for n in clause.names_of("chamber", "legislature") if lo <= n.start < hi]
            body = name_mention(clause, named[0]) if named else chamber_of(article, reading, clause)
            ordinal = re.search(r"\b(\w+) [Cc]onvocation\b", phrase.text)
            rank = number(ordinal.group(1)) if ordinal else None
            if rank is not None and body is not None:
                subject = convocation_mention(body, rank)
            elif named or _OWN_HOUSE.search(phrase.text) and body is not None:
                subject = body
            else:
                continue
            dates = _dates_of(clause, token)
            if not dates:
                continue  # "the next election was expected in 2026, the chamber was dissolved"
            ev = clause_evidence(article, clause, min(token.idx, lo), hi)
            when = DateValue(dates[-1].iso, dates[-1].precision)
            article.add(subject, "dissolved", when, ev, rule="dissolved")


def _dates_of(clause: Clause, token: Token) -> list[DateValue]:
    """The dates the analysis ties to a word or to the words it depends on ("signed a decree
    on D that dissolved ...", "In D the deputies voted to dissolve ...")."""
    line = {token.i} | {t.i for t in token.ancestors}
    found = []
    for date in clause.dates:
        root = clause.date_root(date)
        if root is not None and (root.head.i in line or root.head.head.i in line):
            found.append(date)
    return found


def _dissolved_objects(token: Token) -> list[Token]:
    """What a dissolving word dissolves, with what is joined to it by "and"."""
    if token.pos_ == "VERB":
        found = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    else:
        of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        found = [c for c in of.children if c.dep_ == "pobj"] if of is not None else []
    # "dissolving the Congress of People's Deputies and the Supreme Soviet of Russia"
    return found + [c for o in found for c in o.children if c.dep_ == "conj"]


RULES = [
    topic,
    aliases,
    elections,
    results,
    listed_results,
    presidents,
    resignations,
    offices,
    government,
    other_offices,
    offices_taken_up,
    holder_lists,
    succession,
    sizes,
    seat_parts,
    list_parts,
    terms,
    founding,
    convocations,
    chamber_kinds,
    replacements,
    legislature_country,
    country_of_apposed,
    places,
    party_people,
    alliances,
    renames,
    body_renames,
    selection,
    events,
    issued,
    dissolutions,
    occasions,
    enactments,
    named_kinds,
]
