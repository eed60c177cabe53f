"""Two app servers behind haproxy on one PostgreSQL database (issue 16, decision 0083).

Each server is ``guankao serve`` (gunicorn with guankao's gunicorn_conf) with its own port,
MEDIA_ROOT and temporary folder, as two machines would have; they share only the database and
the static files built once before either starts. haproxy balances round-robin and names the
server that answered in an ``X-Served-By`` header. The flows cross servers on purpose: an
import uploaded through one is previewed and saved through the other, an attachment uploaded
through one is downloaded through the other, and an admin edit through one is found at once by
the other's directory search, whose cache it had already built.

Runs in the PostgreSQL pass of .ci/run (it needs a database both servers reach; SQLite's file
would not show what a network database does).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.cycles.files import pdf_bytes
from tests.deployment.web import Browser, Response, Upload, form_with, join
from tests.imports import builders
from tests.imports.test_division_import import MESSY_MERGES, MESSY_ROWS

DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL (the PostgreSQL pass of .ci/run)",
    ),
]

VENV = Path(__file__).resolve().parents[2] / ".venv" / "bin"
GUANKAO = str(VENV / "guankao")
ATTACHMENT = pdf_bytes(200_000)  # several chunks of the upload handlers
NEW_NAME = "醫療照護示範改名"  # what the admin renames the health-care service area to


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database(name: str) -> str:
    parts = urllib.parse.urlsplit(DATABASE_URL)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Deployment:
    balancer: str
    servers: dict[str, str]  # name → its own URL
    database_url: str
    passwords: dict[str, str]
    logs: Path

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url) as db:
            return db.execute(query, params).fetchall()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if Browser().get(url + "/directory/").status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in 60 s: {log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    assert Path(haproxy).exists(), "haproxy is not installed (scripts/debian-packages.txt)"
    home = tmp_path_factory.mktemp("deployment")
    name = f"guankao_g1_servers_{secrets.token_hex(3)}"
    # The maintenance database: the one DATABASE_URL names may not exist (pytest-django makes
    # its own test_… database from the name).
    maintenance = _database("postgres")
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database_url = _database(name)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guankao.settings",  # production settings, as deployed
        "DATABASE_URL": database_url,
        "SECRET_KEY": "two-servers-test-key",
        "GUANKAO_HOME": str(home),
        "STATIC_ROOT": str(home / "static"),
        # Plain http on loopback, as `make run`: no Secure cookies, no https redirect, and the
        # demo accounts ready without a second factor (decision 0059).
        "SECURE_COOKIES": "false",
        "REQUIRE_2FA": "false",
        "DEMO_ACCOUNTS_READY": "true",
        "GUNICORN_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",  # the access logs are read while the servers run
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:

        def run(*args: str) -> str:
            done = subprocess.run(
                [GUANKAO, *args], env=env, capture_output=True, text=True, check=False
            )
            assert done.returncode == 0, done.stderr[-3000:]
            return done.stdout

        run("migrate", "--noinput", "--verbosity", "0")
        # The static files are built once, before any server starts (alongside the demo data,
        # which only writes to the database).
        static = subprocess.Popen(
            [GUANKAO, "collectstatic", "--noinput", "--verbosity", "0"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(static)
        shown = run("demo")
        passwords = dict(re.findall(r"(demo-[a-z-]+) / (\S+)", shown))
        _out, errors = static.communicate(timeout=300)
        assert static.returncode == 0, errors.decode(errors="replace")[-3000:]
        processes.remove(static)
        servers: dict[str, str] = {}
        for server in ("a", "b"):
            port = _free_port()
            folder = home / f"server-{server}"
            (folder / "tmp").mkdir(parents=True)
            log = home / f"server-{server}.log"
            server_env = {
                **env,
                "MEDIA_ROOT": str(folder / "media"),
                "TMPDIR": str(folder / "tmp"),
            }
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        [GUANKAO, "serve", "--port", str(port), "--workers", "1"],
                        env=server_env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # its own group: the cleanup ends its workers
                    )
                )
            servers[server] = f"http://127.0.0.1:{port}"
        front = _free_port()
        backends = "\n".join(
            f"    server {s} {url.removeprefix('http://')} check inter 500ms"
            for s, url in servers.items()
        )
        (home / "haproxy.cfg").write_text(
            f"""
global
    maxconn 200
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend web
    bind 127.0.0.1:{front}
    default_backend guankao
backend guankao
    balance roundrobin
    http-response set-header X-Served-By %s
{backends}
""",
            encoding="utf-8",
        )
        with (home / "haproxy.log").open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [haproxy, "-db", "-f", str(home / "haproxy.cfg")],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        for (server, url), process in zip(servers.items(), processes, strict=False):
            _wait_until_up(url, process, home / f"server-{server}.log")
        balancer = f"http://127.0.0.1:{front}"
        _wait_until_up(balancer, processes[-1], home / "haproxy.log")
        time.sleep(1.2)  # haproxy's health checks have seen both servers
        yield Deployment(balancer, servers, database_url, passwords, home)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sign_in(deployment: Deployment, username: str, base: str) -> Browser:
    browser = Browser()
    page = browser.get(base + "/accounts/login/")
    assert page.status == 200
    form = form_with(page.text, "csrfmiddlewaretoken")
    form.set("username", username)
    form.set("password", deployment.passwords[username])
    answer = browser.post(base + "/accounts/login/", form.fields)
    assert answer.status == 302, answer.text[:2000]
    return browser


def served_by(response: Response) -> str:
    return response.header("X-Served-By")


def test_the_balancer_spreads_requests_and_both_serve_the_static_files(
    deployment: Deployment,
) -> None:
    browser = Browser()
    answers = [browser.get(deployment.balancer + "/directory/keelung/") for _ in range(10)]
    assert {a.status for a in answers} == {200}
    assert Counter(served_by(a) for a in answers) == {"a": 5, "b": 5}
    page = answers[0].text
    [css] = re.findall(r'href="(/static/[^"]+\.css)"', page)[:1]
    for url in deployment.servers.values():
        assert browser.get(url + css).status == 200
    # each server's access log has its own half of them
    for server in ("a", "b"):
        log = (deployment.logs / f"server-{server}.log").read_text(errors="replace")
        assert log.count('"GET /directory/keelung/ HTTP') >= 5


def test_a_session_begun_through_the_balancer_holds_on_both_servers(
    deployment: Deployment,
) -> None:
    browser = sign_in(deployment, "demo-coordinator", deployment.balancer)
    for url in deployment.servers.values():
        page = browser.get(url + "/imports/")
        assert page.status == 200, page.status
        assert "上傳分工表" in page.text


def test_an_import_uploaded_through_one_server_is_saved_through_the_other(
    deployment: Deployment, tmp_path: Path
) -> None:
    a, b = deployment.servers["a"], deployment.servers["b"]
    browser = sign_in(deployment, "demo-coordinator", a)
    form = form_with(browser.get(a + "/imports/division/").text, "version")
    form.set("jurisdiction", "keelung")
    form.set("version", "114.3")
    xlsx = builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)
    form.set("file", Upload("分工表.xlsx", xlsx.read_bytes()))
    answer = browser.post(a + "/imports/division/", form.fields)
    assert answer.status == 302, answer.text[:2000]
    preview = join(a, answer.header("Location")).removeprefix(a)
    token = preview.rstrip("/").rsplit("/", 1)[-1]
    assert deployment.sql(
        "SELECT size FROM core_storedfile WHERE name = %s", f"imports/{token}.xlsx"
    ) == [(xlsx.stat().st_size,)]
    assert not list((deployment.logs / "server-a" / "media").rglob("*.*"))

    page = browser.get(b + preview)  # the other server: it has never seen the file
    assert page.status == 200, page.text[:2000]
    assert "匯入預覽：基隆市 分工表 114.3" in page.text
    assert "新增 機關「產業發展處」" in page.text
    save = form_with(page.text, "digest")
    answer = browser.post(b + preview, save.fields)
    assert answer.status == 302 and answer.header("Location") == "/directory/staff/"
    assert deployment.sql(
        "SELECT count(*) FROM divisions_divisiontable t JOIN core_jurisdiction j"
        " ON j.id = t.jurisdiction_id WHERE j.slug = 'keelung' AND t.effective_month = %s",
        "2025-03-01",
    ) == [(1,)]
    assert deployment.sql("SELECT count(*) FROM core_storedfile WHERE name LIKE 'imports/%%'") == [
        (0,)
    ]
    assert browser.get(a + preview).status == 404  # gone for both once saved


def test_an_attachment_uploaded_through_one_server_downloads_through_the_other(
    deployment: Deployment,
) -> None:
    a, b = deployment.servers["a"], deployment.servers["b"]
    [(submission,)] = deployment.sql(
        "SELECT s.id FROM cycles_submission s JOIN core_agency g ON g.id = s.agency_id"
        " WHERE g.slug = 'keelung-police' ORDER BY s.id DESC LIMIT 1"
    )
    browser = sign_in(deployment, "demo-reporter-police", b)
    edit = f"/cycles/submissions/{submission}/edit/"
    page = browser.get(a + edit)
    assert page.status == 200, page.text[:2000]
    form = form_with(page.text, "version")
    [narrative] = [n for n, _v in form.fields if n.endswith("-narrative")][:1]
    prefix = narrative.removesuffix("-narrative")
    form.set(narrative, "附上成果（兩台伺服器）")
    form.set(f"{prefix}-new_files", Upload("成果.pdf", ATTACHMENT, "application/pdf"))
    answer = browser.post(a + edit, form.fields)
    assert answer.status == 302, answer.text[:3000]
    [(attachment, name)] = deployment.sql(
        "SELECT id, file FROM cycles_attachment WHERE original_name = '成果.pdf'"
    )
    assert deployment.sql("SELECT sha256 FROM core_storedfile WHERE name = %s", name) == [
        (hashlib.sha256(ATTACHMENT).hexdigest(),)
    ]
    download = browser.get(b + f"/cycles/attachments/{attachment}/")
    assert download.status == 200
    assert download.body == ATTACHMENT
    assert "attachment" in download.header("Content-Disposition")
    for server in ("a", "b"):  # neither server's disk holds it
        assert not list((deployment.logs / f"server-{server}" / "media").rglob("*.*"))


def _results(page: Response) -> str:
    """The page without the search box, which repeats the question."""
    return re.sub(r"<input[^>]*>", "", page.text)


def test_an_admin_edit_through_one_server_is_found_by_the_other(deployment: Deployment) -> None:
    a, b = deployment.servers["a"], deployment.servers["b"]
    search = f"/directory/keelung/?q={urllib.parse.quote(NEW_NAME)}"
    reader = Browser()
    before = reader.get(b + search)  # server b builds and caches its directory
    assert before.status == 200 and NEW_NAME not in _results(before)
    [(area,)] = deployment.sql("SELECT id FROM divisions_servicearea WHERE slug = 'health-care'")
    admin = sign_in(deployment, "demo-admin", a)
    change = f"/admin/divisions/servicearea/{area}/change/"
    page = admin.get(a + change)
    assert page.status == 200, page.text[:2000]
    form = form_with(page.text, "position")
    form.set("name", NEW_NAME)
    form.set("_save", "儲存")
    answer = admin.post(a + change, form.fields)
    assert answer.status == 302, answer.text[:3000]
    after = reader.get(b + search)
    assert after.status == 200
    assert NEW_NAME in _results(after)
    assert NEW_NAME in reader.get(b + "/directory/keelung/areas/health-care/").text


ERRATUM = "八.5 實際值誤植（兩台伺服器）"
PUBLISH_ERRATUM = f"""
from decimal import Decimal
from guankao.performance import services
from guankao.performance.models import Measure, PerformanceReport

report = PerformanceReport.objects.get(department__slug="hsinchu-social", year=2019)
report = services.report_transition(report=report, transition="correct", reason={ERRATUM!r}, actor=None)
measure = Measure.objects.get(indicator__plan__department__slug="hsinchu-social",
    indicator__plan__year=2019, indicator__plan__number=8, indicator__number=5)
services.measure_update(measure=measure, data={{"actual": Decimal(400)}}, actor=None)
services.report_transition(report=report, transition="republish", actor=None)
"""


def test_an_erratum_published_elsewhere_shows_at_once_on_both_servers(
    deployment: Deployment,
) -> None:
    """Both servers serve the report page from their page caches (decision 0085); an erratum
    committed by a third process shows on the very next request to each."""
    report = "/performance/hsinchu-social/108/"
    reader = Browser()
    for base in deployment.servers.values():
        reader.get(base + report)
        cached = reader.get(base + report)
        assert (cached.status, cached.header("X-Page-Cache")) == (200, "hit")
        assert ERRATUM not in cached.text
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guankao.settings",
        "DATABASE_URL": deployment.database_url,
        "SECRET_KEY": "two-servers-test-key",
    }
    done = subprocess.run(
        [GUANKAO, "shell", "-c", PUBLISH_ERRATUM], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for base in deployment.servers.values():
        page = reader.get(base + report)
        assert (page.status, page.header("X-Page-Cache")) == (200, "miss")
        assert ERRATUM in page.text
