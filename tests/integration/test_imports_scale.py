"""Imports at national size: the same all-or-nothing rules as before, written in bulk (a fixed number of queries
whatever the number of rows), with the audit entries the single-change services write."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prongsai.core.tabular import Collector, InputError, Table
from prongsai.web.agencies import access, imports
from prongsai.web.agencies.models import Agency, Membership, Role, Unit
from prongsai.web.audit.models import AuditEntry
from prongsai.web.results import standings
from prongsai.web.results.models import AgencyResult, ImportBatch, ResultSource
from prongsai.web.results.services import import_official_results
from prongsai.web.rounds.models import AssessmentRound

pytestmark = pytest.mark.django_db

AGENCY_HEADER = ["code", "name_th", "short_name", "kind", "subkind", "parent_code", "province", "region", "website"]
PEOPLE_HEADER = ["username", "title_th", "full_name_th", "position_th", "email", "agency_code", "role", "unit"]
RESULT_HEADER = ["agency", "year"] + [f"i{n}" for n in range(1, 11)]


def agency_rows(prefix: str, offices: int, schools: int) -> list[list[str]]:
    rows = [
        [f"{prefix}-ESA-{i}", f"สพป.ทดสอบ {prefix} {i}", "", "esa", "สพป.", "OBEC", "ขอนแก่น", "northeast", ""]
        for i in range(offices)
    ]
    rows += [
        [
            f"{prefix}-SCH-{i}",
            f"โรงเรียนทดสอบ {prefix} {i}",
            "",
            "school",
            "",
            f"{prefix}-ESA-{i % offices}",
            "ขอนแก่น",
            "northeast",
            "",
        ]
        for i in range(schools)
    ]
    return rows


def test_agencies_get_their_materialised_paths_level_by_level(cast):
    rows = [
        ["MOE", "กระทรวงทดสอบ", "", "central", "", "", "", "", ""],  # a new top-level agency
        ["MOE-ESA", "สพท.ใต้กระทรวง", "", "esa", "", "MOE", "", "", ""],  # under a new parent
        ["MOE-SCH", "โรงเรียนใต้ สพท.", "", "school", "", "MOE-ESA", "", "", ""],
        ["SKN-SCH-NEW", "โรงเรียนใหม่ใน สพป.สมุทรสาคร", "", "school", "", "ESA-SKN", "", "", ""],
    ]
    created = imports.import_agencies(cast.central, Table("a.csv", AGENCY_HEADER, rows))
    assert [a.code for a in created] == ["MOE", "MOE-ESA", "MOE-SCH", "SKN-SCH-NEW"]
    stored = {a.code: a for a in Agency.objects.filter(code__in=[r[0] for r in rows])}
    moe, esa, school = stored["MOE"], stored["MOE-ESA"], stored["MOE-SCH"]
    assert moe.path == f"/{moe.pk}/" and esa.path == f"{moe.path}{esa.pk}/" and school.path == f"{esa.path}{school.pk}/"
    assert stored["SKN-SCH-NEW"].path == f"{cast.samutsakhon.path}{stored['SKN-SCH-NEW'].pk}/"
    assert [a.path for a in created] == [stored[a.code].path for a in created]  # the returned objects agree
    # the paths are what Agency.save() would have written: the subtree and access rules work on them
    assert {a.code for a in moe.subtree()} == {"MOE", "MOE-ESA", "MOE-SCH"}
    assert "SKN-SCH-NEW" in {a.code for a in cast.samutsakhon.subtree()}
    assert AuditEntry.objects.filter(action="import_agencies").count() == 1


def test_a_code_registered_between_the_checks_and_the_writes_stops_the_whole_import(cast, monkeypatch):
    """Another central admin registers one of the file's codes while the file is being checked (outside the
    transaction): the import re-checks inside its transaction and writes nothing."""
    first_check = Collector.check

    class Racing(Collector):
        calls = 0

        def check(self):
            Racing.calls += 1
            if Racing.calls == 1:  # the end of the checks: the other admin is faster
                Agency.objects.create(code="RACE-SCH-3", name_th="ลงทะเบียนก่อน", kind="school", parent=cast.samutsakhon)
            first_check(self)

    monkeypatch.setattr(imports, "Collector", Racing)
    before = Agency.objects.count()
    with pytest.raises(InputError, match="registered meanwhile"):
        imports.import_agencies(cast.central, Table("a.csv", AGENCY_HEADER, agency_rows("RACE", 2, 6)))
    assert Agency.objects.count() == before + 1  # only the other admin's agency


def test_people_import_grants_moves_and_skips_like_grant_role(cast):
    unit2 = Unit.objects.create(agency=cast.samutsakhon, name_th="กลุ่มนโยบายและแผน", short_name="กลุ่มแผน", order=2)
    Membership.objects.create(user=cast.director, agency=cast.school, role=Role.VIEWER)  # held already
    rows = [
        ["new.one", "นาย", "คนใหม่ หนึ่ง", "ครู", "one@example.go.th", "SCH-SKN-001", "viewer", ""],
        ["new.one", "", "", "", "", "ESA-SKN", "unit_staff", "กลุ่มแผน"],
        ["staff", "", "", "", "", "ESA-SKN", "unit_staff", "กลุ่มนโยบายและแผน"],  # a new unit for a held role
        ["director", "", "", "", "", "SCH-SKN-001", "viewer", ""],
    ]  # held as it is: nothing
    result = imports.import_people(cast.officer, Table("p.csv", PEOPLE_HEADER, rows))
    assert (result.users_created, result.roles_granted) == (1, 3)
    user = get_user_model().objects.get(username="new.one")
    assert not user.has_usable_password() and user.email == "one@example.go.th"
    assert user.person.full_name_th == "คนใหม่ หนึ่ง" and user.person.title_th == "นาย"
    assert set(Membership.objects.filter(user=user).values_list("agency__code", "role", "unit__name_th")) == {
        ("SCH-SKN-001", "viewer", None),
        ("ESA-SKN", "unit_staff", "กลุ่มนโยบายและแผน"),
    }
    assert Membership.objects.get(user=cast.staff, role=Role.UNIT_STAFF).unit == unit2
    assert AuditEntry.objects.filter(action="add_person").count() == 1
    moved = AuditEntry.objects.get(action="grant_role", summary__startswith="staff:")
    assert moved.changes["unit"] == ["กลุ่มส่งเสริมการจัดการศึกษา", "กลุ่มนโยบายและแผน"]
    assert AuditEntry.objects.filter(action="grant_role").count() == 3
    assert AuditEntry.objects.filter(action="import_people").count() == 1


def test_results_reimport_writes_only_what_changed(cast):
    rows = [[cast.samutsakhon.code, "2563"] + ["90.00"] * 10, [cast.other_office.code, "2563"] + ["80.00"] * 10]
    first = import_official_results(cast.central, cast.round_2563, Table("r.csv", RESULT_HEADER, rows))
    kept = AgencyResult.objects.get(round=cast.round_2563, agency=cast.other_office)
    rows[0][-1] = "70.00"
    second = import_official_results(cast.central, cast.round_2563, Table("r.csv", RESULT_HEADER, rows))
    assert (first.row_count, second.row_count) == (2, 2) and ImportBatch.objects.count() == 2
    changed = AgencyResult.objects.get(round=cast.round_2563, agency=cast.samutsakhon)
    assert (str(changed.total), changed.level, changed.batch) == ("86.00", "A", second)
    assert changed.indicators["10"] == "70.00" and changed.source == ResultSource.OFFICIAL
    again = AgencyResult.objects.get(round=cast.round_2563, agency=cast.other_office)
    assert (again.batch, again.updated_at) == (first, kept.updated_at)  # untouched
    entries = AuditEntry.objects.filter(action="import_official_results").order_by("id")
    assert entries.count() == 3 and entries.last().changes["total"] == ["90.00", "86.00"]
    assert entries.last().object_id == str(changed.pk) and entries.last().agency == cast.samutsakhon


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as context:
        fn()
    return len(context.captured_queries)


def test_imports_take_a_fixed_number_of_queries_whatever_their_size(cast):
    central = cast.central
    school_round = AssessmentRound.objects.create(framework_id="ita-2563-school", fiscal_year=2563, name_th="ร.ร.")
    standings.ensure(school_round)  # the round's standings state exists before either import
    access.memberships(central)  # and the actor's roles are read (once per request) before either
    counts = {}
    for size, prefix in ((8, "S"), (120, "L")):
        table = Table("a.csv", AGENCY_HEADER, agency_rows(prefix, 4, size))
        agencies = _queries(lambda t=table: imports.import_agencies(central, t))
        people = Table(
            "p.csv",
            PEOPLE_HEADER,
            [
                [f"{prefix.lower()}.user{i}", "", f"ครู {i}", "", "", f"{prefix}-SCH-{i}", "director", ""]
                for i in range(size)
            ],
        )
        people_queries = _queries(lambda t=people: imports.import_people(central, t))
        results = Table(
            "r.csv", RESULT_HEADER, [[f"{prefix}-SCH-{i}", "2563"] + [f"{80 + i % 20}.00"] * 10 for i in range(size)]
        )
        results_queries = _queries(lambda t=results: import_official_results(central, school_round, t))
        counts[size] = (agencies, people_queries, results_queries)
    assert counts[8] == counts[120], counts
    assert AgencyResult.objects.filter(round=school_round).count() == 128
    assert Membership.objects.filter(role=Role.DIRECTOR, agency__kind="school").count() == 128
