"""The official Reconciliation API JSON Schemas from ../shared, loaded for validation."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from .conftest import SHARED

SCHEMAS = SHARED / "reconciliation-schemas"


def available() -> bool:
    return SCHEMAS.exists()


@cache
def _registry(version: str) -> tuple[Registry, dict[str, dict]]:
    """One registry per version, keyed by each file's $id (the README's advice)."""
    folder = SCHEMAS / version
    schemas = {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}
    resources = []
    for schema in schemas.values():
        if "$id" in schema:
            resources.append(
                (
                    schema["$id"].rstrip("#"),
                    Resource.from_contents(schema, default_specification=DRAFT7),
                )
            )
    swagger = schemas.get("openapi")
    if swagger:
        resources.append(
            (
                "http://swagger.io/v2/schema.json",
                Resource.from_contents(swagger, default_specification=DRAFT7),
            )
        )
    return Registry().with_resources(resources), schemas


def validator(version: str, name: str) -> jsonschema.Draft7Validator:
    registry, schemas = _registry(version)
    return jsonschema.Draft7Validator(schemas[name], registry=registry)


def validate(version: str, name: str, instance: object) -> None:
    errors = sorted(validator(version, name).iter_errors(instance), key=str)
    assert not errors, f"{name} ({version}): " + "; ".join(e.message for e in errors[:5])


def examples(version: str) -> list[tuple[str, str, Path]]:
    """(schema name, valid|invalid, path) for every example file the spec ships."""
    out = []
    for folder in sorted((SCHEMAS / version / "examples").iterdir()):
        for kind in ("valid", "invalid"):
            for path in sorted((folder / kind).glob("*.json")) if (folder / kind).exists() else []:
                out.append((folder.name, kind, path))
    return out
