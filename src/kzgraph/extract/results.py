"""Results of elections read from the prose: each party's seats and share of the vote, in
sentences ("Nur Otan won 84 seats with 82.20% of the list vote", "the YAP 61 seats and
independents 46", "two went to the X Party") and in lists under words that say so ("Seats won
in the party-list constituency:" then "- United Russia: 126"). Seats are told of the party
(partySeats, with the chamber and the date of the paragraph's election) and of the election
(a participant with its seats or share).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from spacy.tokens import Token

from kzgraph.document import Sentence
from kzgraph.extract.article import Article
from kzgraph.extract.clause import (
    ELECTION_SECTION,
    SEAT_WORDS,
    WIN_VERBS,
    Clause,
    Name,
    Reading,
    chamber_of,
    clause_evidence,
    name_mention,
)
from kzgraph.extract.numbers import number_at


def results(article: Article, reading: Reading, clause: Clause) -> None:
    """Seats and vote shares of parties: "the YAP 61 seats and independents 46", "Nur Otan
    won 84 seats with 82.20% of the list vote", "two went to the X Party", "Eight more
    parties won one seat each: A, B, ..."."""
    parties = clause.names_of("party", "group")
    if not parties:
        return
    seat_sentence = any(t.lower_ in SEAT_WORDS for t in clause.doc)
    taken: set[int] = set()
    in_dates = [(d.start or 0, d.end or 0) for d in clause.dates]
    for token in clause.doc:
        value = _count(token)
        if value is None or token.idx in taken:
            continue
        if any(a <= token.idx < b for a, b in in_dates):
            continue  # the day of "on 10 December 1994"
        after = [t.lower_ for t in clause.doc[token.i + 1 : token.i + 4]]
        before = clause.doc[token.i - 1].lower_ if token.i > 0 else ""
        if before in ("of", "from", "all", "the") and after[:1] and after[0] in SEAT_WORDS:
            continue  # "42 of the 77 seats", "from 107 to 98"
        if any(
            w
            in (
                "%",
                "percent",
                "per",
                "votes",
                "candidates",
                "constituencies",
                "districts",
                "years",
                "year",
                "decades",
                "months",
                "weeks",
                "days",
                "times",
                "rounds",
                "terms",
                "names",
                "observers",
                "voters",
                "more",
                "fewer",
                "less",
            )
            for w in after[:1]
        ):
            continue  # "two more than in 2016": a difference, not a count
        if before == "every" and after[:1] == ["of"]:
            continue  # "took every one of the 98 seats"
        if before in ("from",) or (after[:1] == ["to"] and not seat_sentence):
            continue
        owners = _owners(clause, token, parties, after)
        if not owners or not (
            seat_sentence or after[:1] and after[0] in SEAT_WORDS or _of_the_members(clause, token)
        ):
            continue
        for party in owners:
            _seats(article, reading, clause, party, value, token)
        taken.add(token.idx)
    for party, share, token in _shares(clause, parties):
        _share(article, reading, clause, party, share, token)


_RESULTS_INTRO = re.compile(r"\b(?:seats?|results?|won|composition|elected)\b[^.]*:\s*$", re.I)
# "- United Russia: 126", "- Citizens' groups: 6", "- Self Reliance (Samopomich): 10.97%, 33",
# "- Blue Way (Sinine Tee), 29", "- Blue Way, 17.30% (15 seats)": a name, then its count
_LISTED_SEATS = re.compile(
    r"^(?P<name>[^:(),]+?)\s*(?:\([^()]*\))?(?P<sep>:|,)\s*(?:(?P<pct>\d+(?:\.\d+)?)\s*%\s*,?\s*)?"
    r"(?:(?P<n>\d+)(?:\s+seats?)?\s*(?:\((?P<parts>[^()]*)\))?"
    r"|\((?P<n2>\d+) seats?\))\s*\.?$"
)
# "- Servant of the People: 254 (124 list, 130 district)": the parts of the whole
_LISTED_PART = re.compile(
    r"\b(?P<n>\d+) (?P<way>(?:party[- ])?list|districts?|constituenc\w*|single-\w+)"
)
# A section of one election's results: "=== 2019 ===", "== Results =="
_RESULTS_SECTION = re.compile(r"\s*results\s*", re.I)
# how the listed seats were filled, as the introduction says ("in the party-list constituency")
_LISTED_WAY = re.compile(
    r"\b(?:in|from|by) (?:the )?(?:single-member|single-mandate|party-list|party list|national list"
    r"|proportional|district|constituenc)[\w\- ]*",
    re.I,
)


def listed_results(article: Article, reading: Reading, clause: Clause) -> None:
    """Seats given as a list after words that say so: "Seats won in the party-list
    constituency:" then "- United Russia: 126" (the seat word left out of the items)."""
    if not clause.sentence.item:
        reading.listing = clause.text if _RESULTS_INTRO.search(clause.text) else None
        return
    m = _LISTED_SEATS.match(clause.text.strip())
    listing = reading.listing
    section = clause.sentence.section
    if listing is None and (
        ELECTION_SECTION.fullmatch(section) or _RESULTS_SECTION.fullmatch(section)
    ):
        listing = ""  # the items of a section on one election's results, without a lead-in
    if listing is None or m is None or reading.election is None:
        return
    start = clause.sentence.start
    if any(f.relation == "partySeats" and f.evidence.start == start for f in article.facts):
        return  # results() read the item: its party was a name the analysis knew
    name = m.group("name").strip()
    at = clause.text.find(name)
    # what a results list lists is a party or a group ("Self Reliance" is no person here)
    named = [n for n in clause.names_of("party", "group") if n.start == at and n.text == name]
    party = named[0] if named else Name(name, "party", at, at + len(name))
    if reading.listing:  # what words said are results: later sentences agree
        article.learn(party.text, party.kind)
    count = m.group("n") or m.group("n2")
    value = int(count)
    if m.group("sep") == "," and not m.group("pct") and 1800 <= value <= 2100:
        return  # "- Anna Berg, 1991": a year after a comma is no count
    token = next(t for t in clause.doc if t.idx >= clause.text.rfind(count))
    way = _LISTED_WAY.search(listing)
    _seats(article, reading, clause, party, value, token, way.group().strip() if way else None)
    for part in _LISTED_PART.finditer(m.group("parts") or ""):
        at = clause.text.find(part.group(), m.start("parts"))
        part_token = next(t for t in clause.doc if t.idx >= at)
        count = int(part.group("n"))
        _seats(article, reading, clause, party, count, part_token, part.group("way"), part=True)
    if m.group("pct"):
        share = next(t for t in clause.doc if t.idx >= m.start("pct"))
        _share(article, reading, clause, party, Decimal(m.group("pct")), share)


# "had 105 members; the Blue Party won fifty-eight of them": a share of the members told before
_OF_THEM = re.compile(r"\s+of them\b")
_MEMBERS_BEFORE = re.compile(r"\b\d+ (?:members|deputies|seats|mandates)\b")


def _of_the_members(clause: Clause, token: Token) -> bool:
    """The count is won "of them", the members the sentence counted before it."""
    at = token.idx + len(token.text)
    return bool(
        _OF_THEM.match(clause.text, at)
        and _MEMBERS_BEFORE.search(clause.text, 0, token.idx)
        and _winner(clause, token, clause.names_of("party", "group")) is not None
    )


def listed_parties(sentences: list[Sentence]) -> Iterator[str]:
    """The names of a list of results, as listed_results reads them, for the sentences that
    name them again ("Voice 5.82%" after "- Voice (Holos): 20")."""
    listing: str | None = None
    for sentence in sentences:
        if not sentence.item:
            listing = sentence.text if _RESULTS_INTRO.search(sentence.text) else None
            continue
        section = ELECTION_SECTION.fullmatch(sentence.section) or _RESULTS_SECTION.fullmatch(
            sentence.section
        )
        m = _LISTED_SEATS.match(sentence.text.strip())
        if m is None or (listing is None and not section):
            continue
        if m.group("sep") == "," and not m.group("pct") and 1800 <= int(m.group("n") or 0) <= 2100:
            continue
        yield m.group("name").strip()


def _count(token: Token) -> int | None:
    """A count written in digits or words, not a year, a date or a percentage."""
    if token.ent_type_ in ("DATE", "PERCENT", "TIME", "MONEY", "ORDINAL") and not token.like_num:
        return None
    if token.ent_type_ in ("PERCENT",):
        return None
    value = number_at(token)  # "thirty-one" is three tokens: the last one counts
    if value is None or (1800 <= value <= 2100 and token.text.isdigit()):
        return None
    nxt = token.nbor(1).text if token.i + 1 < len(token.doc) else ""
    if nxt in ("%", ".") and token.i + 2 < len(token.doc) and token.nbor(2).like_num:
        return None
    if "." in token.text or "," in token.text and value < 1000:
        return None
    return value


def _owners(clause: Clause, token: Token, parties: list[Name], after: list[str]) -> list[Name]:
    """Which parties a seat count belongs to."""
    doc = clause.doc
    following = doc[token.i + 1 : token.i + 8]
    words = [t.lower_ for t in following]
    # "two went to the X Party", "five seats for the OSDP"
    for i, w in enumerate(words[:5]):
        if w in ("to", "for") and (
            i == 0 or words[i - 1] in SEAT_WORDS or words[i - 1] in ("went", "go", "seats")
        ):
            start = following[i].idx
            nxt = [p for p in parties if p.start > start]
            if nxt and nxt[0].start - start < 12:
                return [nxt[0]]
    # "40 deputies had no party"
    m = re.match(
        r"\s+(?:deputies|members|candidates|seats)\s+(?:had no party|without (?:a )?party|went to independents)",
        clause.text[token.idx + len(token.text) :],
    )
    if m:
        return [Name("Independents", "group", token.idx, token.idx + len(token.text) + m.end())]
    # "... one seat each: the A, the B ..."
    if "each" in words[:3]:
        colon = clause.text.find(":", token.idx)
        if colon != -1:
            return [p for p in parties if p.start > colon]
        pair = [p for p in parties if p.end <= token.idx][-2:]
        between = _SHARE.sub("", clause.text[pair[0].end : token.idx] if pair else "")
        if pair and re.search(
            r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b", between
        ):
            return []  # "the Party of Economic Reforms five ..., and the Socialist and
            # Democratic parties one each": not the parties named before the other counts
        return pair
    winner = _winner(clause, token, parties)
    if winner is not None and not any(
        winner.end <= p.start and p.end <= token.idx and not _party_in_aside(clause.text, winner, p)
        for p in parties
    ):  # not "A won 30 seats, B 13": B's, though the analysis hangs 13 on "won"
        return [winner]
    # "the YAP 72 seats", "independents took 55", "Ak Zhol 12 on 10.95 percent"
    earlier = [p for p in parties if p.end <= token.idx]
    earlier = [p for p in earlier if not any(_party_in_aside(clause.text, q, p) for q in earlier)]
    if not earlier:
        return []
    party = earlier[-1]
    gap = clause.text[party.end : token.idx]
    # "credited with 50.4 percent of the vote and 47 of the 63 seats": a share is no count
    of_seats = re.match(r"\s+of (?:the )?\d+ seats\b", clause.text[token.idx + len(token.text) :])
    if of_seats:
        gap = re.sub(r"\d+(?:\.\d+)?\s*(?:%|percent\b|per cent\b)", "", gap)
    # "the MPP, the successor of the old ruling party, which took 62": the aside left out
    gap = re.sub(r"^\)?\s*(?:\([^()]*\))?,\s*(?:the|a|an)\s+[a-z][^,;\d]*,(?=\s+which\b)", "", gap)
    # "the People's Party, set up at a congress on 10 December 1994, won just five": an aside
    # that opens with a lower-case word, between the party and its winning verb
    gap = re.sub(rf"^\s*,\s+[a-z][^;]*?,(?=\s+(?:{_WON_WORDS})\b)", "", gap)
    # "took 27.18 percent and 36 seats": the share told first is no other count
    gap = re.sub(
        rf"^(\s+(?:{_WON_WORDS})\s+)\d+(?:\.\d+)?\s*(?:%|percent|per cent)(?: of the [a-z\- ]*vote)?"
        r"\s+and\s+$",
        r"\1",
        gap,
    )
    if len(gap) > 60 or re.search(r"\d", gap) or ";" in gap:
        return []
    return [party]


_WON_WORDS = "won|took|got|gained|secured|received|obtained"


def _party_in_aside(text: str, winner: Name, other: Name) -> bool:
    """``other`` is named in an aside right after the winner: "Nur Otan, as Otan had been
    renamed, took ..."."""
    opening = re.match(
        r"\s*(?:\([^()]*\))?,\s*(?:(?:as|which|who|once|formerly|then|[a-z]+ing)\b|(?:the|a|an)\s+[a-z])"
        r"[^,]*$",
        text[winner.end : other.start],
    )
    if re.fullmatch(r"\s*\([^()]*", text[winner.end : other.start]):
        return ")" in text[other.end :]  # "Nur Otan (renamed Amanat in 2022) won all 16"
    return bool(opening) and "," in text[other.end :]


_GAVE = {"give", "hand", "award", "bring"}


def _winner(clause: Clause, token: Token, parties: list[Name]) -> Name | None:
    """The party the analysis makes the winner of a seat count, however far before it:
    "The Agrarian Party (PDAM), ..., won an outright majority, with 43.18% of the vote and 56
    seats", "was won by Georgian Dream with ... and 90 seats", "gave the YAP 61 seats"."""
    word = token
    for _ in range(6):  # the count, its noun, "and", "with", up to the verb
        if word.pos_ in ("VERB", "AUX") and word.dep_ != "amod" or word.head is word:
            break
        if word.dep_ == "prep" and word.lower_ in ("against", "for", "to", "than", "of"):
            return None  # "held 48 seats against 53 for four opposition parties": others'
        word = word.head
    if word.pos_ not in ("VERB", "AUX"):
        return None
    if word.lemma_.lower() in _GAVE:
        roles = ("dative",)
    elif word.lemma_.lower() in WIN_VERBS:
        roles = ("nsubj", "agent")
    else:
        return None
    # "the PCRM, legal again since the mid-1990s, came first": the model may hang the
    # subject on the aside
    asides = [c for c in word.children if c.dep_ == "advcl" and c.i < word.i]
    children = [*word.children, *(g for a in asides for g in a.children)]
    if word.dep_ in ("advcl", "relcl") and any(
        c.dep_ == "nsubj" and c.lower_ == "it" for c in word.children
    ):  # "The LDPU had come first in 2019, when it won 53 seats": the party is "it"
        children += [c for c in word.head.children if c.dep_ == "nsubj"]
    for child in children:
        if child.dep_ not in roles:
            continue
        heads = (
            [child] if child.dep_ != "agent" else [c for c in child.children if c.dep_ == "pobj"]
        )
        for head in heads:
            found = [p for p in parties if p.start <= head.idx < p.end]
            if found:
                return found[0]
    return None


def _seats(
    article: Article,
    reading: Reading,
    clause: Clause,
    party: Name,
    value: int,
    token: Token,
    way: str | None = None,
    part: bool = False,
) -> None:
    """``party`` won ``value`` seats at the paragraph's election (``way``: those filled so;
    ``part``: a part of the seats it won, told beside the whole)."""
    chamber = chamber_of(article, reading, clause)
    start = min(party.start, token.idx)
    end = max(party.end, token.idx + len(token.text))
    ev = clause_evidence(article, clause, start, end)
    qualifiers: tuple = (("legislativeBody", chamber),)
    if reading.election_date is not None:
        qualifiers += (("pointInTime", reading.election_date),)
    if way:
        qualifiers += (("seatsFilledBy", way),)
    subject = name_mention(clause, party)
    article.add(subject, "partySeats", value, ev, qualifiers, rule="seats")
    if reading.election is not None and not part:
        article.add(reading.election, "participant", subject, ev, (("seats", value),), rule="seats")


_SHARE = re.compile(r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)")


# "A and B one each, on 5.33% and 0.89%": two shares, in the order of the two parties
_PAIRED = re.compile(
    r"\b(?:each|respectively),?\s+(?:on|with)\s+(?P<a>\d+(?:\.\d+)?)\s*%\s+and\s+(?P<b>\d+(?:\.\d+)?)\s*%"
)
_JOINED = re.compile(r"\s*(?:\([^()]*\))?\s*,?\s+and\s+(?:the\s+)?")


def _paired_shares(clause: Clause, parties: list[Name]) -> list[tuple[Name, Decimal, Token]]:
    """The shares told of two parties joined by "and", respectively."""
    text, found = clause.text, []
    for m in _PAIRED.finditer(text):
        # "the Liberal Democratic Party (LDPB)": the short name in brackets is the same party
        before = [p for p in parties if p.end <= m.start() and text[p.start - 1 : p.start] != "("]
        if len(before) < 2 or re.search(r"\d", text[before[-1].end : m.start()].replace("one", "")):
            continue
        first, second = before[-2], before[-1]
        if not _JOINED.fullmatch(text[first.end : second.start]):
            continue
        for party, group in ((first, "a"), (second, "b")):
            token = next((t for t in clause.doc if t.idx >= m.start(group)), clause.doc[-1])
            found.append((party, Decimal(m.group(group)), token))
    return found


def _shares(clause: Clause, parties: list[Name]) -> Iterator[tuple[Name, Decimal, Token]]:
    """A party's share of the vote: the percentage after its name, before the next party."""
    text = clause.text
    paired = _paired_shares(clause, parties)
    yield from paired
    told = {token.idx for _, _, token in paired}
    for m in _SHARE.finditer(text):
        if any(m.start() <= at < m.end() for at in told):
            continue
        lead = text[max(0, m.start() - 30) : m.start()].lower()
        if any(w in lead for w in ("turnout", "threshold", "barrier", "at least", "favour", "yes")):
            continue
        earlier = [p for p in parties if p.end <= m.start()]
        # "A, running as part of the B alliance, took 27.18 percent": A's share, not B's
        earlier = [p for p in earlier if not any(_party_in_aside(text, q, p) for q in earlier)]
        if not earlier or re.search(r"turnout|threshold", text[earlier[-1].end : m.start()], re.I):
            continue
        party = earlier[-1]
        between = text[party.end : m.start()]
        token = next((t for t in clause.doc if t.idx >= m.start()), clause.doc[-1])
        if len(between) > 70:
            # "New People, founded in 2020 by ..., became the first new party ..., with 5.32
            # percent": the party the analysis makes the subject
            party = _winner(clause, token, parties)
            if party is None:
                continue
        elif _SHARE.search(between):
            continue
        yield party, Decimal(m.group("pct")), token


def _share(
    article: Article, reading: Reading, clause: Clause, party: Name, pct: Decimal, token: Token
) -> None:
    if reading.election is None:
        return
    ev = clause_evidence(article, clause, party.start, token.idx + len(token.text) + 8)
    subject = name_mention(clause, party)
    article.add(
        reading.election,
        "participant",
        subject,
        ev,
        (("proportion", pct / 100),),
        rule="vote-share",
    )
