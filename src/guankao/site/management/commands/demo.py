"""``guankao demo``: migrate and load both seed documents (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guankao.core.exceptions import GuankaoError
from guankao.site.demo import SEEDS, load_demo


class Command(BaseCommand):
    help = (
        "Migrate the database and load the demo data: the Keelung 112.7 division table with the "
        "draft translations of the directory, and the Hsinchu 社會處 108 performance report. "
        "Running it again changes nothing. "
        "Example: guankao demo"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seeds",
            type=Path,
            default=SEEDS,
            help="folder with the data files (default: the seed documents shipped with guankao)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seeds: Path = options["seeds"]
        call_command("migrate", interactive=False, verbosity=0)
        try:
            table, report, credentials = load_demo(seeds=seeds, actor=None)
        except GuankaoError as error:
            raise CommandError(str(error), returncode=2) from None
        plan_count = report.department.plans.filter(year=report.year).count()
        self.stdout.write(f"已載入：{table}，{table.tasks.count()} 項業務")
        self.stdout.write(f"已載入：{report}，{plan_count} 項計畫")
        self.stdout.write("示範帳號（角色：帳號 / 密碼）：")
        for role, username, password in credentials:
            self.stdout.write(f"  {role}：{username} / {password}")
