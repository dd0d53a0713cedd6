"""The Reconciliation API for OpenRefine: 0.2 at /reconcile, the 1.0 draft at /reconcile/v1.

Both share ``kzgraph.reconcile`` for scoring; this module only reads requests and writes
responses in each version's shape. No client input can cause a 5xx: every body is
size-checked and parsed defensively, and a malformed query in a batch gets an empty
result without failing the others.
"""

from __future__ import annotations

import json
import math
import re
from html import escape

from flask import Blueprint, Response, render_template, request

from kzgraph import __version__
from kzgraph.ontology import load as load_ontology
from kzgraph.reconcile import Candidate, EntityIndex, PropertyCondition, Query
from kzgraph.web.dataset import derived
from kzgraph.web.errors import HTTPProblem
from kzgraph.web.formats import prefers_html
from kzgraph.web.state import settings, state
from kzgraph.web.terms import wikidata_label
from kzgraph.web.urls import root_url

blueprint = Blueprint("reconcile", __name__)
MAX_BODY = 1_000_000
MAX_DEPTH = 20
MAX_BATCH = 500
DEFAULT_TYPES = [
    "Legislature",
    "Chamber",
    "Person",
    "PoliticalParty",
    "Election",
    "Office",
    "Event",
]
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


def index() -> EntityIndex:
    """The entity index for the current data, built once per dataset version."""
    base = settings().base_iri
    return derived(
        state().dataset,
        "reconciliation-index",
        lambda store: EntityIndex(store, load_ontology(), base),
    )


def root() -> str:
    return root_url()


# --- reading input -------------------------------------------------------------------------


def parse_json(text: str | bytes, what: str) -> object:
    """JSON from a client; 400 for malformed or too deeply nested input, 413 for too much."""
    if len(text) > MAX_BODY:
        raise HTTPProblem(413, f"{what} is larger than {MAX_BODY} bytes")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPProblem(400, f"{what} is not valid UTF-8") from exc
    if _depth(text) > MAX_DEPTH:
        raise HTTPProblem(400, f"{what} is nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise HTTPProblem(400, f"{what} is not valid JSON: {exc}") from exc


def _depth(text: str) -> int:
    """The deepest bracket nesting, outside strings (before json.loads can recurse)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def param(name: str) -> str | None:
    """A parameter from the query string or a form body (OpenRefine sends either)."""
    if request.content_length and request.content_length > MAX_BODY:
        raise HTTPProblem(413, f"the request body is larger than {MAX_BODY} bytes")
    value = request.args.get(name)
    if (
        value is None
        and request.method == "POST"
        and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = request.form.get(name)
    return value


_JSON_TYPES = {str: "a string", int: "a number", float: "a number", bool: "a boolean"}


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), "an object")


def malformed(where: str, what: str, value: object) -> HTTPProblem:
    """A 400 that names the place in the batch and what the API expects there."""
    return HTTPProblem(400, f"{where} must be {what}, not {_kind(value)}")


def _number(value: object) -> bool:
    """A JSON number kzgraph can use (Python's json also reads NaN and Infinity)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def query_from(key: str, raw: object) -> Query | None:
    """A 0.2 query object (the reconciliation-query schema), or None for one that asks for
    nothing (an empty ``query``: an empty result). Anything else is a 400 naming the key."""
    where = f"queries[{json.dumps(key, ensure_ascii=False)}]"
    if not isinstance(raw, dict):
        example = json.dumps({"query": raw if isinstance(raw, str) else "..."}, ensure_ascii=False)
        raise malformed(where, f"a query object such as {example}", raw)
    text = raw.get("query", "")
    if not isinstance(text, str):
        raise malformed(f"{where}.query", "a string", text)
    types = raw.get("type") or ()
    if isinstance(types, str):
        types = (types,)
    if not isinstance(types, list | tuple) or not all(isinstance(t, str) for t in types):
        raise malformed(f"{where}.type", "a type id or a list of type ids", raw.get("type"))
    limit = raw.get("limit", 10)
    if not _number(limit):
        raise malformed(f"{where}.limit", "a number", limit)
    props = raw.get("properties") or []
    if not isinstance(props, list):
        raise malformed(f"{where}.properties", "a list", props)
    conditions = []
    for i, prop in enumerate(props):
        pid = prop.get("pid") or prop.get("p") if isinstance(prop, dict) else None
        if not isinstance(pid, str) or "v" not in prop:
            raise malformed(f"{where}.properties[{i}]", 'an object {"pid": "...", "v": ...}', prop)
        v = prop["v"]
        conditions.append(PropertyCondition(pid, tuple(v) if isinstance(v, list) else (v,)))
    if "query" not in raw and not conditions:
        raise HTTPProblem(400, f"{where} needs a query or properties to match")
    type_strict = raw.get("type_strict", "any")
    if type_strict not in ("any", "all", "should"):
        raise HTTPProblem(400, f'{where}.type_strict must be "any", "all" or "should"')
    if not text.strip() and not conditions:
        return None
    return Query(
        text=text.strip(),
        types=tuple(types),
        type_strict=type_strict,
        limit=max(1, min(int(limit), 100)),
        properties=tuple(conditions),
    )


# --- writing output ------------------------------------------------------------------------


def respond(payload: object, status: int = 200) -> Response:
    """JSON, or JSONP when ``callback=`` names a function."""
    callback = request.args.get("callback")
    body = json.dumps(payload, ensure_ascii=False)
    if callback:
        if not _CALLBACK.match(callback):
            return Response(
                json.dumps(
                    {
                        "error": "bad request",
                        "status": 400,
                        "message": "callback must be a JavaScript identifier",
                    }
                ),
                400,
                mimetype="application/json",
            )
        return Response(f"/**/{callback}({body});", status, mimetype="application/javascript")
    return Response(body, status, mimetype="application/json")


def type_ref(idx: EntityIndex, cls: str) -> dict:
    return {"id": cls, "name": idx.class_names.get(cls, cls)}


def candidate_json(idx: EntityIndex, c: Candidate) -> dict:
    out = {
        "id": c.entry.slug,
        "name": c.entry.label,
        "score": c.score,
        "match": c.match,
        "type": [type_ref(idx, t) for t in c.entry.types],
        "features": [{"id": fid, "name": name, "value": value} for fid, name, value in c.features],
    }
    if c.entry.description:
        out["description"] = c.entry.description
    return out


def manifest_02() -> dict:
    base = root()
    service = f"{base}reconcile"
    config = settings()
    idx = index()
    return {
        "versions": ["0.1", "0.2"],
        "name": f"{config.graph_name}: {config.graph_subject}",
        "identifierSpace": f"{config.base_iri}entity/",
        "schemaSpace": f"{config.base_iri}ontology#",
        "documentation": f"{base}queries",
        "serviceVersion": __version__,
        "view": {"url": f"{base}entity/{{{{id}}}}"},
        "defaultTypes": [type_ref(idx, t) for t in DEFAULT_TYPES],
        "preview": {"url": f"{service}/preview?id={{{{id}}}}", "width": 400, "height": 200},
        "suggest": {
            "entity": {"service_url": service, "service_path": "/suggest/entity"},
            "type": {"service_url": service, "service_path": "/suggest/type"},
            "property": {"service_url": service, "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": service, "service_path": "/propose_properties"},
            "property_settings": [],
        },
        "batchSize": 50,
    }


# --- 0.2 -----------------------------------------------------------------------------------


@blueprint.route("/reconcile", methods=["GET", "POST"])
def service_02():
    queries = param("queries")
    extend = param("extend")
    if queries is None and extend is None:
        return respond(manifest_02())
    idx = index()
    if extend is not None:
        return respond(extend_02(idx, parse_json(extend, "extend")))
    batch = parse_json(queries, "queries")
    if not isinstance(batch, dict):
        raise HTTPProblem(400, 'queries must be a JSON object: {"q0": {"query": "..."}, ...}')
    if len(batch) > MAX_BATCH:
        raise HTTPProblem(413, f"a batch holds at most {MAX_BATCH} queries")
    results = {}
    queries = {key: query_from(key, raw) for key, raw in batch.items()}
    for key, query in queries.items():
        results[key] = {
            "result": [candidate_json(idx, c) for c in idx.reconcile(query)] if query else []
        }
    return respond(results)


def extend_02(idx: EntityIndex, spec: object) -> dict:
    meta, rows = extension(idx, spec)
    return {"meta": meta, "rows": {ident: dict(values) for ident, values in rows}}


def extension(
    idx: EntityIndex, spec: object
) -> tuple[list[dict], list[tuple[str, list[tuple[str, list]]]]]:
    """Data extension, for both protocol versions: the properties asked for (id, name) and,
    per id, each property's values (none for an unknown id)."""
    ids, props = _extension_spec(spec)
    meta = [{"id": p, "name": idx.property_names.get(idx.property_id(p) or "", p)} for p in props]
    rows = []
    for ident in ids:
        entry = idx.by_id(ident)
        values = [
            (p, [v.as_extension() for v in idx.values(entry, idx.property_id(p) or "")])
            if entry
            else (p, [])
            for p in props
        ]
        rows.append((ident, values))
    return meta, rows


def _extension_spec(spec: object) -> tuple[list[str], list[str]]:
    if (
        not isinstance(spec, dict)
        or not isinstance(spec.get("ids"), list)
        or not isinstance(spec.get("properties"), list)
    ):
        raise HTTPProblem(400, 'extend must be {"ids": [...], "properties": [{"id": "..."}]}')
    ids = [i for i in spec["ids"] if isinstance(i, str)]
    props = [
        p["id"] for p in spec["properties"] if isinstance(p, dict) and isinstance(p.get("id"), str)
    ]
    if len(ids) > MAX_BATCH:
        raise HTTPProblem(413, f"extend at most {MAX_BATCH} ids at once")
    return ids, props


def _page(items: list, limit_default: int = 10) -> tuple[list, int, int]:
    try:
        cursor = max(0, int(request.args.get("cursor", 0)))
        limit = max(1, min(100, int(request.args.get("limit", limit_default))))
    except ValueError as exc:
        raise HTTPProblem(400, "cursor and limit must be whole numbers") from exc
    return items[cursor : cursor + limit], cursor, limit


@blueprint.route("/reconcile/suggest/entity")
def suggest_entity_02():
    return respond({"result": suggest_entities()})


def suggest_entities() -> list[dict]:
    idx = index()
    prefix = request.args.get("prefix", "")
    kinds = {t for t in (idx.type_id(x) for x in request.args.getlist("type")) if t} or None
    entries, _, _ = _page(idx.suggest(prefix, kinds))
    out = []
    for e in entries:
        item = {"id": e.slug, "name": e.label, "notable": [type_ref(idx, t) for t in e.types]}
        if e.description:
            item["description"] = e.description
        out.append(item)
    return out


@blueprint.route("/reconcile/suggest/type")
def suggest_type_02():
    return respond({"result": suggest_types()})


def suggest_types() -> list[dict]:
    idx = index()
    key = request.args.get("prefix", "").strip().lower()
    matches = [
        type_ref(idx, cls)
        for cls, name in sorted(idx.class_names.items())
        if key in cls.lower() or key in name
    ]
    return _page(matches)[0]


@blueprint.route("/reconcile/suggest/property")
def suggest_property_02():
    return respond({"result": suggest_properties()})


def suggest_properties() -> list[dict]:
    idx = index()
    key = request.args.get("prefix", "").strip().lower()
    matches = []
    for pid, name in sorted(idx.property_names.items()):
        rel = idx.ontology.relations.get(pid)
        wikidata = rel.pid if rel else None
        if key in pid.lower() or key in name or (wikidata and key == wikidata.lower()):
            item = {"id": pid, "name": name}
            if wikidata:
                item["description"] = f"Wikidata {wikidata}"
            matches.append(item)
    return _page(matches)[0]


@blueprint.route("/reconcile/propose_properties")
def propose_properties_02():
    return respond(propose())


def propose() -> dict:
    idx = index()
    type_ = request.args.get("type", "")
    cls = idx.type_id(type_) if type_ else None
    try:
        limit = max(1, min(100, int(request.args.get("limit", 20))))
    except ValueError as exc:
        raise HTTPProblem(400, "limit must be a whole number") from exc
    counts: dict[str, int] = {}
    for entry in idx.entries.values():
        if cls and cls not in entry.types:
            continue
        for pid in entry.values:
            counts[pid] = counts.get(pid, 0) + 1
    ranked = ["qid", *sorted(counts, key=lambda p: (-counts[p], p))]
    result = {
        "properties": [{"id": p, "name": idx.property_names.get(p, p)} for p in ranked[:limit]],
        "limit": limit,
    }
    if type_:
        result["type"] = type_
    return result


@blueprint.route("/reconcile/preview")
def preview_02():
    return preview_html(request.args.get("id", ""))


def preview_html(ident: str) -> Response:
    """A small HTML card (templates/preview.html), embeddable in OpenRefine's iframe."""
    idx = index()
    entry = idx.by_id(ident)
    if entry is None:
        return Response(f"<p>No entity {escape(ident)}.</p>", 404, mimetype="text/html")
    facts = [
        (
            idx.property_names.get(pid, pid),
            ", ".join(wikidata_label(v.text) or v.text for v in entry.values[pid][:3]),
        )
        for pid in sorted(entry.values)[:8]
    ]
    page = render_template(
        "preview.html",
        entry=entry,
        types=", ".join(idx.class_names.get(t, t) for t in entry.types),
        also=" · ".join(n for n in entry.names[:6] if n != entry.label)
        if len(entry.names) > 1
        else "",
        facts=facts,
    )
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"
    )
    return response


MANIFEST_PATHS = ("/reconcile", "/reconcile/v1")


@blueprint.after_app_request
def manifest_page(response: Response) -> Response:
    """The reconciliation manifest as a page for a browser; OpenRefine and other programs
    (which do not ask for text/html first) keep the JSON."""
    if (
        request.method == "GET"
        and request.path in MANIFEST_PATHS
        and not request.args
        and response.status_code == 200
        and response.mimetype == "application/json"
        and prefers_html(request.headers.get("Accept"), ["application/json"])
    ):
        manifest = response.get_json()
        page = render_template(
            "reconcile.html",
            version=__version__,
            m=manifest,
            service=root_url().rstrip("/") + request.path,
            raw=json.dumps(manifest, indent=2, ensure_ascii=False),
        )
        html = Response(page, mimetype="text/html")
        for key in ("Access-Control-Allow-Origin", "Content-Security-Policy"):
            if key in response.headers:
                html.headers[key] = response.headers[key]
        html.headers["Vary"] = "Accept"
        return html
    return response


# --- 1.0 draft -------------------------------------------------------------------------------


@blueprint.route("/reconcile/v1", methods=["GET"])
def manifest_v1():
    idx = index()
    return respond(
        {
            "versions": ["1.0-draft"],
            "name": f"{settings().graph_name}: {settings().graph_subject}",
            "documentation": f"{root()}queries",
            "serviceVersion": __version__,
            "view": {"url": f"{root()}entity/{{id}}"},
            "defaultTypes": [type_ref(idx, t) for t in DEFAULT_TYPES],
            "suggest": {"entity": True, "property": True, "type": True},
            "preview": {"width": 400, "height": 200},
            "extend": {"proposeProperties": True, "propertySettings": []},
            "standardizedScore": True,
        }
    )


def _json_body() -> object:
    if request.content_length and request.content_length > MAX_BODY:
        raise HTTPProblem(413, f"the request body is larger than {MAX_BODY} bytes")
    if request.mimetype == "application/json":
        return parse_json(request.get_data(), "the request body")
    if request.mimetype == "application/x-www-form-urlencoded" and "queries" in request.form:
        return parse_json(request.form["queries"], "queries")
    raise HTTPProblem(415, "send a JSON body (Content-Type: application/json)")


@blueprint.route("/reconcile/v1/match", methods=["POST"])
def match_v1():
    body = _json_body()
    if not isinstance(body, dict) or not isinstance(body.get("queries"), list):
        raise HTTPProblem(400, 'the body must be {"queries": [{"conditions": [...]}, ...]}')
    if len(body["queries"]) > MAX_BATCH:
        raise HTTPProblem(413, f"a batch holds at most {MAX_BATCH} queries")
    idx = index()
    results = []
    queries = [query_from_v1(i, raw) for i, raw in enumerate(body["queries"])]
    for query in queries:
        results.append(
            {"candidates": [candidate_json(idx, c) for c in idx.reconcile(query)] if query else []}
        )
    return respond({"results": results})


def query_from_v1(i: int, raw: object) -> Query | None:
    """A 1.0 query (conditions with matchType name / id / property) as a Query; a 400
    naming the query for anything the 1.0 schema does not allow."""
    where = f"queries[{i}]"
    if not isinstance(raw, dict):
        raise malformed(where, 'a query object {"conditions": [...]}', raw)
    conditions = raw.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        raise malformed(f"{where}.conditions", "a non-empty list of conditions", conditions)
    text, props = "", []
    for j, cond in enumerate(conditions):
        at = f"{where}.conditions[{j}]"
        if not isinstance(cond, dict):
            raise malformed(at, 'a condition {"matchType": "name", "propertyValue": "..."}', cond)
        kind, value = cond.get("matchType"), cond.get("propertyValue")
        if kind in ("name", "id"):
            if not isinstance(value, str):
                raise malformed(f"{at}.propertyValue", "a string", value)
            text = value
        elif kind == "property":
            if not isinstance(cond.get("propertyId"), str):
                raise malformed(f"{at}.propertyId", "a property id", cond.get("propertyId"))
            props.append(
                PropertyCondition(
                    cond["propertyId"], tuple(value) if isinstance(value, list) else (value,)
                )
            )
        else:
            raise HTTPProblem(400, f'{at}.matchType must be "name", "id" or "property"')
    limit = raw.get("limit", 10)
    if not _number(limit):
        raise malformed(f"{where}.limit", "a number", limit)
    type_ = raw.get("type")
    if type_ is not None and not isinstance(type_, str):
        raise malformed(f"{where}.type", "a type id", type_)
    if not text.strip() and not props:
        return None
    return Query(
        text=text.strip(),
        types=(type_,) if type_ else (),
        limit=max(1, min(int(limit), 100)),
        properties=tuple(props),
    )


@blueprint.route("/reconcile/v1/suggest/entity")
def suggest_entity_v1():
    return respond({"result": suggest_entities()})


@blueprint.route("/reconcile/v1/suggest/type")
def suggest_type_v1():
    return respond({"result": suggest_types()})


@blueprint.route("/reconcile/v1/suggest/property")
def suggest_property_v1():
    return respond({"result": suggest_properties()})


@blueprint.route("/reconcile/v1/preview")
def preview_v1():
    return preview_html(request.args.get("id", ""))


@blueprint.route("/reconcile/v1/extend", methods=["POST"])
def extend_v1():
    meta, rows = extension(index(), _json_body())
    return respond(
        {
            "meta": meta,
            "rows": [
                {
                    "id": ident,
                    "properties": [{"id": p, "values": v} for p, v in values],
                }
                for ident, values in rows
            ],
        }
    )


@blueprint.route("/reconcile/v1/extend/propose")
def propose_v1():
    return respond(propose())
