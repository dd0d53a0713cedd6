"""Articles the code has never seen extract without table or code changes."""

import pytest

from kzgraph.pipeline import build
from kzgraph.settings import load_settings

from .conftest import FIXTURES, SEED, Graph

E = "https://w3id.org/kzgraph/entity/"


def test_unicameral_finland(finland):
    p = f"<{E}parliament-of-finland>"
    assert finland.ask(
        f"ASK {{ {p} wdt:P31 wd:Q37002670 ; wdt:P1342 200 ; wdt:P1365 <{E}diet-of-finland> }}"
    )
    assert finland.ask(
        f'ASK {{ {p} kzo:inception "1906"^^xsd:gYear ; kzo:firstSession "1907-05-25"^^xsd:date }}'
    )
    assert finland.ask(f"ASK {{ {p} wdt:P2097 4 }}")
    assert not finland.ask("ASK { ?c a kzo:Chamber }")


def test_finland_seats_in_the_legislature_itself(finland):
    rows = finland.rows(f"""
        SELECT ?party ?n WHERE {{ ?party p:P1410 ?st . ?st ps:P1410 ?n ;
          pq:P194 <{E}parliament-of-finland> ; pq:P580 "2023-04-02T00:00:00Z"^^xsd:dateTime }}""")
    got = {r["party"].rsplit("/", 1)[1]: int(r["n"]) for r in rows}
    assert got["national-coalition-party"] == 48
    assert got["finns-party"] == 46
    assert sum(got.values()) == 200


def test_finland_elections_and_results(finland):
    rows = finland.rows(f"""
        SELECT ?share ?seats WHERE {{ <{E}election-2019-04-14-parliament-of-finland> p:P710 ?st .
          ?st ps:P710 <{E}social-democratic-party> ; pq:P1107 ?share ; pq:P1410 ?seats }}""")
    assert rows == [{"share": "0.177", "seats": "40"}]


def test_finland_renamed_party_and_speaker(finland):
    assert finland.ask(f'ASK {{ <{E}finns-party> kzo:formerName "True Finns"@en }}')
    assert finland.ask(
        f"ASK {{ <{E}jussi-halla-aho> wdt:P102 <{E}finns-party> ; wdt:P39 ?office . ?office wdt:P2389 <{E}parliament-of-finland> }}"
    )


def test_bicameral_kenya_with_its_own_senate(kenya):
    p = f"<{E}parliament-of-kenya>"
    assert kenya.ask(
        f"ASK {{ {p} wdt:P31 wd:Q189445 ; wdt:P527 <{E}senate-kenya>, <{E}national-assembly-kenya> }}"
    )
    assert kenya.ask(f"ASK {{ <{E}senate-kenya> wdt:P1342 67 ; wdt:P31 wd:Q637846 ; wdt:P2097 5 }}")
    assert kenya.ask(f"ASK {{ <{E}national-assembly-kenya> wdt:P1342 349 ; wdt:P31 wd:Q375928 }}")
    assert kenya.ask(f"ASK {{ <{E}senate-kenya> wdt:P488 <{E}amason-kingi> }}")
    assert kenya.ask(f'ASK {{ <{E}senate-kenya> kzo:firstSession "2013-03-28"^^xsd:date }}')


def test_kenya_other_date_format_and_rename(kenya):
    assert kenya.ask(
        f'ASK {{ <{E}election-2022-08-09-national-assembly-kenya> kzo:pointInTime "2022-08-09"^^xsd:date }}'
    )
    assert kenya.ask('ASK { ?e a kzo:Event ; kzo:pointInTime "2010-08-27"^^xsd:date }')
    assert kenya.ask(f'ASK {{ <{E}jubilee-party> kzo:formerName "The National Alliance"@en }}')


def test_articles_built_together_keep_their_senates_apart():
    both = Graph(build([SEED, FIXTURES / "parliament-of-kenya.txt"], load_settings()).quads)
    assert both.ask(f"ASK {{ <{E}senate> wdt:P1342 49 . <{E}senate-kenya> wdt:P1342 67 }}")
    assert not both.ask(f"ASK {{ <{E}senate> wdt:P1342 67 }}")
    assert not both.ask(f"ASK {{ <{E}parliament-of-kenya> wdt:P527 <{E}senate> }}")


@pytest.mark.parametrize(
    "relation",
    ["numberOfSeats", "partySeats", "participant", "pointInTime", "inception", "memberOfParty"],
)
def test_fixture_articles_cover_the_main_relations(finland, kenya, relation):
    for graph in (finland, kenya):
        assert graph.ask(f"ASK {{ ?s kzo:{relation} ?o }}")
