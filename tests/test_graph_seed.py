import re

"""The seed article, queried the way a Wikidata user would (issue: build the graph)."""

E = "https://w3id.org/kzgraph/entity/"


def values(rows, key):
    return sorted(r[key] for r in rows)


def test_majilis_has_98_seats(seed):
    assert seed.ask(f"ASK {{ <{E}majilis> wdt:P1342 98 ; kzo:numberOfSeats 98 }}")


def test_senate_has_49_and_50_each_with_its_own_quotation(seed):
    rows = seed.rows(f"""
        SELECT ?n ?quote ?conflict WHERE {{
          <{E}senate> p:P1342 ?st . ?st ps:P1342 ?n ; prov:wasDerivedFrom/pr:P1683 ?quote .
          OPTIONAL {{ ?st kzo:hasConflict ?conflict }}
          FILTER NOT EXISTS {{ ?st <https://w3id.org/kzgraph/prop/qualifier/seatsFilledBy> ?how }}
        }}""")
    by_value = {r["n"]: r for r in rows}
    assert set(by_value) == {"49", "50"}  # the sizes; the parts (34 elected, 15 appointed) apart
    assert "Senate: 49" in by_value["49"]["quote"]
    assert "consists of 50 deputies" in by_value["50"]["quote"]
    assert all(r["conflict"] == "true" for r in rows)


def test_conflicting_statements_point_at_each_other(seed):
    rows = seed.rows(f"""
        SELECT ?a ?b WHERE {{ <{E}senate> p:P1342 ?a, ?b . ?a kzo:conflictsWith ?b }}""")
    assert len(rows) == 2


def test_amanat_holds_62_seats_in_the_majilis(seed):
    rows = seed.rows(f"""
        SELECT ?n ?since WHERE {{
          <{E}amanat> p:P1410 ?st . ?st ps:P1410 ?n ; pq:P194 <{E}majilis> ; pq:P580 ?since }}""")
    assert {"n": "62", "since": "2023-03-19T00:00:00Z"} in rows


def test_2016_election_nur_otan_share_and_seats(seed):
    rows = seed.rows(f"""
        SELECT ?share ?seats ?date WHERE {{
          ?e owl:sameAs wd:Q23014128 ; wdt:P585 ?date ; p:P710 ?st .
          ?st ps:P710 <{E}amanat> ; pq:P1107 ?share ; pq:P1410 ?seats }}""")
    assert rows == [{"share": "0.822", "seats": "84", "date": "2016-03-20T00:00:00Z"}]


def test_all_2016_results(seed):
    rows = seed.rows(f"""
        SELECT ?party ?share ?seats WHERE {{
          <{E}election-2016-03-20-majilis> p:P710 ?st . ?st ps:P710 ?party .
          OPTIONAL {{ ?st pq:P1107 ?share }} OPTIONAL {{ ?st pq:P1410 ?seats }} }}""")
    got = {r["party"].rsplit("/", 1)[1]: (r["share"], r["seats"]) for r in rows}
    assert got == {
        "amanat": ("0.822", "84"),
        "ak-zhol": ("0.0718", "7"),
        "peoples-party-of-kazakhstan": ("0.0714", "7"),
    }


def test_parliament_replaces_supreme_council_and_has_two_chambers(seed):
    p = f"<{E}parliament-of-kazakhstan>"
    assert seed.ask(f"ASK {{ {p} wdt:P1365 <{E}supreme-council-of-kazakhstan> }}")
    assert seed.ask(f"ASK {{ <{E}supreme-council-of-kazakhstan> wdt:P1366 {p} }}")
    parts = seed.rows(f"SELECT DISTINCT ?c WHERE {{ {p} wdt:P527 ?c }}")
    assert values(parts, "c") == [f"{E}majilis", f"{E}senate"]
    assert seed.ask(
        f"ASK {{ {p} wdt:P31 wd:Q189445 ; owl:sameAs wd:Q2995409 ; wdt:P17 <{E}kazakhstan> }}"
    )
    assert seed.ask(f"ASK {{ <{E}senate> wdt:P31 wd:Q637846 . <{E}majilis> wdt:P31 wd:Q375928 }}")


def test_ashimbayev_chairs_the_senate_and_is_in_amanat(seed):
    a = f"<{E}maulen-ashimbayev>"
    assert seed.ask(f"ASK {{ <{E}senate> wdt:P488 {a} . {a} wdt:P102 <{E}amanat> }}")
    assert seed.ask(
        f"ASK {{ {a} wdt:P39 <{E}chairman-of-the-senate> . <{E}chairman-of-the-senate> wdt:P1308 {a} }}"
    )
    assert seed.ask(f"ASK {{ <{E}senate> wdt:P2388 <{E}chairman-of-the-senate> }}")
    assert seed.ask(f"ASK {{ {a} owl:sameAs wd:Q12555734 ; wdt:P31 wd:Q5 }}")


def test_1995_referendum_date(seed):
    assert seed.ask(
        f'ASK {{ <{E}referendum-1995-08-30> wdt:P585 "1995-08-30T00:00:00Z"^^xsd:dateTime ; wdt:P31 wd:Q43109 }}'
    )
    assert seed.ask(
        f"ASK {{ <{E}constitution-of-kazakhstan-1995> kzo:adoptedThrough <{E}referendum-1995-08-30> }}"
    )


def test_sizes_terms_and_appointers(seed):
    assert seed.ask(f"ASK {{ <{E}majilis> wdt:P2097 5 . <{E}senate> wdt:P2097 6 }}")
    appointers = seed.rows(f"SELECT ?a WHERE {{ <{E}senate> wdt:P748 ?a }}")
    assert f"{E}president-of-kazakhstan" in values(appointers, "a")
    assert f"{E}assembly-of-people-of-kazakhstan" in values(appointers, "a")


def test_establishment_dissolution_and_first_session(seed):
    assert seed.ask(
        f'ASK {{ <{E}parliament-of-kazakhstan> kzo:inception "1995"^^xsd:gYear ; kzo:firstSession "1996-01-30"^^xsd:date }}'
    )
    assert seed.ask(
        f'ASK {{ <{E}supreme-council-of-kazakhstan> kzo:inception "1938"^^xsd:gYear ; kzo:dissolved "1993-12"^^xsd:gYearMonth }}'
    )
    st = seed.rows(
        f"SELECT ?p WHERE {{ <{E}supreme-council-of-kazakhstan> p:P576 ?st . "
        "?st <http://www.wikidata.org/prop/statement/value/P576> ?v . ?v wikibase:timePrecision ?p }"
    )
    # December 1993 (it dissolved itself, a month) and 1995 ("the dissolution of the
    # Supreme Council ... by President Nazarbayev", a year): both told, each at its precision
    assert sorted(r["p"] for r in st) == ["10", "9"]


def test_constitutions_and_their_dates(seed):
    assert seed.ask(
        f'ASK {{ <{E}constitution-of-kazakhstan-1993> kzo:inception "1993-01-28"^^xsd:date ; kzo:adoptedBy <{E}supreme-council-of-kazakhstan> }}'
    )
    bases = seed.rows(f"SELECT ?c WHERE {{ <{E}supreme-council-of-kazakhstan> kzo:basedOn ?c }}")
    assert values(bases, "c") == [
        f"{E}constitution-of-kazakh-ssr-1937",
        f"{E}constitution-of-kazakh-ssr-1978",
        f"{E}constitution-of-kazakhstan-1993",
    ]


def test_elections_with_dates_rounds_and_chambers(seed):
    rows = seed.rows("SELECT ?e ?d WHERE { ?e a kzo:Election ; kzo:pointInTime ?d }")
    got = {r["e"].rsplit("/", 1)[1]: r["d"] for r in rows}
    assert got == {
        "election-1994": "1994",
        "election-1995-12-majilis": "1995-12",
        "election-1995-12-05-senate": "1995-12-05",
        "election-2007-majilis": "2007",
        "election-2014-10-01-senate": "2014-10-01",
        "election-2016-03-20-majilis": "2016-03-20",
        "election-2021-01-10-majilis": "2021-01-10",
        "election-2023-03-19-majilis": "2023-03-19",
    }
    assert seed.ask(
        f"ASK {{ <{E}election-1995-12-majilis> kzo:numberOfRounds 2 ; owl:sameAs wd:Q3661017 }}"
    )
    # The 2014 Senate election had candidates and contested seats, but no OSCE observers.
    assert seed.ask(
        f"ASK {{ <{E}election-2014-10-01-senate> kzo:numberOfCandidates 80 ; kzo:seatsContested 16 }}"
    )
    assert not seed.ask(f"ASK {{ <{E}election-2014-10-01-senate> kzo:observer <{E}osce> }}")
    assert seed.ask(
        f'ASK {{ <{E}election-2014-10-01-senate> kzo:observer <{E}commonwealth-of-independent-states> ; kzo:resultsAnnounced "2014-10-07"^^xsd:date }}'
    )


def test_2021_participants_include_renamed_adal(seed):
    rows = seed.rows(f"SELECT ?p WHERE {{ <{E}election-2021-01-10-majilis> wdt:P710 ?p }}")
    assert {r["p"].rsplit("/", 1)[1] for r in rows} == {
        "amanat",
        "peoples-party-of-kazakhstan",
        "ak-zhol",
        "auyl",
        "adal-kazakhstan",
    }
    assert seed.ask(
        f'ASK {{ <{E}adal-kazakhstan> kzo:formerName "Birlik Party"@en ; wdt:P1448 "Birlik Party"@en }}'
    )


def test_office_holders_and_terms(seed):
    rows = seed.rows(f"""
        SELECT ?term WHERE {{ ?office p:P1308 ?st . ?st ps:P1308 <{E}serikbolsyn-abdildin> ; pq:P2937 ?term }}""")
    assert rows == [{"term": f"{E}supreme-council-of-kazakhstan-convocation-12"}]
    assert seed.ask(f"ASK {{ <{E}nursultan-nazarbayev> wdt:P39 <{E}president-of-kazakhstan> }}")
    assert seed.ask(
        f'ASK {{ <{E}zamanbek-nurkadilov> wdt:P39 ?o . ?o rdfs:label "Mayor of Almaty"@en }}'
    )


def test_honorary_title(seed):
    rows = seed.rows(
        f"""
        SELECT ?title ?when ?by WHERE {{ <{E}nursultan-nazarbayev> p:kzo_honoraryTitle ?st }}""".replace(
            "p:kzo_honoraryTitle ?st }",
            "<https://w3id.org/kzgraph/prop/honoraryTitle> ?st . ?st <https://w3id.org/kzgraph/prop/statement/honoraryTitle> ?title ; pq:P585 ?when ; pq:P1027 ?by }",
        )
    )
    assert rows == [
        {
            "title": f"{E}elbasy",
            "when": "2010-05-01T00:00:00Z",
            "by": f"{E}parliament-of-kazakhstan",
        }
    ]


def test_convocation_statistics(seed):
    c = f"<{E}majilis-convocation-6>"
    assert seed.ask(
        f"ASK {{ {c} kzo:numberOfMen 78 ; kzo:numberOfWomen 29 ; kzo:averageAge 55 ; kzo:membersWithDoctorate 34 ; wdt:P1545 6 ; wdt:P361 <{E}majilis> }}"
    )
    assert seed.ask(f"ASK {{ <{E}election-2016-03-20-majilis> kzo:convocation {c} }}")


def test_events_have_names_of_their_own(seed):
    rows = seed.rows("SELECT ?l ?d WHERE { ?e a kzo:Event ; rdfs:label ?l ; kzo:pointInTime ?d }")
    assert rows
    for r in rows:
        # "Dissolution of the Supreme Soviet (1993)", "Constitutional amendments (May 2007)":
        # what happened (a noun phrase, not a sentence fragment), then when.
        what, when = re.fullmatch(r"(.+) \(([^()]+)\)", r["l"]).groups()
        assert when.endswith(r["d"][:4]) and len(when.split()) == len(r["d"].split("-")), r
        assert what[0].isupper() and len(what.split()) <= 8, r
        assert what.split()[0].lower() not in {"one", "in", "on", "after", "the", "a", "when"}, r


def test_labels_in_other_languages_and_aliases(seed):
    assert seed.ask(
        f'ASK {{ <{E}majilis> rdfs:label "Мажилис"@ru, "Мәжіліс"@kk ; skos:altLabel "Mazhilis"@en }}'
    )


def test_every_entity_has_a_label_a_type_and_a_slug(seed):
    rows = seed.rows(
        "SELECT ?e WHERE { ?e kzo:slug ?s FILTER NOT EXISTS { ?e rdfs:label ?l ; a ?t } }"
    )
    assert rows == []
    assert len(seed.rows("SELECT ?e WHERE { ?e kzo:slug ?s }")) > 50


def test_one_named_graph_per_source_plus_entities_and_meta(seed):
    graphs = {
        g.value.rsplit("/", 2)[-2] + "/" + g.value.rsplit("/", 1)[1]
        for g in seed.store.named_graphs()
    }
    assert graphs == {"source/parliament-of-kazakhstan", "graph/entities", "graph/meta"}


def test_provenance_activity_and_source_checksum(seed):
    rows = seed.rows(
        "SELECT ?sum ?licence ?version WHERE { ?src kzo:sha256 ?sum ; dct:license ?licence . ?a prov:used ?src ; kzo:extractorVersion ?version }"
    )
    assert len(rows) == 1 and len(rows[0]["sum"]) == 64
    assert rows[0]["licence"] == "https://creativecommons.org/licenses/by-sa/4.0/"
