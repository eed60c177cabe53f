"""Load held (issue 16, item 4): wrk against one gunicorn, loopback only, bounded in time.

Starts ``gunicorn -c python:guankao.gunicorn_conf`` (2 workers × 4 threads, as shipped) on
127.0.0.1 against a temporary SQLite database with the demo data and the deployment's
``CONN_MAX_AGE=60``, makes a session for the demo coordinator and a read token, and runs wrk
for ``SECONDS`` seconds per target at 10 and at 50 connections: a static file, the directory
home, a search, the published report page and its PDF (anonymous readers, from the page cache
of decision 0085), the signed-in dashboard and an API list. Then the public targets once more
with the page cache off (``PAGE_CACHE=false``), for comparison, and with workers not recycled.

Every target is checked first (200, and the dashboard shows the coordinator signed in), and a
Lua script counts every response that is not 200 as an error; socket errors are wrk's own.
Nothing but wrk and the project is needed: ``.venv/bin/python benchmarks/run.py load``.
``LOAD_SECONDS`` (10) changes the time per target. A third run repeats the public targets with
workers never recycled (``GUNICORN_MAX_REQUESTS`` 1,000,000), to show what recycling costs.
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GUANKAO = ROOT / ".venv" / "bin" / "guankao"
PORT = 8767
HOST = "127.0.0.1"  # loopback only
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
NEVER_RECYCLED = 1_000_000
SLICES = 5  # each target's seconds, in this many runs taken in turn with the others
CONNECTIONS = (10, 50)
WRK_THREADS = 2
COORDINATOR = "demo-coordinator"

# Each wrk thread counts the responses that are not 200; done() adds them up and prints one line.
LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local not_ok = 0
  for _, t in ipairs(threads) do not_ok = not_ok + t:get("bad") end
  local e = summary.errors
  io.write(string.format("GUANKAO-LOAD %d %d %d %d\n", summary.requests, summary.duration,
    not_ok, e.connect + e.read + e.write + e.timeout))
  local grid = {}
  for p = 1, 90 do table.insert(grid, p) end
  for p = 901, 999 do table.insert(grid, p / 10) end
  local out = {}
  for _, p in ipairs(grid) do table.insert(out, string.format("%g:%d", p, latency:percentile(p))) end
  table.insert(out, string.format("100:%d", latency.max))
  io.write("GUANKAO-QUANTILES " .. table.concat(out, " ") .. "\n")
end
"""

# Made in the benchmark's database, printed for wrk's headers: a signed-in session (as a
# browser has after signing in) and an API token of the same account.
CREDENTIALS = f"""
from django.contrib.auth.models import User
from django.test import Client
from guankao.core.tokens import api_token_create

user = User.objects.get(username={COORDINATOR!r})
client = Client()
client.force_login(user)
_, key = api_token_create(user=user, name="load benchmark", actor=user, scope="read")
print("SESSION", client.cookies["sessionid"].value)
print("TOKEN", key)
"""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    header: str = ""  # "session" or "token"
    public: bool = False  # a published page, served from the page cache
    shows: str = ""  # text the checked response must contain


@dataclass(frozen=True)
class Slice:
    """One wrk run: its counts, and its latency quantiles (percent, ms)."""

    requests: int
    seconds: float
    not_ok: int
    socket_errors: int
    quantiles: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Result:
    """A target at one connection count: its slices, spread over the whole run."""

    target: Target
    connections: int
    slices: tuple[Slice, ...]

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.slices)

    @property
    def rate(self) -> float:
        return self.requests / sum(s.seconds for s in self.slices)

    @property
    def not_ok(self) -> int:
        return sum(s.not_ok for s in self.slices)

    @property
    def socket_errors(self) -> int:
        return sum(s.socket_errors for s in self.slices)

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile of every request of every slice (each slice's quantiles
        weighted by its requests: wrk gives quantiles, not its samples)."""
        points: list[tuple[float, float]] = []
        for piece in self.slices:
            previous = 0.0
            for q, value in piece.quantiles:
                points.append((value, piece.requests * (q - previous)))
                previous = q
        points.sort()
        goal = sum(w for _, w in points) * p / 100
        seen = 0.0
        for value, weight in points:
            seen += weight
            if seen >= goal:
                return value
        return points[-1][0] if points else 0.0


def _targets(static: str) -> list[Target]:
    return [
        Target("static file (WhiteNoise)", static),
        Target("directory home (keelung)", "/directory/keelung/", public=True, shows="基隆市"),
        Target(
            "search 「家暴」",
            "/directory/keelung/?q=%E5%AE%B6%E6%9A%B4",
            public=True,
            shows="家暴",
        ),
        Target(
            "published report page (hsinchu-social 108)",
            "/performance/hsinchu-social/108/",
            public=True,
            shows="施政績效報告",
        ),
        Target("its PDF", "/performance/hsinchu-social/108/report.pdf", public=True, shows="%PDF"),
        Target("dashboard, signed in (coordinator)", "/cycles/", header="session", shows="登出"),
        Target("API list (divisions/tasks, token)", "/api/v1/divisions/tasks", header="token"),
    ]


def _environment(folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "PAGE_CACHE"))
    }
    return {
        **env,
        # Production settings (benchmarks/run.py defaults to the test settings).
        "DJANGO_SETTINGS_MODULE": "guankao.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": str(folder / "static"),
        # docs/deployment.md and .env.example: persistent database connections.
        "CONN_MAX_AGE": "60",
        # The demo accounts have no authenticator app; the session is made directly.
        "REQUIRE_2FA": "false",
        "DEMO_ACCOUNTS_READY": "true",
        "LOG_LEVEL": "WARNING",
    }


def _static_path(folder: Path) -> str:
    """The hashed name of the site's stylesheet, as pages link to it."""
    names = sorted(p.name for p in (folder / "static" / "guankao").glob("site.*.css"))
    if not names:
        raise RuntimeError("collectstatic made no guankao/site.*.css")
    return f"/static/guankao/{names[0]}"


def _credentials(env: dict[str, str]) -> dict[str, str]:
    output = subprocess.run(  # noqa: S603
        [GUANKAO, "shell", "-c", CREDENTIALS], env=env, check=True, capture_output=True, text=True
    ).stdout
    found = dict(re.findall(r"^(SESSION|TOKEN) (\S+)$", output, flags=re.MULTILINE))
    if set(found) != {"SESSION", "TOKEN"}:
        raise RuntimeError(f"no session or token made: {output!r}")
    return {
        "session": f"Cookie: sessionid={found['SESSION']}",
        "token": f"Authorization: Bearer {found['TOKEN']}",
    }


class Server:
    """gunicorn with the shipped settings, on loopback, for the duration of a ``with``."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config=python:guankao.gunicorn_conf",
            f"--bind={HOST}:{PORT}",
            "guankao.wsgi:application",
        ]
        with self.log.open("w") as stream:
            self.process = subprocess.Popen(argv, env=self.env, stdout=stream, stderr=stream)  # noqa: S603
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://{HOST}:{PORT}/", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start; see {self.log}")

    def __exit__(self, *args: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _check(target: Target, headers: dict[str, str], page_cache: bool) -> None:
    """The target answers 200 with what it should show, and (with the page cache) is cached
    by both workers after a few requests."""
    request = urllib.request.Request(f"http://{HOST}:{PORT}{target.path}")
    if target.header:
        name, value = headers[target.header].split(": ", 1)
        request.add_header(name, value)
    seen: set[str] = set()
    for _ in range(20):  # enough for both workers to have filled their caches
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                body = answer.read()
                status = answer.status
                seen.add(answer.headers.get("X-Page-Cache", ""))
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{target.path} answered {error.code}") from None
        if status != 200:
            raise RuntimeError(f"{target.path} answered {status}")
        text = body.decode("utf-8", errors="replace")
        if target.shows and target.shows not in text:
            raise RuntimeError(f"{target.path} does not show {target.shows!r}")
    if target.public and page_cache and "hit" not in seen:
        raise RuntimeError(f"{target.path} was never served from the page cache")
    if not (target.public and page_cache) and seen - {""}:
        raise RuntimeError(f"{target.path} went through the page cache: {seen}")


def _wrk(target: Target, connections: int, headers: dict[str, str], script: Path) -> Slice:
    argv = [
        "wrk",
        f"-t{min(WRK_THREADS, connections)}",
        f"-c{connections}",
        f"-d{SECONDS // SLICES}s",
        "--timeout=10s",
        f"--script={script}",
    ]
    if target.header:
        argv.append(f"--header={headers[target.header]}")
    argv.append(f"http://{HOST}:{PORT}{target.path}")
    output = subprocess.run(argv, check=True, capture_output=True, text=True).stdout  # noqa: S603
    counts = re.search(r"^GUANKAO-LOAD (.+)$", output, flags=re.MULTILINE)
    grid = re.search(r"^GUANKAO-QUANTILES (.+)$", output, flags=re.MULTILINE)
    if counts is None or grid is None:
        raise RuntimeError(f"wrk printed no summary: {output!r}")
    requests, duration, not_ok, socket_errors = map(int, counts.group(1).split())
    quantiles = tuple(
        (float(q), int(us) / 1000) for q, us in (pair.split(":") for pair in grid.group(1).split())
    )
    return Slice(requests, duration / 1e6, not_ok, socket_errors, quantiles)


def _measure(
    env: dict[str, str],
    folder: Path,
    targets: list[Target],
    connections: tuple[int, ...],
    headers: dict[str, str],
    page_cache: bool,
    max_requests: int | None = None,
) -> tuple[list[Result], int]:
    """Each target in ``SLICES`` short runs, in turn with the others: a burst of load from the
    other helpers on this shared machine then falls on every target alike. Also returns how
    many workers gunicorn recycled meanwhile (``max_requests``)."""
    script = folder / "count.lua"
    script.write_text(LUA, encoding="utf-8")
    results = []
    log = folder / "gunicorn.log"
    server_env = {**env, "PAGE_CACHE": str(page_cache).lower()}
    if max_requests is not None:
        server_env["GUNICORN_MAX_REQUESTS"] = str(max_requests)
    with Server(server_env, log):
        for target in targets:
            _check(target, headers, page_cache)
        for count in connections:
            slices: dict[str, list[Slice]] = {t.name: [] for t in targets}
            for _ in range(SLICES):
                for target in targets:
                    slices[target.name].append(_wrk(target, count, headers, script))
                    time.sleep(0.5)  # let the last connections close
            results += [Result(t, count, tuple(slices[t.name])) for t in targets]
    return results, log.read_text(encoding="utf-8").count("Autorestarting worker")


def _rows(results: list[Result]) -> list[str]:
    static = {r.connections: r.rate for r in results if r.target.name.startswith("static")}
    rows = []
    for r in results:
        ratio = f"{r.rate / static[r.connections]:.0%}" if r.connections in static else "—"
        rows.append(
            f"| {r.target.name} | {r.connections} | {r.requests:,} | {r.rate:,.0f} | "
            f"{r.percentile(50):.1f} | {r.percentile(95):.1f} | {r.percentile(99):.1f} | "
            f"{r.not_ok} | {r.socket_errors} | {ratio} |"
        )
    return rows


def _machine() -> str:
    """benchmarks/run.py's line naming the machine."""
    spec = importlib.util.spec_from_file_location("benchmarks_run", HERE / "run.py")
    if spec is None or spec.loader is None:
        return platform.platform()
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.machine())


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def run() -> str:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: scripts/install-system-packages.sh")
    folder = Path(tempfile.mkdtemp(prefix="guankao-bench-load-"))
    env = _environment(folder)
    subprocess.run([GUANKAO, "demo"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [GUANKAO, "collectstatic", "--noinput"], env=env, check=True, capture_output=True
    )
    headers = _credentials(env)
    load_before = _load()
    targets = _targets(_static_path(folder))
    cached, recycled = _measure(env, folder, targets, CONNECTIONS, headers, page_cache=True)
    plain = [targets[0], *(t for t in targets if t.public)]
    uncached, recycled_uncached = _measure(env, folder, plain, (10,), headers, page_cache=False)
    kept, _ = _measure(
        env, folder, plain, CONNECTIONS, headers, page_cache=True, max_requests=NEVER_RECYCLED
    )
    load_after = _load()
    failures = [r for r in cached + uncached + kept if r.not_ok or r.socket_errors]
    shutil.rmtree(folder, ignore_errors=True)
    now = datetime.datetime.now(datetime.UTC)
    head = "| target | connections | requests | req/s | p50 ms | p95 ms | p99 ms | not 200 | socket errors | vs static |"
    rule = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    lines = [
        "## Load held: wrk at 10 and 50 connections (issue 16, item 4)",
        "",
        f"Measured {now:%Y-%m-%d %H:%M} UTC on {_machine()}; load average (1/5/15 min) "
        f"{load_before} before, {load_after} after. "
        "`benchmarks/bench_load.py`: one gunicorn as shipped "
        "(`guankao/gunicorn_conf.py`: 2 workers × 4 threads, access log on), SQLite demo "
        "database, `CONN_MAX_AGE=60` as in docs/deployment.md; wrk on loopback, "
        f"{WRK_THREADS} threads, {SECONDS} s per target and connection count in {SLICES} runs "
        "taken in turn with the other targets. Anonymous readers "
        "get the published pages from the page cache (decision 0085); the dashboard is the "
        "demo coordinator's signed-in session, the API list a read token. *vs static* is the "
        "rate against the static file's in the same run: the machine is shared, so that ratio "
        "is the figure to compare.",
        "",
        head,
        rule,
        *_rows(cached),
        "",
        f"gunicorn recycled a worker {recycled} times during these runs (`max_requests` 50,000 "
        "± 25,000 a worker, as shipped). A new worker is forked from a master that has already "
        "built the directory and compiled the templates, then frozen them for the garbage "
        "collector (`pre_fork`, decision 0087); only its page cache starts empty.",
        "",
        "The same public targets with the page cache off (`PAGE_CACHE=false`), 10 connections:",
        "",
        head,
        rule,
        *_rows(uncached),
        "",
        f"(workers recycled: {recycled_uncached})",
        "",
        "The public targets with the page cache on and workers never recycled "
        f"(`GUNICORN_MAX_REQUESTS={NEVER_RECYCLED}`), 10 and 50 connections:",
        "",
        head,
        rule,
        *_rows(kept),
    ]
    if failures:
        lines += ["", f"**{len(failures)} runs had errors** (see the not 200 and socket columns)."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
