"""Edition authoring by the central admin: upload (errors in Thai, nothing stored), diff, preview, activate;
a used edition cannot change; a round moved to a corrected edition is recomputed and audited."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from prongsai.cli import main
from prongsai.core.edition_io import export_edition
from prongsai.core.edition_yaml import dump_edition
from prongsai.core.framework import BUNDLED_DIR, framework_for_year, load_framework, parse_yaml, with_variant
from prongsai.core.scoring import combine
from prongsai.web.audit.models import AuditEntry
from prongsai.web.editions import services
from prongsai.web.editions.models import EditionLocked, EditionStatus, StoredEdition
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound
from prongsai.web.rounds.services import create_round
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def corrected_2570(weights=(25, 25, 50), title="โครงสร้าง หน้าที่และอำนาจ (ฉบับ ป.ป.ช. 2570)") -> bytes:
    """NACC's 2570 manual as an admin would type it: different weights, one re-titled item, still valid."""
    raw = parse_yaml((Path(BUNDLED_DIR) / "ita-2570.yaml").read_text(encoding="utf-8"), "ita-2570.yaml")
    for tool, weight in zip(raw["tools"], weights):
        tool["weight"] = weight
        tool["confidence"] = "confirmed"
        tool["source"] = "คู่มือการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2570 (ป.ป.ช.) หน้า 12"
    raw["oit_items"][0]["title"] = title
    raw["confidence"] = "corroborated"
    return dump_edition(raw).encode("utf-8")


def workbook_with(edit) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(export_edition(load_framework("ita-2569"))))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, name: str, data: bytes, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("edition_upload"), {"file": SimpleUploadedFile(name, data), **extra})


def test_a_bad_workbook_is_refused_with_every_problem_in_thai_and_nothing_is_stored(cast, client):
    login(client, cast.central)

    def edit(wb):
        wb["oit_items"]["D2"] = "เก้า"
        wb["questions"]["D3"] = "four_levels"

    before = (StoredEdition.objects.count(), AuditEntry.objects.count())
    response = upload(client, "ita-2569-แก้ไข.xlsx", workbook_with(edit))
    assert response.status_code == 400
    page = response.content.decode()
    assert "ไม่ได้นำเข้า: พบปัญหา 2 รายการ" in page  # both at once; the bad cell is not echoed as "required"
    assert "แผ่นงาน &#x27;oit_items&#x27; แถวที่ 2 คอลัมน์ &#x27;indicator&#x27; (D)" in page
    assert "&#x27;เก้า&#x27; ไม่ใช่จำนวนเต็ม" in page
    assert "แผ่นงาน &#x27;questions&#x27; แถวที่ 3 คอลัมน์ &#x27;scale&#x27; (D)" in page
    assert "ไม่มีมาตรวัด &#x27;four_levels&#x27;" in page
    assert (StoredEdition.objects.count(), AuditEntry.objects.count()) == before


def test_upload_diff_preview_then_activate(cast, client):
    login(client, cast.central)
    response = upload(client, "ita-2570.yaml", corrected_2570(), note="ตามคู่มือ ป.ป.ช. 2570")
    stored = StoredEdition.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("edition_detail", args=[stored.key])
    assert (stored.key, stored.status, stored.derived_from) == ("ita-2570@2", EditionStatus.DRAFT, "ita-2570")
    assert AuditEntry.objects.filter(action="upload_edition", object_id=str(stored.pk)).exists()
    # a draft is loadable for preview, not offered for rounds, not the default of its year
    assert load_framework("ita-2570@2").tool("OIT").weight == 50
    assert "ita-2570@2" not in {c.key for c in services.usable_editions()}
    assert framework_for_year(2570).id == "ita-2570"

    page = client.get(reverse("edition_detail", args=[stored.key])).content.decode()
    assert "เปลี่ยนชื่อ" in page and "ฉบับ ป.ป.ช. 2570" in page  # the diff against ita-2570
    assert "tool OIT weight 40 → 50" in page
    preview = client.get(reverse("edition_preview", args=[stored.key, "oit"]), {"variant": "esa"}).content.decode()
    fw = with_variant(load_framework(stored.key), "esa")
    rows = re.findall(r'<tr id="item-(O\d+)" data-provisional="([01])"', preview)
    assert len(rows) == 26 and all(flag == "1" for _code, flag in rows)  # a provisional copy: every item marked
    assert preview.count('class="tag provisional"') >= sum(o.provisional for o in fw.oit_items) == 26
    survey = client.get(reverse("edition_preview", args=[stored.key, "eit"])).content.decode()
    assert "E1" in survey and "ยังไม่มีคู่มือ ITA 2570" in survey

    response = client.post(reverse("edition_activate", args=[stored.key]))
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.status == EditionStatus.ACTIVE and stored.activated_by == cast.central
    assert "ita-2570@2" in {c.key for c in services.usable_editions()}
    assert "ita-2570" not in {c.key for c in services.usable_editions()}  # the built-in is superseded
    assert framework_for_year(2570).id == "ita-2570@2"
    audit = AuditEntry.objects.get(action="activate_edition")
    assert audit.changes["supersedes"] == ["ita-2570 (built-in)"]
    form = client.get(reverse("round_create")).content.decode()
    assert 'value="ita-2570@2"' in form and 'value="ita-2570"' not in form

    # a second correction supersedes the first
    second = services.upload_edition(cast.central, "ita-2570.yaml", corrected_2570(weights=(30, 30, 40)))
    assert second.key == "ita-2570@3" and second.derived_from == "ita-2570@2"
    services.activate_edition(cast.central, second)
    stored.refresh_from_db()
    assert stored.status == EditionStatus.SUPERSEDED


def test_a_used_edition_cannot_change_only_be_superseded(cast):
    stored = services.upload_edition(cast.central, "ita-2570.yaml", corrected_2570(), activate=True)
    round_ = create_round(cast.central, stored.key, 2570, variant="esa")
    assert round_.framework.tool("OIT").weight == 50 and round_.framework.variant == "esa"
    with pytest.raises(EditionLocked):
        services.replace_draft(cast.central, stored, "ita-2570.yaml", corrected_2570(weights=(1, 1, 1)))
    stored.source_text = stored.source_text.replace("weight: 50", "weight: 60")
    with pytest.raises(EditionLocked):
        stored.save()
    with pytest.raises(ValidationError):
        services.discard_draft(cast.central, StoredEdition.objects.get(pk=stored.pk))
    services.retire_edition(cast.central, StoredEdition.objects.get(pk=stored.pk))
    assert stored.key not in {c.key for c in services.usable_editions()}
    fresh = AssessmentRound.objects.get(pk=round_.pk)
    assert fresh.framework.tool("OIT").weight == 50  # the round keeps the edition it uses
    with pytest.raises(ValidationError, match="ไม่ใช่ฉบับที่ใช้อยู่"):
        create_round(cast.central, stored.key, 2570, variant="school")
    # a draft can be corrected in place until it is activated
    draft = services.upload_edition(cast.central, "ita-2570.yaml", corrected_2570())
    services.replace_draft(cast.central, draft, "ita-2570.yaml", corrected_2570(weights=(20, 30, 50)))
    assert load_framework(draft.key).tool("IIT").weight == 20


def test_moving_a_round_to_a_corrected_edition_recomputes_and_audits(cast, client):
    from prongsai.web.oit.models import EntryStatus, OITEntry
    from prongsai.web.surveys.models import SurveyResponse

    round_ = create_round(cast.central, "ita-2570", 2570, variant="esa")
    indicators = {str(n): "90.00" for n in range(1, 9)} | {"9": "80.00", "10": "70.00"}
    old = combine(round_.framework, {int(k): Fraction(v) for k, v in indicators.items()})
    official = AgencyResult.objects.create(
        round=round_,
        agency=cast.other_office,
        source=ResultSource.OFFICIAL,
        indicators=indicators,
        total=old.total_rounded,
        level=old.level,
    )
    fw = round_.framework
    best = {
        tool: {
            f.code: max(range(len(f.scale.options)), key=lambda i: f.scale.score(i, f.reverse))
            for f in fw.answer_fields(tool)
        }
        for tool in ("IIT", "EIT")
    }
    import datetime

    from prongsai.web.surveys.ballot import MIN_RESPONDENTS

    for tool, group in (("IIT", "staff"), ("EIT", "teachers")):
        for _ in range(MIN_RESPONDENTS):  # a tool below the respondent floor gets no score (docs/surveys.md)
            SurveyResponse.objects.create(
                round=round_,
                agency=cast.samutsakhon,
                tool=tool,
                group=group,
                week=datetime.date(2027, 1, 4),
                answers=best[tool],
            )
    for item in fw.oit_items:
        score = "0" if item.code == "O3" else "100"
        OITEntry.objects.create(
            round=round_,
            agency=cast.samutsakhon,
            code=item.code,
            status=EntryStatus.CONFIRMED,
            score_exact=score,
            score=Decimal(score),
        )
    AgencyResult.objects.create(
        round=round_, agency=cast.samutsakhon, source=ResultSource.COMPUTED, indicators={}, total=None
    )
    stored = services.upload_edition(cast.central, "ita-2570.yaml", corrected_2570(), activate=True)

    login(client, cast.central)
    page = client.get(reverse("round_move", args=[round_.pk]), {"framework_id": stored.key}).content.decode()
    assert "tool OIT weight 40 → 50" in page and "เปลี่ยนชื่อ" in page
    response = client.post(reverse("round_move", args=[round_.pk]), {"framework_id": stored.key, "reason": ""})
    assert response.status_code == 400 and "กรุณาระบุเหตุผล" in response.content.decode()
    response = client.post(
        reverse("round_move", args=[round_.pk]),
        {"framework_id": stored.key, "reason": "ป.ป.ช. ประกาศคู่มือ ITA 2570 ฉบับจริง"},
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.framework_id, round_.variant) == (stored.key, "esa")
    new = combine(load_framework(stored.key), {int(k): Fraction(v) for k, v in indicators.items()})
    official.refresh_from_db()
    assert new.total_rounded != old.total_rounded  # OIT now weighs 50 %
    assert (official.total, official.level, official.indicators) == (new.total_rounded, new.level, indicators)
    computed = AgencyResult.objects.get(round=round_, agency=cast.samutsakhon, source=ResultSource.COMPUTED)
    assert computed.iit == Decimal("100.00") and computed.eit == Decimal("100.00")
    assert computed.indicators["9"] == str(round(Decimal(100 * 17) / 18, 2))  # o3 failed, among 18 items
    assert computed.total is not None and computed.items["O3"] == "0.00"
    audit = AuditEntry.objects.get(action="move_round_edition")
    assert audit.actor == cast.central and audit.changes["reason"] == "ป.ป.ช. ประกาศคู่มือ ITA 2570 ฉบับจริง"
    assert audit.changes["before"] == {"framework_id": "ita-2570", "variant": "esa"}
    moved = {r["agency"]: r for r in audit.changes["results"]}
    assert moved[cast.other_office.code]["before"]["total"] == str(old.total_rounded)
    assert moved[cast.other_office.code]["after"]["total"] == str(new.total_rounded)


def test_the_command_line_imports_into_the_database(cast, tmp_path, capsys):
    path = tmp_path / "ita-2570.xlsx"
    path.write_bytes(export_edition(load_framework("ita-2570")))
    assert main(["frameworks", "import", str(path), "--as", "central", "--activate"]) == 0
    out = capsys.readouterr().out
    assert "stored ita-2570.xlsx as ita-2570@2: active, compared with ita-2570; as central" in out
    assert StoredEdition.objects.get().upload_kind == "xlsx"
    assert main(["frameworks", "list", "--stored"]) == 0
    assert "ita-2570@2       active" in capsys.readouterr().out
    assert main(["frameworks", "show", "ita-2570@2"]) == 0 and "ita-2570@2" in capsys.readouterr().out
    assert main(["frameworks", "import", str(path), "--as", "officer"]) == 2
    assert "may not import editions" in capsys.readouterr().err
    workbook = openpyxl.load_workbook(path)
    workbook["levels"]["C2"] = "x"
    workbook.save(path)
    assert main(["frameworks", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "sheet 'levels', row 2, column 'min' (C): 'x' is not a number" in err
    assert StoredEdition.objects.count() == 1
