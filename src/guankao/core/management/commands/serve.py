"""``guankao serve``: serve the app with gunicorn (settings in ``guankao/gunicorn_conf.py``).

Static files are collected once at install or deploy (``make run`` and docs/deployment.md run
``guankao collectstatic``), not by every server: two servers starting at once on one folder
would race. ``--collectstatic`` collects them first anyway, for a one-off local run.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve guankao with gunicorn. Example: guankao serve --host 127.0.0.1 --port 8000"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--workers", type=int, default=None, help="gunicorn worker processes (default 2)"
        )
        parser.add_argument(
            "--collectstatic", action="store_true", help="collect the static files first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"guankao: http://{bind}/")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config=python:guankao.gunicorn_conf",
            "guankao.wsgi:application",
            f"--bind={bind}",
        ]
        if options["workers"]:
            argv.append(f"--workers={options['workers']}")
        # Replace this process so that signals (Ctrl-C, systemd stop) reach gunicorn directly.
        os.execv(sys.executable, argv)  # noqa: S606
