"""``guankao serve``: collect static files and serve the app with gunicorn."""

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
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"guankao: http://{bind}/")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "guankao.wsgi:application",
            f"--bind={bind}",
            f"--workers={options['workers']}",
            # Typst keeps recent PDF layouts in memory; a fresh worker now and then returns it.
            "--max-requests=1000",
            "--max-requests-jitter=100",
            "--access-logfile=-",
        ]
        # Replace this process so that signals (Ctrl-C, systemd stop) reach gunicorn directly.
        os.execv(sys.executable, argv)  # noqa: S606
