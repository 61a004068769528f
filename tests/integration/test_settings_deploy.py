"""Production settings: ``manage.py check --deploy`` is clean, and the settings refuse to start unsafely.

Each case runs Django in a subprocess with its own environment (the test process itself runs test settings).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PRONGSAI_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),  # 86 random characters
    "ALLOWED_HOSTS": "ita.example.go.th,www.ita.example.go.th",
    "PRONGSAI_BASE_URL": "https://ita.example.go.th",
    # never connected to: `check` without --database does not open a connection
    "DATABASE_URL": "postgres://prongsai:secret@db.invalid:5432/prongsai",
}


def run(args: list[str], data: Path, **env: str | None) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PRONGSAI_", "DJANGO_"))
        and k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CSRF_TRUSTED_ORIGINS")
    }
    clean.update(
        {"PRONGSAI_DATA": str(data), "DJANGO_SETTINGS_MODULE": "prongsai.web.settings", "PYTHONPATH": str(REPO)}
    )
    clean.update({k: v for k, v in env.items() if v is not None})
    for key in [k for k, v in env.items() if v is None]:
        clean.pop(key, None)
    return subprocess.run([sys.executable, *args], cwd=REPO, env=clean, capture_output=True, text=True, timeout=120)


def check_deploy(data: Path, **env: str | None) -> subprocess.CompletedProcess:
    return run(["-m", "prongsai.web.manage", "check", "--deploy", "--fail-level", "WARNING"], data, **env)


def test_check_deploy_is_clean_in_production(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr.upper(), result.stderr


def test_check_deploy_is_clean_on_sqlite_too(tmp_path):
    result = check_deploy(tmp_path, **{**PRODUCTION, "DATABASE_URL": None})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "warning"),
    [
        ({"SECRET_KEY": "too-short"}, "security.W009"),  # a weak secret key
        ({"PRONGSAI_SSL_REDIRECT": "0"}, "security.W008"),  # plain HTTP allowed
    ],
)
def test_check_deploy_would_catch_an_unsafe_setting(tmp_path, env, warning):
    """The clean result above means something: the same command flags an unsafe variant."""
    result = check_deploy(tmp_path, **{**PRODUCTION, **env})
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_production_refuses_debug(tmp_path):
    """DEBUG in production is not a warning but a refusal (issue 9, L9): the debug pages list settings and URLs."""
    result = check_deploy(tmp_path, **{**PRODUCTION, "PRONGSAI_DEBUG": "1"})
    assert result.returncode != 0
    assert "PRONGSAI_DEBUG=1 is refused when PRONGSAI_ENV=production" in result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = check_deploy(tmp_path, **{**PRODUCTION, "SECRET_KEY": None})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when PRONGSAI_ENV=production" in result.stderr
    assert not (tmp_path / "secret_key").exists(), "production must not fall back to a generated key"
    empty = check_deploy(tmp_path, **{**PRODUCTION, "SECRET_KEY": ""})
    assert empty.returncode != 0 and "SECRET_KEY must be set" in empty.stderr


def test_production_settings_values(tmp_path):
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.DATABASES['default']['ENGINE'], "
        "s.DATABASES['default']['HOST'])"
    )
    result = run(["-c", script], tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "['ita.example.go.th',",
        "'www.ita.example.go.th']",
        "True",
        "True",
        "True",
        "True",
        "django.db.backends.postgresql",
        "db.invalid",
    ]


def test_development_key_is_made_once_by_the_commands_not_by_importing_settings(tmp_path):
    """Importing the settings writes nothing; the explicit step every command runs makes a private key once."""
    script = "from django.conf import settings as s; print(s.SECRET_KEY, s.DEBUG)"
    bare = run(["-c", script], tmp_path / "bare", SECRET_KEY=None)
    assert bare.returncode != 0 and "SECRET_KEY is not set" in bare.stderr
    assert not (tmp_path / "bare").exists(), "importing the settings must not create the data folder"
    first = run(["-m", "prongsai.web.manage", "check"], tmp_path, SECRET_KEY=None)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50 and key_file.stat().st_mode & 0o777 == 0o600
    second = run(["-m", "prongsai.web.manage", "check"], tmp_path, SECRET_KEY=None)
    assert second.returncode == 0 and key_file.read_text() == key, "the key must survive restarts"
    printed = run(["-c", script], tmp_path, SECRET_KEY=None)
    assert printed.stdout.split() == [key, "True"]


def test_unsupported_database_url_is_refused(tmp_path):
    result = check_deploy(tmp_path, **{**PRODUCTION, "DATABASE_URL": "mysql://root@localhost/prongsai"})
    assert result.returncode != 0
    assert "unsupported scheme 'mysql'" in result.stderr
