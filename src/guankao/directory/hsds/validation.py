"""Validating what guankao publishes against the vendored official HSDS 3.0 schemas."""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMAS = ("service", "organization", "phone", "attribute", "taxonomy_term")


def _load(name: str) -> dict[str, Any]:
    text = files("guankao.directory.hsds").joinpath(f"schema/{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _registry() -> Registry[Any]:
    # The files refer to each other by bare file name ("phone.json"); register them so.
    return Registry().with_resources(
        (f"{name}.json", DRAFT202012.create_resource(_load(name))) for name in SCHEMAS
    )


@functools.cache
def validator(name: str) -> Any:
    """A validator for one HSDS object type (``service``, ``organization``, …)."""
    return Draft202012Validator(
        _load(name),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def errors(name: str, instance: Any) -> list[str]:
    """Every way ``instance`` breaks the HSDS schema ``name``; empty when it is valid."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator(name).iter_errors(instance)
    ]
