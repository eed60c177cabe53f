"""Subcommands that apps contribute to ``guankao export`` and ``guankao report``.

An app adds ``guankao export NAME`` by defining, in ``<app>/exports.py``::

    EXPORT_SUBCOMMANDS = [ExportSubcommand(name="hsds", help="…", add_arguments=…, run=…)]

and ``guankao report KIND`` by defining, in ``<app>/reports.py``::

    REPORT_KINDS = [ReportKind(name="performance", help="…", formats=(…), add_arguments=…,
                               run=…)]

``add_arguments`` receives the subcommand's own parser. An export's ``run`` receives the parsed
options and the command's stdout; a report's ``run`` receives the options and returns the
rendered file. Both raise a :class:`~guankao.core.exceptions.GuankaoError` for bad input (the
command turns it into one line on stderr and exit status 2). No other file changes.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Protocol

from django.apps import apps
from django.core.management.base import CommandParser, OutputWrapper
from django.utils.module_loading import module_has_submodule


class _Named(Protocol):
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class ExportSubcommand:
    """One ``guankao export NAME`` subcommand."""

    name: str
    help: str
    add_arguments: Callable[[CommandParser], None]
    run: Callable[[dict[str, Any], OutputWrapper], None]


@dataclass(frozen=True)
class ReportKind:
    """One ``guankao report KIND``: its own options and how to build and render the file.

    ``--format`` (one of ``formats``) and ``-o FILE`` are added by the command.
    """

    name: str
    help: str
    formats: Sequence[str]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[dict[str, Any]], bytes]


def discover(module: str, attribute: str) -> list[Any]:
    """Every app's ``<app>.<module>.<attribute>`` list, in app order; a name is defined once."""
    found: dict[str, _Named] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, module):
            continue
        for item in getattr(import_module(f"{config.name}.{module}"), attribute, []):
            if item.name in found:
                raise ValueError(f"{module} subcommand {item.name!r} is defined twice")
            found[item.name] = item
    return list(found.values())


def export_subcommands() -> list[ExportSubcommand]:
    """The subcommands of ``guankao export``."""
    return discover("exports", "EXPORT_SUBCOMMANDS")


def report_kinds() -> list[ReportKind]:
    """The kinds of ``guankao report``."""
    return discover("reports", "REPORT_KINDS")
