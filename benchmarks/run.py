"""Run every benchmark in this folder and write the figures to docs/benchmarks.md.

Each ``bench_*.py`` module exposes ``run() -> str``, a Markdown section. Usage:

    .venv/bin/python benchmarks/run.py            # all benchmarks
    .venv/bin/python benchmarks/run.py tw imports # only bench_tw.py and bench_imports.py
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE.parent / "docs" / "benchmarks.md"


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text(encoding="utf-8").split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def previous_sections() -> dict[str, str]:
    """Sections already in docs/benchmarks.md, so that running one benchmark keeps the others."""
    if not OUTPUT.exists():
        return {}
    sections: dict[str, str] = {}
    for chunk in OUTPUT.read_text(encoding="utf-8").split("<!-- ")[1:]:
        key = chunk.split(" -->", 1)[0]
        sections[key] = "<!-- " + chunk.strip()
    return sections


def load(path: Path) -> str:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs, as an import would: dataclasses look their module up.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    section: str = module.run()
    return section.strip()


def main(names: list[str]) -> None:
    sys.path.insert(0, str(HERE.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guankao.settings_test")
    paths = sorted(HERE.glob("bench_*.py"))
    if names:
        paths = [p for p in paths if p.stem.removeprefix("bench_") in names]
    sections = previous_sections()
    for path in paths:
        print(f"running {path.name} …", file=sys.stderr)
        sections[path.stem] = f"<!-- {path.stem} -->\n" + load(path)
    today = datetime.datetime.now(datetime.UTC).date()
    header = (
        "# Benchmarks\n\n"
        f"Measured {today.isoformat()} (民國{today.year - 1911}年) on: {machine()}.\n"
        "Regenerate with `make benchmarks` (or `.venv/bin/python benchmarks/run.py NAME…`).\n"
        "Figures are wall-clock times on a shared machine: compare orders of magnitude, not digits.\n"
    )
    body = "\n\n".join(sections[key] for key in sorted(sections))
    OUTPUT.write_text(header + "\n" + body + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
