"""import_official_results: all or nothing, every problem at once, agencies matched never created."""

from __future__ import annotations

import pytest

from prongsai.core.tabular import InputError, Table
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.models import AuditEntry
from prongsai.web.results.models import AgencyResult
from prongsai.web.results.services import import_official_results

HEADER = ["agency", "year"] + [f"i{n}" for n in range(1, 11)]
GOOD = ["90.00"] * 10


def table(*rows):
    return Table(file="results.csv", header=HEADER, rows=[list(map(str, r)) for r in rows])


def test_a_bad_score_and_an_unknown_agency_are_reported_together_and_nothing_is_written(cast):
    before = (AgencyResult.objects.count(), AuditEntry.objects.count(), Agency.objects.count())
    bad = table([cast.samutsakhon.code, 2563, *GOOD[:9], "105"], ["สพป.ไม่มีจริง", 2563, *GOOD])
    with pytest.raises(InputError) as caught:
        import_official_results(cast.central, cast.round_2563, bad)
    thai = caught.value.render(thai=True)
    assert "แถวที่ 2, คอลัมน์ 'i10'" in thai
    assert "แถวที่ 3, คอลัมน์ 'agency'" in thai and "ไม่พบหน่วยงาน" in thai
    assert (AgencyResult.objects.count(), AuditEntry.objects.count(), Agency.objects.count()) == before


def test_agencies_are_matched_by_code_short_name_or_exact_name(cast):
    batch = import_official_results(
        cast.central,
        cast.round_2563,
        table([cast.samutsakhon.code, 2563, *GOOD], ["สพป.ตัวอย่าง 2", 2563, *["80.00"] * 10]),
    )
    assert batch.row_count == 2
    result = AgencyResult.objects.get(round=cast.round_2563, agency=cast.other_office)
    assert (str(result.total), result.level) == ("80.00", "B")
    assert AuditEntry.objects.filter(action="import_official_results").count() == 2


def test_an_officer_cannot_import_another_office(cast):
    with pytest.raises(InputError, match="outside your agencies"):
        import_official_results(cast.officer, cast.round_2563, table([cast.other_office.code, 2563, *GOOD]))


def test_reimport_records_what_changed(cast):
    import_official_results(cast.officer, cast.round_2563, table([cast.samutsakhon.code, 2563, *GOOD]))
    import_official_results(cast.officer, cast.round_2563, table([cast.samutsakhon.code, 2563, *GOOD[:9], "70.00"]))
    entry = AuditEntry.objects.filter(action="import_official_results").first()
    assert entry.changes["total"] == ["90.00", "86.00"] and entry.actor == cast.officer
