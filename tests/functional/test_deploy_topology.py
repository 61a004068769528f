"""The production recipe, run for real on this machine without containers (issue 13 §1).

nginx (the Debian package, as a child process with its own prefix, configuration, pid and logs in a temporary
folder) terminates TLS with a self-signed certificate → gunicorn with three worker processes → a fresh PostgreSQL
database, plus two ``db_worker`` processes.  Every process is started with the command line of its unit in
deploy/systemd/ and the site and snippets of deploy/nginx/ (only addresses, ports and paths are substituted), so
this test breaks when the recipe an operator copies stops working.

It checks, end to end through nginx: HTTP → HTTPS, HSTS, secure cookies, the client address the survey rate limiter
sees (nginx's X-Forwarded-For believed; a client's own X-Forwarded-For, and forwarding headers sent straight to
gunicorn, not), a survey submission, a document batch of two packs and an evidence link check done by the workers,
/healthz, /metrics summed over the gunicorn processes, and logs without survey codes or passwords.

Needs nginx and openssl, and PostgreSQL (it runs in the suite's PostgreSQL pass, DATABASE_URL=postgres://…).
Under PRONGSAI_CI=1 a missing nginx is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from tests.live import BIN, REPO, Browser, LiveSite, free_port, postgres_url, wait_for

pytestmark = pytest.mark.deploy

DEPLOY = REPO / "deploy"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
WRONG_PASSWORD = "wrong-password-for-the-log-check"
UNKNOWN_CODES = [
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
    "PRTUVWXY34",
]


@pytest.fixture(scope="module")
def requirements():
    if NGINX is None or shutil.which("openssl") is None:
        missing = "nginx" if NGINX is None else "openssl"
        if os.environ.get("PRONGSAI_CI") == "1":
            pytest.fail(f"{missing} is not installed: .ci/run installs it (apt-get install nginx openssl)")
        pytest.skip(f"{missing} is not installed (Debian: apt-get install nginx openssl)")
    if postgres_url() is None:
        pytest.skip(
            "the production topology runs in the PostgreSQL pass: set DATABASE_URL=postgres://… "
            "(.ci/run does when a server answers on 127.0.0.1:5432)"
        )


def unit_command(unit: str, config: Path) -> list[str]:
    line = next(line for line in (DEPLOY / "systemd" / unit).read_text().splitlines() if line.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart="))
    command[0] = str(BIN / Path(command[0]).name)  # /opt/prongsai/venv/bin/X → this virtualenv's X
    return [str(config) if part == "/etc/prongsai/gunicorn.conf.py" else part for part in command]


def substitute(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"the deploy file no longer contains {old!r}: update this test with the recipe"
        text = text.replace(old, new)
    return text


def env_example() -> dict[str, str]:
    pairs = [
        line.split("=", 1)
        for line in (DEPLOY / "prongsai.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    return dict(pairs)


@pytest.fixture(scope="module")
def topology(requirements, tmp_path_factory):
    root = tmp_path_factory.mktemp("topology")
    https, http, app = free_port(), free_port(), free_port()
    origin = f"https://localhost:{https}"
    env = {
        **env_example(),
        "ALLOWED_HOSTS": "localhost",
        "CSRF_TRUSTED_ORIGINS": origin,
        "PRONGSAI_BASE_URL": origin,
        "PRONGSAI_BIND": f"127.0.0.1:{app}",
        "PRONGSAI_WEB_WORKERS": "3",
        "RUNTIME_DIRECTORY": str(root / "run"),
        "PRONGSAI_METRICS_TOKEN": "topology-metrics-token",
        "PRONGSAI_TASK_LEASE": "5",
        "PRONGSAI_GUNICORN_LOG_LEVEL": "info",
        "PRONGSAI_LOG_LEVEL": "INFO",
    }
    for key in ("SECRET_KEY", "DATABASE_URL", "PRONGSAI_DATA"):
        env.pop(key)  # LiveSite sets its own: a random key, a fresh database, a temporary folder
    site = LiveSite(root, database=f"prongsai_ops_deploy_{os.getpid()}", production=True, **env)
    (root / "run").mkdir(mode=0o700)
    try:
        migrate = unit_command("prongsai-migrate.service", DEPLOY / "gunicorn.conf.py")
        done = subprocess.run(migrate, cwd=REPO, env=site.env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        data = json.loads(
            site.python("""
import json, django
django.setup()
from tests.cast import build_cast
from prongsai.web.surveys.services import generate_codes
cast = build_cast()
codes = list(generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 3).codes)
# the national batch publishes approved versions only (documents/signoff.py): both offices' directors approve
from tests.integration.test_documents_signoff import approve_all, director_of
approve_all(cast)
approve_all(cast, cast.other_office, cast.other_officer, director_of(cast.other_office, "other_director"))
print(json.dumps({"round": cast.round_2563.pk, "codes": codes}))
""")
            .strip()
            .splitlines()[-1]
        )
        site.start("gunicorn", unit_command("prongsai-web.service", DEPLOY / "gunicorn.conf.py"))
        for n in (1, 2):
            site.start(f"worker-{n}", unit_command("prongsai-worker@.service", DEPLOY / "gunicorn.conf.py"))

        # a self-signed certificate for "localhost"
        cert, key = root / "fullchain.pem", root / "privkey.pem"
        made = subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert made.returncode == 0, made.stderr

        nginx_dir = root / "nginx"
        (nginx_dir / "logs").mkdir(parents=True)
        snippets = {
            "prongsai-upstream.conf": {"server 127.0.0.1:8000;": f"server 127.0.0.1:{app};"},
            "prongsai-proxy.conf": {},
        }
        for name, changes in snippets.items():
            (nginx_dir / name).write_text(substitute((DEPLOY / "nginx" / name).read_text(), changes))
        site_conf = substitute(
            (DEPLOY / "nginx" / "prongsai.conf").read_text(),
            {
                "listen 80;": f"listen 127.0.0.1:{http};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
                "server_name ita.example.go.th;": "server_name localhost;",
                "/etc/ssl/prongsai/fullchain.pem": str(cert),
                "/etc/ssl/prongsai/privkey.pem": str(key),
                "/etc/nginx/snippets/": f"{nginx_dir}/",
                "/var/log/nginx/": f"{nginx_dir}/logs/",
            },
        )
        (nginx_dir / "site.conf").write_text(site_conf)
        temp = {name: nginx_dir / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
        (nginx_dir / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\ndaemon off;\npid {nginx_dir}/nginx.pid;\nerror_log {nginx_dir}/logs/error.log;\n"
            "events { worker_connections 256; }\nhttp {\n"
            f"  access_log {nginx_dir}/logs/access.log;\n"
            + "".join(f"  {name}_temp_path {path};\n" for name, path in temp.items())
            + f"  include {nginx_dir}/site.conf;\n}}\n"
        )
        nginx_cmd = [
            NGINX,
            "-p",
            str(nginx_dir),
            "-c",
            str(nginx_dir / "nginx.conf"),
            "-e",
            str(nginx_dir / "logs" / "error.log"),
        ]
        check = subprocess.run([*nginx_cmd, "-t"], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stderr
        site.start("nginx", nginx_cmd)

        tls = ssl.create_default_context(cafile=str(cert))
        browser = Browser("127.0.0.1", https, tls=tls)
        wait_for(lambda: _ok(browser, "/healthz"), 90, "nginx → gunicorn → PostgreSQL to answer /healthz")
        yield {
            "site": site,
            "https": https,
            "http": http,
            "app": app,
            "tls": tls,
            "round": data["round"],
            "codes": data["codes"],
            "nginx_logs": nginx_dir / "logs",
        }
    finally:
        site.close()


def _ok(browser: Browser, path: str) -> bool:
    try:
        return browser.request("GET", path)[0] == 200
    except OSError:
        time.sleep(0.3)
        return False


def test_https_hsts_and_secure_cookies(topology):
    plain = Browser("127.0.0.1", topology["http"])
    status, _ = plain.request("GET", "/login/")
    assert status == 301 and plain.header("Location").startswith("https://localhost")
    browser = Browser("127.0.0.1", topology["https"], tls=topology["tls"])
    status, page = browser.request("GET", "/login/")
    assert status == 200 and "<form" in page
    assert browser.header("Strict-Transport-Security").startswith("max-age=31536000")
    csrf = next(c for c in browser.set_cookies() if c.startswith("csrftoken="))
    assert "Secure" in csrf
    status, _ = browser.request("POST", "/login/", {"username": "officer", "password": "prongsai-test-pass"})
    assert status == 302 and browser.header("Location") == "/"
    session = next(c for c in browser.set_cookies() if c.startswith("sessionid="))
    assert "Secure" in session and "HttpOnly" in session
    # straight to gunicorn, a forged X-Forwarded-Proto does not make plain HTTP look secure
    direct = Browser("127.0.0.1", topology["app"], source="127.0.0.7")
    status, _ = direct.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
    assert status == 301


def test_rate_limiter_sees_the_client_nginx_saw(topology):
    https, tls = topology["https"], topology["tls"]
    guesser = Browser("127.0.0.1", https, tls=tls, source="127.0.0.5")
    answers = [guesser.request("GET", f"/surveys/s/{code}")[0] for code in UNKNOWN_CODES[:11]]
    assert answers[:10] == [404] * 10 and answers[10] == 429
    # the guesser pretends to be someone else: nginx replaces its X-Forwarded-For, the limit still holds
    status, _ = guesser.request("GET", f"/surveys/s/{UNKNOWN_CODES[11]}", headers={"X-Forwarded-For": "127.0.0.9"})
    assert status == 429
    # another client behind the same nginx is not locked out
    neighbour = Browser("127.0.0.1", https, tls=tls, source="127.0.0.6")
    assert neighbour.request("GET", f"/surveys/s/{UNKNOWN_CODES[11]}")[0] == 404


def test_survey_batch_and_link_check_end_to_end(topology):
    from django.urls import reverse

    from prongsai.web.oit.testing import EvidenceServer

    site, https, tls = topology["site"], topology["https"], topology["tls"]
    respondent = Browser("127.0.0.1", https, tls=tls, source="127.0.0.8")
    assert respondent.answer_survey(topology["codes"][0]) == "thanks"

    central = Browser("127.0.0.1", https, tls=tls)
    assert central.login("central", WRONG_PASSWORD) == 200  # a failed login, for the log check below
    assert central.login("central", "prongsai-test-pass") == 302
    central.request("GET", "/documents/batch/")
    status, _ = central.request("POST", "/documents/batch/", {"round": topology["round"], "codes": "ESA-SKN ESA-OTHER"})
    assert status == 302
    batch_url = central.header("Location")

    officer = Browser("127.0.0.1", https, tls=tls)
    assert officer.login("officer", "prongsai-test-pass") == 302
    with EvidenceServer() as evidence:
        add = reverse("oit_link_add", args=[topology["round"], "ESA-SKN", "O1"])
        officer.request("GET", add.rsplit("links/", 1)[0])
        status, _ = officer.request("POST", add, {"url": evidence.url("/o1"), "label": "โครงสร้าง", "is_public": "on"})
        assert status == 302

        def state() -> dict | None:
            out = site.python("""
import json, django
django.setup()
from prongsai.web.documents.models import DocumentBatch
from prongsai.web.oit.models import EvidenceLink
b = DocumentBatch.objects.get()
link = EvidenceLink.objects.select_related("last_check").get()
print(json.dumps({"done": b.done, "failed": b.failed, "finished": b.finished_at is not None,
                  "check": link.last_check.verdict if link.last_check else None, "pending": link.pending_task}))
""")
            result = json.loads(out.strip().splitlines()[-1])
            return result if result["finished"] and result["check"] and not result["pending"] else None

        final = wait_for(state, 120, "the workers to finish the batch and the link check", interval=1)
        assert evidence.requests, "the worker fetched the evidence page"
    assert (final["done"], final["failed"]) == (2, 0)
    status, page = central.request("GET", batch_url)
    assert status == 200 and "2</strong> / 2" in page

    health = Browser("127.0.0.1", https, tls=tls)
    status, body = health.request("GET", "/healthz")
    checks = json.loads(body)["checks"]
    assert status == 200 and checks["tasks"]["workers"] == 2 and checks["database"]["vendor"] == "postgresql"

    scraper = Browser("127.0.0.1", https, tls=tls)
    assert scraper.request("GET", "/metrics")[0] == 404  # no token: not even announced
    status, text = scraper.request("GET", "/metrics", headers={"Authorization": "Bearer topology-metrics-token"})
    assert status == 200
    assert "prongsai_workers_alive 2.0" in text
    assert "prongsai_survey_responses 1.0" in text  # the one submission, sealed in the ballot box
    assert "prongsai_survey_responses_held 1.0" in text
    served = sum(float(v) for v in re.findall(r'prongsai_http_requests_total\{method="GET",status="2xx"\} (\S+)', text))
    assert served >= 5  # summed over the three gunicorn processes (multiprocess mode)

    # --- no log of the whole session holds a survey code or a password
    logs = [*topology["nginx_logs"].glob("*.log"), *site.root.glob("*.log")]
    assert any(p.stat().st_size for p in logs)
    text = "\n".join(p.read_text(errors="replace") for p in logs)
    for code in topology["codes"] + UNKNOWN_CODES:
        assert code not in text
    assert WRONG_PASSWORD not in text and "prongsai-test-pass" not in text
    access = (topology["nginx_logs"] / "prongsai.access.log").read_text()
    assert "/login/" in access and "/surveys/" not in access  # respondents' pages are not logged at all
