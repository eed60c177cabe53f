"""Subcommands of ``guankao export``, found in each installed app's ``exports`` module.

An app adds ``guankao export NAME`` by defining, in ``<app>/exports.py``::

    EXPORT_SUBCOMMANDS = [ExportSubcommand(name="hsds", help="…", add_arguments=…, run=…)]

``add_arguments`` receives the subcommand's own parser; ``run`` receives the parsed options and
the command's stdout, and raises a :class:`~guankao.core.exceptions.GuankaoError` for bad input
(the command turns it into one line on stderr and exit status 2). No other file changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import CommandParser, OutputWrapper
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class ExportSubcommand:
    """One ``guankao export NAME`` subcommand."""

    name: str
    help: str
    add_arguments: Callable[[CommandParser], None]
    run: Callable[[dict[str, Any], OutputWrapper], None]


def discover() -> list[ExportSubcommand]:
    """Every app's ``EXPORT_SUBCOMMANDS``, in app order; a name may be defined only once."""
    found: dict[str, ExportSubcommand] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "exports"):
            continue
        module = import_module(f"{config.name}.exports")
        for subcommand in getattr(module, "EXPORT_SUBCOMMANDS", []):
            if subcommand.name in found:
                raise ValueError(f"export subcommand {subcommand.name!r} is defined twice")
            found[subcommand.name] = subcommand
    return list(found.values())
