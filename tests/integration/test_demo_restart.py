"""``prongsai demo`` started, stopped and started again (issue 11 §10): the link checks of its own evidence pages
run only once its server listens, a restart does not pile up survey codes, and its log tells one story about the
task worker."""

from __future__ import annotations

import io
import os
import socket
import sqlite3
import subprocess
import time

import pytest

from prongsai.web import demo
from prongsai.web.commands import DEMO_MARKER
from tests.integration.test_demo import PRONGSAI
from tests.live import copy_migrated_sqlite
from tests.unit.test_documents import pdf_text

pytestmark = pytest.mark.django_db


def test_restarting_the_demo_reuses_its_unused_codes_and_replaces_only_used_ones(tmp_path):
    from prongsai.web.surveys import codes as codemod
    from prongsai.web.surveys.demo import load_survey_demo
    from prongsai.web.surveys.models import CodeBatch, CodeStatus, RespondentCode

    demo.load_demo(io.StringIO())
    slips = tmp_path / "files-for-import" / "survey-slips.pdf"
    first = load_survey_demo(io.StringIO(), slips_path=slips)
    counts = (CodeBatch.objects.count(), RespondentCode.objects.count())
    assert counts == (2, 40)
    made = slips.stat()
    out = io.StringIO()
    assert load_survey_demo(out, slips_path=slips) == first  # a restart: the same two codes, nothing new
    assert (CodeBatch.objects.count(), RespondentCode.objects.count()) == counts
    assert "reused" in out.getvalue()
    kept = slips.stat()  # the same slips: the file is not laid out and written again
    assert (kept.st_ino, kept.st_mtime_ns) == (made.st_ino, made.st_mtime_ns)
    # a respondent used the printed IIT code: the next start prints another unused IIT code of the same batch
    RespondentCode.objects.filter(digest=codemod.digest(first[0])).update(status=CodeStatus.USED)
    third = load_survey_demo(io.StringIO(), slips_path=slips)
    assert third[0] != first[0] and third[1] == first[1]
    printed = pdf_text(slips)
    assert codemod.short_link(third[0]) in printed and codemod.short_link(first[0]) not in printed
    assert (CodeBatch.objects.count(), RespondentCode.objects.count()) == counts
    # every IIT demo code used: one new IIT batch, the EIT batch untouched
    RespondentCode.objects.filter(tool="IIT").update(status=CodeStatus.USED)
    fourth = load_survey_demo(io.StringIO(), slips_path=slips)
    assert (CodeBatch.objects.count(), RespondentCode.objects.count()) == (3, 60)
    assert fourth[1] == first[1]
    assert (slips.parent / "survey-codes.txt").stat().st_mode & 0o077 == 0


def test_the_slips_are_made_again_when_what_they_print_changes_or_their_stamp_is_not_theirs(tmp_path, settings):
    from prongsai.web.surveys import codes as codemod
    from prongsai.web.surveys import slips as slips_module
    from prongsai.web.surveys.demo import load_survey_demo

    demo.load_demo(io.StringIO())
    slips, stamp = tmp_path / "survey-slips.pdf", tmp_path / "survey-slips.pdf.source"
    codes = load_survey_demo(io.StringIO(), slips_path=slips)
    assert codemod.short_link(codes[0]) in pdf_text(slips)
    # the demo started on another port: the same codes, but the slips' links and QR codes point elsewhere
    settings.BASE_URL = "http://127.0.0.1:8123"
    assert load_survey_demo(io.StringIO(), slips_path=slips) == codes
    assert "http://127.0.0.1:8123/s/" in pdf_text(slips)
    # two starts on ports 8000 and 8123 wrote the folder at once, and 8123's stamp was written last, beside
    # 8000's PDF (or a start was killed between its PDF and its stamp): the next start on 8123 makes its PDF again
    stamp_8123 = stamp.read_bytes()
    settings.BASE_URL = "http://127.0.0.1:8000"
    load_survey_demo(io.StringIO(), slips_path=slips)
    assert "http://127.0.0.1:8000/s/" in pdf_text(slips)
    stamp.write_bytes(stamp_8123)
    settings.BASE_URL = "http://127.0.0.1:8123"
    load_survey_demo(io.StringIO(), slips_path=slips)
    assert "http://127.0.0.1:8123/s/" in pdf_text(slips)
    # a stamp that is not even text: made again, no error
    stamp.write_bytes(b"\xff\xfe\x00 not a digest")
    made = slips.stat().st_mtime_ns
    load_survey_demo(io.StringIO(), slips_path=slips)
    assert slips.stat().st_mtime_ns != made and stamp.read_bytes() == stamp_8123
    # a start killed while it laid the slips out: the old file stays whole, and nothing half-written is left
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(slips_module, "pdf_of", lambda html: (_ for _ in ()).throw(KeyboardInterrupt))
        settings.BASE_URL = "http://127.0.0.1:8000"
        with pytest.raises(KeyboardInterrupt):
            load_survey_demo(io.StringIO(), slips_path=slips)
    assert "http://127.0.0.1:8123/s/" in pdf_text(slips)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["survey-codes.txt", slips.name, stamp.name]
    assert all(p.stat().st_mode & 0o077 == 0 for p in tmp_path.iterdir())


def test_the_workers_start_hook_runs_when_the_port_already_accepts_connections():
    from prongsai.web.commands import _serve

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen = []

    class Started(Exception):
        pass

    def when_listening():
        with socket.create_connection(("127.0.0.1", port), timeout=5):  # refused if not yet listening
            seen.append("connected")
        raise Started

    with pytest.raises(Started):
        _serve("127.0.0.1", port, threads=1, when_listening=when_listening)
    assert seen == ["connected"]
    with socket.socket() as again:  # the server closed its socket on the way out
        again.bind(("127.0.0.1", port))


def test_the_demo_checks_its_own_pages_without_connection_refused_and_logs_one_worker_story(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PRONGSAI_DATA": str(tmp_path / "home")}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PRONGSAI_ENV"):
        env.pop(name, None)
    data = tmp_path / "demo"
    # a demo folder whose first start was stopped after migrating: this start finds nothing left to migrate (3 s
    # of CPU; migrating a fresh folder is test_demo.py's) and loads the demo data, the start this test is about
    copy_migrated_sqlite(data)
    (data / DEMO_MARKER).write_text("made by 'prongsai demo'\n")
    log = (tmp_path / "demo.log").open("w+")
    server = subprocess.Popen(
        [*PRONGSAI, "demo", "--port", str(port), "--data", str(data)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        checks = []
        for _ in range(600):  # until the four demo links have a check (the load takes most of it)
            time.sleep(0.2)
            assert server.poll() is None, (tmp_path / "demo.log").read_text()
            if (data / "prongsai.sqlite3").exists():
                try:
                    with sqlite3.connect(data / "prongsai.sqlite3", timeout=5) as db:
                        checks = db.execute("SELECT url, verdict, error FROM oit_linkcheck").fetchall()
                except sqlite3.OperationalError:  # tables not migrated yet
                    continue
                if len(checks) >= 4:
                    break
        assert len(checks) >= 4, checks
        assert [c for c in checks if "refused" in (c[2] or "") or "ปฏิเสธ" in (c[2] or "")] == []
        good = [c for c in checks if c[0].endswith(("/o1/", "/o2/", "/o10/"))]
        assert len(good) == 3 and all(c[1] == "ok" for c in good), good
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = (tmp_path / "demo.log").read_text()
    assert "db_worker" not in text  # no advice to start a worker the demo already runs
    assert "the demo's task worker runs them once the server listens" in text
    assert text.index("link checks queued") < text.index("background task worker (started now that the server")
