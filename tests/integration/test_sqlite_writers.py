"""SQLite stays usable while large imports run (issue 13 §4, security-reliability.md M8), and the imports stay
all-or-nothing when the process is killed mid-write.

Both run in a child process against a real SQLite file configured as in production (WAL, ``BEGIN IMMEDIATE``):
pytest-django's own SQLite test database lives in memory with a shared cache, whose table locks fail at once
instead of waiting, so it cannot show how writers queue on the file lock (see test_surveys_race.py).

1. Side by side: one thread registers 6,000 agencies and imports 6,000 results (an office's whole province, and
   more); four threads submit survey answers through the whole request stack at the same time, and some of them
   precisely while the import holds the write lock.  Every submission must be answered 200 "thank you" and
   stored; nothing may answer 500 or say "database is locked".  (Before the imports were split into checks
   outside the transaction and one short bulk write, the agencies import held the lock for its whole length:
   17.7 s for 20,000 agencies in the review, and submissions failed after SQLite's 5 s wait.)
2. kill -9: the child is killed while it is inside an import's write transaction (2,000 rows); the file must
   hold all the rows or none, and pass ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.live import copy_migrated_sqlite

ROOT = Path(__file__).resolve().parents[2]
AGENCIES = 6000
#: the kill test's imports: big enough that the write transaction holds thousands of rows, and four imports
#: (three killed or finished children) stay quick; all-or-nothing does not depend on the size
KILLED = 2000
SUBMITTERS = 4
PER_SUBMITTER = 5


def _child_env(data: str) -> dict:
    copy_migrated_sqlite(data)  # the children's migrate has nothing left to do (tests/live.py)
    env = {
        **os.environ,
        "PRONGSAI_DATA": data,
        "DJANGO_SETTINGS_MODULE": "prongsai.web.test_settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    return env


def test_survey_submissions_go_through_while_a_large_import_runs():
    with tempfile.TemporaryDirectory(prefix="prongsai-writers-") as data:
        done = subprocess.run(
            [sys.executable, "-c", "from tests.integration.test_sqlite_writers import side_by_side; side_by_side()"],
            cwd=ROOT,
            env=_child_env(data),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["vendor"] == "sqlite" and outcome["database"].endswith(".sqlite3")
    assert outcome["errors"] == []
    statuses = outcome["statuses"]
    assert statuses == [[200, "thanks"]] * (SUBMITTERS * PER_SUBMITTER), statuses
    assert outcome["responses"] == SUBMITTERS * PER_SUBMITTER
    assert outcome["during_write"] >= SUBMITTERS  # they really met the import's write transaction
    assert outcome["agencies_imported"] == AGENCIES and outcome["results_imported"] == AGENCIES - 1


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "the child never reached the write"
        time.sleep(0.05)


def test_a_kill_during_the_write_leaves_all_rows_or_none():
    with tempfile.TemporaryDirectory(prefix="prongsai-kill-") as data:
        env = _child_env(data)
        prepared = subprocess.run(
            [sys.executable, "-c", "from tests.integration.test_sqlite_writers import prepare_kill; prepare_kill()"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert prepared.returncode == 0, prepared.stderr[-3000:]
        database = Path(data) / "prongsai.sqlite3"
        before = _counts(database)
        _kill_inside(env, data, "agencies")
        assert _counts(database) == before  # not one of the 2,000 agencies, not the audit entry
        _kill_inside(env, data, "results")  # the agencies are registered (committed) first, then the results
        after = _counts(database)
        assert (after[0] - before[0], after[1]) == (KILLED, before[1])  # not one result
        with sqlite3.connect(database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # the same results import, not killed, writes every row
        finished = subprocess.run(
            [
                sys.executable,
                "-c",
                "from tests.integration.test_sqlite_writers import "
                "import_then_hang; import_then_hang('finish', hang=False)",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert finished.returncode == 0, finished.stderr[-3000:]
        final = _counts(database)
        assert final[1] - before[1] == KILLED - 1 and final[2] > after[2]


def _kill_inside(env: dict, data: str, what: str) -> None:
    marker = Path(data) / f"writing-{what}"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from tests.integration.test_sqlite_writers import import_then_hang; import_then_hang({what!r})",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(marker, child)  # inside the transaction, after every row was written
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, what


def _counts(database: Path) -> tuple[int, int, int]:
    with sqlite3.connect(database) as conn:
        return tuple(
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # type: ignore[return-value]
            for table in ("agencies_agency", "results_agencyresult", "audit_auditentry")
        )


# --------------------------------------------------------------------------------------------- child processes


def _setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _tables(cast, count: int = AGENCIES):
    """The registration of ``count`` schools under สพป.สมุทรสาคร and a results file for all but one."""
    from prongsai.core.tabular import Table

    header = ["code", "name_th", "short_name", "kind", "subkind", "parent_code", "province", "region", "website"]
    agencies = Table(
        "schools.csv",
        header,
        [
            [
                f"SCH-BIG-{i:05d}",
                f"โรงเรียนบ้านทดสอบ {i}",
                "",
                "school",
                "",
                cast.samutsakhon.code,
                "สมุทรสาคร",
                "central",
                "",
            ]
            for i in range(count)
        ],
    )
    results = Table(
        "results.csv",
        ["agency", "year"] + [f"i{n}" for n in range(1, 11)],
        [[f"SCH-BIG-{i:05d}", "2563"] + [f"{70 + i % 30}.{i % 100:02d}"] * 10 for i in range(count - 1)],
    )
    return agencies, results


def _school_round():
    from prongsai.web.rounds.models import AssessmentRound

    return AssessmentRound.objects.get_or_create(
        framework_id="ita-2563-school", fiscal_year=2563, defaults={"name_th": "ITA สถานศึกษา 2563"}
    )[0]


def side_by_side() -> None:
    _setup()
    from django.db import connections
    from django.test import Client

    from prongsai.web.agencies import imports
    from prongsai.web.agencies.models import Agency
    from prongsai.web.results import services as result_services
    from prongsai.web.results.models import AgencyResult
    from prongsai.web.surveys.models import HeldResponse, SurveyResponse
    from tests.cast import build_cast
    from tests.integration.test_surveys import answer_through_pages, choose, follow, make_codes, short_url, submit

    cast = build_cast()
    school_round = _school_round()
    agencies_table, results_table = _tables(cast)
    # every respondent has reached the review page before the import starts: what is left is the submit
    codes = make_codes(cast, count=SUBMITTERS * PER_SUBMITTER)
    ready = []
    for code in codes:
        browser = Client()
        ready.append((browser, answer_through_pages(browser, browser.get(short_url(code)), choose("IIT"))))
    connections.close_all()

    writing = threading.Event()
    finished = threading.Event()
    errors: list[str] = []
    real_fill = imports._fill_paths

    def fill_paths_and_signal():  # called inside the agencies import's write transaction
        writing.set()
        time.sleep(0.3)  # long enough for every submitter to knock on the lock meanwhile
        real_fill()

    imports._fill_paths = fill_paths_and_signal

    def run_import():
        try:
            imports.import_agencies(cast.central, agencies_table)
            result_services.import_official_results(cast.central, school_round, results_table)
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            errors.append(f"import: {type(exc).__name__}: {exc}")
        finally:
            finished.set()
            connections.close_all()

    statuses: list = []
    during: list[int] = []

    def submitter(batch):
        try:
            for i, (browser, review) in enumerate(batch):
                if i == 1:
                    writing.wait(timeout=120)  # the first before the write, the others into it
                    during.append(1)
                posted = submit(browser, review)
                response = follow(browser, posted) if posted.status_code == 303 else posted
                body = response.content.decode()
                if "database is locked" in body:
                    errors.append("database is locked")
                statuses.append([response.status_code, "thanks" if "ขอบคุณที่ร่วมตอบแบบวัด" in body else body[:200]])
        except Exception as exc:  # noqa: BLE001 - an exception is a 500 in production
            errors.append(f"submit: {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_import)]
    threads += [threading.Thread(target=submitter, args=(ready[i::SUBMITTERS],)) for i in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=500)
    print(
        json.dumps(
            {
                "errors": errors,
                "statuses": statuses,
                # stored exactly once: released to the table, or still sealed in the ballot box below its batch size
                "responses": SurveyResponse.objects.count() + HeldResponse.objects.count(),
                "during_write": len(during),
                "agencies_imported": Agency.objects.filter(code__startswith="SCH-BIG-").count(),
                "results_imported": AgencyResult.objects.filter(round=school_round).count(),
                "vendor": connections["default"].vendor,
                "database": str(connections["default"].settings_dict["NAME"]),
            }
        )
    )


def prepare_kill() -> None:
    _setup()
    from tests.cast import build_cast

    build_cast()
    _school_round()


def import_then_hang(what: str, hang: bool = True) -> None:
    """``agencies``: register the schools; ``results``: register them, then import their results; ``finish``:
    import the results only.  With ``hang``, stop inside the last import's write transaction (after every row was
    written) and wait there to be killed."""
    import django

    django.setup()
    from django.conf import settings

    from prongsai.web.agencies import imports
    from prongsai.web.agencies.models import Agency
    from prongsai.web.results import services as result_services
    from prongsai.web.results import standings
    from tests.cast import Cast

    marker = Path(settings.DATA_DIR) / f"writing-{what}"

    def hang_here():
        marker.write_text("inside the transaction")
        time.sleep(600)

    from django.contrib.auth import get_user_model

    central = get_user_model().objects.get(username="central")
    cast = Cast(*([None] * 14))
    cast.samutsakhon = Agency.objects.get(code="ESA-SKN")
    agencies_table, results_table = _tables(cast, KILLED)
    school_round = _school_round()
    if what == "results":
        imports.import_agencies(central, agencies_table)  # committed: only the results import is killed
    if hang and what == "agencies":
        real_fill = imports._fill_paths
        imports._fill_paths = lambda: (real_fill(), hang_here())
    if hang and what == "results":  # the last statement of the import's transaction
        standings.invalidate_round = lambda pk: hang_here()
    if what == "agencies":
        imports.import_agencies(central, agencies_table)
    if what in ("results", "finish"):
        result_services.import_official_results(central, school_round, results_table)
