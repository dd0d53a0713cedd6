"""Infobox rules: each key is read as ``mappings/infobox.yaml`` says."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from kzgraph.document import InfoboxEntry, parse_groups
from kzgraph.extract.article import Article, split_list
from kzgraph.extract.facts import DateValue, Evidence, Mention, parse_date
from kzgraph.names import slugify

READERS = [
    "entity",
    "entities",
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
    "ignore",
]


def load_rules(path: str | Path) -> dict[str, dict]:
    """Read the infobox mapping; raises ValueError naming a bad key."""
    rules = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    for key, rule in rules.items():
        if not isinstance(rule, dict) or rule.get("read") not in READERS:
            raise ValueError(f"{path}: key {key!r} needs read: one of {', '.join(READERS)}")
        needs_relation = rule["read"] in ("entity", "entities", "concepts", "class", "date", "text")
        if needs_relation and "relation" not in rule:
            raise ValueError(f"{path}: key {key!r} needs a relation")
    return {key.lower(): rule for key, rule in rules.items()}


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


def read_infobox(article: Article, rules: dict[str, dict]) -> None:
    """Extract every infobox entry; unmapped keys become warnings, never silent."""
    doc = article.doc
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
                f"{doc.name}:{entry.line}: infobox key {entry.key!r} is not in mappings/infobox.yaml"
            )
            continue
        if not entry.value.strip() or rule["read"] in ("ignore", "house"):
            continue
        READ[rule["read"]](article, entry, rule)


def _subject(article: Article, entry: InfoboxEntry, rule: dict) -> Mention | None:
    if rule.get("subject") != "chamber" or entry.index is None:
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
    if subject:
        value = _entity(article, entry, entry.value.strip(), rule.get("kind", "organization"))
        article.add(subject, rule["relation"], value, whole(article, entry), rule="infobox")


def _read_entities(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    subject = _subject(article, entry, rule)
    if subject is None:
        return
    kind = rule.get("kind", "organization")
    # A concept's name may contain "and" ("Appointment by the President and ..."): commas only.
    for name, offset in split_list(entry.value, conjunctions=kind != "concept"):
        value = _entity(article, entry, name, kind, offset)
        if kind == "concept":
            value = Mention(name, kind, value.start, value.end)
        ev = evidence(article, entry, value.start or 0, value.end or 0)
        article.add(subject, rule["relation"], value, ev, rule="infobox")


def _read_class(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    qid = {k.lower(): v for k, v in rule.get("values", {}).items()}.get(entry.value.lower())
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
ROLE_CLASSES = {"upper": "wd:Q637846", "lower": "wd:Q375928"}


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


def _read_seats(article: Article, entry: InfoboxEntry, rule: dict) -> None:
    matches = list(_SEATS.finditer(entry.value))
    if not matches and entry.value.strip().isdigit():
        article.add(article.legislature, "numberOfSeats", int(entry.value), whole(article, entry))
    for m in matches:
        chamber = _entity(article, entry, m.group("name").strip(), "chamber", m.start("name"))
        ev = evidence(article, entry, entry.start + m.start(), entry.start + m.end())
        article.add(chamber, "numberOfSeats", int(m.group("n")), ev, rule="members")


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
    for group in groups:
        kind = "group" if group.name.lower().startswith("independ") else "party"
        party = _entity(article, entry, group.name, kind, group.start - entry.start)
        ev = evidence(article, entry, group.start, group.end)
        article.add(party, "partySeats", group.count, ev, qualifiers, rule="political-groups")


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
    """Handled once per index, on the ``Leader Type`` entry, with its siblings."""
    if entry.base_key.lower() != "leader type":
        return
    doc = article.doc
    person_entry = doc.entry("Leader", entry.index)
    party_entry = doc.entry("Party", entry.index)
    office = _entity(article, entry, entry.value.strip(), "office")
    m = re.search(r"\bof (?:the )?(?P<org>.+)$", entry.value)
    org_kind = (article.kind_of(m.group("org")) or "chamber") if m else "chamber"
    org = _entity(article, entry, m.group("org"), org_kind, m.start("org")) if m else None
    ev = whole(article, entry)
    if org:
        article.add(org, "officeOfHead", office, ev, rule="leader")
        article.add(office, "organizationDirected", org, ev, rule="leader")
    if person_entry is None or not person_entry.value.strip():
        return
    person = _entity(article, person_entry, person_entry.value.strip(), "person")
    both = _lines(article, entry, person_entry)
    article.add(office, "officeholder", person, both, rule="leader")
    article.add(person, "positionHeld", office, both, rule="leader")
    if org:
        article.add(org, "chairperson", person, both, rule="leader")
    if party_entry and party_entry.value.strip():
        party = _entity(article, party_entry, party_entry.value.strip(), "party")
        article.add(
            person,
            "memberOfParty",
            party,
            _lines(article, person_entry, party_entry),
            rule="leader",
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


READ: dict[str, Callable[[Article, InfoboxEntry, dict], None]] = {
    "entity": _read_entity,
    "entities": _read_entities,
    "concepts": _read_entities,
    "class": _read_class,
    "date": _read_date,
    "text": _read_text,
    "chambers": _read_chambers,
    "seats": _read_seats,
    "groups": _read_groups,
    "leader": _read_leader,
    "election": _read_election,
}
