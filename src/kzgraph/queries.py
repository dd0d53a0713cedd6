"""Canned queries: ``queries/*.rq`` files with grlc decorators, and their typed parameters.

A query file is valid SPARQL on its own. Its header (``#+ key: value`` lines, YAML)
says what it is for; its parameters follow the grlc/BASIL convention: ``?_name_type``
is required, ``?__name_type`` optional, where the type suffix is ``iri``, ``integer``,
``decimal``, ``boolean``, ``xsd_date``, ``xsd_datetime``, a language tag (``en``) or
nothing (a plain string). Values are bound as typed RDF terms through pyoxigraph's
``substitutions`` and never spliced into the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import yaml

from kzgraph.functions import CUSTOM_FUNCTIONS
from kzgraph.namespaces import XSD

DECORATORS = {
    "summary",
    "description",
    "tags",
    "defaults",
    "enumerate",
    "pagination",
    "method",
    "endpoint",
}
_PARAM = re.compile(r"[?$](?P<optional>__|_)(?P<body>[A-Za-z][A-Za-z0-9_]*)")
_TYPES = {
    "iri": "iri",
    "integer": "integer",
    "decimal": "decimal",
    "boolean": "boolean",
    "xsd_date": "date",
    "xsd_datetime": "dateTime",
    "xsd_integer": "integer",
    "xsd_decimal": "decimal",
    "xsd_string": "string",
}


class QueryFileError(ValueError):
    """A canned query file that cannot be used; names the file and the problem."""


class ParameterError(ValueError):
    """A value that does not fit its parameter; names the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(f"parameter {parameter!r}: {message}")


@dataclass(frozen=True)
class Parameter:
    name: str  # as users pass it: ?date=
    variable: str  # as it stands in the query: _date_xsd_date
    type: str  # iri, integer, decimal, boolean, date, dateTime, string, or lang:xx
    required: bool
    default: str | None = None
    enum: tuple[str, ...] = ()

    @property
    def schema(self) -> dict:
        """The parameter as a JSON Schema (for OpenAPI)."""
        schema: dict = {
            "iri": {"type": "string", "format": "iri"},
            "integer": {"type": "integer"},
            "decimal": {"type": "number"},
            "boolean": {"type": "boolean"},
            "date": {"type": "string", "format": "date"},
            "dateTime": {"type": "string", "format": "date-time"},
        }.get(self.type, {"type": "string"})
        schema = dict(schema)
        if self.default is not None:
            schema["default"] = self.default_value()
        if self.enum:
            schema["enum"] = list(self.enum)
        return schema

    def default_value(self) -> str | None:
        if self.default == "today" and self.type in ("date", "dateTime"):
            return dt.date.today().isoformat()
        return self.default

    def term(self, raw: str) -> ox.NamedNode | ox.Literal:
        """The typed RDF term for a value given as text; ParameterError when it does not fit."""
        value = raw.strip()
        if self.enum and value not in self.enum:
            raise ParameterError(self.name, f"must be one of {', '.join(self.enum)}")
        if self.type == "iri":
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*", value):
                raise ParameterError(self.name, f"{raw!r} is not an absolute IRI")
            return ox.NamedNode(value)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", value):
                raise ParameterError(self.name, f"{raw!r} is not an integer")
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if self.type == "decimal":
            try:
                number = Decimal(value)
            except InvalidOperation as exc:
                raise ParameterError(self.name, f"{raw!r} is not a number") from exc
            if not number.is_finite():
                raise ParameterError(self.name, f"{raw!r} is not a finite number")
            return ox.Literal(format(number, "f"), datatype=ox.NamedNode(XSD + "decimal"))
        if self.type == "boolean":
            if value.lower() not in ("true", "false"):
                raise ParameterError(self.name, f"{raw!r} is not true or false")
            return ox.Literal(value.lower(), datatype=ox.NamedNode(XSD + "boolean"))
        if self.type == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError as exc:
                raise ParameterError(self.name, f"{raw!r} is not a date (YYYY-MM-DD)") from exc
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ParameterError(self.name, f"{raw!r} is not a date (YYYY-MM-DD)")
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        if self.type == "dateTime":
            try:
                dt.datetime.fromisoformat(value)
            except ValueError as exc:
                raise ParameterError(self.name, f"{raw!r} is not a date-time") from exc
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "dateTime"))
        if len(value) > 500:
            raise ParameterError(self.name, "is longer than 500 characters")
        if self.type.startswith("lang:"):
            return ox.Literal(value, language=self.type[5:])
        return ox.Literal(value)


@dataclass(frozen=True)
class CannedQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    pagination: int | None
    method: str
    endpoint: str | None
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    header: dict = field(default_factory=dict, compare=False)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def bind(self, given: dict[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
        """Substitutions for the given values (text), defaults filling the gaps."""
        unknown = set(given) - {p.name for p in self.parameters} - {"page", "per_page", "format"}
        if unknown:
            raise ParameterError(
                sorted(unknown)[0],
                f"is not a parameter of {self.name} (it takes: {', '.join(p.name for p in self.parameters) or 'none'})",
            )
        bound = {}
        for p in self.parameters:
            raw = given.get(p.name)
            if raw is None or raw == "":
                raw = p.default_value()
            if raw is None:
                if p.required:
                    raise ParameterError(p.name, "is required")
                continue
            bound[ox.Variable(p.variable)] = p.term(raw)
        return bound


def parse_query_file(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    header_lines = [
        line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")
    ]
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryFileError(f"{path}: the #+ header is not valid YAML: {exc}") from exc
    if not isinstance(header, dict):
        raise QueryFileError(f"{path}: the #+ header must be key: value lines")
    unknown = set(header) - DECORATORS
    if unknown:
        raise QueryFileError(
            f"{path}: unknown decorator(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(DECORATORS))}"
        )
    if not header.get("summary"):
        raise QueryFileError(f"{path}: needs a #+ summary:")
    _check_syntax(path, text)
    defaults = _mapping(header.get("defaults"), path, "defaults")
    enums = _mapping(header.get("enumerate"), path, "enumerate")
    parameters = []
    seen = set()
    for m in _PARAM.finditer(_strip_comments(text)):
        variable = m.group(0)[1:]
        if variable in seen:
            continue
        seen.add(variable)
        name, ptype = _split_parameter(m.group("body"))
        values = enums.get(name)
        parameters.append(
            Parameter(
                name=name,
                variable=variable,
                type=ptype,
                required=m.group("optional") == "_",
                default=None if defaults.get(name) is None else str(defaults[name]),
                enum=tuple(str(v) for v in values) if isinstance(values, list) else (),
            )
        )
    pagination = header.get("pagination")
    if pagination is not None and (not isinstance(pagination, int) or pagination < 1):
        raise QueryFileError(f"{path}: #+ pagination: must be a positive whole number")
    form = re.search(
        r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
        _strip_comments(re.sub(r"PREFIX\s+\S*\s*<[^>]*>", "", text)),
        re.I,
    )
    return CannedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(header["summary"]),
        description=str(header.get("description", "")).strip(),
        tags=tuple(header.get("tags") or ()),
        parameters=tuple(parameters),
        pagination=pagination,
        method=str(header.get("method", "GET")).upper(),
        endpoint=header.get("endpoint"),
        form=form.group(1).upper() if form else "SELECT",
        header=header,
    )


def _check_syntax(path: Path, text: str) -> None:
    """A malformed query fails at start-up. pyoxigraph has no parse-only call, so the query
    runs on an empty store; one with a SERVICE is parsed by rdflib instead (no network)."""
    if "service" in text.lower():
        from pyparsing import ParseException
        from rdflib.plugins.sparql.parser import parseQuery

        try:
            parseQuery(text)
        except ParseException as exc:
            raise QueryFileError(f"{path}: not valid SPARQL: {exc}") from exc
        return
    try:
        ox.Store().query(text, custom_functions=CUSTOM_FUNCTIONS)
    except SyntaxError as exc:
        raise QueryFileError(f"{path}: not valid SPARQL: {exc}") from exc


def _strip_comments(text: str) -> str:
    return "\n".join(
        line.split("#", 1)[0] if not line.lstrip().startswith("<") else line
        for line in text.splitlines()
    )


def _mapping(value: object, path: Path, key: str) -> dict:
    """grlc writes defaults and enumerations as a list of one-key mappings."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        merged: dict = {}
        for item in value:
            merged.update(item)
        return merged
    raise QueryFileError(f"{path}: #+ {key}: must be a list of 'name: value' items")


def _split_parameter(body: str) -> tuple[str, str]:
    """``date_xsd_date`` -> (date, date); ``name_en`` -> (name, lang:en); ``q`` -> (q, string)."""
    for suffix, ptype in sorted(_TYPES.items(), key=lambda kv: -len(kv[0])):
        if body.endswith("_" + suffix):
            return body[: -len(suffix) - 1], ptype
    m = re.fullmatch(r"(?P<name>.+?)_(?P<lang>[a-z]{2,3})", body)
    if m:
        return m.group("name"), f"lang:{m.group('lang')}"
    return body, "string"


def load_catalogue(folder: str | Path) -> list[CannedQuery]:
    """Every ``*.rq`` in the folder, sorted by name; a bad file fails loudly."""
    return [parse_query_file(p) for p in sorted(Path(folder).glob("*.rq"))]
