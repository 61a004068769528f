"""The backup drill (issue 13 §2, review M10): serve, submit surveys in a loop, back up during the writes, restore
elsewhere, and find every row and file the backup claims.

A real ``prongsai serve`` process (waitress) on SQLite — or on a fresh PostgreSQL database when the suite runs on
PostgreSQL, where ``pg_dump`` exports the same snapshot the manifest counts.  The same session also fails logins,
and the server's JSON log is then searched for every survey code and the wrong password.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import threading
import time

import pytest

from tests.live import BIN, Browser, LiveSite, free_port, postgres_url, wait_for

pytestmark = pytest.mark.skipif(
    postgres_url() is not None and not shutil.which("pg_dump"),
    reason="the PostgreSQL drill needs pg_dump and pg_restore (postgresql-client)",
)

CODES = 80
WRONG_PASSWORD = "not-the-password-2563"


@pytest.fixture
def sites(tmp_path):
    suffix = os.getpid()
    pg = postgres_url() is not None
    editions = tmp_path / "editions"
    editions.mkdir()
    from prongsai.core.framework import framework_path

    (editions / "ita-2563-esa.yaml").write_bytes(framework_path("ita-2563-esa").read_bytes())
    source = LiveSite(
        tmp_path / "source",
        database=f"prongsai_ops_drill_{suffix}" if pg else "",
        PRONGSAI_LOG_FORMAT="json",
        PRONGSAI_LOG_LEVEL="INFO",
        PRONGSAI_FRAMEWORKS=str(editions),
    )
    target = LiveSite(tmp_path / "target", database=f"prongsai_ops_restored_{suffix}" if pg else "")
    yield source, target
    source.close()
    target.close()


def test_backup_during_writes_restores_every_row_and_file(sites, tmp_path):
    source, target = sites
    ids = source.setup_cast(codes=CODES)
    codes = ids["codes"]
    # stored files a row refers to: the officer's memo (DOCX and PDF; the whole pack adds renders, not cases)
    source.query("""
from prongsai.web.agencies.models import Agency
from prongsai.web.rounds.models import AssessmentRound
from prongsai.web.documents.services import generate_pack
from django.contrib.auth import get_user_model
officer = get_user_model().objects.get(username="officer")
generate_pack(officer, AssessmentRound.objects.get(fiscal_year=2563), Agency.objects.get(code="ESA-SKN"),
              kinds=["memo"])
""")
    legacy = source.data / "files" / "legacy-note.txt"  # written by an older version with a permissive umask
    legacy.write_text("old")
    legacy.chmod(0o644)

    port = free_port()
    server = source.start("serve", [str(BIN / "prongsai"), "serve", "--port", str(port), "--workers", "4"])
    browser = Browser("127.0.0.1", port, server_name="127.0.0.1")
    wait_for(lambda: _answers(browser), 60, "prongsai serve to answer")
    assert legacy.stat().st_mode & 0o777 == 0o600  # serve made it private
    assert source.data.stat().st_mode & 0o777 == 0o700

    outcomes: list[str] = []
    backed_up = threading.Event()
    stop_at = [CODES]

    def respondents() -> None:  # one respondent after another until a few after the backup
        for code in codes:
            if len(outcomes) >= stop_at[0]:
                break
            outcomes.append(Browser("127.0.0.1", port, server_name="127.0.0.1").answer_survey(code))

    writer = threading.Thread(target=respondents)
    writer.start()
    wait_for(lambda: len(outcomes) >= 4, 120, "the first survey submissions")
    for _ in range(3):  # failed logins in the same session
        assert browser.login("officer", WRONG_PASSWORD) == 200
    archive = tmp_path / "prongsai-backup.tar.gz"
    during = len(outcomes)
    backup = source.run("backup", str(archive))
    after = len(outcomes)
    stop_at[0] = after + 3
    backed_up.set()
    writer.join(300)
    submitted = len(outcomes)
    assert outcomes == ["thanks"] * submitted, outcomes
    assert after < submitted, "the backup must run while respondents are still submitting"
    source.stop(server)

    assert "backup written" in backup.stdout and "mode 0600" in backup.stdout
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    tables = manifest["database"]["tables"]
    # answers released to the responses table, plus those still sealed in the ballot box (docs/surveys.md)
    responses = tables["surveys_surveyresponse"] + tables["surveys_heldresponse"]
    # one consistent instant: every answer acknowledged before the backup began, none sent after it ended
    assert during <= responses <= after + 1
    assert manifest["database"]["engine"] == ("postgresql" if postgres_url() else "sqlite")
    assert manifest["missing_referenced_files"] == []
    assert len(manifest["files"]) == 3  # the memo's DOCX and PDF, the legacy note
    assert {e["path"] for e in manifest["extra"]} == {"editions/0/ita-2563-esa.yaml"}
    assert manifest["secret_key_included"] is False and "secret/secret_key" not in names
    assert all(name.startswith(("database/", "files/", "editions/", "manifest.json")) for name in names)

    # --- restore elsewhere: an empty data folder (and database)
    restored = target.run("restore", str(archive))
    assert "verified: every table's row count and every file's SHA-256 match the manifest" in restored.stdout
    assert "SECRET_KEY differs" in restored.stdout  # the target has its own key: the operator is told
    counts = json.loads(
        target.python(f"""
import json, django
django.setup()
from django.db import connection
with connection.cursor() as c:
    counts = {{}}
    for table in {list(tables)!r}:
        c.execute('SELECT COUNT(*) FROM "' + table + '"')
        counts[table] = c.fetchone()[0]
from prongsai.web.documents.models import GeneratedDocument
from django.core.files.storage import default_storage
missing = [d.file.name for d in GeneratedDocument.objects.all() if not default_storage.exists(d.file.name)]
print(json.dumps({{"counts": counts, "missing": missing, "documents": GeneratedDocument.objects.count()}}))
""")
        .strip()
        .splitlines()[-1]
    )
    assert counts["counts"] == tables
    assert counts["missing"] == [] and counts["documents"] == tables["documents_generateddocument"] > 0
    for entry in manifest["files"]:
        path = target.data / entry["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["path"]
    if not postgres_url():
        with sqlite3.connect(target.data / "prongsai.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (target.data / "restored-extra" / "editions" / "0" / "ita-2563-esa.yaml").exists()

    # --- a second restore would overwrite: refused without --force, done with it
    again = target.run("restore", str(archive), check=False)
    assert again.returncode == 2 and "is not empty" in again.stderr and "--force" in again.stderr
    forced = target.run("restore", str(archive), "--force")
    assert "verified" in forced.stdout

    # --- the logs of the whole session hold no survey code and no password
    log = source.log("serve").read_text()
    assert log.strip(), "the server wrote no log at all"
    for line in log.splitlines():
        if line.startswith("{"):
            json.loads(line)  # JSON lines (PRONGSAI_LOG_FORMAT=json)
    for code in codes[:submitted]:
        assert code not in log and f"{code[:4]}-{code[4:8]}-{code[8:]}" not in log
    assert WRONG_PASSWORD not in log and "csrfmiddlewaretoken" not in log


def _answers(browser: Browser) -> bool:
    try:
        return browser.request("GET", "/healthz")[0] == 200
    except OSError:
        time.sleep(0.2)
        return False


def test_secret_key_only_when_asked_and_restore_refuses_a_damaged_archive(sites, tmp_path):
    source, target = sites
    source.migrate()
    archive = tmp_path / "with-key.tar.gz"
    made = source.run("backup", str(archive), "--include-secret-key")
    assert "the SECRET_KEY is not in the backup" not in made.stdout
    assert source.run("backup", str(archive), check=False).returncode == 2  # never overwrites a backup
    restored = target.run("restore", str(archive))
    key = target.data / "restored-extra" / "secret_key"
    assert key.read_text() == source.secret and key.stat().st_mode & 0o777 == 0o600
    assert "the secret key" in restored.stdout

    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused = target.run("restore", str(damaged), "--force", check=False)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "not a Prongsai backup archive (or damaged)" in refused.stderr
