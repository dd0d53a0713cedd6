"""The prose readers on an article none of them was written from (tests/fixtures/saeima.txt,
in other words than the evaluation corpus): occasions, elections told by who was elected,
holder lists, government offices and seat parts, with the traps next to each."""

from decimal import Decimal

import pytest

from kzgraph.document import parse
from kzgraph.extract import article_subject, extract
from kzgraph.extract.infobox import load_rules
from kzgraph.pipeline import build
from kzgraph.settings import PROJECT_ROOT, load_settings

from .conftest import FIXTURES, Graph


@pytest.fixture(scope="module")
def saeima() -> Graph:
    return Graph(build([FIXTURES / "saeima.txt"], load_settings()).quads)


def test_referendums_are_dated_and_keep_the_texts_name(saeima):
    assert saeima.ask("""ASK { ?r wdt:P31 wd:Q43109 ; wdt:P585 "1998-10-03T00:00:00Z"^^xsd:dateTime ;
        skos:altLabel "plebiscite of 3 October 1998"@en }""")
    # "The 2011 dissolution referendum, held on 23 July": the day completes the year.
    assert saeima.ask(
        'ASK { ?r wdt:P31 wd:Q43109 ; wdt:P585 "2011-07-23T00:00:00Z"^^xsd:dateTime }'
    )


def test_events_are_named_by_what_then_when(saeima):
    assert saeima.ask("""ASK { ?e rdfs:label "Coup (15 May 1934)"@en ; wdt:P31 wd:Q1190554 ;
        wdt:P585 "1934-05-15T00:00:00Z"^^xsd:dateTime }""")


def test_an_election_told_by_the_house_it_returned(saeima):
    assert saeima.ask("""ASK { ?e a kzo:Election ; kzo:electionFor ?saeima ;
        wdt:P585 "1993-06-05T00:00:00Z"^^xsd:dateTime . ?saeima rdfs:label "Saeima"@en }""")


def test_holder_list_items_with_their_terms(saeima):
    rows = saeima.rows("""
        SELECT ?name ?start ?end WHERE {
          ?office rdfs:label "Speaker of the Saeima"@en ; p:P1308 ?st .
          ?st ps:P1308/rdfs:label ?name ; pq:P580 ?start ; pq:P582 ?end }""")
    got = {(r["name"], r["start"][:10], r["end"][:10]) for r in rows}
    assert ("Anatolijs Gorbunovs", "1993-07-06", "1995-11-07") in got
    assert ("Ināra Mūrniece", "2010-11-02", "2022-11-02") in got
    assert ("Ilga Kreituse", "1995-01-01", "1996-01-01") in got  # years, at year precision


def test_government_offices_are_not_the_chair(saeima):
    assert saeima.ask("""ASK { ?pm rdfs:label "Prime Minister of Latvia"@en ;
        wdt:P1308 ?a , ?b . ?a rdfs:label "Evika Siliņa"@en . ?b rdfs:label "Krišjānis Kariņš"@en }""")
    # In the "Speakers" section, "Prime Minister Evika Siliņa took office" is not a speaker.
    assert not saeima.ask("""ASK { ?office rdfs:label "Speaker of the Saeima"@en ;
        p:P1308/ps:P1308/rdfs:label "Evika Siliņa"@en }""")


def test_seats_that_went_to_a_coalition_are_not_the_size(saeima):
    saeima_seats = '?s rdfs:label "Saeima"@en'
    assert saeima.rows(f"SELECT ?n WHERE {{ {saeima_seats} ; wdt:P1342 ?n }}") == [{"n": "100"}]
    assert not saeima.ask(f"ASK {{ {saeima_seats} ; p:P1342/ps:P1342 65 }}")


PARTS = """= Grand Council of Testland =

- House Type: Unicameral
- Country: Testland
- Members: 60

The Grand Council is the legislature of Testland. Forty-two of its members are returned from single-member districts, and the other eighteen are appointed by the Monarch. Twelve seats went to the Green Party in 2020.
"""


def test_seat_parts_say_how_they_are_filled():
    doc = parse(PARTS, "parts")
    facts = extract(doc, article_subject(doc), {}, load_rules(PROJECT_ROOT / "mappings"))
    parts = {
        (f.value, dict(f.qualifiers).get("seatsFilledBy"))
        for f in facts
        if f.relation == "numberOfSeats" and f.rule == "seat-part"
    }
    assert parts == {
        (42, "returned from single-member districts"),
        (18, "appointed by the Monarch"),
    }


ADDRESS = """= Grand Council of Testland =

- House Type: Unicameral
- Country: Testland

Early elections to the Grand Council were promised by the President in his address of 1 September 2022. After winning the presidential election of 20 November 2022, he dissolved the council. The Grand Council was elected on 19 March 2023.
"""


def test_an_address_or_a_presidential_vote_is_not_the_councils_election():
    doc = parse(ADDRESS, "address")
    facts = extract(doc, article_subject(doc), {}, load_rules(PROJECT_ROOT / "mappings"))
    dated = {
        f.value.iso for f in facts if f.subject.kind == "election" and f.relation == "pointInTime"
    }
    assert dated == {"2023-03-19"}


ISLAND = """= Althing of Norlandia =

- Country: Norlandia

Norlandia's national assembly, the Althing, sits in a single chamber of 63 members. The house of the Althing stands on the old square.

A draft charter of constitutional amendments was put to the voters on 4 May 2004 and passed. After a second referendum, on March 9, 2012, the chamber was cut to 63 seats. The Velvet Revolution of November 1989 ended the old order, and the signing of the decree on 3 June 2001 changed nothing.

The Althing has been chaired by few people. Jon Sigurdsson held the chair from 1991 to 1999 and Anna Berg of the Harbour Party from 1999 to 2007; Olaf Dahl followed from 2007.
"""


def _read(text: str) -> list:
    """The facts of an article about Norlandia, read alone."""
    doc = parse(text, "norlandia")
    return extract(
        doc, article_subject(doc), {}, load_rules(PROJECT_ROOT / "mappings"), "Norlandia"
    )


@pytest.fixture(scope="module")
def island_facts():
    return _read(ISLAND)


def _told(facts, relation, kind=None):
    return [f for f in facts if f.relation == relation and (kind is None or f.subject.kind == kind)]


def test_the_national_legislature_has_its_country_and_only_it(island_facts):
    countries = _told(island_facts, "country")
    assert [(f.subject.name, f.value.name) for f in countries] == [
        ("Althing of Norlandia", "Norlandia")
    ]
    # "The house of the Althing" in lower case is not a name for a place.
    assert not [f for f in island_facts if f.subject.kind == "place"]


def test_a_text_put_to_the_voters_and_a_referendum_set_off_by_commas(island_facts):
    dated = {
        (f.subject.name, f.value.iso) for f in _told(island_facts, "pointInTime", "referendum")
    }
    assert dated == {
        ("2004 Norlandia constitutional referendum", "2004-05-04"),  # no adjective in the text
        ("2012 Norlandia referendum", "2012-03-09"),
    }


def test_a_named_event_keeps_its_name_and_a_vague_one_is_not_told(island_facts):
    events = {(f.subject.name, f.value.iso) for f in _told(island_facts, "pointInTime", "event")}
    assert ("Velvet Revolution", "1989-11") in events
    assert not [name for name, _ in events if "decree" in name.lower()]


def test_holders_in_a_row_with_the_verb_left_out(island_facts):
    terms = {
        (f.value.name, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(island_facts, "chairperson")
    }
    assert ("Jon Sigurdsson", (("startTime", "1991"), ("endTime", "1999"))) in terms
    assert ("Anna Berg", (("startTime", "1999"), ("endTime", "2007"))) in terms
    assert ("Olaf Dahl", (("startTime", "2007"),)) in terms


RESULTS = """= Althing of Norlandia =

- Country: Norlandia

The 2019 election to the Althing was held on 8 June 2019. Blue Harbour won 20 seats and the Fisher League 11. Fjord Renewal, with 4.1 percent, was left outside. The chamber elected K. Halvorsen as its speaker, with Albert Rau and Siri Quellmark as deputies. Sadyr Japarov, with 79 percent, won the presidency.
"""


def test_what_wins_seats_is_a_party_and_people_are_typed_by_their_company():
    facts = _read(RESULTS)
    typed = {(f.subject.name, f.value) for f in _told(facts, "instanceOf")}
    assert {("Blue Harbour", "wd:Q7278"), ("Fjord Renewal", "wd:Q7278")} <= typed
    assert {("K. Halvorsen", "wd:Q5"), ("Siri Quellmark", "wd:Q5")} <= typed
    # A person with a share of the vote is still a person.
    assert ("Sadyr Japarov", "wd:Q7278") not in typed
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert ("Blue Harbour", 20) in seats


def test_a_body_whose_name_folds_a_double_letter_is_still_a_body():
    # fold() spells "Assembly" "asembly"; the body words must be compared the same way.
    text = "= Althing of Norlandia =\n\n- Country: Norlandia\n\nFrom 1995 there was a permanent Legislative Assembly of 35 members.\n"
    facts = _read(text)
    assert ("Legislative Assembly", 35) in {
        (f.subject.name, f.value) for f in _told(facts, "numberOfSeats")
    }
    assert not [f for f in facts if f.subject.name == "Legislative Assembly" and f.value == "wd:Q5"]


SIZES = """= Althing of Norlandia =

- Country: Norlandia

In 1995 voters chose a Legislative Assembly of 35 members and a part-time Assembly of People's Representatives of 70 members. From 2000 the Legislative Assembly shrank to thirty while the representatives grew to ninety. The first Althing had one hundred and ninety seats. The Harbour Party was reduced to eleven seats.
"""


def test_sizes_told_in_words_and_as_changes_belong_to_the_body_they_follow():
    facts = _read(SIZES)
    sizes = {(f.subject.name, f.value) for f in _told(facts, "numberOfSeats")}
    assert {
        ("Legislative Assembly", 35),
        ("Assembly of People's Representatives", 70),
        ("Legislative Assembly", 30),
        ("Althing", 190),
    } <= sizes
    # "the representatives grew to ninety": no body named just before; a party's seats are not a size
    assert not {value for _, value in sizes} & {90, 11}


CHARTERS = """= Althing of Norlandia =

- Country: Norlandia

The constitution adopted on 8 December 1992 created the Althing. The interim council put a new constitution to the voters on 27 June 2010. A new version of the constitution adopted in 2017 changed little.
"""


def test_constitutions_date_from_their_adoption_and_several_are_named_by_year():
    facts = _read(CHARTERS)
    dated = {(f.subject.name, f.value.iso) for f in _told(facts, "inception", "constitution")}
    assert dated == {
        ("1992 Constitution of Norlandia", "1992-12-08"),
        ("2010 Constitution of Norlandia", "2010-06-27"),
    }  # the 2017 "new version" is an amendment, not a constitution of 2017


OVER_DAYS = """= Althing of Norlandia =

- Country: Norlandia

Amendments approved in a nationwide vote on 1 July 2020 changed the charter. The ninth convocation of the Althing was elected over three days, September 17–19, 2021, with a turnout of 51.72 percent. Blue Harbour took 49.82% of the list vote.
"""


def test_a_vote_over_days_dates_from_its_first_and_a_nationwide_vote_is_no_election():
    facts = _read(OVER_DAYS)
    elections = {f.value.iso for f in _told(facts, "pointInTime", "election")}
    assert elections == {"2021-09-17"}
    shares = [f for f in _told(facts, "participant", "election") if f.value.name == "Blue Harbour"]
    assert [f.subject.slug.split("-{}")[0] for f in shares] == ["election-2021-09-17"]


MEMBERS = """= Althing of Norlandia =

- Country: Norlandia

The Harbour Party, led by the former prime minister Olaf Dahl, won 20 seats. The Fisher League (FL) of Anna Berg took 11 seats. Green Dawn, Erik Holm's party, won 5 seats. The results were: Unity, seven; Northern Way, led by Jon Sigurdsson, four. The Civic Hope Alliance, built around the Harbour Party and led by Siri Quellmark, took 3 seats.
"""


def test_who_belongs_to_which_party_and_who_leads_it():
    facts = _read(MEMBERS)
    members = {(f.subject.name, f.value.name) for f in _told(facts, "memberOfParty")}
    assert {
        ("Olaf Dahl", "Harbour Party"),
        ("Anna Berg", "Fisher League"),
        ("Erik Holm", "Green Dawn"),
        ("Siri Quellmark", "Civic Hope Alliance"),
    } <= members
    # Not across a semicolon, and not the party the alliance was built around.
    assert ("Jon Sigurdsson", "Unity") not in members
    assert ("Siri Quellmark", "Harbour Party") not in members
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson")}
    assert ("Harbour Party", "Olaf Dahl") in chairs


NAMED = """= Althing of Norlandia =

- Country: Norlandia
- House Type: Unicameral
- Last Election1: 8 June 2019

The Althing is the Norlandian parliament. The Norlandian voters return it every four years.
"""


def test_an_election_the_infobox_dates_gets_the_names_encyclopedias_give_it():
    facts = _read(NAMED)
    names = {f.value for f in _told(facts, "alias", "election")}
    assert {
        "2019 Norlandian parliamentary election",
        "2019 Norlandian legislative election",
    } <= names


CHAIRS = """= Althing of Norlandia =

- Country: Norlandia

The Althing was chaired by Jon Sigurdsson (also written Jón Sigurðsson) from 27 March 2000 until 16 March 2010 and then by Anna Berg, a former labour minister, until 17 March 2020. On 2 April 2020 Olaf Dahl succeeded Berg, and he remained speaker until May 2024.
"""


def test_holders_in_turn_and_the_speaker_a_pronoun_stands_for():
    facts = _read(CHAIRS)
    chairs = {
        (f.value.name, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(facts, "chairperson")
    }
    assert ("Jon Sigurdsson", (("startTime", "2000-03-27"), ("endTime", "2010-03-16"))) in chairs
    assert ("Anna Berg", (("startTime", "2010-03-16"), ("endTime", "2020-03-17"))) in chairs
    holders = {name for name, _ in chairs}
    assert "Olaf Dahl" in holders
    assert "Jón Sigurðsson" not in holders  # another spelling, not another holder
    # "Dahl succeeded Berg, and he remained speaker until May 2024": not Berg's term
    assert not [q for name, q in chairs if name == "Anna Berg" and ("endTime", "2024-05") in q]


GROUPS = """= Althing of Norlandia =

- Country: Norlandia
- House Type: Unicameral
- Political Groups1: |Harbour Party (40), |Fisher League (20), |Independents (3)
- Last Election1: 8 June 2019

The Althing is the parliament of Norlandia.
"""


def test_the_groups_of_the_infobox_took_part_in_its_last_election():
    facts = _read(GROUPS)
    took_part = {
        (f.value.name, dict(f.qualifiers).get("seats"))
        for f in _told(facts, "participant", "election")
    }
    assert took_part == {("Harbour Party", 40), ("Fisher League", 20)}  # not the independents


COPULA = """= Althing of Norlandia =

- Country: Norlandia

The first chairman of the post-war Althing was Jon Sigurdsson of the Harbour Party, elected on 14 January 1994. The Althing was dissolved on 3 May 2001, and the dissolution of the Althing was followed by new elections.
"""


def test_a_title_that_is_the_subject_of_was_names_its_holder():
    facts = _read(COPULA)
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson")}
    assert ("Althing", "Jon Sigurdsson") in chairs
    # a lower-case "post-war" is no name of a body
    assert not [body for body, _ in chairs if "was" in body or "post-war" in body]


def test_seat_parts_counted_after_the_members_are_named():
    text = (
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "Until 2023 the Althing had a hundred members: eighty-four were elected by the "
        "regional councils, and sixteen were appointed by the King. Ten were arrested in 2020.\n"
    )
    facts = _read(text)
    parts = {
        (f.value, dict(f.qualifiers).get("seatsFilledBy"))
        for f in facts
        if f.relation == "numberOfSeats" and f.rule == "seat-part"
    }
    assert parts == {(84, "elected by the regional councils"), (16, "appointed by the King")}


RENAMED = """= Althing of Norlandia =

- Country: Norlandia
- Preceded By: Great Thing of Norlandia; Little Thing

Until 1991 the legislature was the Supreme Soviet of the Norland SSR. On 19 September 1991 it was renamed the Supreme Council of the Republic of Norlandia. The Harbour Party was renamed the Harbour Democratic Party in 1998.
"""


def test_a_body_that_went_on_under_another_name_and_predecessors_listed_with_semicolons():
    facts = _read(RENAMED)
    former = {(f.subject.name, f.value) for f in _told(facts, "formerName")}
    assert (
        "Supreme Council of the Republic of Norlandia",
        "Supreme Soviet of the Norland SSR",
    ) in former
    assert not [new for new, old in former if "Party" in new and "Soviet" in old]
    predecessors = {f.value.name for f in _told(facts, "replaces")}
    assert predecessors == {"Great Thing of Norlandia", "Little Thing"}


DISSOLVED = """= Althing of Norlandia =

- Country: Norlandia

On 19 January 2023 the King signed a decree that dissolved the Althing of the 7th convocation. In December 2019 the deputies voted to dissolve their own chamber. Although the next election was expected in 2026, the chamber was dissolved early.
"""


def test_a_convocation_or_the_house_dissolved_on_the_date_tied_to_the_dissolving():
    facts = _read(DISSOLVED)
    ended = {
        (f.subject.kind, f.value.iso) for f in _told(facts, "dissolved") if f.rule == "dissolved"
    }
    assert ended == {("convocation", "2023-01-19"), ("legislature", "2019-12")}  # not 2026


ALLIANCES = """= Althing of Norlandia =

- Country: Norlandia

Olaf Dahl headed the Northern Front, an alliance of his Harbour Party with the Sea–Green Party and the Fisher League. The Civic Hope Alliance, built around the Farmers' Party, took 3 seats. The Labour Party, running as part of the Northern Way alliance, took 9 seats. The Blue Party united with the Red Party in 2020, and the Grey Party joined the Red Party.

The opposition ran in three formations:
- Coast Coalition, formed by Sigrid Vik (the party of Olaf Dahl), Nord – Free Voice and the Green Party.
- Inland Front, built around Hope for Norlandia, the party of the banker Per Lund, together with For the Valleys and Citizens.
"""


def test_parties_in_an_alliance():
    facts = _read(ALLIANCES)
    parts = {(f.subject.name, f.value.name) for f in _told(facts, "partOf")}
    assert {
        ("Harbour Party", "Northern Front"),
        ("Sea–Green Party", "Northern Front"),
        ("Fisher League", "Northern Front"),
        ("Farmers' Party", "Civic Hope Alliance"),
    } <= parts
    # listed in items of their own, names the analysis would not call parties ("Sigrid Vik")
    assert {
        ("Sigrid Vik", "Coast Coalition"),
        ("Nord – Free Voice", "Coast Coalition"),
        ("Green Party", "Coast Coalition"),
        ("Hope for Norlandia", "Inland Front"),
        ("For the Valleys", "Inland Front"),
        ("Citizens", "Inland Front"),
    } <= parts
    assert not [p for p in parts if "Per Lund" in p or "Olaf Dahl" in p]
    # "A united with B", "A joined B": not "B, an alliance of A"
    assert not [p for p in parts if {"Blue Party", "Red Party", "Grey Party"} & set(p)]


OFFICES = """= Althing of Norlandia =

- Country: Norlandia

The speaker from 2000 to 2017 was Jon Sigurdsson, who was at the same time mayor of Nordby. His deputy was Anna Berg, a former labour minister. Olaf Dahl, until then head of the Cabinet Secretariat, took office on 2 May 2019. Erik Holm, head of the OSCE mission, watched. Althing Deputy Karin Lie spoke against it.
"""


def test_other_offices_told_beside_their_holders():
    facts = _read(OFFICES)
    held = {
        (f.subject.name, f.value.name, f.qualifiers)
        for f in _told(facts, "officeholder")
        if f.rule == "other-office"
    }
    assert {
        ("Mayor of Nordby", "Jon Sigurdsson", ()),  # undated: the sentence's years are the chair's
        ("Minister of Labour of Norlandia", "Anna Berg", ()),
        ("Head of the Cabinet Secretariat of Norlandia", "Olaf Dahl", ()),
        ("Deputy of the Althing", "Karin Lie", ()),  # "Althing Deputy Karin Lie"
    } <= held
    assert not [office for office, _, _ in held if "OSCE of" in office]


KINDS_AND_PARTS = """= Althing of Norlandia =

- Country: Norlandia
- Members: Council: 60 (40 elected and 20 appointment by the King), Assembly: 90

The Althing replaced the unicameral Great Council of Norlandia. The Little Diet, the country's single-chamber parliament of the north, sat in Nordby. The Fisher League (FL) came first in 2019. The FL came second with 30 seats in 2023, and the Council was a 61-seat body then. Since 2020 the Assembly has had 54 seats from party lists and the other 36 in single-member districts; 1,311 candidates stood: 1,015 on lists and 296 in the districts. In 1995, following the dissolution of the Great Council of Norlandia by the King, elections were held. So the first Council numbered 47.
"""


def test_kinds_seat_parts_and_a_dissolution_told_in_passing():
    facts = _read(KINDS_AND_PARTS)
    kinds = {(f.subject.name, f.value) for f in _told(facts, "instanceOf") if f.rule == "cameral"}
    assert ("Great Council of Norlandia", "wd:Q37002670") in kinds  # "the unicameral X"
    assert ("Little Diet", "wd:Q37002670") in kinds  # "X, the country's single-chamber ..."
    seats = {
        (f.subject.name, f.value, dict(f.qualifiers).get("seatsFilledBy"))
        for f in _told(facts, "numberOfSeats")
    }
    assert {
        ("Council", 60, None),
        ("Council", 40, "elected"),
        ("Council", 20, "appointment by the King"),
        ("Council", 61, None),  # "was a 61-seat body"
        ("Council", 47, None),  # "numbered 47"
        ("Assembly", 54, "from party lists"),
        ("Assembly", 36, "in single-member districts"),
    } <= seats
    assert not [s for s in seats if s[1] in (30, 296, 1015)]  # a party's seats, candidates
    # "(FL)" names the party in the sentences after it
    assert ("FL", 30) in {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    ended = {(f.subject.name, f.value.iso) for f in _told(facts, "dissolved")}
    assert ("Great Council of Norlandia", "1995") in ended


LISTED = """= 2022 Norlandian general election =

- Country: Norlandia
- Election Date: 4 May 2022

A general election to the Althing of Norlandia was held on 4 May 2022. Turnout was 61 percent.

Seats won in the single-member districts:
- Harbour Party: 31
- Fisher League: 12

Results in the list vote (share, seats):
- Karl Berg: 21.8%, 14 seats

Parties registered with the commission, by year of founding:
- Blue Party: 1998
- Red Party: 7

== Elections ==
- 2018-05-06 (fourth convocation)
- 2014-05-04: the Harbour Party left the government.
"""


def test_seats_listed_after_words_that_say_so():
    facts = _read(LISTED)
    seats = {
        (f.subject.name, f.value, dict(f.qualifiers).get("seatsFilledBy"))
        for f in _told(facts, "partySeats")
    }
    assert seats == {
        ("Harbour Party", 31, "in the single-member districts"),
        ("Fisher League", 12, "in the single-member districts"),
        ("Karl Berg", 14, None),  # a name like a person's, in a results list: a party
    }  # not the founding years, nor a number under words that do not speak of seats
    shares = {
        (f.value.name, dict(f.qualifiers).get("proportion")) for f in _told(facts, "participant")
    }
    assert ("Karl Berg", Decimal("0.218")) in shares
    # an item that is only a date, in a section on elections, lists an election
    dated = {f.value.iso for f in _told(facts, "pointInTime", "election")}
    assert "2018-05-06" in dated and "2014-05-04" not in dated


CHAIRED = """= Althing of Norlandia =

- Country: Norlandia

== Speakers ==
The chamber was chaired by Sven Lid until 1925. Arne Dal served until 1995, when he was followed by Ilse Roos of the Harbour Party. Jon Berg presided from 1998 to 2002, and Ingrid Solberg of the Union of Greens (UG) from 2002 to 2006. The Blue Party was led by Tor Hagen. Karl Holm, president since 1990, led the country through the transition.
"""


def test_chairs_told_passively_and_in_turn():
    facts = _read(CHAIRED)
    chairs = {
        (f.value.name, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(facts, "chairperson")
        if f.subject.kind in ("chamber", "legislature")
    }
    assert ("Sven Lid", (("endTime", "1925"),)) in chairs
    assert ("Ilse Roos", (("startTime", "1995"),)) in chairs
    assert ("Ingrid Solberg", (("startTime", "2002"), ("endTime", "2006"))) in chairs
    assert "Tor Hagen" not in {name for name, _ in chairs}  # a party's leader, not the house's
    assert "Karl Holm" not in {name for name, _ in chairs}  # he led the country


def test_a_party_named_after_the_republic_keeps_its_whole_name():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "At the election of March 22, 1998, the Party of Fishers of the Republic of Norlandia "
        "(PFRN) came first with 40 seats. The snap election of February 25, 2001, gave the "
        "PFRN 71 seats. Olaf Dahl of the Movement for a Free and Prosperous Norlandia spoke.\n"
    )
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert ("Party of Fishers of the Republic of Norlandia", 40) in seats
    assert ("PFRN", 71) in seats
    people = {f.subject.name for f in _told(facts, "instanceOf") if f.value == "wd:Q5"}
    assert "Prosperous Norlandia" not in people


PRESIDENTS = """= Althing of Norlandia =

- Country: Norlandia

On 14 November 1922 the deputies chose Karl Holm as the first President of Norlandia. Erik Lund, a lawyer, was elected president of the parliament on 7 July 1993. Anna Berg was elected vice-president on 2 May 1995. After winning the presidential election of 20 November 2022, Olaf Dahl dissolved the Althing on 19 January 2023. Jon Strand became foreign minister in 2001. Strand was elected President on 11 February 2007.
"""


def test_presidents_the_legislature_or_the_voters_elected():
    facts = _read(PRESIDENTS)
    elections = {(f.subject.name, f.value.iso) for f in _told(facts, "pointInTime", "election")}
    assert elections == {
        # named by the country's adjective when the text or mappings/demonyms.tsv has one
        ("1922 presidential election in Norlandia", "1922-11-14"),
        ("2022 presidential election in Norlandia", "2022-11-20"),
        ("2007 presidential election in Norlandia", "2007-02-11"),  # "Strand": Jon Strand
    }  # not the president of the parliament, nor a vice-president
    held = {
        (f.value.name, f.qualifiers[0][1].iso)
        for f in _told(facts, "officeholder")
        if f.subject.name == "President of Norlandia"
    }
    assert held == {
        ("Karl Holm", "1922-11-14"),
        ("Olaf Dahl", "2022-11-20"),
        ("Jon Strand", "2007-02-11"),
    }


TWO_HOUSES = """= Althing of Norlandia =

- Country: Norlandia
- Houses: Upper Thing (upper), Lower Thing (lower)

== Chairs ==
After 2000 the Upper Thing was led by Jon Sigurdsson (to 28 July 2003). In the Lower Thing, Erik Lund gave way on 21 November 2000 to Karl Holm, who was followed by Anna Berg (also written Ana Bergová) from 16 November 2004 to 2 October 2007; Holm then returned until 27 October 2008, the day Olaf Dahl took the chair.
"""


def test_a_story_of_chairs_in_the_house_it_names():
    facts = _read(TWO_HOUSES)
    chairs = {
        (f.subject.name, f.value.name, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(facts, "chairperson")
    }
    assert {
        ("Lower Thing", "Karl Holm", (("startTime", "2000-11-21"),)),
        ("Lower Thing", "Anna Berg", (("startTime", "2004-11-16"), ("endTime", "2007-10-02"))),
        ("Lower Thing", "Karl Holm", (("endTime", "2008-10-27"),)),  # "Holm": Karl Holm
        ("Lower Thing", "Olaf Dahl", (("startTime", "2008-10-27"),)),
    } <= chairs
    assert not [c for c in chairs if c[0] == "Upper Thing" and c[1] != "Jon Sigurdsson"]
    assert "Ana Bergová" not in {c[1] for c in chairs}


def test_a_meeting_place_is_the_building_in_the_city_its_address_ends_with():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n"
        "- Meeting Place: Thing House (Old Hall), 12 Harbour Street, Nordby; Lower Hall, Sudby\n\n"
        "The Althing is the legislature of Norlandia.\n"
    )
    places = {(f.subject.name, f.value.name) for f in _told(facts, "meetingPlace")}
    assert ("Althing of Norlandia", "Thing House") in places
    assert ("Althing of Norlandia", "Lower Hall") in places
    assert not [p for p in places if "Harbour Street" in p[1]]  # an address, not a place
    located = {(f.subject.name, f.value.name) for f in _told(facts, "locatedIn")}
    assert located == {("Thing House", "Nordby"), ("Lower Hall", "Sudby")}
    addresses = {(f.subject.name, f.value) for f in _told(facts, "address")}
    assert addresses == {("Thing House", "Thing House (Old Hall), 12 Harbour Street, Nordby")}


def test_a_timeline_item_dates_the_constitution_it_tells_of():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n== Timeline ==\n"
        "- 1996-06-28: after an all-night sitting, the Althing adopted the Constitution of "
        "Norlandia.\n- 2004-12-08: the Althing amended the Constitution of Norlandia.\n"
    )
    dated = {(f.subject.name, f.value.iso) for f in _told(facts, "inception")}
    assert dated == {("Constitution of Norlandia", "1996-06-28")}  # an amendment is no inception
    events = {f.subject.name for f in _told(facts, "pointInTime", "event")}
    assert not [e for e in events if e.startswith("Adoption")]  # the inception says it


def test_the_day_an_election_was_called_is_not_its_day():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "The King signed the decree calling the election on 17 June 2021. In 2024 he dissolved "
        "the Althing and called an early election for 1 September 2024. The outgoing house "
        "voted to postpone the repeat election, setting 1 June 2022 as the latest possible date.\n"
    )
    dated = {f.value.iso for f in _told(facts, "pointInTime", "election")}
    assert "2024-09-01" in dated
    assert not dated & {"2021-06-17", "2022-06-01"}


def test_a_body_that_took_the_place_of_another():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "In 1995 the Althing took the place of the unicameral Supreme Council of Norlandia. "
        "Olaf Dahl succeeded the Speaker Jon Sigurdsson in 2001.\n"
    )
    replaced = {(f.subject.name, f.value.name) for f in _told(facts, "replaces")}
    assert replaced == {("Althing", "Supreme Council of Norlandia")}


def test_seats_written_as_hyphenated_words_are_one_number():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "In the snap election of 17 September 2011, the Harbour Party won thirty-one seats; "
        "the Reform Party won twenty-two, the Fisher League twenty.\n"
    )
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert seats == {("Harbour Party", 31), ("Reform Party", 22), ("Fisher League", 20)}


def test_seats_of_the_whole_after_a_share():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "At the election of 1 March 2020 the Harbour Party was credited with 50.4 percent of "
        "the vote and 47 of the 63 seats. The Fisher League got 24.49% and eleven seats, two "
        "more than in 2016.\n"
    )
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert ("Harbour Party", 47) in seats
    assert ("Harbour Party", 63) not in seats and ("Fisher League", 2) not in seats


def test_a_house_elected_told_through_which_it_and_months():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "The Althing grew out of the Great Council of Norlandia, the last of which was elected "
        "on 4 March 1990. It was last elected in May and June 1986, when it had 300 seats. "
        "The People's Chamber of the Norlandian SSR was elected in the autumn of 1980. Karl Holm was "
        "elected in 1975 and served as a judge.\n"
    )
    dated = {f.value.iso for f in _told(facts, "pointInTime", "election")}
    assert dated == {"1990-03-04", "1986-05", "1980"}  # a person's election is none
    names = {f.value for f in _told(facts, "alias", "election")}
    assert "1980 Norlandian People's Chamber election" in names  # not "... of the Norlandian SSR"


SUCCESSORS = """= Althing of Norlandia =

- Country: Norlandia

Arne Dal served as chairman until 3 May 1995; he was followed in the chair by Ilse Roos, a historian.

Roos, who wanted union with the north, resigned on 2 February 1999. Olaf Dahl, a former judge, succeeded her two days later and served until he himself won the presidency at the end of 2004.

Jon Berg took the chair in 2001 and was followed by Anna Holm in 2005, Holm by Maria Lindqvist in 2009, and Lindqvist, after the election of 1 March 2013, by Erik Sand. Tor Hagen of the Harbour Party was elected president of the parliament in 2016. The Fisher League, whose chairman is Lars Vik, came second. The Blue Party was renamed the Blue People's Party at its congress in 2018, when Ole Nes was elected party chairman. Harald Nygaard (who changed his surname to Gaard in 2007) chaired the house until 1990.
"""


def test_successors_told_by_pronoun_ellipsis_and_in_the_chair():
    facts = _read(SUCCESSORS)
    chairs = {
        (f.value.name, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(facts, "chairperson")
        if f.subject.kind in ("chamber", "legislature")
    }
    assert ("Ilse Roos", (("startTime", "1995-05-03"),)) in chairs  # from the day Dal left
    assert ("Olaf Dahl", (("endTime", "2004"),)) in chairs  # "until ... at the end of 2004"
    assert ("Maria Lindqvist", (("startTime", "2009"),)) in chairs  # "Holm by M. L. in 2009"
    assert "Erik Sand" in {name for name, _ in chairs}
    assert "Tor Hagen" in {name for name, _ in chairs}  # "president of the parliament"
    assert (
        "Harald Nygaard",
        (("endTime", "1990"),),
    ) in chairs  # 2007 is his name's, not his term's
    assert not {"Lars Vik", "Ole Nes"} & {name for name, _ in chairs}  # parties' chairs
    parties = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson", "party")}
    assert {("Fisher League", "Lars Vik"), ("Blue People's Party", "Ole Nes")} <= parties


WINNERS = """= Althing of Norlandia =

- Country: Norlandia

== Elections ==
The Fisher League of Norlandia (FLN) won the election of 27 February 1994 outright, with 43.18% of the vote and 56 seats. The election of 31 October 2000 was won by the Harbour Party with 48.22 percent of the list vote and 90 seats. Under new rules the election of 6 November 2005 gave the FLN 61 seats and independents 46. The Greens got 24.49% and eleven seats, two more than in 2001.

The mixed system came back in 2009, when voters went to the polls on 19 September and, for the runoffs, on 3 October; the Blue Union took 42 of the 77 seats. At the election of 18 August 2013 the Blue Union, as the Blue Party had been renamed, took every one of the 98 elected seats. The vote of 24 June 2017 was a landslide for the Northern People's Party (NPP), the successor of the old ruling fishermen's party, which took 62 of the 76 seats.

=== 2021 ===
The Harbour Party won the election of 21 July 2021, the first single-party majority.
- Harbour Party: 254 (124 list, 130 district)
- Fisher League: 43
"""


def test_seats_of_the_winner_however_the_sentence_runs():
    facts = _read(WINNERS)
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert {
        ("Fisher League of Norlandia", 56),  # after a share, the subject far before
        ("Harbour Party", 90),  # "was won by ... with ... and 90 seats"
        ("FLN", 61),  # "gave the FLN 61 seats"
        ("Independents", 46),
        ("Greens", 11),
        ("Blue Union", 42),
        ("Blue Union", 98),  # not the Blue Party named in the aside
        ("Northern People's Party", 62),
    } <= seats
    assert not {("Greens", 2), ("Blue Union", 1), ("Blue Party", 98)} & seats
    assert not [s for s in seats if s[0] == s[0].lower()]  # "fishermen's party" is no name


def test_a_runoff_is_the_second_day_of_its_election():
    facts = _read(WINNERS)
    days = {f.subject.slug: [] for f in _told(facts, "pointInTime", "election")}
    for f in _told(facts, "pointInTime", "election"):
        days[f.subject.slug].append(f.value.iso)
    assert [sorted(set(d)) for d in days.values() if d[0].startswith("2009")] == [
        ["2009-09-19", "2009-10-03"]  # one election, both days
    ]
    when = {
        dict(f.qualifiers)["pointInTime"].iso for f in _told(facts, "partySeats") if f.value == 42
    }
    assert when == {"2009-09-19"}


def test_seats_listed_in_a_section_on_one_election_with_their_parts():
    facts = _read(WINNERS)
    listed = {
        (f.value, dict(f.qualifiers).get("seatsFilledBy"))
        for f in _told(facts, "partySeats")
        if f.subject.name == "Harbour Party" and f.evidence.text.startswith("Harbour Party:")
    }
    assert listed == {(254, None), (124, "list"), (130, "district")}
    taking_part = {
        (f.value.name, dict(f.qualifiers).get("seats"))
        for f in _told(facts, "participant", "election")
        if f.evidence.text.endswith(")") or f.evidence.text.endswith("43")
    }
    assert taking_part == {("Harbour Party", 254), ("Fisher League", 43)}  # parts are no entry


PARTY_PEOPLE = """= Althing of Norlandia =

- Country: Norlandia

President Karl Holm, whose Harbour Party (Hamnpartiet Norlandia, HAP) has been the largest in every house, took office in 2004. The election of 6 November 2005 gave the HAP 61 seats. Jon Berg of the Movement for a Free and Prosperous Norlandia was elected in 2009, with Sven Dahl of the Our Coalition alliance and Ilse Roos of the Democratic Party "Saimnieks". Her Party of Action and Solidarity won in 2020. Blue Way, the party of the banker Olaf Dahl, won thirty-six seats in 2010. The Coalition for Change was formed by Akhali (the party of Anna Berg and Erik Lund) and others. The Labour Party and Kantor (the original party of Lars Vik) each stayed under 2 percent.
"""


def test_parties_the_sentence_itself_names_and_their_people():
    facts = _read(PARTY_PEOPLE)
    members = {(f.subject.name, f.value.name) for f in _told(facts, "memberOfParty")}
    assert {
        ("Karl Holm", "Harbour Party"),  # "whose"
        ("Jon Berg", "Movement for a Free and Prosperous Norlandia"),
        ("Sven Dahl", "Our Coalition"),
        ("Ilse Roos", 'Democratic Party "Saimnieks"'),
        ("Olaf Dahl", "Blue Way"),  # "X, the party of the banker Y"
        ("Anna Berg", "Akhali"),
        ("Erik Lund", "Akhali"),  # "(the party of A and B)"
        ("Lars Vik", "Kantor"),  # not "Labour Party and Kantor"
    } <= members
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert {("HAP", 61), ("Blue Way", 36)} <= seats  # "(native name, HAP)" names it too
    parties = {f.subject.name for f in _told(facts, "instanceOf", "party")}
    assert "Labour Party and Kantor" not in parties


def test_the_elder_half_of_a_joined_party_name_is_a_party():
    facts = _read(
        "= 2021 Norlandian general election =\n\n- Election Date: 19 September 2021\n"
        "- Party1: A Fair Norlandia — For Truth\n\n"
        "A Fair Norlandia — For Truth was formed that year, when A Fair Norlandia, led by Jon "
        "Strand, merged with the Patriots.\n"
    )
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson", "party")}
    assert chairs == {("A Fair Norlandia", "Jon Strand")}


def test_a_soviet_body_keeps_its_republic_in_its_name():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "Under Soviet rule the republic's representative body was the Supreme Soviet of the "
        "Nordic SSR, whose 230 deputies were last elected in February 1990.\n"
    )
    sizes = {(f.subject.name, f.value) for f in _told(facts, "numberOfSeats")}
    assert sizes == {("Supreme Soviet of the Nordic SSR", 230)}


def test_events_of_the_country_dated_by_their_own_verb():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "On 9 September 1991 the Supreme Council declared the independence of the republic. "
        "On 5 July 2000, parliament amended the constitution so that the president would be "
        "elected by parliament. King Olaf signed the decree calling the election on 17 June "
        "2021. After winning the presidential election of 20 November 2022, Jon Berg signed a "
        "decree on 19 January 2023 that dissolved the Althing of the 7th convocation, which had "
        "been elected on 10 January 2021.\n"
    )
    events = {(f.subject.name, f.value.iso) for f in _told(facts, "pointInTime", "event")}
    assert {
        ("Declaration of the Independence of Norlandia (9 September 1991)", "1991-09-09"),
        ("Amendment of the Constitution of Norlandia (5 July 2000)", "2000-07-05"),
        ("Signing of the decree calling the election (17 June 2021)", "2021-06-17"),
        ("Dissolution of the Althing of the 7th convocation (19 January 2023)", "2023-01-19"),
    } <= events  # the date is no part of a name; the dissolving verb's date, not the first
    assert not [f for f in _told(facts, "dissolved") if f.subject.name == "Althing"]


def test_independents_hold_seats_but_take_no_part_as_such():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "The election of 1 March 2020 gave the Harbour Party 40 seats and independents 12.\n"
    )
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert seats == {("Harbour Party", 40), ("Independents", 12)}
    taking_part = {f.value.name for f in _told(facts, "participant", "election")}
    assert taking_part == {"Harbour Party"}


def test_renamed_parties_in_asides_and_a_years_section():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "In the partial election of 1 October 2014, sixteen seats were at stake, and the Harbour "
        "League (renamed Harbour Union in 2022) won all 16 of them. In the election of 18 August "
        "2007, the Blue Union, as the Blue Party had been renamed, took every one of the 98 "
        "elected seats.\n\n=== 2024 ===\nThe vote of 28 June 2024 renewed the whole house.\n\n"
        "=== 2007 ===\nThe results were confirmed later:\n\n"
        "Blue Union — 98 seats | Harbour Union — 0\n"
    )
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert ("Harbour League", 16) in seats  # not the name in brackets
    former = {(f.subject.name, f.value) for f in _told(facts, "formerName")}
    assert ("Blue Union", "Blue Party") in former
    dated = {
        (f.value, dict(f.qualifiers)["pointInTime"].iso)
        for f in _told(facts, "partySeats")
        if f.subject.name == "Blue Union"
    }
    assert dated == {(98, "2007-08-18")}  # the section's year, not the last election told


def test_a_results_day_and_counts_of_each():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n"
        "- Political Groups1: |Fisher League (64), |Harbour Party (29)\n\n"
        "At the election of 20 October 2024 the Fisher League of Norlandia (FLN) finished first "
        "with 42.7% of the vote. The FLN had also come first in December 2019, when it won 53 "
        "seats, ahead of the Harbour Party with 36. In 2025 the Blue Party again took seven "
        "seats, the Party of Reforms five, and the Socialist and Democratic parties one each. "
        "The Șerban Party, with 7.18%, and the Green Party, with 7.14%, took three seats each.\n"
    )
    dated = {
        (f.subject.name, f.value, dict(f.qualifiers)["pointInTime"].iso)
        for f in _told(facts, "partySeats")
        if "pointInTime" in dict(f.qualifiers)
    }
    assert {("FLN", 53, "2019-12"), ("Harbour Party", 36, "2019-12")} <= dated
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert ("Blue Party", 1) not in seats and ("Party of Reforms", 1) not in seats
    assert {("Șerban Party", 3), ("Green Party", 3)} <= seats  # "the" is no part of a name
    parties = {f.subject.name for f in _told(facts, "instanceOf", "party")}
    assert "Fisher League of Norlandia" in parties  # the name goes on over "of Norlandia"


def test_presidential_wins_years_of_elections_and_a_fathers_surname():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "Gunnar Lindqvist chaired the Althing from 2019. Lindqvist remained chairman, and his "
        "son Erik Lindqvist won the presidential election of 12 March 2022, with 72.97% of the "
        "vote against eight other candidates, and was sworn in on 19 March 2022. The 2007 and 2011 "
        "elections were run purely on lists. Sven Dahl went on to win the presidential election "
        "of June 2025.\n"
    )
    elections = {(f.subject.name, f.value.iso) for f in _told(facts, "pointInTime", "election")}
    assert ("2022 presidential election in Norlandia", "2022-03-12") in elections
    assert ("2025 presidential election in Norlandia", "2025-06") in elections  # "of June 2025"
    assert not [e for e in elections if e[1] == "2022-03-19"]  # a swearing-in, no election
    assert {"2007", "2011"} <= {iso for _, iso in elections}
    chairs = {f.value.name for f in _told(facts, "chairperson")}
    # "Lindqvist remained chairman": the father named before (here the model's own entity;
    # the surname read token by token is the Turkmen article's case)
    assert chairs == {"Gunnar Lindqvist"}


def test_holders_in_a_row_after_one_who_chaired_and_a_persons_party():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "Nina Berg chaired parliament from 2001 to 2008 and twice served as acting president; "
        "she was followed by Olaf Dahl (2008–2012), Anna Holm (2012–2016) and Erik Sand "
        "(2016–2019). Gagik Lund's Prosperity Party, with 3.95 percent, was left outside.\n"
    )
    chairs = {
        (f.value.name, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(facts, "chairperson")
        if f.subject.kind in ("chamber", "legislature")
    }
    assert {
        ("Olaf Dahl", (("startTime", "2008"), ("endTime", "2012"))),
        ("Anna Holm", (("startTime", "2012"), ("endTime", "2016"))),
        ("Erik Sand", (("startTime", "2016"), ("endTime", "2019"))),
    } <= chairs
    members = {(f.subject.name, f.value.name) for f in _told(facts, "memberOfParty")}
    assert ("Gagik Lund", "Prosperity Party") in members
    assert not _told(facts, "chairperson", "party")  # "X's party": not always X's to lead


def test_a_house_named_before_chaired_and_elected_over_two_days():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "Once the war was over, the Norlanders elected a Constituent Assembly on 17 and 18 "
        "April 1920. The assembly, which first met on 1 May 1920 with Jonas Berzins in the "
        "chair, wrote the constitution of the Althing. The Social Democrat Paulis Kalnins then "
        "presided over the Second and Third Althings. The rules applied from the Seventh "
        "Althing onwards, which was elected on 3 October 1998.\n"
    )
    dated = {f.value.iso for f in _told(facts, "pointInTime", "election")}
    assert dated == {"1920-04-17", "1998-10-03"}  # one vote over two days, from the first
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson")}
    assert ("Constituent Assembly", "Jonas Berzins") in chairs  # "The assembly": the one named
    assert "Paulis Kalnins" in {name for _, name in chairs}  # not "Social Democrat Paulis ..."


def test_a_decree_of_that_year_a_party_taken_over_and_a_far_subjects_share():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n- Political Groups1: |New Folk (13)\n\n"
        "The crisis began in 1993. On 21 September of that year President Karl Holm issued "
        "Decree No. 14, dissolving the Congress of People's Deputies and the Supreme Council of "
        "Norlandia. After the leader's death in April 2022, Jon Strand took over the Harbour "
        "Party. At the election of 19 September 2021, New Folk, founded in 2020 by the "
        "businessman Olaf Dahl, became the first new party in the chamber for almost two "
        "decades, with 5.32 percent and 13 seats.\n"
    )
    ended = {(f.subject.name, f.value.iso) for f in _told(facts, "dissolved")}
    assert {
        ("Congress of People's Deputies", "1993-09-21"),
        ("Supreme Council of Norlandia", "1993-09-21"),  # joined by "and"
    } <= ended
    leaders = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson", "party")}
    assert ("Harbour Party", "Jon Strand") in leaders
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats") if f.rule == "seats"}
    assert seats == {("New Folk", 13)}  # not the "two decades"
    shares = {
        (f.value.name, dict(f.qualifiers).get("proportion"))
        for f in _told(facts, "participant", "election")
    }
    assert ("New Folk", Decimal("0.0532")) in shares


def test_what_a_body_or_a_president_issued_is_an_event():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "On November 16, 1993, the Nordby District Council (Soviet) of Nordby issued an appeal "
        "to deputies at all levels. On 21 September 1993 President Karl Holm issued Decree No. "
        "1400, dissolving the Supreme Council of Norlandia.\n"
    )
    events = {(f.subject.name, f.value.iso) for f in _told(facts, "pointInTime", "event")}
    assert {
        ("Appeal of the Nordby District Council of Nordby (16 November 1993)", "1993-11-16"),
        ("Decree No. 1400 (21 September 1993)", "1993-09-21"),
    } <= events
    assert not [f for f in _told(facts, "participant") if f.subject.kind == "event"]


def test_a_quoted_party_name_and_its_chairman_told_with_as():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        'The newest of them, the Norlandian Party "Whitewater", had been founded on 18 March '
        "2023 from a public association of 2007, with Oleg Berg as chairman. The Althing was "
        "then chaired by Anna Holm, with Erik Sand as deputy chairman.\n"
    )
    parties = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson", "party")}
    assert parties == {('Norlandian Party "Whitewater"', "Oleg Berg")}
    houses = {f.value.name for f in _told(facts, "chairperson") if f.subject.kind != "party"}
    assert "Oleg Berg" not in houses


def test_a_house_elected_in_passing_is_not_the_paragraphs_election():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "The snap election of 19 March 2023 was called after Jon Berg signed a decree on 19 "
        "January 2023 that dissolved the Althing of the 7th convocation, which had been elected "
        "on 10 January 2021. The Harbour Party won 40 seats.\n"
    )
    dated = {f.value.iso for f in _told(facts, "pointInTime", "election")}
    assert {"2023-03-19", "2021-01-10"} <= dated
    when = {dict(f.qualifiers)["pointInTime"].iso for f in _told(facts, "partySeats")}
    assert when == {"2023-03-19"}


def test_a_prime_minister_after_an_aside_and_a_president_who_resigned():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "Karl Holm resigned the presidency on 15 October 2020. Jon Berg resigned as president "
        "of the parliament on 2 May 2019. Sadyr Lund, freed from prison "
        "by protesters during the unrest, became prime minister and then acting head of state.\n"
    )
    held = {
        (f.subject.name, f.value.name, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(facts, "officeholder")
    }
    assert ("President of Norlandia", "Karl Holm", (("endTime", "2020-10-15"),)) in held
    assert ("Prime Minister of Norlandia", "Sadyr Lund", ()) in held
    assert not [h for h in held if h[0] == "President of Norlandia" and h[1] == "Jon Berg"]


def test_a_partys_chair_named_by_its_short_name_and_a_former_prime_minister():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "The Harbour Movement (HM) was founded in 2001. In 2024 the alliance was led by the HM "
        "chair Tina Berg. For Norlandia was founded "
        "by Giorgi Dahl, a former HM prime minister (2019–2021).\n"
    )
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson")}
    assert chairs == {("HM", "Tina Berg")}  # the party's chair, no house's
    held = {(f.subject.name, f.value.name) for f in _told(facts, "officeholder")}
    assert ("Prime Minister of Norlandia", "Giorgi Dahl") in held


def test_an_office_told_by_who_had_headed_it():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "On 1 February 2022 Erik Lund, who had headed the Presidential Administration, was "
        "elected speaker.\n"
    )
    held = {(f.subject.name, f.value.name) for f in _told(facts, "officeholder")}
    assert ("Head of the Presidential Administration of Norlandia", "Erik Lund") in held


def test_an_infobox_prime_minister_is_the_countrys_and_a_remark_is_no_name():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n- Leader1 Type: Chairman\n"
        "- Leader1: Anna Holm (acting)\n- Leader2 Type: Prime Minister\n- Leader2: Erik Lund\n\n"
        "The Althing is the parliament of Norlandia.\n"
    )
    held = {(f.subject.name, f.value.name) for f in _told(facts, "officeholder")}
    assert ("Prime Minister of Norlandia", "Erik Lund") in held
    assert ("Chairman of the {}", "Anna Holm") in held
    chairs = {f.value.name for f in _told(facts, "chairperson")}
    assert chairs == {"Anna Holm"}  # the prime minister chairs no house


TRAPS = """= Althing of Norlandia =

- Country: Norlandia

In March, the party of President Karl Holm won 40 seats. The early election of 29 July 2009 produced a chamber in which the Harbour Party held 48 seats against 53 for four opposition parties. The Harbour Party won the 2019 election to the Althing, whose chairman is Jon Berg. In 2005 the Harbour Party set up a commission of inquiry with Lars Vik as chairman.

Anna Holm chaired the Althing from 1991 to 1996. She was succeeded as party leader by Erik Sand in 1997. Olaf Dahl, a lawyer, was president of the chamber of commerce from 1998 to 2004.

In 1998 Holm named Ingrid Solberg minister of justice. She resigned in 1999 and Per Olsen succeeded her in 1999.

On 5 May 2010 the Harbour Party amended its constitution. On 1 May 1992 the eastern province declared its independence. On 5 May 1993 the Supreme Council issued a warning about the president's decree.

Norlandia joined the United Nations in 1992. It was elected to the Security Council in 2009. The Althing elected in 1995 was dissolved by the president on 12 May.

Its leader, Tor Hagen, took over the Harbour Party's youth wing in 2005. Sven Lid criticised the coalition, whose Fisher League partners had voted against him. Nils Berg accused the prime minister of betraying her Blue Party.

== Elections ==
- Single-member constituencies: 28
"""


def test_traps_for_the_rules_of_this_release_yield_nothing():
    facts = _read(TRAPS)
    parties = {f.subject.name for f in _told(facts, "instanceOf", "party")}
    assert not parties & {"In March", "Single-member constituencies"}
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson")}
    assert ("Harbour Party", "Jon Berg") not in chairs  # "whose" follows the Althing
    assert not {name for _, name in chairs} & {
        "Lars Vik",
        "Erik Sand",
        "Olaf Dahl",
        "Per Olsen",
        "Tor Hagen",
    }
    events = {f.subject.name for f in _told(facts, "pointInTime", "event")}
    assert not [e for e in events if "Norlandia" in e or "Decree" in e]
    elections = {f.value.iso for f in _told(facts, "pointInTime", "election")}
    assert "2009" not in elections  # the Security Council's
    assert not [f for f in _told(facts, "dissolved") if f.value.iso == "1995-05-12"]
    members = {(f.subject.name, f.value.name) for f in _told(facts, "memberOfParty")}
    assert not members & {("Sven Lid", "Fisher League"), ("Nils Berg", "Blue Party")}
    assert not [f for f in _told(facts, "partySeats") if f.value in (28, 53, 4)]


def test_parties_that_got_in_on_a_day_date_an_election():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n- Political Groups1: |Blue Party (28)\n\n"
        "Five parties got in on 10 October 2014, none of them with more than the Blue Party's 28 "
        "seats.\n"
    )
    assert {f.value.iso for f in _told(facts, "pointInTime", "election")} == {"2014-10-10"}
    dated = {
        (f.subject.name, f.value, dict(f.qualifiers).get("pointInTime"))
        for f in _told(facts, "partySeats")
        if f.rule == "seats"
    }
    assert {(name, n, d.iso if d else None) for name, n, d in dated} == {
        ("Blue Party", 28, "2014-10-10")
    }


def test_terms_that_changed_length():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "At a joint sitting on 7 October 1998 Parliament set the senatorial term at six years "
        "and lengthened that of Althing deputies from four to five. Besides extending the "
        "presidential term from five to seven years, the 1999 referendum split the legislature; "
        "the first elections were held on 27 February 2000. The party grew from fifty to one "
        "hundred seats.\n"
    )
    terms = {
        (f.subject.name, f.value, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(facts, "termLength")
        if f.rule == "term"
    }
    assert {
        ("Althing", 4, (("endTime", "1998-10-07"),)),
        ("Althing", 5, (("startTime", "1998-10-07"),)),
        ("President of Norlandia", 5, ()),  # the change's own date is not told
        ("President of Norlandia", 7, ()),
    } <= terms
    assert not [t for t in terms if t[1] in (50, 100)]  # seats are no term
    assert not _told(facts, "numberOfSeats")  # the party's seats, not the house's size


def test_a_house_that_grew_from_words_to_words():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n"
        "A new constitution, adopted on 26 September 2008, made the Althing the sole "
        "legislature, and it grew from fifty to one hundred and twenty-five seats. The People's "
        "Chamber began in 2005 with 120 deputies. Its size was increased to 150 at the 2009 "
        "election.\n"
    )
    sizes = {(f.subject.name, f.value) for f in _told(facts, "numberOfSeats")}
    assert {("Althing", 125), ("People's Chamber", 120), ("People's Chamber", 150)} <= sizes


COMMA_LISTED = """= Althing of Norlandia =

- Country: Norlandia

=== 2024 election ===
The vote of 6 October 2024 returned the Harbour Party with 40 of the 63 seats. The remaining 23 were shared as follows:
- Blue Way (Sinine Tee), 16
- Red Road, 11.5% (7 seats)
- Anna Berg, 1991
"""


def test_results_listed_with_a_comma_before_the_count():
    facts = _read(COMMA_LISTED)
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert {("Blue Way", 16), ("Red Road", 7)} <= seats
    assert not [s for s in seats if s[0] == "Anna Berg"]  # a year is no count
    shares = {
        (f.value.name, dict(f.qualifiers).get("proportion")) for f in _told(facts, "participant")
    }
    assert ("Red Road", Decimal("0.115")) in shares


STEMS = """= Althing of Norlandia =

- Country: Norlandia
- Political Groups1: |Harbour Party (40), |Tarn (16), |Moss Party (5)

=== 2024 election ===
The vote of 6 October 2024 returned the Harbour Party with 40 of the 63 seats. The remaining 23 were shared as follows:
- Tarn Social Democratic Party, 16
- Moss Party of Norlandia, 5
- Fell People's Party, 1
- Fell Social Party, 1

The Harbour Party had also come first in 2019, when it won 38 seats, ahead of Tarn with 14 and the Moss Party with 8.
"""


def test_a_party_named_short_and_in_full_is_one_party(tmp_path):
    source = tmp_path / "stems.txt"
    source.write_text(STEMS, encoding="utf-8")
    graph = Graph(build([source], load_settings()).quads)
    rows = graph.rows("""SELECT ?p ?name ?n WHERE {
        ?p wdt:P31 wd:Q7278 ; rdfs:label|skos:altLabel ?name ; p:P1410/ps:P1410 ?n }""")
    seats: dict[str, set] = {}
    for r in rows:
        seats.setdefault(r["name"], set()).add(r["n"])
    assert {"16", "14"} <= seats["Tarn"]  # "Tarn" is the Tarn Social Democratic Party
    assert seats["Tarn"] == seats["Tarn Social Democratic Party"]
    assert seats["Moss Party"] == seats["Moss Party of Norlandia"] == {"5", "8"}
    labels = {r["p"]: r["name"] for r in rows}
    assert len({p for p, name in labels.items() if name.startswith("Fell")}) == 2  # two parties


UNSAID = """= Althing of Norlandia =

- Country: Norlandia

== Elections ==
At the election of 4 May 2013 the Blue Party won 47 seats, the Red Party 14, the Fell bloc 9 and Tarn twenty; the Fishermen's Union six. At the election of 2 May 2017 the Blue Party won 40 seats in March, Karl Holm stayed on and Chapter 5 was amended.
"""


def test_results_with_the_verb_and_seat_word_left_out():
    facts = _read(UNSAID)
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert {("Red Party", 14), ("Fell", 9), ("Tarn", 20), ("Fishermen's Union", 6)} <= seats
    assert not [s for s in seats if s[0] in ("Karl Holm", "Chapter", "March") or s[1] == 5]
    parties = {f.subject.name for f in _told(facts, "instanceOf", "party")}
    assert {"Fell", "Tarn", "Fishermen's Union"} <= parties


POSTS = """= Althing of Norlandia =

- Country: Norlandia

The list was led by the fisheries minister Lars Vik and the deputy prime minister, Anna Holm, at the 2019 election. Olaf Dahl, the long-serving foreign minister, and Jens Olsen, until then a deputy prime minister, were elected. Erik Sand left the Althing in May 2020 to become Prosecutor General; Ingrid Solberg had moved on to become prime minister.

After talks with the prime minister, Karl Holm went home. Nils Berg left the bank to become president of the chamber of commerce. Tor Hagen met the chief minister Sven Lid.
"""


def test_offices_told_beside_their_holders_and_taken_up_on_leaving():
    facts = _read(POSTS)
    held = {(f.subject.name, f.value.name) for f in _told(facts, "officeholder")}
    assert {
        ("Minister of Fisheries of Norlandia", "Lars Vik"),
        ("Deputy Prime Minister of Norlandia", "Anna Holm"),
        ("Minister of Foreign Affairs of Norlandia", "Olaf Dahl"),
        ("Deputy Prime Minister of Norlandia", "Jens Olsen"),
        ("Prosecutor General of Norlandia", "Erik Sand"),
        ("Prime Minister of Norlandia", "Ingrid Solberg"),
    } <= held
    assert not {name for _, name in held} & {"Karl Holm", "Nils Berg", "Sven Lid", "Tor Hagen"}
    dated = [
        f for f in _told(facts, "officeholder") if f.value.name == "Jens Olsen" and f.qualifiers
    ]
    assert not dated  # "until then": held before the sentence's day, not from it


ASIDES = """= Althing of Norlandia =

- Country: Norlandia

== Elections ==
At the election of 26 February 1995 independents took 113 seats and the Red Party 60, whereas the Blue Party, set up at a congress on 10 December 1994, won just five. The first house elected under these rules, on 2 April 2017, had 105 members; the Fisher League won fifty-eight of them. The house of 2021 had 63 members; forty-one of them were women, and the Harbour Party, which had held 12 deputies, lost 5 of them.
"""


def test_seats_won_after_an_aside_and_of_the_members_counted_before():
    facts = _read(ASIDES)
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert {("Blue Party", 5), ("Fisher League", 58)} <= seats
    assert not [s for s in seats if s[1] in (41, 12, 10) or s[0] == "Harbour Party"]


def test_a_house_told_as_the_countrys_legislature_is_the_countrys():
    facts = _read(
        "= 2020 Norlandian general election =\n\n- Country: Norlandia\n- Election Date: 4 May 2020"
        "\n\nVoters chose the members of the Great Assembly, the country's single-chamber "
        "parliament, on 4 May 2020. The Fisher Council, the country's largest trade union, "
        "backed the Blue Party.\n"
    )
    countries = {f.subject.name for f in _told(facts, "country") if f.rule == "country-apposed"}
    assert "Great Assembly" in countries
    assert "Fisher Council" not in countries  # the country's union, not its legislature


WORDED = """= Althing of Norlandia =

- Country: Norlandia

== Elections ==
The snap election of 9 December 2018 gave his Blue Step Alliance 88 of 132 seats. At the election of 31 October 2020 the Harbour Party, running as part of the Sea Is in Us alliance, took 27.18 percent and 36 seats, and the Fisher League (FL)-led North Wind bloc 12 seats with 6.5%. Karl Holm's Red Road Coalition won 9 seats in 2024.

After the Party congress of 1990, the Soviet bloc fell apart and the opposition alliance split.
"""


def test_parties_told_by_their_word_and_the_seats_a_count_is_out_of():
    facts = _read(WORDED)
    parties = {f.subject.name for f in _told(facts, "instanceOf", "party")}
    assert {"Blue Step Alliance", "Sea Is in Us", "North Wind", "Red Road Coalition"} <= parties
    assert not parties & {"Soviet", "Party", "Karl Holm's Red Road Coalition"}
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert {("Blue Step Alliance", 88), ("Harbour Party", 36), ("North Wind", 12)} <= seats
    shares = {
        (f.value.name, dict(f.qualifiers).get("proportion")) for f in _told(facts, "participant")
    }
    assert ("Harbour Party", Decimal("0.2718")) in shares  # not the alliance in its aside
    assert 132 in {f.value for f in _told(facts, "numberOfSeats")}


LISTED_THEN_TOLD = """= Althing of Norlandia =

- Country: Norlandia

=== 2019 ===
The Harbour Party won the election of 21 July 2019.
- Harbour Party: 254
- Sea Platform — For Life: 43
- Voice (Holos): 20

Sea Platform — For Life took 13.05% of the list vote and Voice 5.82%.

== Speakers ==
- Anna Berg, 1991–1996

Anna Berg took 55% of the vote for the chair in 1991.
"""


def test_names_listed_with_their_seats_are_parties_in_the_prose_too():
    facts = _read(LISTED_THEN_TOLD)
    shares = {
        (f.value.name, dict(f.qualifiers).get("proportion")) for f in _told(facts, "participant")
    }
    assert {("Sea Platform — For Life", Decimal("0.1305")), ("Voice", Decimal("0.0582"))} <= shares
    parties = {f.subject.name for f in _told(facts, "instanceOf", "party")}
    assert "Anna Berg" not in parties  # a list of speakers lists no results


def test_the_next_election_of_the_infobox_follows_the_last():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n- Last Election1: 26 October 2024\n"
        "- Next Election1: 2028\n- Next Election2: 2030\n\nThe Althing is the parliament of "
        "Norlandia.\n"
    )
    follows = [(f.subject.slug, f.value.slug) for f in facts if f.relation == "followedBy"]
    assert len(follows) == 1 and "2024-10-26" in follows[0][0] and "2028" in follows[0][1]


LED_IN_A_LIST = """= Althing of Norlandia =

- Country: Norlandia

== Elections ==
Six parties shared the 54 list seats in 2021: the Blue Party took 15; Fell Party, 12; Tarn Movement, led by former speaker Anna Holm, six; and Red Road Party, five. The Sea list, led by Karl Holm, took 27.17%, and the Moss Party 5.74%. The Harbour Party (HP) came second. Olaf Dahl, a former HP prime minister, led its list.
"""


def test_who_leads_a_party_in_a_list_and_whose_prime_minister_was_whose():
    facts = _read(LED_IN_A_LIST)
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson", "party")}
    assert ("Tarn Movement", "Anna Holm") in chairs
    assert not {("Red Road Party", "Anna Holm"), ("Moss Party", "Karl Holm")} & chairs
    members = {(f.subject.name, f.value.name) for f in _told(facts, "memberOfParty")}
    assert ("Olaf Dahl", "HP") in members
    assert ("Karl Holm", "Moss Party") not in members


LEADERS_AFTER = """= Althing of Norlandia =

- Country: Norlandia

In 2010 the chair went to Ilse Roos, by now leader of the Red Party. She was followed by Anna Holm, a lawyer and a leader of the Blue Party. Jon Berg, a former prime minister and onetime leader of the Harbour Party, stood alone. Sven Lid was succeeded as leader of the Green Party by Tor Hagen in 2001. Nils Berg, first secretary of the Fisher Party since 1985, led the country. Olaf Dahl, head of the Fisher Council, and Lars Vik, the leader of the opposition, met.
"""


def test_party_leaders_told_after_their_names():
    facts = _read(LEADERS_AFTER)
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson", "party")}
    assert {
        ("Red Party", "Ilse Roos"),
        ("Harbour Party", "Jon Berg"),
        ("Green Party", "Tor Hagen"),
    } <= chairs
    assert not {("Blue Party", "Anna Holm"), ("Green Party", "Sven Lid")} & chairs
    assert not [c for c in chairs if c[1] in ("Nils Berg", "Olaf Dahl", "Lars Vik")]
    members = {(f.subject.name, f.value.name) for f in _told(facts, "memberOfParty")}
    assert {("Anna Holm", "Blue Party"), ("Nils Berg", "Fisher Party")} <= members


def test_a_declaration_with_a_clause_after_it_and_a_verdict_that_is_none():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\nOn 23 June 1990 the Althing "
        "declared the sovereignty of the republic, which by then was calling itself the Free "
        "State of Norlandia. The Blue Party, in power since 2012, was declared the winner on 4 "
        "May 2020. On 19 June 2023 the court declared the Red Party unconstitutional.\n"
    )
    events = {f.subject.name for f in _told(facts, "pointInTime", "event")}
    assert "Declaration of the Sovereignty of Norlandia (23 June 1990)" in events
    assert not [e for e in events if "Party" in e]  # verdicts, not declarations


ITS_CHAIR = """= Althing of Norlandia =

- Country: Norlandia

== History ==
In 1990 the Popular Front won a majority in the Supreme Soviet, which began calling itself the Great Council. On 4 May 1990 it adopted a declaration, and its chairman, Anna Berg, became the face of the new state.

Its powers then passed to a State Council. A new parliament was elected on 11 October 1992, and Karl Holm was chosen as its chairman.
"""


def test_its_chairman_is_the_chair_of_the_body_named_last():
    facts = _read(ITS_CHAIR)
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson")}
    assert ("Great Council", "Anna Berg") in chairs
    assert ("State Council", "Karl Holm") not in chairs  # "a new parliament": its chairman


PAIRED = """= Althing of Norlandia =

- Country: Norlandia

== Elections ==
At the election of 17 November 2019 the Blue Party won 11 seats on 10.62%, and the Fell Party of Norlandia (FPN) and the Moss Party one each, on 5.33% and 0.89%. At the election of 2 March 2025 the Red and Green parties won one each, with 5.34% and 5.11%, and the Liberal and Social Democratic parties none.
"""


def test_shares_told_respectively_and_parties_sharing_their_word():
    facts = _read(PAIRED)
    shares = {
        (f.value.name, dict(f.qualifiers).get("proportion")) for f in _told(facts, "participant")
    }
    assert {
        ("Fell Party of Norlandia", Decimal("0.0533")),
        ("Moss Party", Decimal("0.0089")),
        ("Red Party", Decimal("0.0534")),
        ("Green Party", Decimal("0.0511")),
    } <= shares
    assert ("Moss Party", Decimal("0.0533")) not in shares
    parties = {f.subject.name for f in _told(facts, "instanceOf", "party")}
    assert not parties & {"Liberal Party", "Social Party", "Social Democratic Party"}


def test_a_convocation_told_by_its_ordinal_and_the_day_it_first_met():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\nThe ninth Althing held its first "
        "sitting on 12 October 2021. Anna Berg opened the Tenth Althing on 1 November 2022. The "
        "eleventh Althing was elected on 3 May 2025. Karl Holm opened the debate on 4 May 2025.\n"
    )
    begun = {
        (f.subject.name.format("Althing"), f.value.iso) for f in facts if f.relation == "inception"
    }
    assert begun == {
        ("9th convocation of the Althing", "2021-10-12"),
        ("10th convocation of the Althing", "2022-11-01"),
    }
    also = {f.value for f in facts if f.relation == "alias" and f.subject.kind == "convocation"}
    assert {"ninth Althing", "Tenth Althing"} <= also


def test_a_member_told_by_the_list_that_returned_them():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\nThe Althing kept Anna Berg, who had "
        "entered the new house on the Blue Party list, as its speaker. Karl Holm, who like his "
        "successor was elected on the Harbour Party list, resigned. Olaf Dahl criticised the "
        "Red Party list. Jon Berg, who voted on the Green Party list, abstained.\n"
    )
    members = {(f.subject.name, f.value.name) for f in _told(facts, "memberOfParty")}
    assert {("Anna Berg", "Blue Party"), ("Karl Holm", "Harbour Party")} <= members
    assert not {("Olaf Dahl", "Red Party"), ("Jon Berg", "Green Party")} & members


def test_a_house_reduced_from_one_size_to_another_had_the_first_until_then():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\nThe constitution of 11 April 2021 "
        "reduced the Althing from 120 to 90 seats. Turnout fell from 60 to 50 percent. The "
        "Blue Party grew from 20 to 30 seats.\n"
    )
    sizes = {
        (f.value, tuple((k, v.iso) for k, v in f.qualifiers)) for f in _told(facts, "numberOfSeats")
    }
    assert {(90, (("pointInTime", "2021-04-11"),)), (120, (("endTime", "2021-04-11"),))} <= sizes
    assert not [s for s in sizes if s[0] in (60, 50, 20, 30)]


def test_a_person_told_by_what_they_do_is_typed_a_person():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\nThe observers were chaired by "
        "the Norlandic deputy Ivo Brunhilder and headed by its deputy secretary-general. The "
        "party Blue Way won in 2019.\n"
    )
    people = {f.subject.name for f in _told(facts, "instanceOf", "person")}
    assert "Ivo Brunhilder" in people  # the model calls the name an organisation
    assert "Blue Way" not in people


def test_electoral_systems_by_their_usual_names():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\nThe Althing is elected for five "
        "years under a parallel system; seats are allocated by the Sainte-Laguë method. In 2020 "
        "it returned to plurality-at-large voting in multi-member constituencies. The parallel "
        "streets of the capital were renamed.\n"
    )
    systems = {f.value.name for f in _told(facts, "electoralSystem")}
    assert {
        "Parallel voting",
        "Sainte-Laguë method",
        "Plurality-at-large voting in multi-member constituencies",
    } <= systems
    assert not [s for s in systems if "streets" in s]


def test_a_hyphenated_surname_alone_and_a_chair_left_for_the_presidency():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\n== Chairmen ==\nJon Berg-Holm "
        "chaired the Althing from 1990. When Berg-Holm was elected the country's first president "
        "in October 1991, the chair passed to Anna Dahl.\n"
    )
    presidents = {f.value.name for f in _told(facts, "participant", "election")}
    assert "Jon Berg-Holm" in presidents
    chairs = {
        (f.value.name, tuple((k, v.iso) for k, v in f.qualifiers))
        for f in _told(facts, "chairperson")
    }
    assert ("Jon Berg-Holm", (("startTime", "1991-10"),)) not in chairs  # he left it then


def test_presidents_chosen_the_next_day_or_a_week_later():
    facts = _read(
        "= Althing of Norlandia =\n\n- Country: Norlandia\n\nThe First Althing assembled on 7 "
        "November 1922. A week later, on 14 November, its deputies chose Karl Holm as the first "
        "President of Norlandia. The Fifth Althing met on 6 July 1993. The next day the deputies "
        "chose Anna Berg, a lawyer, as president.\n"
    )
    elected = {
        (f.value.name, dict(f.qualifiers)["startTime"].iso)
        for f in _told(facts, "officeholder")
        if f.subject.name == "President of Norlandia"
    }
    assert elected == {("Karl Holm", "1922-11-14"), ("Anna Berg", "1993-07-07")}


ITS_LEADER = """= Althing of Norlandia =

- Country: Norlandia

The first multiparty election took place on 28 October 1990. It was won by the Round Table bloc, and the Great Council (as the Supreme Soviet now called itself) elected the bloc's leader, the former dissident Karl Holm, as its chairman on 14 November 1990. The nationalist Blue Movement came out of it strong enough to put its leader, Anna Berg, in the government. The Great Council gave its chairman, Olaf Dahl, a medal.
"""


def test_its_leader_and_the_blocs_leader_lead_the_party_named_last():
    facts = _read(ITS_LEADER)
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson")}
    assert {
        ("Round Table", "Karl Holm"),
        ("Blue Movement", "Anna Berg"),
        ("Great Council", "Karl Holm"),  # the house named outside the brackets
    } <= chairs
    assert ("Supreme Soviet", "Karl Holm") not in chairs
    assert not [c for c in chairs if c[1] == "Olaf Dahl" and c[0] != "Great Council"]


# Sentences on which the rules of this release read wrong facts before the review (each
# trap was confirmed against the code it names).
REVIEWED = """= Althing of Norlandia =

- Country: Norlandia

In the presidential runoff Holmberg (48.95%) narrowly defeated Lindqvist (45.47%). Turnout was lowest in Eastport (41.2%).

Observers were led by the Russian defence minister Sergei Shoigu. The talks were led by the deputy prime minister, Oleg Pankratov, and by Temir Sariyev, until then a deputy prime minister of Kyrgyzstan.

Erik Lund left the cabinet in 2019 to become the President's state adviser. Russia's Vladimir Putin, president since 2012, urged calm. Lund met the former president and prime minister Boris Yeltsin. Lund remained Prime Minister Anna Holm's main partner in the Althing.

The Greens backed the Harbour Party in the 2015 election, and its leader, Tor Strand, urged voters to follow. Olaf Dahl, who had chaired the Althing since 3 May 1988, was elected president of the republic. The next day the Althing elected Per Olsen its chairman.

The Blue Party won its seats by staying close to the Eastern Bloc. The Grand Coalition talks failed. Both the Estonian and Russian parties courted voters in the 2015 election, while the Christian and Islamic parties stayed small. Observers from Russia, where the Federal Assembly, the country's bicameral parliament, sits, watched the vote.

Ingrid Solberg, who was elected on the Blue Party list as a non-party candidate, later joined the Harbour Party. The Blue Party won 47 seats, Nils Berg's Fisher League 13, and 9 in Eastport, Holmberg 4. The Althing was enlarged from 77 to 107 seats. Norlandia keeps a parallel system of customary courts.
"""


def test_traps_of_the_reviewed_rules_yield_nothing():
    facts = _read(REVIEWED)
    parties = {f.subject.name for f in _told(facts, "instanceOf", "party")}
    assert not parties & {"Holmberg", "Lindqvist", "Eastport"}
    held = {(f.subject.name, f.value.name) for f in _told(facts, "positionHeld")}
    foreign = {"Sergei Shoigu", "Temir Sariyev", "Vladimir Putin"}
    assert not {person for person, _ in held} & foreign
    assert ("Boris Yeltsin", "President of Norlandia") not in held
    assert not [office for person, office in held if person in ("Erik Lund", "Lund")]
    chairs = {(f.subject.name, f.value.name) for f in _told(facts, "chairperson")}
    assert ("Harbour Party", "Tor Strand") not in chairs  # its: the Greens' or the party's?
    days = {f.value.iso for f in facts if f.relation == "pointInTime"}
    assert "1988-05-04" not in days  # the next day after the story's day, not an aside's
    assert not parties & {
        "Eastern Bloc",
        "Grand Coalition",
        "Estonian Party",
        "Russian Party",
        "Christian Party",
        "Islamic Party",
        "Nils Berg's Fisher League",
    }
    countries = {(f.subject.name, f.value.name) for f in _told(facts, "country")}
    assert not [house for house, _ in countries if "Federal Assembly" in house]
    members = {(f.subject.name, f.value.name) for f in _told(facts, "memberOfParty")}
    assert ("Ingrid Solberg", "Blue Party") not in members
    seats = {(f.subject.name, f.value) for f in _told(facts, "partySeats")}
    assert not [s for s in seats if s[0] in ("Holmberg", "Nils Berg's Fisher League")]
    assert ("Fisher League", 13) in seats  # the party, without its owner
    sizes = {f.value for f in _told(facts, "numberOfSeats")}
    assert 77 not in sizes and 107 in sizes  # undated, the old size would read as current
    assert not _told(facts, "electoralSystem")  # courts, not votes
