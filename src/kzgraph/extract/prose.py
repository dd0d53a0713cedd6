"""Prose rules: patterns of English sentences about legislatures.

No rule knows a name from any article: entities are spotted by the names the
article's infobox introduced and the entity table lists, or captured by shape
(capitalised words after "chairman of the ..."), and every fact keeps the span
of the words that state it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from kzgraph.document import Sentence
from kzgraph.extract.article import Article, relative, split_list
from kzgraph.extract.facts import ROLE_CLASSES, DateValue, Mention, find_dates, number
from kzgraph.extract.infobox import election_mention
from kzgraph.names import slugify

NAME = r"[A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+)+"  # a personal name: two or more capitalised words
BODIES = {"legislature", "chamber"}
Rule = Callable[[Article, Sentence], None]


def read_prose(article: Article) -> None:
    """Apply every rule to every sentence, in document order."""
    for sentence in article.doc.sentences:
        _track_topic(article, sentence)
        for rule in RULES:
            rule(article, sentence)


def _track_topic(article: Article, sentence: Sentence) -> None:
    """A body named at the start of a sentence becomes the paragraph's topic."""
    for mention in article.mentions(sentence, BODIES):
        if relative(mention, sentence)[0] <= 5:
            article.set_topic(mention, sentence)
        break
    if sentence.paragraph != article.topic_paragraph:
        article.topic = {}
        article.topic_paragraph = sentence.paragraph


def _body_before(article: Article, sentence: Sentence, offset: int) -> Mention | None:
    """The last legislature or chamber named before ``offset``, else the paragraph's topic."""
    before = [m for m in article.mentions(sentence, BODIES) if relative(m, sentence)[1] <= offset]
    if before:
        return before[-1]
    return article.current("chamber", sentence) or article.current("legislature", sentence)


def _entity_here(article: Article, sentence: Sentence, name: str, start: int, kind: str) -> Mention:
    """A mention for text the rule captured; known names keep their own kind."""
    kind = article.kind_of(name) or kind
    mention = article.mention_at(sentence, name, start, kind)
    article.learn(mention.name, kind)
    return mention


def _date_in(sentence: Sentence, start: int = 0, end: int | None = None) -> DateValue | None:
    dates = find_dates(sentence.text[start:end], sentence.start + start)
    return dates[0] if dates else None


# --- the legislature and its chambers ------------------------------------------------------

_IS_THE = re.compile(
    r"\bis the (?P<kind>bicameral|unicameral) (?:legislature|parliament) of (?:the )?(?P<country>[A-Z][\w ]+?)\b(?=[,.;])"
)
CAMERAL = {"bicameral": "wd:Q189445", "unicameral": "wd:Q37002670"}


def legislature_identity(article: Article, sentence: Sentence) -> None:
    """ "X is the bicameral legislature of Country" -> class and country."""
    m = _IS_THE.search(sentence.text)
    if not m:
        return
    subject = _body_before(article, sentence, m.start())
    if subject is None:
        return
    ev = article.evidence(sentence, relative(subject, sentence)[0], m.end())
    article.add(subject, "instanceOf", CAMERAL[m.group("kind")], ev, rule="identity")
    country = _entity_here(article, sentence, m.group("country"), m.start("country"), "country")
    article.country = article.country or country
    article.add(subject, "country", country, ev, rule="identity")


_ROLE_PATTERNS = [
    re.compile(
        r"\bthe (?P<role>upper|lower) house, (?:the )?(?P<name>[A-Z][\w’'\- ]*?)(?=[,.]| and\b)"
    ),
    re.compile(
        r"\b(?:the )?(?P<name>[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*)*),? (?:\()?the (?P<role>upper|lower) house\b"
    ),
    re.compile(
        r"\b(?:the )?(?P<name>[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*)*) \((?P<role>upper|lower) house\)"
    ),
]


def chamber_roles(article: Article, sentence: Sentence) -> None:
    """ "the upper house, the Senate" / "the Mäjilis (lower house)" -> chamber and its role."""
    seen = set()
    for pattern in _ROLE_PATTERNS:
        for m in pattern.finditer(sentence.text):
            name = m.group("name")
            kind = article.kind_of(name)
            if name in seen or (kind and kind != "chamber") or name.lower() in ("it", "this"):
                continue
            seen.add(name)
            chamber = _entity_here(article, sentence, name, m.start("name"), "chamber")
            ev = article.evidence(sentence, m.start(), m.end())
            article.add(chamber, "instanceOf", ROLE_CLASSES[m.group("role")], ev, rule="role")
            article.add(article.legislature, "hasPart", chamber, ev, rule="role")


_SIZE = re.compile(
    r"\b(?:has|have|consists of|comprises|is composed of|is made up of) "
    r"(?P<n>\d+) (?:seats|deputies|members|senators|representatives)\b"
)


def chamber_size(article: Article, sentence: Sentence) -> None:
    """ "The Mäjilis ... has 98 seats" -> number of seats."""
    for m in _SIZE.finditer(sentence.text):
        subject = _body_before(article, sentence, m.start())
        if subject:
            ev = article.evidence(sentence, relative(subject, sentence)[0], m.end())
            article.add(subject, "numberOfSeats", int(m.group("n")), ev, rule="size")


_TERM = re.compile(r"\b(?P<n>\w+)[- ]year terms?\b|\bterms? of (?P<m>\w+) years\b")


def term_length(article: Article, sentence: Sentence) -> None:
    """ "elected for five-year terms" -> term length in years."""
    for m in _TERM.finditer(sentence.text):
        years = number(m.group("n") or m.group("m"))
        if "presiden" in sentence.text[max(0, m.start() - 40) : m.start()].lower():
            continue
        subject = _body_before(article, sentence, m.start())
        if years and subject and subject.kind in BODIES:
            article.add(
                subject, "termLength", years, article.evidence(sentence, m.start(), m.end())
            )


_APPOINTED = re.compile(
    r"\b(?:appointed|elected|chosen|nominated)(?: either)? by (?P<list>.+?)"
    r"(?= for\b| to\b|[.;]|$)"
)


def appointed_by(article: Article, sentence: Sentence) -> None:
    """ "appointed either by A, B, or C" -> each appoints members of the chamber."""
    m = _APPOINTED.search(sentence.text)
    if not m:
        return
    subject = _body_before(article, sentence, m.start())
    if subject is None or subject.kind != "chamber":
        return
    text = re.sub(r"\s*\([^)]*\)", lambda p: " " * len(p.group(0)), m.group("list"))
    for item, offset in split_list(text):
        start = m.start("list") + offset
        value = _entity_here(article, sentence, item, start, "organization")
        ev = article.evidence(sentence, m.start(), m.end())
        article.add(subject, "appointedBy", value, ev, rule="appointed-by")


_SYSTEM = re.compile(r"\bthrough an? (?P<system>[\w\- ]+?(?:representation|voting|vote)) system\b")
_SHIFT = re.compile(
    r"\belectoral system for (?:the )?(?P<body>[^,]+?),? which shifted from (?P<old>[\w\- ]+?) to (?P<new>[\w\- ]+?)(?=[.,;])"
)


def electoral_system(article: Article, sentence: Sentence) -> None:
    """ "through a mixed-member ... system"; "shifted from A to B" with its date."""
    for m in _SYSTEM.finditer(sentence.text):
        subject = _body_before(article, sentence, m.start())
        if subject and subject.kind == "chamber":
            concept = article.mention_at(sentence, m.group("system"), m.start("system"), "concept")
            ev = article.evidence(sentence, m.start(), m.end())
            article.add(subject, "electoralSystem", concept, ev, rule="electoral-system")
    m = _SHIFT.search(sentence.text)
    if not m:
        return
    bodies = [
        x
        for x in article.mentions(sentence, {"chamber"})
        if x.start and x.start >= sentence.start + m.start("body")
    ]
    date = _date_in(sentence)
    if not bodies:
        return
    ev = article.evidence(sentence, m.start(), m.end())
    old = article.mention_at(sentence, m.group("old"), m.start("old"), "concept")
    new = article.mention_at(sentence, m.group("new"), m.start("new"), "concept")
    article.add(
        bodies[0], "electoralSystem", old, ev, (("endTime", date),) if date else (), "shift"
    )
    article.add(
        bodies[0], "electoralSystem", new, ev, (("startTime", date),) if date else (), "shift"
    )


# --- history: predecessors, establishment, dissolution, constitutions ---------------------

_REPLACED = re.compile(r"\breplaced the (?:(?:unicameral|bicameral|former|old) )?")


def replaces(article: Article, sentence: Sentence) -> None:
    """ "X replaced the unicameral Y" -> X replaces Y, Y replaced by X."""
    for m in _REPLACED.finditer(sentence.text):
        subject = _body_before(article, sentence, m.start())
        after = [
            x for x in article.mentions(sentence, BODIES) if x.start == sentence.start + m.end()
        ]
        if subject and after and subject.name != after[0].name:
            ev = article.evidence(
                sentence, relative(subject, sentence)[0], relative(after[0], sentence)[1]
            )
            article.add(subject, "replaces", after[0], ev, rule="replaces")
            article.add(after[0], "replacedBy", subject, ev, rule="replaces")


_ESTABLISHED = re.compile(
    r"(?P<link> was|, an? [\w ]+?)? (?:first )?(?:established|founded|created|formed)"
    r"(?: under [\w ]+?)? (?:in|on) "
)


def established(article: Article, sentence: Sentence) -> None:
    """ "X was established ... in 1995", "X, a body first established in 1938" -> inception."""
    for body in article.mentions(sentence, BODIES):
        end = relative(body, sentence)[1]
        m = _ESTABLISHED.match(sentence.text, end)
        if not m:
            continue
        date = _date_in(sentence, m.end() - 3, m.end() + 30)
        if date:
            ev = article.evidence(sentence, relative(body, sentence)[0], date.end - sentence.start)
            article.add(body, "inception", date, ev, rule="established")


_DISSOLVED = re.compile(
    r"^ (?:decided to dissolve itself|dissolved itself|was dissolved|was abolished)"
)


def dissolved(article: Article, sentence: Sentence) -> None:
    """ "In December 1993, the X decided to dissolve itself" -> dissolution date."""
    for body in article.mentions(sentence, BODIES):
        end = relative(body, sentence)[1]
        m = _DISSOLVED.match(sentence.text[end:])
        date = _date_in(sentence)
        if m and date:
            ev = article.evidence(sentence, 0, end + m.end())
            article.add(body, "dissolved", date, ev, rule="dissolved")


_CONSTITUTION = re.compile(
    r"\b(?:the )?(?P<year>\d{4}) Constitution of (?:the )?(?P<place>[A-Z][\w ]*?[A-Za-z])(?=[,.;]| and\b| under\b)"
)


def constitution_mention(article: Article, place: str, year: str, start: int, end: int) -> Mention:
    """Constitutions are named by place and year: ``constitution-of-kazakhstan-1995``."""
    place_name = place.removeprefix("the ")
    label = f"{year} Constitution of {place_name}"
    article.learn(place_name, article.kind_of(place_name) or "place")
    return Mention(
        label,
        "constitution",
        start,
        end,
        slug=slugify(f"constitution of {_canonical(article, place_name)} {year}"),
    )


def _canonical(article: Article, place: str) -> str:
    # "Republic of Kazakhstan" and "Kazakhstan" name one constitution series.
    return re.sub(r"^(?:the )?Republic of ", "", place)


def constitutions(article: Article, sentence: Sentence) -> None:
    """ "the 1937 Constitution of the Kazakh SSR" -> a constitution of that year, the body's basis."""
    found = list(_CONSTITUTION.finditer(sentence.text))
    if not found:
        return
    for m in found:
        c = constitution_mention(
            article,
            m.group("place"),
            m.group("year"),
            sentence.start + m.start("year"),
            sentence.start + m.end(),
        )
        ev = article.evidence(sentence, m.start("year"), m.end())
        article.add(c, "inception", DateValue(m.group("year"), "year"), ev, rule="constitution")
        # "a body established under the 1937 Constitution", "formed based on the 1978 Constitution"
        if re.search(
            r"\b(?:under|based on|pursuant to)(?: the)? ?$", sentence.text[: m.start("year")]
        ) or ("based on" in sentence.text[: m.start()]):
            subject = _body_before(article, sentence, m.start())
            if subject:
                article.add(subject, "basedOn", c, ev, rule="constitution")


_ADOPTED = re.compile(r"^ adopted (?:a|the|its) (?:new )?constitution\b")


def constitution_adopted(article: Article, sentence: Sentence) -> None:
    """ "On January 28, 1993, the X adopted a constitution" -> that year's constitution."""
    date = _date_in(sentence)
    if date is None:
        return
    for body in article.mentions(sentence, BODIES):
        end = relative(body, sentence)[1]
        m = _ADOPTED.match(sentence.text[end:])
        if not m:
            continue
        country = (
            article.country.name if article.country else article.doc.title.rsplit(" of ", 1)[-1]
        )
        c = constitution_mention(article, country, date.iso[:4], None, None)
        ev = article.evidence(sentence, 0, end + m.end())
        article.add(c, "adoptedBy", body, ev, rule="constitution-adopted")
        article.add(c, "inception", date, ev, rule="constitution-adopted")


_REFERENDUM = re.compile(
    r"\b(?P<adj>(?:constitutional|national|independence) )?referendum (?:was )?held (?:on|in) "
)
_REFERENDUM_ADOPTS = re.compile(
    r"\b[Tt]his referendum resulted in the adoption of (?:a |the )?(?:new )?(?:draft of )?(?:the )?Constitution of (?:the )?(?P<place>[A-Z][\w ]*?[A-Za-z])\b"
)


def referendums(article: Article, sentence: Sentence) -> None:
    """ "a constitutional referendum held on 30 August 1995"; "This referendum resulted in the adoption of the Constitution"."""
    m = _REFERENDUM.search(sentence.text)
    if m:
        date = _date_in(sentence, m.end() - 3, m.end() + 30)
        if date:
            adj = (m.group("adj") or "").strip()
            country = article.country.name if article.country else ""
            label = f"{date.iso[:4]} {country} {adj} referendum".replace("  ", " ").strip()
            ref = Mention(
                label,
                "referendum",
                sentence.start + m.start(),
                date.end,
                slug=slugify(f"referendum {date.iso}"),
            )
            ev = article.evidence(sentence, m.start(), date.end - sentence.start)
            article.add(ref, "pointInTime", date, ev, rule="referendum")
            if article.country:
                article.add(ref, "country", article.country, ev, rule="referendum")
            article.remember(ref, sentence)
            article.last_date["referendum"] = date
    m = _REFERENDUM_ADOPTS.search(sentence.text)
    ref = article.recall("referendum", sentence)
    date = article.last_date.get("referendum")
    if m and ref and isinstance(date, DateValue):
        c = constitution_mention(
            article,
            m.group("place"),
            date.iso[:4],
            sentence.start + m.start("place"),
            sentence.start + m.end(),
        )
        ev = article.evidence(sentence, m.start(), m.end())
        article.add(c, "adoptedThrough", ref, ev, rule="referendum-adopts")
        article.add(c, "inception", date, ev, rule="referendum-adopts")


_FIRST_SESSION = re.compile(
    r"\b(?:convened for its first session|held its first session|first (?:session|sitting) (?:was held|took place)) on "
)


def first_session(article: Article, sentence: Sentence) -> None:
    m = _FIRST_SESSION.search(sentence.text)
    if not m:
        return
    subject = _body_before(article, sentence, m.start())
    date = _date_in(sentence, m.end() - 3, m.end() + 30)
    if subject and date:
        ev = article.evidence(sentence, relative(subject, sentence)[0], date.end - sentence.start)
        article.add(subject, "firstSession", date, ev, rule="first-session")


# --- elections ---------------------------------------------------------------------------

_ELECTION_PATTERNS = [
    # "the Mäjilis elections taking place in two rounds in December 1995"
    re.compile(
        r"\bthe (?P<chamber>[A-Z][\w’' ]*?) elections? (?:taking place|took place|held|were held|was held)(?: in (?P<rounds>\w+) rounds)? (?:on|in) "
    ),
    # "held elections to the Senate on 1 October 2014", "The elections to the X of the Sixth convocation took place on"
    re.compile(
        r"\belections? to the (?P<chamber>[A-Z][\w’' ]*?)(?: of the (?P<convocation>\w+) [Cc]onvocation)?(?: of the [A-Z][\w ]*?)? (?:took place |was held |were held |was scheduled for |is scheduled for )?(?:on|in|for) "
    ),
]
_YEAR_ELECTION = re.compile(
    r"\b(?:the )?(?P<year>\d{4}) (?:[A-Z][a-z]+ )?(?:legislative|parliamentary|general) elections?\b"
)


def elections(article: Article, sentence: Sentence) -> None:
    """Elections of a chamber with their date, rounds and convocation."""
    for pattern in _ELECTION_PATTERNS:
        for m in pattern.finditer(sentence.text):
            chamber = _known(article, m.group("chamber"), BODIES)
            date = _date_in(sentence, m.end() - 4, m.end() + 30)
            if chamber is None or date is None:
                continue
            kind = article.kind_of(m.group("chamber")) or "chamber"
            chamber_m = article.mention_at(sentence, m.group("chamber"), m.start("chamber"), kind)
            election = election_mention(date, chamber_m, sentence.start + m.start(), date.end)
            ev = article.evidence(sentence, m.start(), date.end - sentence.start)
            article.add(election, "pointInTime", date, ev, rule="election")
            article.add(election, "electionFor", chamber_m, ev, rule="election")
            rounds = number(m.groupdict().get("rounds") or "")
            if rounds:
                article.add(election, "numberOfRounds", rounds, ev, rule="election")
            ordinal = number(m.groupdict().get("convocation") or "")
            if ordinal:
                convocation = convocation_mention(chamber_m, ordinal)
                article.add(election, "convocation", convocation, ev, rule="election")
                article.add(convocation, "ordinal", ordinal, ev, rule="election")
                article.add(convocation, "partOf", chamber_m, ev, rule="election")
                article.remember(convocation, sentence)
            article.remember(election, sentence)
            article.last_date["election"] = date
            article.last_date["election-chamber"] = chamber_m
    for m in _YEAR_ELECTION.finditer(sentence.text):
        chambers = article.mentions(sentence, {"chamber"})
        chamber = chambers[0] if chambers else None
        date = DateValue(m.group("year"), "year")
        election = election_mention(
            date, chamber, sentence.start + m.start("year"), sentence.start + m.end()
        )
        ev = article.evidence(sentence, m.start("year"), m.end())
        article.add(election, "pointInTime", date, ev, rule="election-year")
        if chamber:
            article.add(election, "electionFor", chamber, ev, rule="election-year")
        article.remember(election, sentence)
        article.last_date["election"] = date
        article.last_date["election-chamber"] = chamber
        winner = re.search(
            r"\bwhere the (?:ruling )?(?P<party>[A-Z][\w ]+?) party won\b", sentence.text
        )
        if winner:
            party = _entity_here(
                article, sentence, winner.group("party"), winner.start("party"), "party"
            )
            article.add(
                election,
                "participant",
                party,
                article.evidence(sentence, winner.start(), winner.end()),
                rule="winner",
            )


def convocation_mention(chamber: Mention, ordinal: int) -> Mention:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(ordinal if ordinal < 20 else ordinal % 10, "th")
    return Mention(
        f"{ordinal}{suffix} convocation of the {{}}",
        "convocation",
        slug=f"{{}}-convocation-{ordinal}",
        owner=chamber,
    )


def _known(article: Article, name: str, kinds: set[str]) -> str | None:
    return name if article.kind_of(name) in kinds else None


_SHARE = re.compile(r"\((?P<pct>\d+(?:\.\d+)?)%\)")
_PARTIES_COUNT = re.compile(
    r"\b(?P<n>\w+) (?:political )?parties (?:attended|took part in|participated in|contested|submitted party lists)\b"
)


def election_results(article: Article, sentence: Sentence) -> None:
    """Vote shares "(82.20%)", seats "accounts for 84 deputies", participant lists."""
    election = article.recall("election", sentence)
    if election is None:
        return
    parties = article.mentions(sentence, {"party", "group"})
    for m in _SHARE.finditer(sentence.text):
        before = [
            p
            for p in parties
            if relative(p, sentence)[1] <= m.start() and m.start() - relative(p, sentence)[1] <= 12
        ]
        if before:
            party = before[-1]
            share = (Decimal(m.group("pct")) / 100).normalize()
            ev = article.evidence(sentence, relative(party, sentence)[0], m.end())
            article.add(
                election, "participant", party, ev, (("proportion", share),), rule="vote-share"
            )
    for party in parties:
        end = relative(party, sentence)[1]
        seats = re.match(
            r"(?: Party)?(?: accounts for| won| received| gained|\s*[–—-])\s*(?P<n>\d+) (?:deputies|seats|mandates)",
            sentence.text[end:],
        )
        if seats:
            n = int(seats.group("n"))
            ev = article.evidence(sentence, relative(party, sentence)[0], end + seats.end())
            article.add(election, "participant", party, ev, (("seats", n),), rule="seats-won")
            chamber = article.last_date.get("election-chamber")
            date = article.last_date.get("election")
            if (
                isinstance(chamber, Mention)
                and isinstance(date, DateValue)
                and date.precision == "day"
            ):
                q = (("legislativeBody", chamber), ("startTime", date))
                article.add(party, "partySeats", n, ev, q, rule="seats-won")
    m = _PARTIES_COUNT.search(sentence.text)
    if m and number(m.group("n")):
        ev = article.evidence(sentence, m.start(), m.end())
        article.add(election, "numberOfParticipants", number(m.group("n")), ev, rule="participants")
    included = re.match(
        r"^(?:They|These|The parties) (?:included|were) (?P<list>.+?)\.?$", sentence.text
    )
    if included:
        text = re.sub(r"\s*\([^)]*\)", lambda p: " " * len(p.group(0)), included.group("list"))
        for item, offset in split_list(text):
            item = re.sub(r"\s+", " ", item)
            name = item if article.kind_of(item) else re.sub(r"\s+Party$", "", item.strip())
            if article.kind_of(name) in ("party", "group"):
                start = included.start("list") + offset
                party = article.mention_at(sentence, name, start, "party")
                ev = article.evidence(sentence, start, start + len(item))
                article.add(election, "participant", party, ev, rule="participant-list")


_CANDIDATES = re.compile(r"\b(?P<n>\d+) candidates vying for the (?P<seats>\d+) open\b")
_ANNOUNCED = re.compile(r"\b[Tt]he results were announced on ")
_OBSERVERS = re.compile(r"\bobservers from ")


def election_details(article: Article, sentence: Sentence) -> None:
    election = article.recall("election", sentence)
    if election is None:
        return
    m = _CANDIDATES.search(sentence.text)
    if m:
        ev = article.evidence(sentence, m.start(), m.end())
        article.add(election, "numberOfCandidates", int(m.group("n")), ev, rule="candidates")
        article.add(election, "seatsContested", int(m.group("seats")), ev, rule="candidates")
    m = _ANNOUNCED.search(sentence.text)
    date = _date_in(sentence, m.end() - 3) if m else None
    if m and date:
        ev = article.evidence(sentence, m.start(), date.end - sentence.start)
        article.add(election, "resultsAnnounced", date, ev, rule="announced")
    m = _OBSERVERS.search(sentence.text)
    if m:
        for org in article.mentions(sentence, {"organization"}):
            if relative(org, sentence)[0] > m.start():
                ev = article.evidence(sentence, m.start(), relative(org, sentence)[1])
                article.add(election, "observer", org, ev, rule="observers")


# --- convocation statistics -----------------------------------------------------------------

_STATISTICS = [
    (re.compile(r"\b(?P<n>\d+) \(\d+%\) men\b"), "numberOfMen"),
    (re.compile(r"\b(?P<n>\d+) \(\d+%\) women\b"), "numberOfWomen"),
    (re.compile(r"\baverage age of the deputies is (?P<n>\d+)"), "averageAge"),
    (re.compile(r"\b(?P<n>\d+) \(\d+%\) of deputies have PhD degrees"), "membersWithDoctorate"),
    (re.compile(r"\b(?P<n>\d+) deputies of the previous convocation\b"), "returningMembers"),
]
_RENEWED = re.compile(r"\brenewed by (?P<pct>\d+(?:\.\d+)?)%")


def convocation_statistics(article: Article, sentence: Sentence) -> None:
    convocation = article.recall("convocation", sentence)
    if convocation is None:
        return
    as_of = re.search(r"\(as of (?P<date>[^)]+)\)", sentence.text)
    date = _date_in(sentence, as_of.start("date")) if as_of else None
    for pattern, relation in _STATISTICS:
        for m in pattern.finditer(sentence.text):
            q = (("pointInTime", date),) if date and relation == "averageAge" else ()
            ev = article.evidence(sentence, m.start(), m.end())
            article.add(convocation, relation, int(m.group("n")), ev, q, rule="statistics")
    m = _RENEWED.search(sentence.text)
    if m:
        share = (Decimal(m.group("pct")) / 100).normalize()
        article.add(
            convocation,
            "renewalShare",
            share,
            article.evidence(sentence, m.start(), m.end()),
            rule="statistics",
        )


# --- parties, offices, titles ------------------------------------------------------------------

_FORMER = re.compile(
    r"\b(?P<name>[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*)*) \((?:former|formerly|previously)(?: the)? (?P<old>[^)]+)\)"
)


def party_renames(article: Article, sentence: Sentence) -> None:
    """ "Adal (former Birlik Party)" -> a party with its former name."""
    for m in _FORMER.finditer(sentence.text):
        kind = article.kind_of(m.group("name")) or "party"
        party = _entity_here(article, sentence, m.group("name"), m.start("name"), kind)
        ev = article.evidence(sentence, m.start(), m.end())
        article.add(party, "formerName", m.group("old").strip(), ev, rule="former-name")
        article.add(party, "officialName", m.group("name"), ev, rule="former-name")


_ABBREVIATION = re.compile(r"\((?P<abbr>[A-Z]{2,6})\)")


def abbreviations(article: Article, sentence: Sentence) -> None:
    """ "the Communist People's Party of Kazakhstan (CPPK)" -> CPPK is a name of it."""
    mentions = article.mentions(sentence)
    for m in _ABBREVIATION.finditer(sentence.text):
        before = [x for x in mentions if relative(x, sentence)[1] in (m.start() - 1, m.start())]
        if before and article.kind_of(m.group("abbr")) is None:
            article.learn(m.group("abbr"), before[-1].kind)
            ev = article.evidence(sentence, relative(before[-1], sentence)[0], m.end())
            article.add(before[-1], "shortName", m.group("abbr"), ev, rule="abbreviation")


_CHAIR = re.compile(
    rf"\b(?P<title>[Cc]hairman|[Cc]hairwoman|[Cc]hair|[Ss]peaker|[Pp]resident) of the (?:(?P<ordinal>\d+(?:st|nd|rd|th)) )?"
    rf"(?P<org>[A-Z][\w’' ]*?), (?P<person>{NAME}),"
)


def office_holders(article: Article, sentence: Sentence) -> None:
    """ "The chairman of the 12th Supreme Soviet, Serikbolsyn Abdildin," -> office and holder."""
    for m in _CHAIR.finditer(sentence.text):
        org = _known(article, m.group("org"), BODIES)
        if org is None:
            continue
        org_m = _entity_here(article, sentence, m.group("org"), m.start("org"), "legislature")
        office_name = f"{m.group('title').capitalize()} of the {m.group('org')}"
        office = Mention(
            office_name, "office", sentence.start + m.start("title"), sentence.start + m.end("org")
        )
        article.learn(office_name, "office")
        person = _entity_here(article, sentence, m.group("person"), m.start("person"), "person")
        ev = article.evidence(sentence, m.start("title"), m.end("person"))
        q: tuple = ()
        if m.group("ordinal"):
            term = convocation_mention(org_m, number(m.group("ordinal")) or 0)
            article.add(term, "ordinal", number(m.group("ordinal")), ev, rule="office-holder")
            article.add(term, "partOf", org_m, ev, rule="office-holder")
            q = (("parliamentaryTerm", term),)
        article.add(office, "officeholder", person, ev, q, rule="office-holder")
        article.add(person, "positionHeld", office, ev, q, rule="office-holder")
        article.add(org_m, "officeOfHead", office, ev, rule="office-holder")
        article.add(office, "organizationDirected", org_m, ev, rule="office-holder")


_TITLED = re.compile(rf"\b(?P<office>[A-Z][a-z]+(?: [A-Z][a-z]+)?) (?P<person>{NAME})")
_THEN = re.compile(rf"(?P<person>{NAME}), then (?P<office>[a-z]+ of (?P<place>[A-Z][\w]+)),")


def titled_people(article: Article, sentence: Sentence) -> None:
    """ "President Nursultan Nazarbayev" (a known office), "X, then mayor of Almaty" ("Supreme
    Soviet Deputy X" is read by reading.other_offices)."""
    for m in _TITLED.finditer(sentence.text):
        if article.kind_of(m.group("office")) != "office":
            continue
        office = article.mention_at(sentence, m.group("office"), m.start("office"), "office")
        person = _entity_here(article, sentence, m.group("person"), m.start("person"), "person")
        ev = article.evidence(sentence, m.start(), m.end())
        article.add(person, "positionHeld", office, ev, rule="titled")
        article.add(office, "officeholder", person, ev, rule="titled")
    for m in _THEN.finditer(sentence.text):
        person = _entity_here(article, sentence, m.group("person"), m.start("person"), "person")
        office_name = m.group("office")[0].upper() + m.group("office")[1:]
        office = article.mention_at(sentence, office_name, m.start("office"), "office")
        ev = article.evidence(sentence, m.start(), m.end("office"))
        article.add(person, "positionHeld", office, ev, rule="then-office")
        article.add(office, "officeholder", person, ev, rule="then-office")


_HONORARY = re.compile(
    rf"\bgranted (?P<person>{NAME}) the honorary title of [\"“](?P<title>[^\"”]+)[\"”](?: \(meaning [\"“](?P<meaning>[^\"”]+)[\"”]\))?"
)


def honorary_titles(article: Article, sentence: Sentence) -> None:
    """ "X granted Y the honorary title of "Z" (meaning "...")" -> title, date, conferred by."""
    for m in _HONORARY.finditer(sentence.text):
        person = _entity_here(article, sentence, m.group("person"), m.start("person"), "person")
        title = Mention(
            m.group("title"),
            "title",
            sentence.start + m.start("title"),
            sentence.start + m.end("title"),
            description=m.group("meaning"),
        )
        q: list = []
        date = _date_in(sentence, 0, m.start())
        if date:
            q.append(("pointInTime", date))
        grantor = _body_before(article, sentence, m.start())
        if grantor:
            q.append(("conferredBy", grantor))
        ev = article.evidence(sentence, 0, m.end())
        article.add(person, "honoraryTitle", title, ev, tuple(q), rule="honorary-title")


# --- dated events ------------------------------------------------------------------------------

RULES: list[Rule] = [
    abbreviations,
    legislature_identity,
    chamber_roles,
    chamber_size,
    term_length,
    appointed_by,
    electoral_system,
    replaces,
    established,
    dissolved,
    constitutions,
    constitution_adopted,
    referendums,
    first_session,
    elections,
    party_renames,
    election_results,
    election_details,
    convocation_statistics,
    office_holders,
    titled_people,
    honorary_titles,
]
