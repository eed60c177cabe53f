"""gunicorn under load: latency while workers are recycled, before and after the settings of
``guankao/gunicorn_conf.py`` (issue 13).

Starts gunicorn on 127.0.0.1 against a temporary SQLite database with the demo data, sends a
bounded number of requests from 10 threads (loopback only), and reports p50/p95/p99 and how many
workers were recycled during the run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
GUANKAO = HERE.parent / ".venv" / "bin" / "guankao"
PORT = 8765
THREADS = 10
REQUESTS = 6000
PATHS = ["/directory/keelung/?q=%E5%AE%B6%E6%9A%B4", "/directory/keelung/", "/"]
OLD = [
    "--workers=2",
    "--max-requests=1000",
    "--max-requests-jitter=100",
]
NEW = ["--config=python:guankao.gunicorn_conf"]


def _measure(env: dict[str, str], args: list[str], log: Path) -> tuple[list[float], int]:
    """Latencies of every request, and how many workers gunicorn recycled meanwhile."""
    argv = [sys.executable, "-m", "gunicorn", *args, f"--bind=127.0.0.1:{PORT}"]
    with log.open("w") as stream:
        server = subprocess.Popen(  # noqa: S603
            [*argv, "guankao.wsgi:application"], env=env, stdout=stream, stderr=stream
        )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start; see {log}")
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        counter = iter(range(REQUESTS))

        def worker() -> None:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                url = f"http://127.0.0.1:{PORT}{PATHS[n % len(PATHS)]}"
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=30) as response:
                        response.read()
                except OSError:
                    errors.append(url)
                    continue
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)

        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    recycled = log.read_text(encoding="utf-8").count("Autorestarting worker")
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, e.g. {errors[0]}; see {log}")
    return latencies, recycled


def _row(name: str, latencies: list[float], recycled: int, seconds: float) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return (
        f"| {name} | {len(latencies):,} | {len(latencies) / seconds:,.0f} | "
        f"{statistics.median(latencies) * 1000:.0f} | {cuts[94] * 1000:.0f} | "
        f"{cuts[98] * 1000:.0f} | {recycled} |"
    )


def run() -> str:
    folder = Path(tempfile.mkdtemp(prefix="guankao-bench-serve-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": str(folder / "static"),
    }
    subprocess.run([GUANKAO, "demo"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [GUANKAO, "collectstatic", "--noinput"], env=env, check=True, capture_output=True
    )
    rows = []
    runs = [
        ("before: sync, recycled every 1,000 ± 100", OLD, {}),
        ("gunicorn_conf.py, recycled every 1,000 ± 500", NEW, {"GUNICORN_MAX_REQUESTS": "1000"}),
        ("gunicorn_conf.py as shipped (5,000 ± 2,500)", NEW, {}),
    ]
    for name, args, extra in runs:
        start = time.perf_counter()
        latencies, recycled = _measure({**env, **extra}, args, folder / "gunicorn.log")
        rows.append(_row(name, latencies, recycled, time.perf_counter() - start))
    return "\n".join(
        [
            "## gunicorn under load: worker recycling (issue 13)",
            "",
            f"{REQUESTS:,} requests from {THREADS} threads on loopback, cycling through the "
            "directory search, the directory home and the home page; SQLite demo database, "
            "2 workers. `benchmarks/bench_serve.py`. The shipped settings recycle a worker "
            "every 2,500–7,500 requests, and a recycled worker forks from a preloaded master "
            "instead of importing Django again.",
            "",
            "| settings | requests | req/s | p50 ms | p95 ms | p99 ms | workers recycled |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
        ]
    )


if __name__ == "__main__":
    print(run())
