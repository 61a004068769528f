"""Anonymity against a reader of the database, its WAL and its backups (issue 9 §3: review findings M1, M2).

The attacks of the review, run against the real thing, and each shown to work on the old design first:

- **PostgreSQL ``xmin``**: the code's row and the response's row were written by one transaction, so
  ``JOIN … ON r.xmin = c.xmin`` paired every used code with its answers.  Now the response is held sealed
  (AES-GCM, key outside the database) and released in a transaction of its own with at least four others.
- **Physical order** (PostgreSQL ``ctid``, SQLite ``rowid``, the random key): responses were stored in the
  order of arrival.  Now each release inserts its batch in the order of fresh random keys.
- **SQLite WAL replay**: copying the database and its ``-wal`` and truncating the WAL after each commit frame
  showed each commit's new used code next to its new response.  Now a commit that uses a code adds only a
  sealed held row; answers appear only in release commits that add at least ``MIN_RESPONDENTS`` of them and
  use no code.  The replay is run on copies taken after every single submission (a backup at every unlucky
  moment), against a real SQLite file in WAL mode (a child process, as in test_surveys_race.py).
- **Export diff**: raw answers are not exported while the round is open, and the aggregates change only in
  steps of a whole batch.

The PostgreSQL tests skip on SQLite and the SQLite file test skips on PostgreSQL; CI runs the suite on both.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection, transaction

from prongsai.web.surveys import ballot, queries, services
from prongsai.web.surveys.models import HeldResponse, SurveyResponse
from tests.integration.test_surveys import FW, choose, make_codes
from tests.live import copy_migrated_sqlite

ROOT = Path(__file__).resolve().parents[2]
K = ballot.MIN_RESPONDENTS


def distinct_answers(n: int) -> list[dict[str, int]]:
    """``n`` IIT answer sets that differ from each other (binary patterns over the fields)."""
    return [choose("IIT", lambda j, f, i=i: (i >> (j % 7)) % 2) for i in range(n)]


def canonical(answers) -> str:
    return json.dumps(answers, sort_keys=True, separators=(",", ":"))


def packed(answers) -> bytes:
    """The plain text a held row seals (the answers as one character each), without its week."""
    from prongsai.core.framework import load_framework

    return ballot.pack(services.today(), answers, ballot.answer_spec(load_framework(FW), "IIT")).split(b":")[1]


def readable_in(sealed: bytes, answers) -> bool:
    return b"I1.1" in sealed or canonical(answers).encode() in sealed or packed(answers) in sealed


def legacy_submit(ticket, answers) -> None:
    """The design before this change: the code's use and the readable response in one transaction.  Used only to
    show that each attack below does find a link when there is one."""
    with transaction.atomic():
        assert services._use_code(ticket, services.today()) == 1
        SurveyResponse.objects.create(
            round_id=ticket.round_id,
            agency_id=ticket.agency_id,
            tool=ticket.tool,
            group=ticket.group,
            week=services.week_of(services.today()),
            answers=answers,
        )


def pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (xmin and ctid): CI runs this module on PostgreSQL too")


# ------------------------------------------------------------------------------------- PostgreSQL: xmin, ctid


def _xmin_pairs(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.digest, t.id FROM surveys_respondentcode c JOIN {table} t ON t.xmin = c.xmin "
            "WHERE c.status = 'used'"
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_pg_xmin_join_pairs_nothing(cast):
    pg_only()
    # the attack works on the old design: one join, one pair per answer
    control = make_codes(cast, group="staff", count=1)
    legacy_submit(services.check_code(control[0]), choose("IIT"))
    assert len(_xmin_pairs("surveys_surveyresponse")) == 1
    SurveyResponse.objects.all().delete()

    codes = make_codes(cast, count=12)
    sent = distinct_answers(12)
    for code, answers in zip(codes[:3], sent[:3]):
        services.submit_response(services.check_code(code), answers)  # each commits; the scope is not full
    # while held, the join finds the held rows: sealed bytes that say nothing without the key
    held_pairs = _xmin_pairs("surveys_heldresponse")
    assert len(held_pairs) == 3
    for row in HeldResponse.objects.all():
        assert not any(readable_in(bytes(row.sealed), a) for a in sent[:3])
    for code, answers in zip(codes[3:], sent[3:]):
        services.submit_response(services.check_code(code), answers)
    assert SurveyResponse.objects.count() == 10 and HeldResponse.objects.count() == 2  # two batches of five
    from prongsai.web.rounds.services import set_round_status

    set_round_status(cast.central, cast.round_2563, "closed")  # the rest is released at the close
    assert SurveyResponse.objects.count() == 12 and HeldResponse.objects.count() == 0
    assert _xmin_pairs("surveys_surveyresponse") == [] and _xmin_pairs("surveys_heldresponse") == []
    stored = sorted(canonical(a) for a in SurveyResponse.objects.values_list("answers", flat=True))
    assert stored == sorted(canonical(a) for a in sent)
    # each release is one transaction: the responses' xmin says which batch, nothing finer
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text, count(*) FROM surveys_surveyresponse GROUP BY xmin ORDER BY 2")
        assert [n for _xmin, n in cursor.fetchall()] == [2, 5, 5]


@pytest.mark.django_db(transaction=True)
def test_pg_physical_and_key_order_say_nothing_within_a_batch(cast):
    """Submit 40 known answers in a known order: within each released batch the stored order (ctid) is the order
    of the fresh random keys, not the order of submission."""
    pg_only()
    codes = make_codes(cast, count=40)
    sent = distinct_answers(40)
    position = {canonical(a): i for i, a in enumerate(sent)}
    for code, answers in zip(codes, sent):
        services.submit_response(services.check_code(code), answers)
    assert HeldResponse.objects.count() == 0 and SurveyResponse.objects.count() == 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text, id::text, answers::text FROM surveys_surveyresponse ORDER BY ctid")
        rows = cursor.fetchall()
    batches: dict[str, list] = {}
    for xmin, key, answers in rows:
        batches.setdefault(xmin, []).append((key, position[canonical(json.loads(answers))]))
    assert sorted(len(b) for b in batches.values()) == [K] * (40 // K)
    kept_order = 0
    for batch in batches.values():
        keys = [key for key, _pos in batch]
        assert keys == sorted(keys)  # physical order = key order (uuid4 made at release)
        submitted = [pos for _key, pos in batch]
        assert sorted(submitted) == list(range(min(submitted), min(submitted) + K))  # a batch: five in a row
        kept_order += submitted == sorted(submitted)
    assert kept_order < len(batches)  # all 8 in submission order: 1 in 120⁸ by chance
    by_key = [position[canonical(a)] for a in SurveyResponse.objects.order_by("id").values_list("answers", flat=True)]
    assert by_key != list(range(40))


@pytest.mark.django_db(transaction=True)
def test_pg_old_design_order_attack_works(cast):
    """Control: with answers stored as they come, ctid order is exactly the order of submission."""
    pg_only()
    codes = make_codes(cast, count=6)
    sent = distinct_answers(6)
    for code, answers in zip(codes, sent):
        legacy_submit(services.check_code(code), answers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers::text FROM surveys_surveyresponse ORDER BY ctid")
        assert [json.loads(a) for (a,) in cursor.fetchall()] == sent


# ------------------------------------------------------------------------------------------ SQLite: WAL replay


def wal_commit_prefixes(wal: bytes) -> list[bytes]:
    """The WAL cut after each commit frame (the review's replay): header + frames up to that commit."""
    if len(wal) < 32:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    prefixes, offset = [], 32
    while offset + 24 + page_size <= len(wal):
        header = wal[offset : offset + 24]
        if header[8:16] != salts:  # a stale frame of an earlier generation of the WAL: the log ends here
            break
        offset += 24 + page_size
        if struct.unpack(">I", header[4:8])[0]:  # "database size after commit": a commit frame
            prefixes.append(wal[:offset])
    return prefixes


def read_state(folder: Path, db: bytes, wal: bytes) -> dict:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "x.sqlite3").write_bytes(db)
    if wal:
        (folder / "x.sqlite3-wal").write_bytes(wal)
    conn = sqlite3.connect(folder / "x.sqlite3")
    try:
        used = {d for (d,) in conn.execute("SELECT digest FROM surveys_respondentcode WHERE status = 'used'")}
        responses = {
            i: canonical(json.loads(a)) for i, a in conn.execute("SELECT id, answers FROM surveys_surveyresponse")
        }
        held = {i: bytes(s) for i, s in conn.execute("SELECT id, sealed FROM surveys_heldresponse")}
    finally:
        conn.close()
    return {"used": used, "responses": responses, "held": held}


def replay(snapshots: list[tuple[bytes, bytes]], scratch: Path) -> list[dict]:
    """Every commit visible in every snapshot: what each one changed (codes used, responses, held rows)."""
    commits = []
    for db, wal in snapshots:
        before = read_state(scratch, db, b"")
        for prefix in wal_commit_prefixes(wal):
            after = read_state(scratch, db, prefix)
            commits.append(
                {
                    "used": sorted(after["used"] - before["used"]),
                    "responses": [
                        after["responses"][i] for i in after["responses"].keys() - before["responses"].keys()
                    ],
                    "held": [after["held"][i] for i in after["held"].keys() - before["held"].keys()],
                }
            )
            before = after
    return commits


def pairs_found(commits: list[dict]) -> list[tuple[str, str]]:
    """What the attacker pairs: a commit that uses code(s) and adds readable answers."""
    return [
        (code, answers)
        for c in commits
        if c["used"] and c["responses"]
        for code in c["used"]
        for answers in c["responses"]
    ]


def _child(mode: str, data: str) -> dict:
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
            "import django; django.setup(); from tests.integration."
            f"test_security_anonymity import main; main({mode!r})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sqlite_wal_replay_cannot_pair_codes_with_answers():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only (a real database file in WAL mode): CI runs this module on SQLite too")
    with tempfile.TemporaryDirectory(prefix="prongsai-wal-") as data:
        outcome = _child("ballot", data)
        snapshots = [(Path(d).read_bytes(), Path(w).read_bytes()) for d, w in outcome["snapshots"]]
        commits = replay(snapshots, Path(data) / "replay")
        final_db = Path(outcome["final_db"]).read_bytes()
    digests = {code: digest for code, digest in outcome["digests"].items()}
    sent = {digests[code]: canonical(answers) for code, answers in outcome["sent"].items()}
    # every submit's commit was seen (the copies were taken after each one) …
    seen_used = {d for c in commits for d in c["used"]}
    assert seen_used == set(sent)
    # … and none of them shows readable answers; answers appear only in release commits of at least K
    assert pairs_found(commits) == []
    for commit in commits:
        if commit["used"]:
            assert commit["responses"] == [] and len(commit["held"]) == len(commit["used"]) == 1
            for sealed in commit["held"]:
                assert not readable_in(sealed, json.loads(sent[commit["used"][0]]))
        if commit["responses"]:
            assert commit["used"] == []
    # the releases (each seen in one or more copies): two full batches while open, the remaining two at the close
    releases = {tuple(sorted(c["responses"])) for c in commits if c["responses"]}
    assert sorted(len(r) for r in releases) == [2, K, K]
    assert sorted(r for release in releases for r in release) == sorted(sent.values())
    # the released rows: rowid order within a batch is the order of the random keys
    assert outcome["rowid_order_is_key_order"] is True
    # the final file (after the release, secure_delete and the WAL truncated) holds no sealed held row
    assert outcome["final_wal_size"] == 0
    for sealed in outcome["sealed_seen"]:
        assert bytes.fromhex(sealed)[12:40] not in final_db


def test_sqlite_wal_replay_does_pair_the_old_design():
    """Control: the same replay against the old design finds the one code and its answers."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only (a real database file in WAL mode): CI runs this module on SQLite too")
    with tempfile.TemporaryDirectory(prefix="prongsai-wal-") as data:
        outcome = _child("legacy", data)
        snapshots = [(Path(d).read_bytes(), Path(w).read_bytes()) for d, w in outcome["snapshots"]]
        commits = replay(snapshots, Path(data) / "replay")
    ((code, answers),) = outcome["sent"].items()
    assert pairs_found(commits) == [(outcome["digests"][code], canonical(answers))]


def main(mode: str) -> None:  # the child process of the SQLite tests: a real file in WAL mode, as in production
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection as conn

    from tests.cast import build_cast

    call_command("migrate", verbosity=0)
    cast = build_cast()
    db = Path(settings.DATABASES["default"]["NAME"])
    conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")  # start with an empty WAL: setup is not the test
    snapshots, sealed_seen = [], []

    def snapshot() -> None:
        n = len(snapshots)
        target = db.parent / "snapshots"
        target.mkdir(exist_ok=True)
        shutil.copyfile(db, target / f"{n}.sqlite3")
        wal = Path(f"{db}-wal")
        (target / f"{n}.sqlite3-wal").write_bytes(wal.read_bytes() if wal.exists() else b"")
        snapshots.append((str(target / f"{n}.sqlite3"), str(target / f"{n}.sqlite3-wal")))
        sealed_seen.extend(bytes(s).hex() for s in HeldResponse.objects.values_list("sealed", flat=True))

    from prongsai.web.surveys.codes import digest

    if mode != "legacy":  # copies at the unluckiest moments too: just before each release, and before the WAL is cut
        release_scope, truncate = ballot.release_scope, ballot._sqlite_truncate_wal

        def release_with_copy(*args, **kwargs):
            snapshot()
            return release_scope(*args, **kwargs)

        def truncate_with_copy():
            snapshot()
            truncate()

        ballot.release_scope, ballot._sqlite_truncate_wal = release_with_copy, truncate_with_copy
    count = 1 if mode == "legacy" else 2 * K + 2
    codes = make_codes(cast, count=count)
    sent = dict(zip(codes, distinct_answers(count)))
    conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for code, answers in sent.items():
        if mode == "legacy":
            legacy_submit(services.check_code(code), answers)
        else:
            services.submit_response(services.check_code(code), answers)  # commits; a full scope releases
        snapshot()
    rowid_in_key_order = None
    if mode != "legacy":
        from prongsai.web.rounds.services import set_round_status

        set_round_status(cast.central, cast.round_2563, "closed")  # the last two are released at the close
        snapshot()
        keys = [key for (key,) in conn.cursor().execute("SELECT id FROM surveys_surveyresponse ORDER BY rowid")]
        batches = [keys[:K], keys[K : 2 * K], keys[2 * K :]]  # released in this order: 5, 5, then 2
        rowid_in_key_order = all(batch == sorted(batch) for batch in batches) and keys != sorted(keys)
    wal = Path(f"{db}-wal")
    print(
        json.dumps(
            {
                "snapshots": snapshots,
                "sent": sent,
                "digests": {c: digest(c) for c in sent},
                "rowid_order_is_key_order": rowid_in_key_order,
                "sealed_seen": sealed_seen,
                "final_wal_size": wal.stat().st_size if wal.exists() else 0,
                "final_db": str(db),
            }
        )
    )


def test_sealed_answers_open_only_with_the_key(settings):
    """A held row opens with the SECRET_KEY (or a fallback of it) and its own scope, never otherwise."""
    from prongsai.core.framework import load_framework

    framework = load_framework(FW)
    answers = distinct_answers(3)[2]
    scope = {"round_id": 7, "agency_id": 3, "tool": "IIT", "group": "staff", "channel": "code"}
    sealed = ballot.seal_answers(framework, scope, services.today(), answers)
    assert not readable_in(sealed, answers) and len(sealed) == 12 + len(packed(answers)) + 11 + 16
    week, opened = ballot.unpack(ballot.unseal(sealed, **scope), ballot.answer_spec(framework, "IIT"))
    assert opened == answers and week == services.today()
    with pytest.raises(ballot.Unreadable):  # moved to another agency's scope
        ballot.unseal(sealed, **{**scope, "agency_id": 4})
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another key entirely, as after a rotation without fallback"
    with pytest.raises(ballot.Unreadable):
        ballot.unseal(sealed, **scope)
    settings.SECRET_KEY_FALLBACKS = [old]  # with the old key as a fallback it opens
    assert ballot.unseal(sealed, **scope) == ballot.pack(
        services.today(), answers, ballot.answer_spec(framework, "IIT")
    )


# --------------------------------------------------------------------------------- M2: the export difference


@pytest.mark.django_db
def test_export_difference_attack_is_impossible(cast, client):
    """Before/after one answer: raw answers cannot be exported while the round is open, and the scores (and the
    per-option counts) do not move until a whole batch of K answers is released together."""
    from django.test import TestCase
    from django.urls import reverse

    officer = client
    officer.force_login(cast.officer)
    export = reverse(
        "survey_export",
        kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code, "what": "responses-iit", "fmt": "csv"},
    )
    codes = make_codes(cast, count=2 * K)
    sent = distinct_answers(2 * K)

    def snapshot():
        tool = next(t for t in queries.question_scores(cast.round_2563, cast.samutsakhon) if t.code == "IIT")
        detail = [(f.code, f.distribution) for i in tool.indicators for q in i.questions for f in q.fields]
        return tool.respondents, [i.score for i in tool.indicators], detail

    with TestCase.captureOnCommitCallbacks(execute=True):
        for code, answers in zip(codes[:K], sent[:K]):
            services.submit_response(services.check_code(code), answers)
    first = snapshot()
    assert first[0] == K and first[1][0] is not None
    assert officer.get(export).status_code == 302  # refused while open
    steps = [first]
    for code, answers in zip(codes[K:], sent[K:]):
        with TestCase.captureOnCommitCallbacks(execute=True):  # each submit commits on its own
            services.submit_response(services.check_code(code), answers)
        steps.append(snapshot())
        assert officer.get(export).status_code == 302
    # no change at all for the first K-1 new answers, then the whole batch at once
    assert all(s == first for s in steps[1:K])
    assert steps[K][0] == 2 * K and steps[K] != first
