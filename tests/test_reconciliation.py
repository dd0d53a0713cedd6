"""The reconciliation service, as OpenRefine uses it, validated against the official schemas."""

from __future__ import annotations

import json

import pytest
import requests

from . import reconciliation_schemas as schemas

needs_schemas = pytest.mark.skipif(
    not schemas.available(), reason="../shared/reconciliation-schemas is absent"
)


def reconcile(live, batch: dict) -> dict:
    r = requests.post(live.url + "reconcile", data={"queries": json.dumps(batch)}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def top(result: dict) -> tuple[str, float, bool] | None:
    cands = result["result"]
    return (cands[0]["id"], cands[0]["score"], cands[0]["match"]) if cands else None


# --- the schemas themselves ---------------------------------------------------------------


@needs_schemas
@pytest.mark.parametrize("version", ["0.2", "1.0-draft"])
def test_schema_examples_validate_as_the_spec_says(version):
    cases = schemas.examples(version)
    assert cases
    skipped = {
        "preview-metadata",
        "preview-response",
        "flyout-response",
        "security-scheme",
        "reconciliation-candidate",
        "data-extension-metadata",
        "suggest-metadata",
    }
    checked = 0
    for name, kind, path in cases:
        if name in skipped or not (schemas.SCHEMAS / version / f"{name}.json").exists():
            continue
        errors = list(schemas.validator(version, name).iter_errors(json.loads(path.read_text())))
        assert (not errors) == (kind == "valid"), f"{path}: {[e.message for e in errors[:2]]}"
        checked += 1
    assert checked > 10


# --- 0.2 -----------------------------------------------------------------------------------


@needs_schemas
def test_manifest_02(live):
    r = requests.get(live.url + "reconcile", timeout=10)
    manifest = r.json()
    schemas.validate("0.2", "manifest", manifest)
    assert manifest["versions"] == ["0.1", "0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/kzgraph/entity/"
    assert {t["id"] for t in manifest["defaultTypes"]} >= {
        "Legislature",
        "Chamber",
        "Person",
        "PoliticalParty",
        "Election",
        "Office",
        "Event",
    }
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_jsonp(live):
    r = requests.get(live.url + "reconcile", params={"callback": "jsonp123"}, timeout=10)
    assert r.headers["Content-Type"].startswith("application/javascript")
    assert r.text.startswith("/**/jsonp123({") and r.text.endswith(");")
    bad = requests.get(live.url + "reconcile", params={"callback": "alert(1)//"}, timeout=10)
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Mazhilis", "majilis"),
        ("Majilis", "majilis"),
        ("Мажилис", "majilis"),
        ("Maulen Ashimbayev", "maulen-ashimbayev"),
        ("Erlan Koshanov", "erlan-koshanov"),
        ("AK Zhol", "ak-zhol"),
        ("Aq Jol", "ak-zhol"),
        ("Nur Otan", "amanat"),
        ("Q1247199", "majilis"),
        ("https://w3id.org/kzgraph/entity/senate", "senate"),
        ("senate", "senate"),
        ("Nursultan Nazarbaev", "nursultan-nazarbayev"),
    ],
)
def test_names_transliterations_ids_and_qids_match(live, query, expected):
    result = reconcile(live, {"q": {"query": query}})["q"]
    assert top(result)[0] == expected
    assert top(result)[2] is True


def test_typos_find_the_entity_without_a_confident_match(live):
    result = reconcile(live, {"q": {"query": "Serikbolsin Abdyldin"}})["q"]
    assert top(result)[0] == "serikbolsyn-abdildin"
    assert 60 < top(result)[1] < 100


@needs_schemas
def test_batch_results_are_complete_sorted_and_valid(live):
    batch = {
        "q0": {"query": "Mazhilis", "type": "Chamber", "limit": 3},
        "q1": {"query": "Ashimbayev", "type": ["Person"], "type_strict": "any"},
        "q2": {"query": ""},
        "q5": {"query": "Amanat", "type": "NoSuchType"},
        "q6": {"query": "nothing like this anywhere zzzz"},
    }
    results = reconcile(live, batch)
    schemas.validate("0.2", "reconciliation-result-batch", results)
    assert set(results) == set(batch)
    for key, value in results.items():
        scores = [c["score"] for c in value["result"]]
        assert scores == sorted(scores, reverse=True), key
        assert all(0 <= s <= 100 for s in scores)
    # (Malformed queries, such as a number for the text or a string for the query object,
    # make the whole batch a 400 that names them: test_malformed_query_in_a_batch_...)
    assert results["q2"]["result"] == [] and results["q5"]["result"] == []
    assert len(results["q0"]["result"]) <= 3
    assert all(
        t["id"] == "Chamber" for c in results["q0"]["result"] for t in c["type"] if c["type"]
    )
    first = results["q0"]["result"][0]
    assert first["features"] and {"id", "name", "value"} <= set(first["features"][0])


def test_scores_do_not_depend_on_the_rest_of_the_batch(live):
    alone = reconcile(live, {"q": {"query": "Ak Zhol party"}})["q"]["result"]
    together = reconcile(
        live,
        {"a": {"query": "Mazhilis"}, "q": {"query": "Ak Zhol party"}, "z": {"query": "Senate"}},
    )["q"]["result"]
    assert alone == together


def test_property_values_raise_the_score(live):
    plain = reconcile(live, {"q": {"query": "Maulen", "type": "Person"}})["q"]
    with_party = reconcile(
        live,
        {
            "q": {
                "query": "Maulen",
                "type": "Person",
                "properties": [{"pid": "P102", "v": "Amanat"}],
            }
        },
    )["q"]
    assert top(with_party)[0] == top(plain)[0] == "maulen-ashimbayev"
    assert top(with_party)[1] > top(plain)[1]
    by_id = reconcile(
        live,
        {
            "q": {
                "query": "Maulen",
                "properties": [{"pid": "memberOfParty", "v": {"id": "amanat", "name": "Amanat"}}],
            }
        },
    )["q"]
    assert top(by_id)[0] == "maulen-ashimbayev"
    wrong = reconcile(
        live,
        {
            "q": {
                "query": "Maulen",
                "type": "Person",
                "properties": [{"pid": "member of political party", "v": "Ak Zhol"}],
            }
        },
    )["q"]
    assert top(wrong)[1] < top(plain)[1]


def test_property_only_query(live):
    result = reconcile(live, {"q": {"query": "", "properties": [{"pid": "P1342", "v": 98}]}})["q"]
    assert top(result)[0] == "majilis"


@needs_schemas
def test_suggest_entity_type_property(live):
    entity = requests.get(
        live.url + "reconcile/suggest/entity", params={"prefix": "maz"}, timeout=10
    ).json()
    schemas.validate("0.2", "suggest-entities-response", entity)
    assert entity["result"][0]["id"] == "majilis"
    page2 = requests.get(
        live.url + "reconcile/suggest/entity",
        params={"prefix": "e", "cursor": 2, "limit": 2},
        timeout=10,
    ).json()
    page1 = requests.get(
        live.url + "reconcile/suggest/entity", params={"prefix": "e", "limit": 4}, timeout=10
    ).json()
    assert page2["result"] == page1["result"][2:4]
    types = requests.get(
        live.url + "reconcile/suggest/type", params={"prefix": "cham"}, timeout=10
    ).json()
    schemas.validate("0.2", "suggest-types-response", types)
    assert types["result"][0]["id"] == "Chamber"
    props = requests.get(
        live.url + "reconcile/suggest/property", params={"prefix": "party"}, timeout=10
    ).json()
    schemas.validate("0.2", "suggest-properties-response", props)
    assert "memberOfParty" in {p["id"] for p in props["result"]}


def test_preview_is_escaped_html(live):
    r = requests.get(live.url + "reconcile/preview", params={"id": "majilis"}, timeout=10)
    assert r.headers["Content-Type"].startswith("text/html")
    assert "Mäjilis" in r.text and "Q1247199" in r.text
    missing = requests.get(
        live.url + "reconcile/preview", params={"id": "<script>alert(1)</script>"}, timeout=10
    )
    assert (
        missing.status_code == 404
        and "<script>" not in missing.text
        and "&lt;script&gt;" in missing.text
    )


@needs_schemas
def test_data_extension_returns_every_row_and_the_qid(live):
    spec = {
        "ids": ["majilis", "maulen-ashimbayev", "no-such-entity"],
        "properties": [{"id": "qid"}, {"id": "P1342"}, {"id": "memberOfParty"}],
    }
    r = requests.post(live.url + "reconcile", data={"extend": json.dumps(spec)}, timeout=10)
    body = r.json()
    schemas.validate("0.2", "data-extension-response", body)
    assert set(body["rows"]) == {"majilis", "maulen-ashimbayev", "no-such-entity"}
    assert body["rows"]["majilis"]["qid"] == [{"str": "Q1247199"}]
    assert body["rows"]["majilis"]["P1342"] == [{"int": 98}]
    assert body["rows"]["maulen-ashimbayev"]["memberOfParty"] == [
        {"id": "amanat", "name": "Amanat"}
    ]
    assert body["rows"]["no-such-entity"] == {"qid": [], "P1342": [], "memberOfParty": []}
    proposal = requests.get(
        live.url + "reconcile/propose_properties", params={"type": "Person"}, timeout=10
    ).json()
    schemas.validate("0.2", "data-extension-property-proposal", proposal)
    assert proposal["properties"][0]["id"] == "qid"
    assert "memberOfParty" in {p["id"] for p in proposal["properties"]}


@pytest.mark.parametrize(
    "data, status",
    [
        ({"queries": "{not json"}, 400),
        ({"queries": "[1, 2]"}, 400),
        ({"queries": "[" * 5000 + "]" * 5000}, 400),
        ({"extend": '{"ids": "x"}'}, 400),
        ({"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(600)})}, 413),
    ],
)
def test_bad_input_is_a_4xx_with_a_json_body(live, data, status):
    r = requests.post(live.url + "reconcile", data=data, timeout=10)
    assert r.status_code == status
    assert r.json()["message"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "batch, says",
    [
        ({"q0": "Astana"}, 'queries["q0"] must be a query object such as {"query": "Astana"}'),
        ({"q0": {"query": 5}}, 'queries["q0"].query must be a string, not a number'),
        ({"q0": {"query": "x", "type": 5}}, 'queries["q0"].type must be a type id'),
        ({"q0": {"query": "x", "limit": "3"}}, 'queries["q0"].limit must be a number'),
        ({"q0": {"query": "x", "properties": [{"pid": "P102"}]}}, ".properties[0] must be"),
        ({"q0": {"query": "x", "properties": {"pid": "P102"}}}, ".properties must be a list"),
        ({"q0": {"query": "x", "type_strict": "most"}}, ".type_strict must be"),
        ({"q0": {"limit": 3}}, "needs a query or properties"),
        ({"q0": {"query": "Mazhilis"}, "q1": ["Senate"]}, 'queries["q1"] must be'),
    ],
)
def test_malformed_query_in_a_batch_is_a_400_that_names_it(live, batch, says):
    r = requests.post(live.url + "reconcile", data={"queries": json.dumps(batch)}, timeout=10)
    assert r.status_code == 400, r.text
    assert says in r.json()["message"]


@pytest.mark.parametrize(
    "query, says",
    [
        ("Astana", "queries[0] must be a query object"),
        ({"conditions": []}, "queries[0].conditions must be a non-empty list"),
        ({"conditions": ["Astana"]}, "queries[0].conditions[0] must be a condition"),
        ({"conditions": [{"matchType": "label", "propertyValue": "x"}]}, ".matchType must be"),
        ({"conditions": [{"matchType": "name", "propertyValue": 5}]}, ".propertyValue must be"),
        ({"conditions": [{"matchType": "name", "propertyValue": "x"}], "limit": "2"}, ".limit"),
    ],
)
def test_malformed_query_in_a_v1_batch_is_a_400_that_names_it(live, query, says):
    r = requests.post(live.url + "reconcile/v1/match", json={"queries": [query]}, timeout=10)
    assert r.status_code == 400, r.text
    assert says in r.json()["message"]


def test_empty_query_text_is_an_empty_result_not_an_error(live):
    assert reconcile(live, {"q0": {"query": ""}}) == {"q0": {"result": []}}


def test_oversized_body_and_wrong_method(live):
    r = requests.post(live.url + "reconcile", data={"queries": "x" * 2_000_000}, timeout=30)
    assert r.status_code == 413
    assert requests.delete(live.url + "reconcile", timeout=10).status_code == 405
    assert (
        requests.options(live.url + "reconcile", timeout=10).headers["Access-Control-Allow-Origin"]
        == "*"
    )


def test_openrefine_call_sequence(live):
    """What OpenRefine does: add the service, guess types, reconcile in batches, suggest, preview, extend."""
    service = live.url + "reconcile"
    manifest = requests.get(service, timeout=10).json()
    names = [
        "Mazhilis",
        "Senate",
        "Maulen Ashimbayev",
        "Erlan Koshanov",
        "Nur Otan",
        "Aq Jol",
        "Auyl",
        "Respublica",
        "Nursultan Nazarbayev",
        "Serikbolsyn Abdildin",
    ]
    guess = reconcile(live, {f"q{i}": {"query": n, "limit": 3} for i, n in enumerate(names)})
    type_counts: dict[str, int] = {}
    for result in guess.values():
        for candidate in result["result"]:
            for t in candidate["type"]:
                type_counts[t["id"]] = type_counts.get(t["id"], 0) + 1
    assert {"Chamber", "Person", "PoliticalParty"} <= set(type_counts)
    people = [
        "Maulen Ashimbayev",
        "Erlan Koshanov",
        "Nursultan Nazarbayev",
        "Serikbolsyn Abdildin",
        "Zamanbek Nurkadilov",
        "Lyudmila Filaretova",
        "Amason Kingi",
        "Mäulen Äşimbaev",
        "Qoşanov",
        "Nazarbaev",
    ]
    batch = reconcile(
        live, {f"q{i}": {"query": n, "type": "Person", "limit": 5} for i, n in enumerate(people)}
    )
    matched = {people[int(k[1:])]: top(v)[0] for k, v in batch.items() if top(v) and top(v)[2]}
    assert matched["Maulen Ashimbayev"] == matched["Mäulen Äşimbaev"] == "maulen-ashimbayev"
    assert "Amason Kingi" not in matched  # not in this graph
    base, path = (
        manifest["suggest"]["entity"]["service_url"],
        manifest["suggest"]["entity"]["service_path"],
    )
    for prefix in ("n", "nu", "nur"):
        assert (
            requests.get(
                base + path, params={"prefix": prefix, "type": "Person"}, timeout=10
            ).status_code
            == 200
        )
    preview = requests.get(manifest["preview"]["url"].replace("{{id}}", "amanat"), timeout=10)
    assert preview.status_code == 200 and "Amanat" in preview.text
    ext = manifest["extend"]["propose_properties"]
    assert (
        requests.get(
            ext["service_url"] + ext["service_path"], params={"type": "Person"}, timeout=10
        ).status_code
        == 200
    )
    rows = requests.post(
        service,
        data={
            "extend": json.dumps(
                {"ids": list(set(matched.values())), "properties": [{"id": "qid"}, {"id": "P39"}]}
            )
        },
        timeout=10,
    ).json()["rows"]
    assert rows["maulen-ashimbayev"]["qid"] == [{"str": "Q12555734"}]


# --- 1.0 draft -------------------------------------------------------------------------------


@needs_schemas
def test_v1_manifest_match_suggest_extend(live):
    v1 = live.url + "reconcile/v1"
    manifest = requests.get(v1, timeout=10).json()
    schemas.validate("1.0-draft", "manifest", manifest)
    body = {
        "queries": [
            {
                "conditions": [{"matchType": "name", "propertyValue": "Mazhilis"}],
                "type": "Chamber",
                "limit": 2,
            },
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "Maulen"},
                    {"matchType": "property", "propertyId": "P102", "propertyValue": "Amanat"},
                ]
            },
        ]
    }
    schemas.validate("1.0-draft", "reconciliation-query-batch", body)
    r = requests.post(v1 + "/match", json=body, timeout=10)
    result = r.json()
    schemas.validate("1.0-draft", "reconciliation-result-batch", result)
    assert result["results"][0]["candidates"][0]["id"] == "majilis"
    assert result["results"][1]["candidates"][0]["id"] == "maulen-ashimbayev"
    assert len(result["results"]) == 2  # (an empty condition list is a 400: see below)
    suggest = requests.get(v1 + "/suggest/entity", params={"prefix": "ama"}, timeout=10).json()
    schemas.validate("1.0-draft", "suggest-entities-response", suggest)
    ext = requests.post(
        v1 + "/extend", json={"ids": ["majilis"], "properties": [{"id": "qid"}]}, timeout=10
    ).json()
    schemas.validate("1.0-draft", "data-extension-response", ext)
    assert ext["rows"][0]["properties"][0]["values"] == [{"str": "Q1247199"}]
    proposal = requests.get(v1 + "/extend/propose", params={"type": "Chamber"}, timeout=10).json()
    schemas.validate("1.0-draft", "data-extension-property-proposal", proposal)
    assert (
        requests.post(
            v1 + "/match", data="not json", headers={"Content-Type": "application/json"}, timeout=10
        ).status_code
        == 400
    )
    assert (
        requests.post(
            v1 + "/match", data="x", headers={"Content-Type": "text/plain"}, timeout=10
        ).status_code
        == 415
    )
