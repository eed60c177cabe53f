"""`guankao check --deploy` is clean with the production settings (DEBUG off, a real secret key,
HTTPS on), and the local-demo switch turns the HTTPS settings off."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

GUANKAO = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "guankao")

pytestmark = pytest.mark.slow


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "guankao.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "guankao.example.gov.tw",
        **env,
    }
    return subprocess.run(
        [GUANKAO, *args], capture_output=True, text=True, env=environment, check=False
    )


def test_the_deploy_check_is_clean_in_production(tmp_path: Path) -> None:
    result = _run(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert (result.returncode, result.stderr) == (0, "")
    assert "System check identified no issues" in result.stdout


def test_the_local_demo_serves_plain_http(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = _run(tmp_path, "shell", "-c", code, SECURE_COOKIES="false")
    assert result.stdout.splitlines()[-1].split() == ["False", "False", "0"]
    result = _run(tmp_path, "shell", "-c", code)
    assert result.stdout.splitlines()[-1].split() == ["True", "True", "31536000"]
