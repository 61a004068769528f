"""One answer per code, even under races: 50 concurrent submits of the same code store exactly one response;
the 49 others get the "already used" page (409), and nothing answers 500.

Each submit runs in its own thread with its own database connection (Django's connections are per thread), all
released at once by a barrier, through the whole request stack (CSRF, signed state, service, transaction).

- PostgreSQL (``DATABASE_URL=postgres://…``): in the test database, with ``transaction=True`` so that the
  threads see the committed code.
- SQLite: pytest-django's SQLite test database lives in memory with a shared cache, whose table locks are not
  SQLite's file locks (writers fail at once with "table is locked" instead of waiting), so the race runs in a
  child process against a real SQLite file configured as in production (WAL, ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

import pytest

from tests.live import copy_migrated_sqlite

N = 50
ROOT = Path(__file__).resolve().parents[2]


def run_race(cast, n: int = N) -> dict:
    """Prepare one code and its completed form, then fire ``n`` submits at once; returns what happened."""
    from django.db import connections
    from django.test import Client

    from prongsai.web.surveys.models import HeldResponse, RespondentCode
    from tests.integration.test_surveys import action_of, answer_through_pages, choose, make_codes, short_url

    (code,) = make_codes(cast, count=1)
    browser = Client()
    review = answer_through_pages(browser, browser.get(short_url(code)), choose("IIT"))
    url = action_of(review)
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def submit(i: int) -> None:
        client = Client()
        # fifty copies of the phone (its cookie as it was on the review page), all tapping "submit" at once; a
        # shared cookie jar would let a late request carry the first one's "done" marker and be thanked again
        client.cookies = copy.deepcopy(browser.cookies)
        try:
            barrier.wait()
            response = client.post(url, {"page": "6", "action": "submit"})
            body = response.content.decode()
            results[i] = [
                response.status_code,
                "used"
                if "รหัสนี้ถูกใช้ตอบแล้ว" in body
                else "thanks"
                if response.get("Location", "").endswith("/done/")
                else body[:200],
            ]
        except Exception as exc:  # noqa: BLE001 - an exception is a 500 in production: record it
            results[i] = [type(exc).__name__, str(exc)[:200]]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "results": results,
        "responses": HeldResponse.objects.count(),
        "status": RespondentCode.objects.get().status,
        "vendor": connections["default"].vendor,
        "database": str(connections["default"].settings_dict["NAME"]),
    }


def race_through_wsgi(cast, n: int = N) -> dict:
    """The same race through the WSGI application as a server calls it, where a submit takes the lean path
    (``surveys/lean.py``); returns what happened."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    from prongsai.web.surveys import codes as codemod
    from prongsai.web.surveys import lean
    from prongsai.web.surveys.models import HeldResponse, RespondentCode
    from tests.integration.test_surveys import action_of, answer_through_pages, choose, make_codes, short_url
    from tests.integration.test_surveys_lean import race_submit

    (code,) = make_codes(cast, count=1)
    phone = Client()
    review = answer_through_pages(phone, phone.get(short_url(code)), choose("IIT"))
    app = lean.wrap(WSGIHandler())
    assert isinstance(app, lean.LeanApplication)
    barrier = threading.Barrier(n)
    results: list = [None] * n
    path, cookie = action_of(review), f"pss={phone.cookies['pss'].value}"

    def submit(i: int) -> None:
        results[i] = race_submit(app, path, cookie, barrier)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    from django.db import connections

    return {
        "results": results,
        "responses": HeldResponse.objects.count(),
        "status": RespondentCode.objects.get(digest=codemod.digest(code)).status,
        "vendor": connections["default"].vendor,
        "database": str(connections["default"].settings_dict["NAME"]),
    }


def check(outcome: dict, n: int = N) -> None:
    counts = Counter((r[0], r[1]) for r in outcome["results"])
    assert counts == {(303, "thanks"): 1, (409, "used"): n - 1}, counts
    assert outcome["responses"] == 1
    assert outcome["status"] == "used"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submits_store_one_response(cast, request):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite: see test_fifty_concurrent_submits_on_a_sqlite_file (a real file, in a child process)")
    outcome = run_race(cast)
    check(outcome)
    assert outcome["vendor"] == "postgresql"


def test_fifty_concurrent_submits_on_a_sqlite_file():
    with tempfile.TemporaryDirectory(prefix="prongsai-race-") as data:
        copy_migrated_sqlite(data)  # the child's migrate has nothing left to do (tests/live.py)
        env = {
            **os.environ,
            "PRONGSAI_DATA": data,
            "DJANGO_SETTINGS_MODULE": "prongsai.web.test_settings",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DATABASE_URL", None)
        done = subprocess.run(
            [sys.executable, "-c", "from tests.integration.test_surveys_race import main; main()"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["vendor"] == "sqlite" and outcome["database"].endswith(".sqlite3")
    check(outcome)
    check(outcome["lean"])  # through the lean path (surveys/lean.py) as well


def main() -> None:  # the child process of the SQLite test
    import django

    django.setup()
    from django.core.management import call_command

    from tests.cast import build_cast

    call_command("migrate", verbosity=0)
    cast = build_cast()
    outcome = run_race(cast)
    # then the same race through the WSGI application, where the submit takes the lean path
    outcome["lean"] = race_through_wsgi(cast)
    outcome["lean"]["responses"] -= outcome["responses"]
    print(json.dumps(outcome))


def test_a_locked_sqlite_database_asks_to_press_send_again():
    """M8: a long write elsewhere holds SQLite's lock past the timeout; the respondent gets a Thai "please press
    send again" page (503), nothing is stored, the code stays unused, and pressing send again works."""
    with tempfile.TemporaryDirectory(prefix="prongsai-locked-") as data:
        copy_migrated_sqlite(data)  # the child's migrate has nothing left to do (tests/live.py)
        env = {
            **os.environ,
            "PRONGSAI_DATA": data,
            "DJANGO_SETTINGS_MODULE": "prongsai.web.test_settings",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DATABASE_URL", None)
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from tests.integration.test_surveys_race import locked; locked()",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["locked"][0] == 503 and "กรุณากดส่งอีกครั้ง" in outcome["locked"][1]
    assert outcome["locked"][2] == "5" and 'value="submit"' in outcome["locked"][1]  # Retry-After, the button
    assert outcome["while_locked"] == {"status": "unused", "held": 0}
    assert outcome["again"] == 303 and outcome["after"] == {"status": "used", "held": 1}


def locked() -> None:  # the child process: a real SQLite file, its lock held by another connection
    import re
    import sqlite3

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from prongsai.web.surveys.models import HeldResponse, RespondentCode
    from tests.cast import build_cast
    from tests.integration.test_surveys import action_of, answer_through_pages, choose, make_codes, short_url

    call_command("migrate", verbosity=0)
    cast = build_cast()
    (code,) = make_codes(cast, count=1)
    browser = Client()
    review = answer_through_pages(browser, browser.get(short_url(code)), choose("IIT"))
    connections.close_all()
    settings.DATABASES["default"]["OPTIONS"]["timeout"] = 0.3  # production waits 5 s; the outcome is the same
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a 20,000-agency import in progress
    response = browser.post(action_of(review), {"page": "6", "action": "submit"})
    body = response.content.decode()
    retry = re.search(r'<form method="post" action="([^"]+)"><input type="hidden" name="page" value="0">', body)
    other.execute("ROLLBACK")

    def state() -> dict:
        return {"status": RespondentCode.objects.get().status, "held": HeldResponse.objects.count()}

    while_locked = state()
    again = browser.post(retry.group(1), {"page": "0", "action": "submit"})
    print(
        json.dumps(
            {
                "locked": [response.status_code, body, response.get("Retry-After")],
                "while_locked": while_locked,
                "again": again.status_code,
                "after": state(),
            }
        )
    )
