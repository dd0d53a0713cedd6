"""Infobox rules: each key is read as ``mappings/infobox.yaml`` says."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import yaml

from kzgraph.document import InfoboxEntry, parse_groups
from kzgraph.extract.article import Article, split_list
from kzgraph.extract.facts import ROLE_CLASSES, DateValue, Evidence, Mention, parse_date
from kzgraph.names import slugify

READERS = [
    "entity",
    "entities",
    "places",
    "concepts",
    "class",
    "date",
    "text",
    "chambers",
    "house",
    "seats",
    "groups",
    "leader",
    "election",
    "years",
    "candidates",
    "contest",
    "neighbour-year",
    "ignore",
]


TEMPLATES = {"legislature": "infobox.yaml", "election": "infobox-election.yaml"}


def load_rules(mappings: str | Path) -> dict[str, dict[str, dict]]:
    """Read one key table per infobox template from the ``mappings`` folder (or the
    legislature table itself); raises ValueError naming a bad key."""
    folder = Path(mappings)
    if folder.is_file():
        folder = folder.parent
    return {template: _load_table(folder / name) for template, name in TEMPLATES.items()}


def _load_table(path: Path) -> dict[str, dict]:
    rules = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for key, rule in rules.items():
        if not isinstance(rule, dict) or rule.get("read") not in READERS:
            raise ValueError(f"{path}: key {key!r} needs read: one of {', '.join(READERS)}")
        needs_relation = rule["read"] in ("entity", "entities", "concepts", "class", "date", "text")
        if needs_relation and "relation" not in rule:
            raise ValueError(f"{path}: key {key!r} needs a relation")
    return {key.lower(): rule for key, rule in rules.items()}


def template_of(article: Article) -> str:
    """Which infobox template the article uses: an election's or a legislature's."""
    return "election" if article.legislature.kind == "election" else "legislature"


def evidence(article: Article, entry: InfoboxEntry, start: int, end: int) -> Evidence:
    """Evidence for the value characters [start, end) (absolute offsets) of an entry."""
    return Evidence(
        source=article.doc.name,
        start=entry.line_start,
        end=entry.line_end,
        text=article.doc.text[entry.line_start : entry.line_end],
        span_start=start,
        span_end=end,
        origin="infobox",
    )


def whole(article: Article, entry: InfoboxEntry) -> Evidence:
    return evidence(article, entry, entry.start, entry.end)


def read_infobox(article: Article, templates: dict[str, dict[str, dict]]) -> None:
    """Extract every infobox entry; unmapped keys become warnings, never silent."""
    doc = article.doc
    template = template_of(article)
    rules = templates[template]
    # Chambers first: numbered keys refer to them.
    for entry in doc.entries("House"):
        if entry.index is not None:
            chamber = _entity(article, entry, entry.value, "chamber")
            article.chamber_by_index[entry.index] = chamber
            article.add(
                article.legislature, "hasPart", chamber, whole(article, entry), rule="house"
            )
    for entry in doc.infobox:
        rule = rules.get(entry.base_key.lower())
        if rule is None:
            doc.warnings.append(
                f"{doc.name}:{entry.line}: infobox key {entry.key!r} is not in "
                f"mappings/{TEMPLATES[template]}: skipped"
            )
            continue
        if not entry.value.strip() or rule["read"] in ("ignore", "house"):
            continue
        READ[rule["read"]](article, entry, rule)


def _subject(article: Article, entry: InfoboxEntry, rule: dict) -> Mention | None:
    # A unicameral legislature numbers its keys (Political Groups1) without a House1.
    if rule.get("subject") != "chamber" or entry.index is None or not article.chamber_by_index:
        return article.legislature
    chamber = article.chamber_by_index.get(entry.index)
    if chamber is None:
        article.doc.warnings.append(
            f"{article.doc.name}:{entry.line}: {entry.key!r} names no House{entry.index}"
        )
    return chamber


def _entity(article: Article, entry: InfoboxEntry, name: str, kind: str, at: int = 0) -> Mention:
    start = entry.start + entry.value.find(name, at)
    article.learn(name, kind)
    return Mention(name.strip(), kind, start, start + len(name.strip()))


def _read_entity(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    subject = _subject(article, entry, rule)
    if rule.get("pattern") and not re.search(rule["pattern"], entry.value):
        article.doc.warnings.append(
            f"{article.doc.name}:{entry.line}: {entry.key} value {entry.value!r} "
            f"does not name a {rule.get('kind', 'thing')}: skipped"
        )
        return
    if subject:
        value = _entity(article, entry, entry.value.strip(), rule.get("kind", "organization"))
        article.add(subject, rule["relation"], value, whole(article, entry), rule="infobox")


def _read_entities(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    subject = _subject(article, entry, rule)
    if subject is None:
        return
    kind = rule.get("kind", "organization")
    # A concept's name may contain "and" ("Appointment by the President and ..."): commas only.
    for name, offset in _items(entry.value, conjunctions=kind != "concept"):
        value = _entity(article, entry, name, kind, offset)
        if kind == "concept":
            value = Mention(name, kind, value.start, value.end)
        ev = evidence(article, entry, value.start or 0, value.end or 0)
        article.add(subject, rule["relation"], value, ev, rule="infobox")


def _read_places(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    """ "Parliament Building, Stefan cel Mare Boulevard, Chișinău": the building the body meets
    in, in the city the value ends with (the street between is its address, not a place);
    "A, Moscow; B, Moscow": two buildings."""
    subject = _subject(article, entry, rule)
    if subject is None:
        return
    at = 0
    for part in entry.value.split(";"):
        start = at + len(part) - len(part.lstrip())
        at += len(part) + 1
        items = [i.strip() for i in part.split(",")]
        building = re.sub(r"\s*\([^()]*\)$", "", items[0])
        place = _entity(article, entry, building, "place", start)
        ev = evidence(article, entry, place.start or 0, place.end or 0)
        article.add(subject, rule["relation"], place, ev, rule="infobox")
        if len(items) < 2 or not items[-1]:
            continue
        city = _entity(article, entry, items[-1], "place", start + part.strip().rfind(items[-1]))
        whole = evidence(
            article, entry, entry.start + start, entry.start + start + len(part.strip())
        )
        article.add(place, "locatedIn", city, whole, rule="infobox")
        article.add(subject, rule["relation"], city, whole, rule="infobox")
        if len(items) > 2:  # a street between: the whole is the building's address
            article.add(place, "address", part.strip(), whole, rule="infobox")


def _items(value: str, conjunctions: bool) -> list[tuple[str, int]]:
    """A list value's items: "A, B and C", "A; B" (infoboxes separate with either)."""
    items, start = [], 0
    for part in value.split(";"):
        items += [(name, start + at) for name, at in split_list(part, conjunctions)]
        start += len(part) + 1
    return items


_CLASS_NOUN = re.compile(r"\s+(?:house|chamber|legislature|parliament)$")


def _read_class(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    values = {k.lower(): v for k, v in rule.get("values", {}).items()}
    value = entry.value.lower().strip()
    qid = values.get(value) or values.get(_CLASS_NOUN.sub("", value))
    subject = _subject(article, entry, rule)
    if qid is None:
        article.doc.warnings.append(
            f"{article.doc.name}:{entry.line}: {entry.key} value {entry.value!r} has no class"
        )
    elif subject:
        article.add(subject, rule["relation"], f"wd:{qid}", whole(article, entry), rule="infobox")


def _read_date(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    date = parse_date(entry.value)
    subject = _subject(article, entry, rule)
    if date is None:
        article.doc.warnings.append(f"{article.doc.name}:{entry.line}: not a date: {entry.value!r}")
    elif subject:
        article.add(subject, rule["relation"], date, whole(article, entry), rule="infobox")


def _read_text(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    subject = _subject(article, entry, rule)
    if subject:
        article.add(subject, rule["relation"], entry.value.strip(), whole(article, entry))


_ROLE = re.compile(r"^(?P<name>.+?)\s*\((?P<role>upper|lower)(?: house)?\)$", re.I)


def _read_chambers(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    for item, offset in split_list(entry.value):
        m = _ROLE.match(item)
        name = m.group("name") if m else item
        chamber = _entity(article, entry, name, "chamber", offset)
        ev = evidence(article, entry, entry.start + offset, entry.start + offset + len(item))
        article.add(article.legislature, "hasPart", chamber, ev, rule="houses")
        if m:
            article.add(chamber, "instanceOf", ROLE_CLASSES[m.group("role").lower()], ev)


_SEATS = re.compile(r"(?P<name>[^:,]+?):\s*(?P<n>\d+)(?P<note>\s*\([^)]*\))?")


_SEATS_IN = re.compile(r"(?P<n>\d+) in (?:the )?(?P<name>[^,()]+)")


def _read_seats(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    """``98``, ``Senate: 49 (...), Mäjilis: 98`` or ``174 (64 in the Council, 110 in the House)``."""
    matches = list(_SEATS.finditer(entry.value))
    total = re.match(r"\s*(?P<n>\d+)\b(?!\s*in\b)", entry.value)
    if not matches and total:
        ev = evidence(article, entry, entry.start + total.start("n"), entry.start + total.end("n"))
        article.add(article.legislature, "numberOfSeats", int(total.group("n")), ev, rule="members")
        for m in _SEATS_IN.finditer(entry.value):
            chamber = _entity(article, entry, m.group("name").strip(), "chamber", m.start("name"))
            ev = evidence(article, entry, entry.start + m.start(), entry.start + m.end())
            article.add(chamber, "numberOfSeats", int(m.group("n")), ev, rule="members")
        return
    for m in matches:
        chamber = _entity(article, entry, m.group("name").strip(), "chamber", m.start("name"))
        ev = evidence(article, entry, entry.start + m.start(), entry.start + m.end())
        article.add(chamber, "numberOfSeats", int(m.group("n")), ev, rule="members")
        if m.group("note"):
            _read_seat_parts(article, entry, chamber, m.start("note"), m.group("note"))


# "34 elected", "15 appointment by the president", "10 appointed by the President"
_SEAT_PART = re.compile(
    r"(?P<n>\d+) (?P<how>(?:(?:directly|indirectly) )?(?:elected|appointed|appointment|chosen"
    r"|nominated|delegated)\b[^,;()]*?)(?=\s*(?:,|;|\)|\band\b|$))",
    re.I,
)


def _read_seat_parts(
    article: Article, entry: InfoboxEntry, chamber: Mention, at: int, note: str
) -> None:
    """The parts of a chamber's seats in brackets after its size: "49 (34 elected and 15
    appointment by the president)". Parts qualified by how they are filled, as in prose."""
    for m in _SEAT_PART.finditer(note):
        start = entry.start + at + m.start()
        ev = evidence(article, entry, start, entry.start + at + m.end())
        how = (("seatsFilledBy", m.group("how").strip()),)
        article.add(chamber, "numberOfSeats", int(m.group("n")), ev, how, rule="members")


def _read_groups(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    chamber = _subject(article, entry, rule)
    groups, problems = parse_groups(entry)
    article.doc.warnings.extend(f"{article.doc.name}: {p}" for p in problems)
    if chamber is None:
        return
    since = _last_election_date(article, entry.index)
    qualifiers: tuple = (("legislativeBody", chamber),)
    if since:
        qualifiers += (("startTime", since),)
    # The seats are those the last election gave: each group took part in it.
    election = election_mention(since, chamber, None, None) if since else None
    for group in groups:
        kind = "group" if group.name.lower().startswith("independ") else "party"
        party = _entity(article, entry, group.name, kind, group.start - entry.start)
        ev = evidence(article, entry, group.start, group.end)
        article.add(party, "partySeats", group.count, ev, qualifiers, rule="political-groups")
        if election is not None and kind == "party" and not group.name.lower().startswith("other"):
            seats = (("seats", group.count),)
            article.add(election, "participant", party, ev, seats, rule="political-groups")


def _last_election_date(article: Article, index: int | None) -> DateValue | None:
    entry = article.doc.entry("Last Election", index)
    return parse_date(entry.value) if entry else None


def _read_election(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    chamber = _subject(article, entry, rule)
    date = parse_date(entry.value)
    if chamber is None or date is None:
        if date is None:
            article.doc.warnings.append(
                f"{article.doc.name}:{entry.line}: not a date: {entry.value!r}"
            )
        return
    election = election_mention(date, chamber, entry.start, entry.end)
    ev = whole(article, entry)
    article.add(election, "pointInTime", date, ev, rule="election")
    article.add(election, "electionFor", chamber, ev, rule="election")
    last = _last_election_date(article, entry.index)
    if entry.base_key.lower() == "next election" and last is not None and last.iso < date.iso:
        # "Last Election: 26 October 2024", "Next Election: 2028": the one follows the other
        before = election_mention(last, chamber, None, None)
        article.add(before, "followedBy", election, ev, rule="next-election")


def election_mention(
    date: DateValue | None, chamber: Mention | None, start: int | None, end: int | None
) -> Mention:
    """An election is named by its date and chamber: ``election-2016-03-20-majilis``."""
    slug = slugify(f"election {date.iso if date else 'undated'}")
    year = date.iso[:4] if date else ""
    if chamber is None:
        return Mention(f"{year} legislative election".strip(), "election", start, end, slug=slug)
    return Mention(
        f"{year} {{}} election".strip(), "election", start, end, slug=slug + "-{}", owner=chamber
    )


def _read_leader(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    """Handled once per index, on the ``Leader`` entry, with its siblings: ``LeaderN Type``
    (else the previous leader's type), ``PartyN`` and ``ElectionN`` (when they took office)."""
    if entry.base_key.lower() != "leader" or not entry.value.strip():
        return
    doc = article.doc
    type_entry = doc.entry("Leader Type", entry.index)
    if type_entry is None:
        earlier = [e for e in doc.entries("Leader Type") if (e.index or 0) < (entry.index or 0)]
        type_entry = earlier[-1] if earlier else None
    if type_entry is None or not type_entry.value.strip():
        doc.warnings.append(f"{doc.name}:{entry.line}: {entry.key!r} has no Leader Type: skipped")
        return
    party_entry = doc.entry("Party", entry.index)
    office = _entity(article, type_entry, type_entry.value.strip(), "office")
    m = re.search(r"\bof (?:the )?(?P<org>.+)$", type_entry.value)
    org_kind = (article.kind_of(m.group("org")) or "chamber") if m else "chamber"
    org = _entity(article, type_entry, m.group("org"), org_kind, m.start("org")) if m else None
    government = re.fullmatch(
        r"(?:(?:first )?deputy )?prime minister", type_entry.value.strip(), re.I
    )
    if government and article.country_name:
        # "Leader2 Type: Prime Minister": the country's head of government, no chair of the house
        title = " ".join(w.capitalize() for w in type_entry.value.split())
        office = Mention(f"{title} of {article.country_name}", "office", office.start, office.end)
    elif org is None and not article.chamber_by_index:
        # "Speaker" of a unicameral legislature: the Speaker of the National Assembly of X.
        org = article.legislature
        title = type_entry.value.strip()
        office = Mention(
            f"{title} of the {{}}", "office", office.start, office.end,
            slug=slugify(title) + "-of-the-{}", owner=org,
        )  # fmt: skip
    if org and not re.match(r"(?:first |vice[- ])?deputy|vice", type_entry.value, re.I):
        article.offices.append((org, office))
    ev = whole(article, type_entry)
    if org:
        article.add(org, "officeOfHead", office, ev, rule="leader")
        article.add(office, "organizationDirected", org, ev, rule="leader")
    # "Bulgantuya Khurelbaatar (acting)": the person, not the remark
    person = _entity(article, entry, re.sub(r"\s*\([^()]*\)$", "", entry.value.strip()), "person")
    both = _lines(article, type_entry, entry)
    qualifiers: tuple = ()
    since = doc.entry("Election", entry.index)
    if since is not None and parse_date(since.value):
        qualifiers = (("startTime", parse_date(since.value)),)
        both = _lines(article, type_entry, since)
    article.add(office, "officeholder", person, both, qualifiers, rule="leader")
    article.add(person, "positionHeld", office, both, qualifiers, rule="leader")
    if org:
        article.add(org, "chairperson", person, both, qualifiers, rule="leader")
    if party_entry and party_entry.value.strip():
        party = _entity(article, party_entry, party_entry.value.strip(), "party")
        article.add(
            person,
            "memberOfParty",
            party,
            _lines(article, entry, party_entry),
            rule="leader",
        )


_YEARS = re.compile(r"^(?P<n>\d+)\s+years?\b", re.I)


def _read_years(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    """``5 years``: a term length in years (the text is kept too)."""
    subject = _subject(article, entry, rule)
    m = _YEARS.match(entry.value.strip())
    if subject is None:
        return
    article.add(subject, "termLengthText", entry.value.strip(), whole(article, entry))
    if m:
        article.add(subject, rule["relation"], int(m.group("n")), whole(article, entry))
    else:
        article.doc.warnings.append(
            f"{article.doc.name}:{entry.line}: {entry.key} is not a number of years: {entry.value!r}"
        )


def _lines(article: Article, first: InfoboxEntry, last: InfoboxEntry) -> Evidence:
    """Evidence spanning consecutive infobox lines (an office line and its holder's)."""
    start, end = min(first.line_start, last.line_start), max(first.line_end, last.line_end)
    return Evidence(
        source=article.doc.name,
        start=start,
        end=end,
        text=article.doc.text[start:end],
        span_start=min(first.start, last.start),
        span_end=max(first.end, last.end),
        origin="infobox",
    )


def _election_date(article: Article) -> DateValue | None:
    entry = article.doc.entry("Election Date")
    return parse_date(entry.value) if entry else None


def _contested_chamber(article: Article) -> Mention | None:
    return article.legislature.owner


_CONTEST = re.compile(r"(?P<n>\d+) seats in (?:the )?(?P<name>.+)$")


def _read_contest(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    """``All 98 seats in the Mäjilis``: what the election is for, and the chamber's size."""
    m = _CONTEST.search(entry.value.strip())
    if m is None:
        article.doc.warnings.append(
            f"{article.doc.name}:{entry.line}: cannot read {entry.key}: {entry.value!r}"
        )
        return
    chamber = _entity(article, entry, m.group("name").strip(), "chamber", m.start("name"))
    ev = whole(article, entry)
    article.add(article.legislature, "electionFor", chamber, ev, rule="election-infobox")
    date = _election_date(article)
    qualifiers = (("pointInTime", date),) if date else ()
    article.add(
        chamber, "numberOfSeats", int(m.group("n")), ev, qualifiers, rule="election-infobox"
    )


def _read_neighbour_year(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    """``Next Year: 2028``: the date of the election named by ``Next Election``."""
    named = article.doc.entry(rule["of"])
    date = parse_date(entry.value)
    if named is None or not named.value.strip() or date is None:
        article.doc.warnings.append(
            f"{article.doc.name}:{entry.line}: {entry.key} {entry.value!r} has no {rule['of']}"
        )
        return
    election = _entity(article, named, named.value.strip(), "election")
    article.add(
        election, "pointInTime", date, _lines(article, named, entry), rule="election-infobox"
    )


_PERCENT = re.compile(r"(?P<pct>\d+(?:\.\d+)?)\s*%")
_SEAT_COUNT = re.compile(r"(?P<n>\d+)\s+seats?\b")


def _read_candidates(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    """``PartyN`` with ``LeaderN``, ``PercentageN``, ``SeatsN`` and ``Last ElectionN``:
    one party's result in this election (and in the previous one)."""
    if entry.base_key.lower() != "party" or not entry.value.strip():
        return
    doc, election = article.doc, article.legislature
    party = _entity(article, entry, entry.value.strip(), "party")
    chamber = _contested_chamber(article)
    leader = doc.entry("Leader", entry.index)
    if leader is not None and leader.value.strip():
        person = _entity(article, leader, leader.value.strip(), "person")
        both = _lines(article, entry, leader)
        date = _election_date(article)
        article.add(party, "chairperson", person, both, (("pointInTime", date),) if date else ())
        article.add(person, "memberOfParty", party, both, rule="election-infobox")
    share = doc.entry("Percentage", entry.index)
    seats = doc.entry("Seats", entry.index)
    _result(article, election, party, chamber, _election_date(article), entry, share, seats)
    last = doc.entry("Last Election", entry.index)
    previous = doc.entry("Previous Election")
    if last is not None and previous is not None and _SEAT_COUNT.search(last.value):
        before = _entity(article, previous, previous.value.strip(), "election")
        year = doc.entry("Previous Year")
        _result(
            article,
            before,
            party,
            chamber,
            parse_date(year.value) if year else None,
            entry,
            last,
            last,
        )


def _result(
    article: Article,
    election: Mention,
    party: Mention,
    chamber: Mention | None,
    date: DateValue | None,
    party_entry: InfoboxEntry,
    share_entry: InfoboxEntry | None,
    seats_entry: InfoboxEntry | None,
) -> None:
    """A party's share of the vote and seats in an election, as the election's participant
    (``pq:P1107``, ``pq:P1410``) and as the party's seats in the chamber."""
    qualifiers: list[tuple[str, object]] = []
    last = party_entry
    share = _PERCENT.search(share_entry.value) if share_entry else None
    if share:
        qualifiers.append(("proportion", Decimal(share.group("pct")) / 100))
        last = share_entry
    seats = None
    if seats_entry is not None:
        seats = _SEAT_COUNT.search(seats_entry.value) or re.fullmatch(
            r"\s*(?P<n>\d+)\s*", seats_entry.value
        )
    if seats:
        qualifiers.append(("seats", int(seats.group("n"))))
        last = seats_entry if seats_entry.line > last.line else last
    ev = _lines(article, party_entry, last)
    article.add(election, "participant", party, ev, tuple(qualifiers), rule="election-infobox")
    if seats:
        held: tuple = (("legislativeBody", chamber),) if chamber else ()
        if date:
            held += (("pointInTime", date),)
        article.add(party, "partySeats", int(seats.group("n")), ev, held, rule="election-infobox")


READ: dict[str, Callable[[Article, InfoboxEntry, dict], None]] = {
    "entity": _read_entity,
    "entities": _read_entities,
    "concepts": _read_entities,
    "class": _read_class,
    "date": _read_date,
    "text": _read_text,
    "chambers": _read_chambers,
    "seats": _read_seats,
    "places": _read_places,
    "groups": _read_groups,
    "leader": _read_leader,
    "election": _read_election,
    "years": _read_years,
    "candidates": _read_candidates,
    "contest": _read_contest,
    "neighbour-year": _read_neighbour_year,
}
