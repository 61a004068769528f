"""/healthz, /metrics, the trusted-proxy rule and the clear command errors (issue 13 §5–6, issue 9 L8–L10)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from prongsai.web.ops.middleware import TrustedProxyMiddleware
from tests import ops_tasks
from tests.live import BIN, REPO


@pytest.mark.django_db
def test_healthz_reports_each_check_and_503_with_reasons(client, settings):
    ok = client.get("/healthz")
    assert ok.status_code == 200
    body = ok.json()
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "disk", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())

    settings.PRONGSAI_HEALTH_MIN_FREE_MB = 10**9  # a petabyte: no disk has that much free
    full = client.get("/healthz")
    assert full.status_code == 503
    disk = full.json()["checks"]["disk"]
    assert disk["ok"] is False and "MB free in the data folder" in disk["reason"]
    assert full.json()["checks"]["database"]["ok"] is True

    settings.PRONGSAI_HEALTH_MIN_FREE_MB = 1
    result = ops_tasks.boom.enqueue("never run")
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(hours=2))
    stalled = client.get("/healthz")
    assert stalled.status_code == 503
    tasks = stalled.json()["checks"]["tasks"]
    assert tasks["ok"] is False and tasks["backlog"] == 1 and "is a worker running?" in tasks["reason"]


@pytest.mark.django_db
def test_metrics_text_format_and_access_rules(settings):
    local = Client()  # REMOTE_ADDR 127.0.0.1
    local.get("/healthz")
    local.get("/no-such-page/")
    page = local.get("/metrics")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/plain")
    text = page.content.decode()
    assert 'prongsai_http_requests_total{method="GET",status="2xx"}' in text
    assert 'prongsai_http_requests_total{method="GET",status="4xx"}' in text
    assert "prongsai_http_request_duration_seconds_bucket" in text
    for name in (
        'prongsai_tasks{status="READY"}',
        "prongsai_tasks_runnable",
        "prongsai_task_failures",
        "prongsai_task_oldest_running_seconds",
        "prongsai_workers_alive",
        "prongsai_survey_responses",
        "prongsai_survey_responses_held",
        "prongsai_data_free_bytes",
    ):
        assert name in text, name

    remote = Client(REMOTE_ADDR="203.0.113.9")
    assert remote.get("/metrics").status_code == 404  # not configured: loopback only, and only outside production
    settings.PRONGSAI_METRICS_TOKEN = "scrape-token-2563"
    assert remote.get("/metrics").status_code == 404
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-2563").status_code == 200
    assert local.get("/metrics").status_code == 404  # a token is set: loopback alone is no longer enough
    settings.PRONGSAI_METRICS_ALLOW = ["203.0.113.0/28"]
    assert remote.get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.77").get("/metrics").status_code == 404


def _seen(trusted: list[str], remote: str, **headers: str) -> tuple[str, str]:
    """(REMOTE_ADDR, X-Forwarded-Proto) as the application sees them behind the middleware."""
    from django.test import override_settings

    with override_settings(PRONGSAI_TRUSTED_PROXIES=trusted):
        middleware = TrustedProxyMiddleware(
            lambda r: HttpResponse(f"{r.META['REMOTE_ADDR']}|{r.META.get('HTTP_X_FORWARDED_PROTO', '')}")
        )
        request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
        return tuple(middleware(request).content.decode().split("|"))


def test_forwarded_headers_are_believed_only_from_the_proxy():
    proxy = ["127.0.0.1", "10.8.0.0/16"]
    # from our nginx: the client it saw
    assert _seen(proxy, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7", HTTP_X_FORWARDED_PROTO="https") == (
        "198.51.100.7",
        "https",
    )
    # a chain through two of our proxies: the right-most address that is not ours; what the client wrote is ignored
    assert _seen(proxy, "127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.8.1.1")[0] == "198.51.100.7"
    # from anyone else: the headers are dropped, the connection's address stays
    assert _seen(proxy, "198.51.100.50", HTTP_X_FORWARDED_FOR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https") == (
        "198.51.100.50",
        "",
    )
    # no proxy configured: nothing is believed, even from loopback
    assert _seen([], "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7") == ("127.0.0.1", "")
    # garbage in the header is not an address
    assert _seen(proxy, "127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")[0] == "127.0.0.1"


def _prongsai(data, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PRONGSAI_", "DJANGO_")) and k not in ("DATABASE_URL", "SECRET_KEY")
    }
    return subprocess.run(
        [str(BIN / "prongsai"), *args],
        env={**clean, "PRONGSAI_DATA": str(data), **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_command_against_a_folder_without_database_explains_instead_of_a_traceback(tmp_path):
    result = _prongsai(tmp_path / "empty", "documents", "ESA-SKN", "--round", "1", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "there is no Prongsai database in" in result.stderr
    assert "prongsai manage migrate" in result.stderr and "prongsai restore FILE" in result.stderr
    assert "ไม่พบฐานข้อมูลของระบบ" in result.stderr
    assert not (tmp_path / "empty" / "prongsai.sqlite3").exists()  # it did not create an empty database either


def test_a_database_that_needs_migrating_is_named(tmp_path):
    import sqlite3

    data = tmp_path / "old"
    data.mkdir()
    old = sqlite3.connect(data / "prongsai.sqlite3")  # one migration applied, by an older version
    old.execute("CREATE TABLE django_migrations (id integer, app text, name text, applied text)")
    old.execute("INSERT INTO django_migrations VALUES (1, 'contenttypes', '0001_initial', '2020-01-01')")
    old.commit()
    result = _prongsai(data, "token", "somebody")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.search(r"the .* needs \d+ migration\(s\) of this version of Prongsai", result.stderr)


def _read_only_folder(tmp_path) -> tuple[list[str], object]:
    """A command prefix that runs with ``tmp_path/ro`` read-only: a private read-only mount as root, else modes."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        return [], folder
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o ro,size=1m tmpfs {folder}"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only folder as root here: {probe.stderr.strip()}")
    return ["unshare", "-m", "sh", "-c", f'mount -t tmpfs -o ro,size=1m tmpfs {folder} && exec "$@"', "sh"], folder


@pytest.mark.skipif(sys.platform != "linux", reason="read-only mount (Linux)")
def test_serve_on_a_read_only_data_folder_says_so_in_english_and_thai(tmp_path):
    prefix, folder = _read_only_folder(tmp_path)
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PRONGSAI_", "DJANGO_")) and k not in ("DATABASE_URL", "SECRET_KEY")
    }
    result = subprocess.run(
        [*prefix, str(BIN / "prongsai"), "serve", "--port", "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, "PRONGSAI_DATA": str(folder)},
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"the data folder {folder} is not usable: cannot write into it" in result.stderr
    assert "ใช้โฟลเดอร์ข้อมูล" in result.stderr


def test_development_mode_is_announced_and_refused_on_the_network(tmp_path):
    result = _prongsai(tmp_path, "serve", "--host", "0.0.0.0", "--port", "0")
    assert result.returncode == 2
    assert "DEVELOPMENT mode (DEBUG on" in result.stdout
    assert "refusing to serve development mode on 0.0.0.0" in result.stderr
    assert "--allow-development-on-network" in result.stderr


@pytest.mark.skipif(
    __import__("tests.live", fromlist=["postgres_url"]).postgres_url() is not None,
    reason="SQLite's write lock (the PostgreSQL pass has row locks instead)",
)
def test_sqlite_writer_waits_for_the_lock_instead_of_failing(tmp_path):
    """Another writer holds SQLite's write lock: a command that writes waits for it, up to
    PRONGSAI_SQLITE_BUSY_TIMEOUT (20 s by default, four times the 5 s Python's sqlite3 and Django would wait),
    instead of failing with "database is locked"; the same command told to wait less than the lock is held fails
    with that message, so it is the setting that makes the difference."""
    import sqlite3
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from tests.live import LiveSite

    site = LiveSite(tmp_path)
    try:
        site.migrate()
        timeout = site.query(
            "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['timeout'])"
        )
        assert float(timeout) == 20  # the default wait, in seconds
        held, release = threading.Event(), threading.Event()
        released_at: list[float] = []

        def hold() -> None:
            db = sqlite3.connect(site.data / "prongsai.sqlite3", isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            held.set()
            release.wait(30)  # until the hasty writer has given up, however slowly the machine starts processes
            released_at.append(time.monotonic())
            db.execute("COMMIT")
            db.close()

        def create(name: str, **env: str):
            result = site.run(
                "createadmin", name, "--password-from-env", "PW", check=False, PW="a-long-enough-password-2563", **env
            )
            return result, time.monotonic()

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(10)
        with ThreadPoolExecutor(2) as pool:
            patient = pool.submit(create, "central")  # the default wait
            hasty = pool.submit(create, "hasty", PRONGSAI_SQLITE_BUSY_TIMEOUT="0.3")
            refused, _ = hasty.result()
            time.sleep(1.0)  # the patient writer, started with the hasty one, waits too by now
            release.set()
            result, finished_at = patient.result()
        holder.join()
        assert refused.returncode != 0 and "database is locked" in refused.stdout + refused.stderr
        assert result.returncode == 0, result.stdout + result.stderr
        assert "database is locked" not in result.stderr
        assert finished_at >= released_at[0]  # it waited for the other writer and then wrote
    finally:
        site.close()


@pytest.mark.skipif(sys.platform != "linux", reason="binds loopback source addresses (Linux)")
def test_serve_behind_a_tls_proxy_no_redirect_loop_and_real_client_addresses(tmp_path):
    """Review M5 on `prongsai serve` (waitress) in production: with --trusted-proxy the proxy's X-Forwarded-Proto
    ends the HTTPS redirect loop and brings HSTS, and its X-Forwarded-For is the address the survey rate limiter
    counts; the same headers from another address are ignored."""
    from tests.live import Browser, LiveSite, free_port, wait_for

    port = free_port()
    site = LiveSite(tmp_path, production=True, ALLOWED_HOSTS="127.0.0.1", PRONGSAI_CACHE="database")
    try:
        # serve migrates at start: here a database migrated once per test run (tests/live.py), as after an upgrade;
        # serving a fresh folder is test_commands.py's test_serve_migrates_and_answers
        site.migrate()
        site.start("serve", [str(BIN / "prongsai"), "serve", "--port", str(port), "--trusted-proxy", "127.0.0.1"])
        proxy = Browser("127.0.0.1", port, server_name="127.0.0.1")  # connects from 127.0.0.1: the "proxy"
        https = {"X-Forwarded-Proto": "https"}

        def up() -> bool:
            try:
                return proxy.request("GET", "/login/", headers=https)[0] == 200
            except OSError:
                return False

        wait_for(up, 90, "prongsai serve to answer")
        assert proxy.header("Strict-Transport-Security").startswith("max-age=")
        stranger = Browser("127.0.0.1", port, server_name="127.0.0.1", source="127.0.0.7")
        assert stranger.request("GET", "/login/", headers=https)[0] == 301  # not believed: redirected to HTTPS

        def guess(client_address: str, code: str) -> int:
            return proxy.request("GET", f"/surveys/s/{code}", headers={**https, "X-Forwarded-For": client_address})[0]

        codes = [
            "ACDEFGHJKM",
            "CDEFGHJKMN",
            "DEFGHJKMNP",
            "EFGHJKMNPR",
            "FGHJKMNPRT",
            "GHJKMNPRTU",
            "HJKMNPRTUV",
            "JKMNPRTUVW",
            "KMNPRTUVWX",
            "MNPRTUVWXY",
            "NPRTUVWXY3",
        ]
        assert [guess("198.51.100.20", c) for c in codes] == [404] * 10 + [429]
        assert guess("198.51.100.21", codes[0]) == 404  # another client behind the same proxy
        log = site.log("serve").read_text()
        assert "PRODUCTION mode" in log and "trusted proxies: 127.0.0.1" in log
    finally:
        site.close()
