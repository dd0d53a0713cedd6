"""Resolve mentions to canonical entities.

Names are compared by a *folded key* that ignores case, accents, punctuation and the
common ways Kazakh names are transliterated into English (Mäjilis = Mazhilis =
Majilis, Qoşanov = Koshanov, Aq Jol = Ak Zhol), so a new article needs no table
edits. A mention no table lists gets a deterministic slug derived from its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from kzgraph.extract.facts import ORDINAL_WORDS, DateValue, Evidence, Fact, Mention
from kzgraph.names import fold, key_variants, slugify

KINDS = (
    "legislature",
    "chamber",
    "office",
    "position",
    "person",
    "party",
    "group",
    "election",
    "referendum",
    "organization",
    "place",
    "country",
    "constitution",
    "convocation",
    "event",
    "concept",
    "title",
)


@dataclass
class Entity:
    slug: str
    kind: str
    label: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    local_aliases: list[str] = field(default_factory=list)
    within: str | None = None  # the country slug whose articles use ``local_aliases``
    demonyms: list[str] = field(default_factory=list)
    qid: str | None = None
    description: str | None = None
    from_table: bool = False

    def names(self) -> list[str]:
        return [self.label, *self.labels.values(), *self.aliases, *self.local_aliases]


def load_table(path: str | Path) -> list[Entity]:
    """Read ``mappings/entities.yaml``; raises ValueError naming the bad row."""
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    entities, seen = [], set()
    for number, row in enumerate(rows, 1):
        missing = {"slug", "kind", "label"} - set(row)
        if missing:
            raise ValueError(f"{path}: row {number} lacks {', '.join(sorted(missing))}")
        if row["kind"] not in KINDS:
            raise ValueError(f"{path}: row {number} has unknown kind {row['kind']!r}")
        if row["slug"] in seen or row["slug"] != slugify(row["slug"]):
            raise ValueError(f"{path}: row {number} slug {row['slug']!r} is repeated or not ASCII")
        qid = row.get("qid")
        if qid in (None, "unknown"):
            qid = None
        elif not re.fullmatch(r"Q[1-9]\d*", str(qid)):
            raise ValueError(f"{path}: row {number} qid {qid!r} is not a Wikidata item ID")
        seen.add(row["slug"])
        entities.append(
            Entity(
                slug=row["slug"],
                kind=row["kind"],
                label=row["label"],
                labels=dict(row.get("labels") or {}),
                aliases=list(row.get("aliases") or []),
                local_aliases=list(row.get("local_aliases") or []),
                within=row.get("within"),
                demonyms=list(row.get("demonyms") or []),
                qid=qid,
                description=row.get("description"),
                from_table=True,
            )
        )
    return entities


class Resolver:
    """Maps names to entities for one build; ``context`` is the legislature being read.

    Table entities are found by any of their names; ``local_aliases`` only count while
    reading an article about their ``within`` legislature. Names learned from an article
    (its infobox, abbreviations it introduces) stay local to that article.
    """

    def __init__(self, table: list[Entity]) -> None:
        self.entities: dict[str, Entity] = {e.slug: e for e in table}
        self._global: dict[str, str] = {}
        self._local: dict[str, dict[str, str]] = {}
        self._context: str | None = None
        self._country = ""
        self._article: dict[str, str] = {}
        self._party_stems: dict[str, str] = {}  # folded stem -> slug, this article's parties
        for entity in table:
            for name in [entity.label, *entity.labels.values(), *entity.aliases]:
                self._global.setdefault(fold(name), entity.slug)
            if entity.within:
                scope = self._local.setdefault(entity.within, {})
                for name in entity.local_aliases:
                    scope.setdefault(fold(name), entity.slug)

    def begin_article(self, subject: Mention, country: str = "") -> Entity:
        """Start reading an article about ``subject`` (a legislature, chamber or election)
        in ``country``; returns its entity. Names the article introduces, local aliases and
        the slugs of new chambers, offices, parties and groups are scoped to the country,
        so another country's "Senate" or "Independents" is another entity."""
        self._article = {}
        self._party_stems = {}
        self._country = country
        self._context = self.country_slug(country)
        entity = self.entity_for(subject)
        if " of " in subject.name and subject.kind != "election":
            # In "Parliament of Finland", "the Parliament" is the article's subject.
            self.learn(subject.name.split(" of ")[0], entity)
        return entity

    def country_slug(self, country: str) -> str:
        """The slug of a country named in full or by its demonym ("Kazakh" -> kazakhstan)."""
        if not country:
            return ""
        key = fold(country)
        for entity in self.entities.values():
            if entity.kind == "country" and key in {
                fold(n) for n in entity.names() + entity.demonyms
            }:
                return entity.slug
        return slugify(country)

    def country_in(self, text: str) -> str:
        """The country a title names by its demonym ("2023 Kazakh legislative election")."""
        words = set(fold(text).split())
        for entity in self.entities.values():
            if entity.kind == "country" and any(fold(d) in words for d in entity.demonyms):
                return entity.label
        return ""

    def entity_for(self, mention: Mention) -> Entity:
        """The entity a mention denotes; rules that name their entity (elections) pass a slug."""
        name, slug = mention.name, mention.slug
        if mention.owner is not None:
            owner = self.entity_for(mention.owner)
            name, slug = name.format(owner.label), (slug or "").format(owner.slug)
        entity = self.resolve(name, mention.kind, slug=slug)
        spelled = _ordinal_spelled(name)
        if spelled and spelled not in entity.names():
            entity.aliases.append(spelled)  # "7th convocation" is "seventh convocation" too
        if mention.description and not entity.description:
            entity.description = mention.description
        return entity

    def lookup(self, name: str, kind: str | None = None) -> Entity | None:
        """The known entity a name denotes, or None."""
        scopes = [self._article, self._local.get(self._context or "", {}), self._global]
        for key in key_variants(name):
            for scope in scopes:
                slug = scope.get(key)
                if slug and (kind is None or _compatible(self.entities[slug].kind, kind)):
                    return self.entities[slug]
        return None

    def resolve(self, name: str, kind: str, slug: str | None = None) -> Entity:
        """The entity for ``name``, creating one with a deterministic slug if none is known."""
        name = name.strip()
        mention_slug = slug
        if slug is None:
            found = self.lookup(name, kind) or (self._same_party(name) if kind == "party" else None)
            if found:
                self.learn(name, found)  # "Yerlan Koshanov" for "Erlan Koshanov": a label too
                return found
            slug = slugify(name)
            # "Senate", "Speaker", "Agrarian Party", "Independents" exist in many countries:
            # new ones are qualified by the article's country.
            if kind in SCOPED_KINDS and self._country and fold(self._country) not in fold(name):
                slug = slugify(f"{name} {self._country}")
        existing = self.entities.get(slug)
        if existing is None:
            label = self._qualified(name, kind)
            # "People's Democratic Party" qualified is the "People's Democratic Party of
            # Tajikistan" the article may already have named in full, and the other way round.
            found = self.lookup(label, kind) if label != name and mention_slug is None else None
            if found is not None:
                self.learn(name, found)
                return found
            existing = Entity(slug=slug, kind=kind, label=label)
            self.entities[slug] = existing
            if label != name:
                self.learn(label, existing)
        self.learn(name, existing)
        return existing

    def _same_party(self, name: str) -> Entity | None:
        """The party of this article that ``name`` is a shorter or a longer name of (not one
        that only shares a stem: "Blue Social Party" is not the "Blue People's Party")."""
        found = [self._party_stems.get(fold(name))]
        found += [self._article.get(fold(stem)) for stem in party_stems(name, self._country)]
        for slug in found:
            if slug and self.entities[slug].kind == "party":
                return self.entities[slug]
        return None

    def _qualified(self, name: str, kind: str) -> str:
        """A new entity's label: a name made of common words only ("National Assembly",
        "Agrarian Party", "Chairman of the Senate") is qualified by its country, as
        encyclopedias title them ("Agrarian Party of Tajikistan"); proper names stay."""
        if kind not in QUALIFIED_KINDS or not self._country or fold(self._country) in fold(name):
            return name
        words = [fold(w) for w in re.findall(r"[\w’']+", name)]
        if words and all(w in _GENERIC_KEYS for w in words):
            return f"{name} of {self._country}"
        return name

    def learn(self, name: str, entity: Entity, shared: bool = False) -> None:
        """Remember that, in this article (and, if ``shared``, in every article about the
        same country), ``name`` denotes ``entity``."""
        self._article.setdefault(fold(name), entity.slug)
        if entity.kind == "party":
            for stem in party_stems(name, self._country):
                self._party_stems.setdefault(fold(stem), entity.slug)
        if shared and self._context:
            self._local.setdefault(self._context, {}).setdefault(fold(name), entity.slug)
        if name != entity.label and name not in entity.names():
            (entity.local_aliases if entity.from_table else entity.aliases).append(name)

    def known_names(self) -> dict[str, str]:
        """Every folded name usable in the current article, mapped to its slug."""
        names = dict(self._global)
        names.update(self._local.get(self._context or "", {}))
        names.update(self._article)
        return names


def party_stems(name: str, country: str) -> list[str]:
    """The shorter names a party goes by in an article about ``country``: without "of (the
    Republic of) <country>" ("Ecological Party of Norlandia" is the "Ecological Party"), and
    its proper words without the common ones after them ("Adolat Social Democratic Party" is
    "Adolat"; "Democratic Party of X" is not "Democratic", a word many parties share)."""
    stems: list[str] = []
    words = name.split()
    if not words or words[0].lower() in _LINKS or words[-1].lower() in _LINKS:
        return stems  # a name cut badly ("... of Kyrgyzstan and") is no name to shorten
    if country:
        m = re.fullmatch(rf"(.+?) of (?:the )?(?:Republic of )?{re.escape(country)}", name)
        if m:
            stems.append(m.group(1))
            name = m.group(1)
    words = name.split()
    while len(words) > 1 and fold(words[-1]) in _GENERIC_KEYS:
        words.pop()
        if any(fold(w) not in _GENERIC_KEYS for w in words) and fold(words[-1]) not in _LINKS:
            stems.append(" ".join(words))
    return stems


_LINKS = {"of", "the", "and", "for"}


def _compatible(found: str, wanted: str) -> bool:
    bodies = {"legislature", "chamber"}
    groups = {"party", "group"}
    return found == wanted or {found, wanted} <= bodies or {found, wanted} <= groups


SCOPED_KINDS = {"legislature", "chamber", "office", "party", "group", "convocation"}
QUALIFIED_KINDS = {"legislature", "chamber", "office", "party"}
# Words of institution and party names that many countries share.
GENERIC_WORDS = {
    "of", "the", "and", "for", "assembly", "national", "supreme", "council", "senate", "chamber",
    "house", "parliament", "representatives", "deputies", "people's", "peoples", "people",
    "party", "democratic", "socialist", "communist", "agrarian", "social", "liberal",
    "conservative", "green", "greens", "labour", "labor", "economic", "reform", "reforms",
    "republican", "republic", "united", "unity", "justice", "progress", "development", "civic",
    "solidarity", "law", "order", "homeland", "fatherland", "chairman", "chairwoman", "chair",
    "chairperson", "speaker", "deputy", "first", "vice", "president", "presidium", "state",
    "federal", "federation", "legislative", "upper", "lower", "popular", "front", "movement",
    "union", "alliance", "bloc", "new", "free", "freedom", "rural", "farmers", "workers",
    "patriotic", "patriots", "women", "youth", "christian", "islamic", "renaissance",
    "consultative", "constitutional", "court", "government", "prime", "minister", "cabinet",
}  # fmt: skip
_GENERIC_KEYS = {fold(w) for w in GENERIC_WORDS}  # folded as names are ("assembly" -> "asembly")

ClaimValue = Entity | DateValue | int | Decimal | str


@dataclass(frozen=True)
class Claim:
    """A Fact whose mentions are resolved to entities."""

    subject: Entity
    relation: str
    value: ClaimValue
    evidence: Evidence
    qualifiers: tuple[tuple[str, ClaimValue], ...] = ()
    rule: str = ""


def _ordinal_spelled(name: str) -> str | None:
    """ "7th convocation of the X" in words ("seventh convocation of the X"), as texts and
    reference works write it; None unless the name starts with an ordinal in digits."""
    m = re.match(r"(\d+)(?:st|nd|rd|th)\b", name)
    if m is None or int(m.group(1)) not in _ORDINALS_SPELLED:
        return None
    return _ORDINALS_SPELLED[int(m.group(1))] + name[m.end() :]


_ORDINALS_SPELLED = {i: w for w, i in ORDINAL_WORDS.items()}


def learn_aliases(facts: list[Fact], resolver: Resolver) -> None:
    """Other names the text gives a thing ("also spelled ...", an election's usual name):
    mentions under those names, in this article and in the country's others, are the same
    entity."""
    for f in facts:
        if f.relation == "alias" and isinstance(f.value, str):
            resolver.learn(f.value, resolver.entity_for(f.subject), shared=True)


def resolve_facts(facts: list[Fact], resolver: Resolver) -> list[Claim]:
    """Resolve every mention in ``facts`` (call after ``begin_article`` for their article)."""

    def value(v: object) -> ClaimValue:
        return resolver.entity_for(v) if isinstance(v, Mention) else v  # type: ignore[return-value]

    learn_aliases(facts, resolver)
    facts = [f for f in facts if f.relation != "alias"]
    return [
        Claim(
            subject=resolver.entity_for(f.subject),
            relation=f.relation,
            value=value(f.value),
            evidence=f.evidence,
            qualifiers=tuple((k, value(v)) for k, v in f.qualifiers),
            rule=f.rule,
        )
        for f in facts
    ]
