"""Reconciliation: match a user's names (and property values) to kzgraph entities.

The web layer speaks the Reconciliation API (0.2 and the 1.0 draft); everything that
decides a match lives here, so both versions score alike. Names are compared by
their folded keys (``kzgraph.names.fold``: case, accents, transliterations), then
fuzzily (rapidfuzz) for typos. Scores depend only on the query and the entity, never
on the rest of a batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rapidfuzz import fuzz

from kzgraph.names import fold, simplify
from kzgraph.namespaces import KZO, OWL, RDF_TYPE, RDFS, SCHEMA, SKOS, WD, WDT, P
from kzgraph.ontology import KIND_CLASSES, Ontology

MATCH_SCORE = 95.0
MATCH_MARGIN = 10.0
MIN_SCORE = 40.0
PROPERTY_WEIGHT = 0.25
LABEL = RDFS + "label"
ALT_LABEL = SKOS + "altLabel"
DESCRIPTION = SCHEMA + "description"
SAME_AS = OWL + "sameAs"
# Wikidata's own item search calls the QID "qid"; OpenRefine users look for it by that name.
SPECIAL_PROPERTIES = {
    "qid": "Wikidata QID",
    "label": "label",
    "description": "description",
    "alias": "also known as",
    "type": "type",
}


@dataclass(frozen=True)
class Value:
    """A property value: another entity (slug and label) or a literal."""

    slug: str | None
    text: str
    datatype: str | None = None

    def as_extension(self) -> dict:
        """The value as the data extension protocol writes it."""
        if self.slug is not None:
            return {"id": self.slug, "name": self.text}
        kind = (self.datatype or "").rsplit("#", 1)[-1]
        if kind == "integer":
            return {"int": int(self.text)}
        if kind == "decimal":
            return {"float": float(self.text)}
        if kind == "date":
            return {"date": f"{self.text}T00:00:00Z"}
        if kind == "dateTime":
            return {"date": self.text if self.text.endswith("Z") else self.text + "Z"}
        return {"str": self.text}


@dataclass
class Entry:
    slug: str
    label: str
    names: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # folded names
    plain: list[str] = field(default_factory=list)  # simplified names, for prefixes
    types: list[str] = field(default_factory=list)  # kzo class local names
    description: str = ""
    qid: str | None = None
    values: dict[str, list[Value]] = field(default_factory=dict)


@dataclass(frozen=True)
class PropertyCondition:
    pid: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class Query:
    text: str = ""
    types: tuple[str, ...] = ()
    type_strict: str = "any"
    limit: int = 10
    properties: tuple[PropertyCondition, ...] = ()


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    match: bool
    features: tuple[tuple[str, str, float], ...]  # (id, name, value)


class EntityIndex:
    """Every entity of the dataset with its names, types and property values."""

    def __init__(self, store: ox.Store, ontology: Ontology, base_iri: str) -> None:
        self.entity_base = f"{base_iri}entity/"
        self.ontology = ontology
        self.entries: dict[str, Entry] = {}
        self.property_names = {name: self._label_of(name) for name in ontology.relations}
        self.property_names.update(SPECIAL_PROPERTIES)
        self.class_names = {
            cls: re.sub(r"(?<!^)(?=[A-Z])", " ", cls).lower()
            for cls in sorted(set(KIND_CLASSES.values()))
        }
        self._load(store)
        self.finish()
        self._pid_aliases = self._property_aliases()

    # --- building -----------------------------------------------------------------------

    def _load(self, store: ox.Store) -> None:
        for quad in store.quads_for_pattern(None, None, None, None):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(self.entity_base):
                continue
            slug = s.value[len(self.entity_base) :]
            if p == KZO + "slug":
                self.entries.setdefault(slug, Entry(slug=slug, label=slug))
        for quad in store.quads_for_pattern(None, None, None, None):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(self.entity_base):
                continue
            entry = self.entries.get(s.value[len(self.entity_base) :])
            if entry is None:
                continue
            if p == LABEL and isinstance(o, ox.Literal):
                if o.language == "en":
                    entry.label = o.value
                entry.names.append(o.value)
            elif p == ALT_LABEL and isinstance(o, ox.Literal):
                entry.names.append(o.value)
            elif p == DESCRIPTION and isinstance(o, ox.Literal):
                entry.description = o.value
            elif p == SAME_AS and o.value.startswith(WD):
                entry.qid = o.value[len(WD) :]
            elif p == RDF_TYPE and o.value.startswith(KZO):
                entry.types.append(o.value[len(KZO) :])
            elif (
                p.startswith(KZO) and p[len(KZO) :] in self.ontology.relations and p != KZO + "slug"
            ):
                entry.values.setdefault(p[len(KZO) :], []).append(self._value(o))
        for entry in self.entries.values():
            entry.names = sorted(set(entry.names), key=lambda n: (n != entry.label, n))
            entry.keys = sorted({fold(n) for n in entry.names} - {""})
            entry.plain = sorted({simplify(n) for n in entry.names} - {""})
            entry.types.sort()
            for values in entry.values.values():
                values.sort(key=lambda v: (v.slug or "", v.text))

    def _value(self, term) -> Value:
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.entity_base):
            return Value(
                slug=term.value[len(self.entity_base) :], text=term.value[len(self.entity_base) :]
            )
        if isinstance(term, ox.Literal):
            return Value(
                slug=None, text=term.value, datatype=term.datatype.value if term.datatype else None
            )
        return Value(slug=None, text=term.value)

    def finish(self) -> None:
        """Give entity values their labels (once every entity is loaded)."""
        for entry in self.entries.values():
            for name, values in entry.values.items():
                entry.values[name] = [
                    Value(v.slug, self.entries[v.slug].label, v.datatype)
                    if v.slug in self.entries
                    else v
                    for v in values
                ]

    def _label_of(self, relation: str) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", " ", relation).lower()

    def _property_aliases(self) -> dict[str, str]:
        aliases = {}
        for name, rel in self.ontology.relations.items():
            aliases[name.lower()] = name
            aliases[fold(self.property_names[name])] = name
            if rel.pid:
                aliases.setdefault(rel.pid.lower(), name)
        for name in SPECIAL_PROPERTIES:
            aliases[name] = name
        aliases["p31"] = "type"
        return aliases

    # --- lookups ------------------------------------------------------------------------

    def property_id(self, pid: str) -> str | None:
        """A property named by its native id, Wikidata PID or label."""
        key = pid.strip()
        for prefix in (
            KZO,
            WDT,
            P,
        ):
            key = key.removeprefix(prefix)
        return self._pid_aliases.get(key.lower()) or self._pid_aliases.get(fold(key))

    def type_id(self, type_: str) -> str | None:
        """A type named by its class (Chamber), its IRI, or its Wikidata class (Q10553309)."""
        key = type_.strip().removeprefix(KZO).removeprefix(WD)
        if key in self.class_names:
            return key
        for cls, qid in self.ontology.class_qids.items():
            if key == qid:
                return cls
        for cls, name in self.class_names.items():
            if fold(key) in (fold(cls), fold(name)):
                return cls
        return None

    def by_id(self, text: str) -> Entry | None:
        """An entity named by its IRI, slug or Wikidata QID."""
        key = text.strip()
        key = key.removeprefix(self.entity_base)
        if key in self.entries:
            return self.entries[key]
        qid = key.removeprefix(WD).removeprefix("wd:")
        if re.fullmatch(r"Q[1-9]\d*", qid):
            return next((e for e in self.entries.values() if e.qid == qid), None)
        return None

    def values(self, entry: Entry, pid: str) -> list[Value]:
        if pid == "qid":
            return [Value(None, entry.qid)] if entry.qid else []
        if pid == "label":
            return [Value(None, entry.label)]
        if pid == "description":
            return [Value(None, entry.description)] if entry.description else []
        if pid == "alias":
            return [Value(None, n) for n in entry.names if n != entry.label]
        if pid == "type":
            return [Value(t, self.class_names.get(t, t)) for t in entry.types]
        return entry.values.get(pid, [])

    # --- matching -----------------------------------------------------------------------

    def reconcile(self, query: Query) -> list[Candidate]:
        exact = self.by_id(query.text) if query.text else None
        wanted = {t for t in (self.type_id(x) for x in query.types) if t}
        if query.types and not wanted:
            return []  # a type this service does not have
        candidates = []
        for entry in [exact] if exact else self.entries.values():
            typed = not wanted or bool(wanted & set(entry.types))
            if not typed and query.type_strict != "should":
                continue
            candidate = self._score(entry, query, exact is not None, typed)
            if candidate.score >= MIN_SCORE:
                candidates.append(candidate)
        candidates.sort(key=lambda c: (-c.score, c.entry.label, c.entry.slug))
        candidates = candidates[: max(1, query.limit)]
        if candidates:
            top = candidates[0]
            runner_up = candidates[1].score if len(candidates) > 1 else 0.0
            confident = top.score >= MATCH_SCORE and top.score - runner_up >= MATCH_MARGIN
            candidates[0] = Candidate(top.entry, top.score, confident, top.features)
        return candidates

    def _score(self, entry: Entry, query: Query, by_id: bool, typed: bool) -> Candidate:
        features: list[tuple[str, str, float]] = []
        if by_id:
            name = 100.0
            features.append(("id_match", "the query is this entity's IRI, slug or QID", 100.0))
        elif query.text:
            name = name_score(query.text, entry.keys)
            features.append(
                (
                    "name",
                    "name similarity (case, accents and transliteration folded)",
                    round(name, 2),
                )
            )
        else:
            name = None
        prop_scores = []
        for condition in query.properties:
            pid = self.property_id(condition.pid)
            matched = pid is not None and any(
                value_matches(v, self.values(entry, pid), self) for v in condition.values
            )
            prop_scores.append(100.0 if matched else 0.0)
            features.append(
                (
                    f"property:{condition.pid}",
                    f"value of {condition.pid} matches",
                    100.0 if matched else 0.0,
                )
            )
        if not typed:
            features.append(("type_mismatch", "not of the requested type", 1.0))
        if name is None:
            score = sum(prop_scores) / len(prop_scores) if prop_scores else 0.0
        elif prop_scores:
            score = (
                name * (1 - PROPERTY_WEIGHT)
                + (sum(prop_scores) / len(prop_scores)) * PROPERTY_WEIGHT
            )
        else:
            score = name
        if not typed:
            score *= 0.8
        return Candidate(entry, round(score, 2), False, tuple(features))

    def suggest(self, prefix: str, kinds: set[str] | None = None) -> list[Entry]:
        """Entities with a name starting with ``prefix`` (any word of it), best first."""
        # A prefix is a word being typed: "Maz" has not yet become "Mazh".
        pairs = [(fold(prefix), "keys"), (simplify(prefix), "plain")]
        if not pairs[0][0] and not pairs[1][0]:
            return []
        ranked = []
        for entry in self.entries.values():
            if kinds and not kinds & set(entry.types):
                continue
            rank = min(
                (
                    0
                    if k.startswith(key)
                    else 1
                    if any(w.startswith(key) for w in k.split())
                    else 9
                    for key, attribute in pairs
                    if key
                    for k in getattr(entry, attribute)
                ),
                default=9,
            )
            if rank < 9:
                ranked.append((rank, entry.label, entry.slug, entry))
        return [e for *_, e in sorted(ranked)]


def name_score(text: str, keys: list[str]) -> float:
    query = fold(text)
    if not query:
        return 0.0
    best = 0.0
    for key in keys:
        if key == query:
            return 100.0
        best = max(best, fuzz.WRatio(query, key) * 0.98, fuzz.token_sort_ratio(query, key))
    return min(best, 99.0)


def value_matches(given: object, values: list[Value], index: EntityIndex) -> bool:
    """Does a user's value (string, number, date, {id,name}) match one of the entity's values?"""
    if isinstance(given, dict):
        ident = str(given.get("id", "")).strip()
        target = index.by_id(ident) if ident else None
        if target is not None:
            return any(v.slug == target.slug for v in values)
        given = given.get("name", "")
    if isinstance(given, bool):
        return False
    if isinstance(given, int | float):
        return any(_number(v.text) == Decimal(str(given)) for v in values)
    text = str(given).strip()
    if not text:
        return False
    target = index.by_id(text)
    if target is not None and any(v.slug == target.slug for v in values):
        return True
    number = _number(text)
    if number is not None and any(_number(v.text) == number for v in values):
        return True
    key = fold(text)
    for v in values:
        if v.datatype and "date" in v.datatype.lower() and v.text[: len(text)] == text:
            return True
        if fold(v.text) == key or (
            v.slug and index.entries.get(v.slug) and key in index.entries[v.slug].keys
        ):
            return True
    return False


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None
