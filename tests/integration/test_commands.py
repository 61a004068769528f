"""The web platform's commands, run in-process (``prongsai.cli.main``) on the test database with the cast."""

from __future__ import annotations

from decimal import Decimal

import pytest

from prongsai.cli import main

HEADER = "agency,year,i1,i2,i3,i4,i5,i6,i7,i8,i9,i10\n"
GOOD = (
    HEADER + "ESA-SKN,2563,98.95,97.60,99.12,98.70,98.90,96.35,93.80,92.64,94.55,92.31\n"
    "สพป.ตัวอย่าง 2,2563,90,90,90,90,90,80,80,80,70,70\n"
)


def _results(round_):
    from prongsai.web.results.models import AgencyResult

    return AgencyResult.objects.filter(round=round_)


def test_import_results_good_file(cast, tmp_path, capsys):
    path = tmp_path / "ita-2563.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["import-results", str(path), "--round", str(cast.round_2563.pk)]) == 0
    out = capsys.readouterr().out
    assert "imported 2 row(s)" in out and "as central" in out
    skn = _results(cast.round_2563).get(agency=cast.samutsakhon)
    assert (skn.total, skn.level) == (Decimal("95.25"), "AA")
    assert _results(cast.round_2563).count() == 2
    from prongsai.web.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="import_official_results", agency=cast.samutsakhon).exists()


def test_import_results_bad_file_lists_every_problem_and_imports_nothing(cast, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + "ESA-SKN,2563,98.95,97.60,99.12,98.70,98.90,96.35,93.80,92.64,105,92.31\n"
        "สพป.ตัวอย่าง 2,2563,90,90,ดีมาก,90,90,80,80,80,70,70\n"
        "สพป.ไม่มีจริง,2563,90,90,90,90,90,80,80,80,70,70\n",
        encoding="utf-8",
    )
    assert main(["import-results", str(path), "--round", str(cast.round_2563.pk)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing was imported" in captured.err
    assert "bad.csv, row 2, column 'i9': '105' is not a score between 0 and 100" in captured.err
    assert "row 3, column 'i3'" in captured.err and "ดีมาก" in captured.err
    assert _results(cast.round_2563).count() == 0


def test_import_results_checks_the_acting_user_and_the_round(cast, tmp_path, capsys):
    path = tmp_path / "ita-2563.csv"
    path.write_text(GOOD, encoding="utf-8")
    # the seed office's ITA officer may import its own row only
    assert main(["import-results", str(path), "--round", "ita-2563-esa", "--as", "officer"]) == 2
    assert "row 3, column 'agency'" in capsys.readouterr().err
    assert main(["import-results", str(path), "--round", "999"]) == 2
    assert "rounds:" in capsys.readouterr().err
    assert main(["import-results", str(path), "--round", str(cast.round_2563.pk), "--as", "staff"]) == 2
    assert "may not import" in capsys.readouterr().err
    assert main(["import-results", str(tmp_path / "missing.csv"), "--round", str(cast.round_2563.pk)]) == 2
    assert "file not found" in capsys.readouterr().err
    assert _results(cast.round_2563).count() == 0


def test_import_results_needs_a_central_admin_when_no_user_is_named(db, tmp_path, capsys):
    from prongsai.web.rounds.models import AssessmentRound

    round_ = AssessmentRound.objects.create(framework_id="ita-2563-esa", fiscal_year=2563, name_th="2563")
    path = tmp_path / "f.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["import-results", str(path), "--round", str(round_.pk)]) == 2
    assert "createadmin" in capsys.readouterr().err


def test_createadmin_creates_the_central_office_and_a_central_admin(db, monkeypatch, capsys):
    from django.contrib.auth import authenticate

    from prongsai.web.agencies import access
    from prongsai.web.agencies.models import Agency, Membership

    monkeypatch.setenv("ADMIN_PASSWORD", "a-long-enough-secret-2563")
    assert (
        main(["createadmin", "somchai", "--email", "somchai@example.test", "--password-from-env", "ADMIN_PASSWORD"])
        == 0
    )
    assert "created central admin 'somchai'" in capsys.readouterr().out
    office = Agency.objects.get(kind="central")
    assert (office.name_th, office.short_name, office.path) == (
        "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
        "สพฐ.",
        f"/{office.pk}/",
    )
    user = authenticate(username="somchai", password="a-long-enough-secret-2563")
    assert user is not None and access.is_central_admin(user)
    assert Membership.objects.get(user=user).agency == office
    # again: idempotent, no second office or membership
    assert main(["createadmin", "somchai", "--password-from-env", "ADMIN_PASSWORD"]) == 0
    assert Agency.objects.filter(kind="central").count() == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_createadmin_reads_the_password_from_a_container_secret_file(db, monkeypatch, capsys, tmp_path):
    # --password-from-env NAME goes through the one reader of the environment, so NAME_FILE works as everywhere.
    from django.contrib.auth import authenticate

    secret = tmp_path / "admin_pw"
    secret.write_text("a-long-enough-secret-2563\n", encoding="utf-8")
    monkeypatch.delenv("ADMIN_PW", raising=False)
    monkeypatch.setenv("ADMIN_PW_FILE", str(secret))
    assert main(["createadmin", "somchai", "--password-from-env", "ADMIN_PW"]) == 0
    assert authenticate(username="somchai", password="a-long-enough-secret-2563") is not None
    monkeypatch.setenv("ADMIN_PW", "another-long-secret-2563")  # both set: refused, nothing changed
    assert main(["createadmin", "somchai", "--password-from-env", "ADMIN_PW"]) == 2
    assert "both set" in capsys.readouterr().err
    assert authenticate(username="somchai", password="a-long-enough-secret-2563") is not None


def test_createadmin_uses_the_existing_central_office_and_refuses_weak_passwords(cast, monkeypatch, capsys):
    from prongsai.web.agencies.models import Agency, Membership

    monkeypatch.setenv("WEAK", "short")
    assert main(["createadmin", "nid", "--password-from-env", "WEAK"]) == 2
    assert "password rejected" in capsys.readouterr().err
    assert main(["createadmin", "nid", "--password-from-env", "UNSET_VARIABLE_X"]) == 2
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["createadmin", "nid"]) == 2
    assert "--password-from-env" in capsys.readouterr().err
    monkeypatch.setenv("GOOD", "another-long-secret-2563")
    assert main(["createadmin", "nid", "--password-from-env", "GOOD"]) == 0
    assert Agency.objects.filter(kind="central").count() == 1
    assert Membership.objects.get(user__username="nid").agency == cast.central_office


def test_createadmin_prompts_for_the_password(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["typed-password-2563", "typed-password-2563"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["createadmin", "prompted"]) == 0
    from django.contrib.auth import authenticate

    assert authenticate(username="prompted", password="typed-password-2563") is not None


def test_manage_passes_through_to_django(db, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["manage", "nosuchcommand"])
    assert exit_.value.code == 1
    assert main(["manage", "check"]) == 0
    assert "no issues" in capsys.readouterr().out


def test_serve_migrates_and_answers(tmp_path):
    """``prongsai serve`` in a subprocess on a fresh SQLite folder: migrates, then answers /healthz."""
    import json
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["PRONGSAI_DATA"] = str(tmp_path)
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from prongsai.cli import main; sys.exit(main())",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = json.loads(response.read())
                    assert body["status"] == "ok"
                    assert set(body["checks"]) == {"database", "disk", "tasks"}
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "prongsai serve did not answer within 60 s"
                time.sleep(0.2)
        assert (tmp_path / "prongsai.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert f"http://127.0.0.1:{port}/" in server.stdout.read()
