"""The demo data (``prongsai.web.demo``): idempotent, 225 ESA offices, the seed office 31st with 91.25 (A)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from prongsai.core.scoring import competition_ranks
from prongsai.web import demo
from tests.shared import shared

pytestmark = pytest.mark.django_db

#: the `prongsai` command, run with this interpreter (`python -m prongsai.cli` would load cli.py twice)
PRONGSAI = [sys.executable, "-c", "import sys; from prongsai.cli import main; sys.exit(main())"]


@shared
def loaded():
    """The demo data, loaded once for the module (tests/shared.py): each test reads or changes it in its own
    rolled-back savepoint."""
    out = io.StringIO()
    assert demo.load_demo(out) is True
    return out.getvalue()


def _esa_results(year: int):
    from prongsai.web.results.models import AgencyResult

    return list(AgencyResult.objects.filter(round__fiscal_year=year, agency__kind="esa").select_related("agency"))


def _rank_of(code: str, results) -> int:
    ranks = competition_ranks([r.total for r in results])
    return next(rank for r, rank in zip(results, ranks) if r.agency.code == code)


def test_load_twice_is_idempotent(loaded):
    from prongsai.web.agencies.models import Agency, Membership
    from prongsai.web.audit.models import AuditEntry
    from prongsai.web.results.models import AgencyResult

    counts = (
        Agency.objects.count(),
        AgencyResult.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )
    out = io.StringIO()
    assert demo.load_demo(out) is False
    assert "already loaded" in out.getvalue()
    assert counts == (
        Agency.objects.count(),
        AgencyResult.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )
    assert AuditEntry.objects.filter(action=demo.DEMO_ACTION).count() == 1


def test_225_esa_offices_in_2562_and_the_seed_office_is_31st(loaded):
    from prongsai.web.agencies.models import Agency

    assert Agency.objects.filter(kind="esa").count() == 225
    assert Agency.objects.filter(kind="esa", subkind="สพป.").count() == 183
    assert Agency.objects.filter(kind="esa", subkind="สพม.").count() == 42
    results = _esa_results(2562)
    assert len(results) == 225
    skn = next(r for r in results if r.agency.code == demo.SKN_CODE)
    assert (skn.total, skn.level) == (Decimal("91.25"), "A")
    assert skn.indicators == {
        "1": "99.08",
        "2": "96.94",
        "3": "99.30",
        "4": "98.55",
        "5": "98.72",
        "6": "95.75",
        "7": "91.75",
        "8": "89.72",
        "9": "86.81",
        "10": "83.04",
    }
    assert _rank_of(demo.SKN_CODE, results) == 31
    assert sum(r.total > Decimal("91.25") for r in results) == 30
    assert sum(r.total == Decimal("91.25") for r in results) == 1  # no tie with the seed office


def test_synthetic_totals_and_levels_come_from_the_engine(loaded):
    from prongsai.core.framework import load_framework

    for year in (2562, 2563):
        framework = load_framework(f"ita-{year}-esa")
        for result in _esa_results(year):
            score = demo.score_of(framework, {int(k): Decimal(v) for k, v in result.indicators.items()})
            assert (result.total, result.level) == (score.total_rounded, score.level)
            assert result.iit == score.tools_rounded["IIT"]


def test_2563_round_is_open_and_waits_for_the_seed_office(loaded):
    from prongsai.web.rounds.models import AssessmentRound

    r2562 = AssessmentRound.objects.get(framework_id="ita-2562-esa", fiscal_year=2562)
    r2563 = AssessmentRound.objects.get(framework_id="ita-2563-esa", fiscal_year=2563)
    assert (r2562.status, r2562.results_published) == ("closed", True)
    assert r2563.status == "open"
    results = _esa_results(2563)
    assert len(results) == 224
    assert demo.SKN_CODE not in {r.agency.code for r in results}


def test_synthetic_data_is_flagged_and_the_real_is_not(loaded):
    from prongsai.web.agencies.models import Agency

    skn = Agency.objects.get(code=demo.SKN_CODE)
    assert not skn.is_synthetic
    assert (skn.province, skn.region, skn.website) == ("สมุทรสาคร", "central", "https://www.skn.go.th")
    synthetic = Agency.objects.filter(is_synthetic=True)
    assert synthetic.filter(kind="esa").count() == 224
    assert synthetic.filter(kind="school", parent=skn).count() == 3
    assert all("ข้อมูลสมมติ" in a.name_th for a in synthetic)
    assert not Agency.objects.filter(is_synthetic=False, name_th__contains="ข้อมูลสมมติ").exists()
    # materialised paths are right for the bulk-created offices
    for agency in Agency.objects.select_related("parent"):
        expected = (agency.parent.path if agency.parent else "/") + f"{agency.pk}/"
        assert agency.path == expected, agency.code
    assert set(Agency.objects.filter(kind="esa").values_list("region", flat=True)) == {
        "north",
        "northeast",
        "central",
        "east",
        "west",
        "south",
        "bangkok",
    }


def test_units_and_people_of_the_seed(loaded):
    from prongsai.web.agencies.models import Person, Unit

    names = list(Unit.objects.filter(agency__code=demo.SKN_CODE).values_list("name_th", flat=True))
    assert names == [name for name, _ in demo.SKN_UNITS]
    assert "หน่วยตรวจสอบภายใน" in names and "กลุ่มส่งเสริมการจัดการศึกษา" in names
    people = {str(p): p.position_th for p in Person.objects.all()}
    assert people["นายพิศุทธิ์ พงศ์ศรีนิธิศ"].endswith("ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร")
    assert people["นางอลินดา กิตติทรงภพ"] == "นักวิชาการศึกษาชำนาญการ"
    assert "นายนิสิต ธีระสิทธิ์" in people


@pytest.mark.parametrize(
    "username,role,agency_code,unit",
    [
        ("central", "central_admin", "OBEC", None),
        ("director", "director", demo.SKN_CODE, None),
        ("officer", "agency_admin", demo.SKN_CODE, "กลุ่มส่งเสริมการจัดการศึกษา"),
        ("staff", "unit_staff", demo.SKN_CODE, "กลุ่มส่งเสริมการจัดการศึกษา"),
        ("assessor", "assessor", "OBEC", None),
        ("viewer", "viewer", demo.SKN_CODE, None),
        ("other_officer", "agency_admin", "DEMO-P001", None),
    ],
    ids=[login.username for login in demo.LOGINS],
)
def test_every_role_can_log_in(loaded, client, username, role, agency_code, unit):
    from prongsai.web.agencies.models import Membership

    membership = Membership.objects.select_related("agency", "unit", "user").get(user__username=username)
    assert (membership.role, membership.agency.code) == (role, agency_code)
    assert (membership.unit.name_th if membership.unit else None) == unit
    assert client.login(username=username, password=demo.DEMO_PASSWORD)


def test_audit_log_tells_what_was_loaded(loaded):
    from prongsai.web.audit.models import AuditEntry

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "create_round",
        "set_round_status",
        "import_official_results",
        "publish_results",
        demo.DEMO_ACTION,
    } <= actions
    assert "224 synthetic ESA offices" in AuditEntry.objects.get(action=demo.DEMO_ACTION).summary


def test_the_story_file_imports_and_the_broken_one_does_not(loaded, tmp_path):
    from django.contrib.auth import get_user_model

    from prongsai.core.tabular import InputError, read_table
    from prongsai.web.results.models import AgencyResult
    from prongsai.web.results.services import import_official_results
    from prongsai.web.rounds.models import AssessmentRound

    officer = get_user_model().objects.get(username="officer")
    round_ = AssessmentRound.objects.get(fiscal_year=2563)
    files = demo.write_demo_files(tmp_path)
    with pytest.raises(InputError) as error:
        import_official_results(officer, round_, read_table(files["samutsakhon-2563-bad.csv"]))
    assert [(p.row, p.column) for p in error.value.problems] == [(2, "i9")]
    assert not AgencyResult.objects.filter(round=round_, agency__code=demo.SKN_CODE).exists()
    import_official_results(officer, round_, read_table(files["samutsakhon-2563.csv"]))
    assert len(_esa_results(2563)) == 225


def test_demo_command_prints_every_login_and_serves_nothing_with_no_serve(tmp_path):
    """The real command in a subprocess, on a fresh folder: migrate + load well within the minute."""
    env = {**os.environ, "PRONGSAI_DATA": str(tmp_path / "home")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    command = [*PRONGSAI, "demo", "--no-serve", "--data", str(tmp_path / "demo")]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    for login in demo.LOGINS:
        assert re.search(rf"^    {login.username} +{demo.DEMO_PASSWORD} ", done.stdout, re.M), login.username
    assert "http://127.0.0.1:8000/" in done.stdout
    # a mistyped URL in the demo gets the Thai 404 page, never Django's debug page listing every route
    assert "DEBUG off" in done.stdout + done.stderr
    assert (tmp_path / "demo" / "prongsai.sqlite3").exists()
    assert not (tmp_path / "home").exists()  # --data wins: nothing is written to PRONGSAI_DATA
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0 and "already loaded" in again.stdout


def test_demo_refuses_a_folder_with_a_foreign_database(tmp_path):
    (tmp_path / "prongsai.sqlite3").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [*PRONGSAI, "demo", "--no-serve", "--reset", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert "did not create" in done.stderr
    assert Path(tmp_path / "prongsai.sqlite3").exists()
