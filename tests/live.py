"""Helpers for tests that run Prongsai as real processes (servers, workers, commands) against a real database.

``LiveSite`` owns a data folder and a database of its own (SQLite in the folder, or a fresh PostgreSQL database on
the server of ``DATABASE_URL`` when the suite runs on PostgreSQL), the environment of every process it starts, and
stops each of them (by its process id) when the test ends.  ``Browser`` is a small HTTP(S) client with cookies and
CSRF, able to connect from a chosen loopback source address.  ``LiveSite.query`` runs code in the site's probe,
one Python process with Django set up that answers for the whole test.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import http.client
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from html import unescape
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def create_postgres_database(name: str) -> str:
    """A fresh, empty database ``name`` on the server of DATABASE_URL; returns its URL."""
    import psycopg

    parts = urllib.parse.urlparse(postgres_url())
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def drop_postgres_database(name: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(postgres_url())
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


#: set by tests/conftest.py in the pytest process before its xdist workers start (they inherit it): a folder every
#: process of one test run shares, removed when the run ends
RUN_FOLDER_VARIABLE = "PRONGSAI_TESTS_RUN_FOLDER"

#: the migrated templates this process knows: a data folder (SQLite) or a database name (PostgreSQL)
_TEMPLATE: dict[str, str] = {}


def run_folder() -> Path:
    """The folder shared by the pytest process and its workers (tests/conftest.py), or one of this process's own
    when the helpers run outside pytest."""
    folder = os.environ.get(RUN_FOLDER_VARIABLE)
    if not folder:
        folder = os.environ[RUN_FOLDER_VARIABLE] = tempfile.mkdtemp(prefix="prongsai-tests-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)


def _migrated_template(kind: str) -> str:
    """A database migrated by a real ``prongsai migrate``: for SQLite (``kind`` "sqlite") the data folder it made,
    once for the whole test run (the first process to need it makes it while the others wait on a lock, 3 s of
    CPU); for PostgreSQL ("postgres") a database on the server of DATABASE_URL to copy with CREATE DATABASE …
    TEMPLATE, once per test process (a template must have no other session while it is copied; dropped at exit).
    A site without a database of its own is SQLite even when the suite runs on PostgreSQL."""
    if kind not in _TEMPLATE:
        if kind == "postgres":
            name = f"prongsai_template_{os.getpid()}"
            LiveSite(Path(tempfile.mkdtemp(prefix="prongsai-migrated-")), database=name).run("migrate")
            atexit.register(drop_postgres_database, name)
            _TEMPLATE[kind] = name
        else:
            _TEMPLATE[kind] = str(_shared_sqlite_template())
    return _TEMPLATE[kind]


def _shared_sqlite_template() -> Path:
    root = run_folder() / "migrated-sqlite"
    with open(run_folder() / "migrated-sqlite.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        if not (root / "ready").exists():
            shutil.rmtree(root, ignore_errors=True)  # what a process that died while migrating left
            site = LiveSite(root)
            site.run("migrate")
            # everything in the one file (still in WAL mode, as a real migrate leaves it), and no -wal or -shm
            # file beside it once the last connection has closed: from now on it is only read, opened as immutable
            # (open_migrated_sqlite), so no such file appears while another process copies the folder
            with contextlib.closing(sqlite3.connect(site.data / "prongsai.sqlite3")) as database:
                database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            leftovers = sorted(p.name for p in site.data.glob("prongsai.sqlite3-*"))
            assert not leftovers, f"the migrated template kept {leftovers}"
            (root / "ready").touch()
    return root / "data"


def open_migrated_sqlite() -> sqlite3.Connection:
    """The run's migrated SQLite database (``_migrated_template``), read-only: the test database of each worker
    starts as a copy of it (tests/conftest.py)."""
    path = Path(_migrated_template("sqlite")) / "prongsai.sqlite3"
    return sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?immutable=1", uri=True)


def copy_migrated_sqlite(data: str | Path) -> None:
    """Put a copy of the run's migrated SQLite database (``_migrated_template``) in the data folder ``data``, for
    child processes that call ``migrate`` themselves: their migrate then finds nothing left to apply, instead of
    running the 62 migrations (3 s of CPU) again."""
    template = Path(_migrated_template("sqlite"))
    Path(data).mkdir(parents=True, exist_ok=True)
    for path in template.glob("prongsai.sqlite3*"):
        shutil.copy2(path, Path(data) / path.name)


#: the probe of ``LiveSite.query``: reads one JSON string (Python code) a line, answers one JSON object a line
#: ({"out": what it printed, "error": its traceback or ""}); the answers go to a copy of stdout, and stdout itself
#: to stderr (the log), so that nothing else written there can break a line
_PROBE = """
import contextlib, io, json, os, sys, traceback
answers = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr
import django
django.setup()
from django.db import connections
for line in sys.stdin:
    printed, error = io.StringIO(), ""
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(json.loads(line), "<query>", "exec"), {"__name__": "__query__"})
    except BaseException:
        error = traceback.format_exc()
    finally:
        connections.close_all()
    answers.write(json.dumps({"out": printed.getvalue(), "error": error}) + chr(10))
    answers.flush()
"""


class LiveSite:
    def __init__(self, root: Path, *, database: str = "", production: bool = False, **env: str):
        self.root = root
        self.data = root / "data"
        self.processes: list[subprocess.Popen] = []
        self._probe: subprocess.Popen | None = None
        self.secret = secrets.token_urlsafe(64)
        self.database_name = database
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PRONGSAI_", "DJANGO_", "PROMETHEUS_"))
            and k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CSRF_TRUSTED_ORIGINS")
        }
        clean.update(
            {
                "PRONGSAI_DATA": str(self.data),
                "SECRET_KEY": self.secret,
                "PYTHONPATH": str(REPO),
                "DJANGO_SETTINGS_MODULE": "prongsai.web.settings",
                "PRONGSAI_LINKCHECK_ALLOW_LOOPBACK": "1",
                "PRONGSAI_ENV": "production" if production else "development",
                "PYTHONUNBUFFERED": "1",
                "PRONGSAI_BASE_URL": "https://ita.example.go.th",
            }
        )
        if database:
            clean["DATABASE_URL"] = create_postgres_database(database)
        clean.update(env)
        self.env = clean

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def run(self, *args: str, check: bool = True, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(BIN / "prongsai"), *args],
            cwd=REPO,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check:
            assert result.returncode == 0, f"prongsai {' '.join(args)}: {result.stdout}\n{result.stderr}"
        return result

    def python(self, code: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def query(self, code: str, timeout: float = 300) -> str:
        """What ``code`` prints, run by the site's probe: one Python process with Django set up, started at the
        first query and kept for the rest of the test (``python`` starts a new interpreter and Django each time,
        0.4–0.7 s of CPU: too much for a state polled every 0.2 s).  The snippets share the probe's modules, so
        one that patches something must use ``python`` instead; each ends with its database connections closed,
        and the next sees what other processes committed in between."""
        probe = self._probe
        if probe is None or probe.poll() is not None:
            probe = self._probe = self.start(
                "probe", [sys.executable, "-c", _PROBE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        assert probe.stdin is not None and probe.stdout is not None
        probe.stdin.write(json.dumps(code).encode() + b"\n")
        probe.stdin.flush()
        ready, _, _ = select.select([probe.stdout], [], [], timeout)
        line = probe.stdout.readline() if ready else b""
        if not line:
            self.stop(probe)
            raise AssertionError(f"the probe gave no answer in {timeout:.0f} s:\n{self.log('probe').read_text()}")
        answer = json.loads(line)
        assert not answer["error"], answer["out"] + answer["error"]
        return answer["out"]

    def start(
        self,
        name: str,
        command: list[str],
        *,
        stdin: int | None = None,
        stdout: int | None = None,
        **env: str,
    ) -> subprocess.Popen:
        self.root.mkdir(parents=True, exist_ok=True)  # on PostgreSQL nothing may have made the folder yet
        handle = open(self.log(name), "ab")  # noqa: SIM115 - the process owns it until it ends
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**self.env, **env},
            stdin=stdin,
            stdout=handle if stdout is None else stdout,
            stderr=handle if stdout is not None else subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_name = name  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def worker(self, name: str, *extra: str, **env: str) -> subprocess.Popen:
        return self.start(
            name,
            [str(BIN / "prongsai"), "manage", "db_worker", "--interval", "0.3", "--no-startup-delay", *extra],
            **env,
        )

    def stop(self, process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)  # its own session: the process and its children (gunicorn workers)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    def close(self) -> None:
        for process in reversed(self.processes):
            self.stop(process)
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
        if self.database_name:
            drop_postgres_database(self.database_name)

    def migrate(self) -> None:
        """The site's database, migrated: a copy of the one ``prongsai migrate`` made once for the test run or
        the test process (see ``_migrated_template``), instead of running the 62 migrations again for every
        site (3 s of CPU each).  Tests of migrating itself (test_commands, test_demo, the deploy topology) run the
        command."""
        template = _migrated_template("postgres" if self.database_name else "sqlite")
        if self.database_name:
            import psycopg

            admin = urllib.parse.urlparse(postgres_url())._replace(path="/postgres").geturl()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.database_name}" TEMPLATE "{template}"')
        elif not self.data.exists():
            shutil.copytree(template, self.data)  # the folder as the command made it (its mode too)
        else:
            copy_migrated_sqlite(self.data)

    def setup_cast(self, codes: int = 0) -> dict:
        """Migrate, then the fixed cast (tests/cast.py) and ``codes`` IIT codes of ESA-SKN; returns ids and codes."""
        self.migrate()
        out = self.query(f"""
import json
from tests.cast import build_cast
from prongsai.web.surveys.services import generate_codes
cast = build_cast()
codes = []
if {codes}:
    codes = list(generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", {codes}).codes)
print(json.dumps({{"round": cast.round_2563.pk, "round_2562": cast.round_2562.pk, "codes": codes}}))
""")
        return json.loads(out.strip().splitlines()[-1])


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


FORM_ACTION = re.compile(r'<form method="post" action="(/surveys/form/[^"]+)"')
PAGE = re.compile(r'name="page" value="(\d+)"')
RADIO = re.compile(r'type="radio" name="([^"]+)" value="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Cookies, CSRF and redirects not followed; ``source`` binds the client to a loopback address (127.0.0.x)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        tls: ssl.SSLContext | None = None,
        source: str = "",
        server_name: str = "localhost",
    ):
        self.host, self.port, self.tls, self.source, self.server_name = host, port, tls, source, server_name
        self.cookies: dict[str, str] = {}
        self.last_headers: list[tuple[str, str]] = []

    def request(
        self,
        method: str,
        path: str,
        data: dict | None = None,
        headers: dict | None = None,
    ) -> tuple[int, str]:
        source = (self.source, 0) if self.source else None
        if self.tls is not None:
            conn = http.client.HTTPSConnection(
                self.host, self.port, context=self.tls, timeout=60, source_address=source
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=60, source_address=source)
        sent = {"Host": f"{self.server_name}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            token = self.cookies.get("csrftoken", "")
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            scheme = "https" if self.tls is not None else "http"
            sent.setdefault("Referer", f"{scheme}://{self.server_name}:{self.port}{path}")
            sent.setdefault("Origin", f"{scheme}://{self.server_name}:{self.port}")
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            self.last_headers = response.getheaders()
            for name, value in self.last_headers:
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            conn.close()

    def header(self, name: str) -> str:
        return next((v for k, v in self.last_headers if k.lower() == name.lower()), "")

    def set_cookies(self) -> list[str]:
        return [v for k, v in self.last_headers if k.lower() == "set-cookie"]

    def login(self, username: str, password: str) -> int:
        self.request("GET", "/login/")
        status, _ = self.request("POST", "/login/", {"username": username, "password": password})
        return status

    def answer_survey(self, code: str) -> str:
        """Walk one respondent's journey with the first option of every question: 'thanks' or what went wrong.

        Post/redirect/get: the code answers 303 to the form's own address, each step POSTs there and is redirected
        to the next page; the partial answers travel in the form's cookie (docs/surveys.md)."""
        status, body = self.request("GET", f"/surveys/s/{code}")
        if status != 303:
            return f"start {status}"
        location = urllib.parse.urlsplit(self.header("Location")).path
        status, body = self.request("GET", location)
        for _ in range(20):
            if status != 200:
                return f"page {status}"
            action = FORM_ACTION.search(body)
            page = PAGE.search(body)
            if not action or not page:
                return "no form"
            fields: dict[str, str] = {}
            for name, value in RADIO.findall(body):
                fields.setdefault(name, value)
            step = "submit" if 'value="submit"' in body else "next"
            status, body = self.request(
                "POST", unescape(action.group(1)), {"page": page.group(1), "action": step, **fields}
            )
            if status != 303:
                return f"{step} {status}"
            status, body = self.request("GET", urllib.parse.urlsplit(self.header("Location")).path)
            if step == "submit":
                return "thanks" if status == 200 and "ขอบคุณ" in body else f"thanks page {status}"
        return "lost in the form"
