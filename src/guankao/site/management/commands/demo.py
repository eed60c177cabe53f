"""``guankao demo``: migrate and load both seed documents (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guankao.core.exceptions import GuankaoError
from guankao.performance.synthetic import Sizes
from guankao.site.demo import SEEDS, load_demo, load_national


class Command(BaseCommand):
    help = (
        "Migrate the database and load the demo data: the Keelung 112.7 division table with the "
        "draft translations of the directory, and the Hsinchu 社會處 108 performance report. "
        "Running it again changes nothing. With --national, instead: a synthetic country of "
        "performance reports (22 jurisdictions × 10 years × 20 departments) for the city and "
        "national views and their benchmarks, a few minutes on SQLite. "
        "Examples: guankao demo; guankao demo --national"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seeds",
            type=Path,
            default=SEEDS,
            help="folder with the data files (default: the seed documents shipped with guankao)",
        )

        parser.add_argument(
            "--national",
            action="store_true",
            help="load the synthetic country of performance reports instead (not the seeds)",
        )
        for name, default in (
            ("jurisdictions", 22),
            ("years", 10),
            ("departments", 20),
            ("plans", 12),
            ("indicators", 3),
        ):
            parser.add_argument(
                f"--{name}", type=int, default=default, help=f"with --national (default {default})"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        seeds: Path = options["seeds"]
        call_command("migrate", interactive=False, verbosity=0)
        if options["national"]:
            self._national(options)
            return
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

    def _national(self, options: dict[str, Any]) -> None:
        limits = {"jurisdictions": 22, "years": 10, "departments": 20, "plans": 40, "indicators": 9}
        for name, most in limits.items():
            if not 1 <= options[name] <= most:
                raise CommandError(f"--{name} 須介於 1 與 {most} 之間。", returncode=2)
        sizes = Sizes(**{name: options[name] for name in limits})
        try:
            loaded = load_national(sizes=sizes, actor=None, progress=self.stdout.write)
        except GuankaoError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"模擬全國資料：新載入 {loaded.departments} 個機關（{loaded.reports} 份報告，"
            f"{loaded.published} 份已公開），已存在 {loaded.skipped} 個機關"
        )
