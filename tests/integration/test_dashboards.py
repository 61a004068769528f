"""Agency and national dashboards, exports and the language switch, told with the fixed cast (tests/cast.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC
from decimal import Decimal

import pytest
from django.urls import reverse

from prongsai.web.agencies.models import Agency, AgencyKind
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.results.queries import percentile_rank
from prongsai.web.results.standings import summarise

pytestmark = pytest.mark.django_db


def dashboard(cast, round_=None):
    url = reverse("agency_dashboard", kwargs={"code": cast.samutsakhon.code})
    return url + (f"?round={round_.pk}" if round_ else "")


def element(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.DOTALL)
    assert match, f"no element with id={element_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# ------------------------------------------------------------------------------------------ agency dashboard


def test_officer_sees_seed_total_level_and_rank(client, cast):
    client.force_login(cast.officer)
    response = client.get(dashboard(cast))
    assert response.status_code == 200
    html = response.content.decode()
    assert element(html, "total") == "91.25"
    assert element(html, "level") == "A"
    assert element(html, "rank") == "ลำดับที่ 1 จาก 2"
    assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร" in html
    # tool scores and the SVG chart with the target line
    assert "98.52" in html and "92.41" in html and "84.93" in html
    assert '<svg class="chart chart-bars"' in html and 'class="chart-target"' in html
    # indicators 9 (86.81) passes, 10 (83.04) is below the 85 target and listed as weak
    weak = html[html.index('id="weak-indicators"') :]
    weak = weak[: weak.index("</ul>")]
    assert "83.04" in weak and "การป้องกันการทุจริต" in weak and "86.81" not in weak
    assert "1.96" in weak  # the gap to the target


@pytest.mark.parametrize("who", ["director", "officer", "staff", "viewer", "central"])
def test_everyone_in_scope_sees_the_dashboard(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(dashboard(cast)).status_code == 200


@pytest.mark.parametrize("who", ["other_officer", "assessor"])
def test_outsiders_get_403(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(dashboard(cast)).status_code == 403


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(dashboard(cast))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_other_agency_data_never_appears(client, cast):
    """The other office's result is unpublished in 2563 and its 2562 scores never leave its scope."""
    AgencyResult.objects.create(
        round=cast.round_2563,
        agency=cast.other_office,
        source=ResultSource.OFFICIAL,
        indicators={str(n): "77.77" for n in range(1, 11)},
        iit=Decimal("77.77"),
        eit=Decimal("77.77"),
        oit=Decimal("77.77"),
        total=Decimal("77.77"),
        level="B",
    )
    client.force_login(cast.officer)
    for round_ in (cast.round_2562, cast.round_2563):
        html = client.get(dashboard(cast, round_)).content.decode()
        assert "80.00" not in html and "77.77" not in html
        assert "สพป.ตัวอย่าง 2" not in html and "ESA-OTHER" not in html


def test_change_against_last_year(client, cast):
    AgencyResult.objects.create(
        round=cast.round_2563,
        agency=cast.samutsakhon,
        source=ResultSource.OFFICIAL,
        indicators={**{str(n): "95.00" for n in range(1, 10)}, "10": "80.00"},
        iit=Decimal("95.00"),
        eit=Decimal("95.00"),
        oit=Decimal("87.50"),
        total=Decimal("92.00"),
        level="A",
    )
    client.force_login(cast.officer)
    response = client.get(dashboard(cast))
    html = response.content.decode()
    assert response.context["round"] == cast.round_2563  # the latest round with a result is the default
    assert element(html, "total") == "92.00"
    assert "+0.75" in html  # total 91.25 → 92.00
    assert "−3.04" in html  # indicator 10: 83.04 → 80.00
    assert "▲" in html and "▼" in html
    # 2563 is not published: the officer sees its own figures but no rank (it would compare with others')
    assert element(html, "rank") == "–" and 'id="rank-note"' in html
    client.force_login(cast.central)
    assert element(client.get(dashboard(cast)).content.decode(), "rank") == "ลำดับที่ 1 จาก 1"


def test_rank_uses_computed_result_where_no_official_one(client, cast):
    AgencyResult.objects.create(
        round=cast.round_2562,
        agency=Agency.objects.create(
            code="ESA-3", name_th="สพป.ทดสอบ 3", kind=AgencyKind.ESA, parent=cast.central_office
        ),
        source=ResultSource.COMPUTED,
        total=Decimal("95.00"),
        level="AA",
    )
    # a computed result next to an official one does not count twice
    AgencyResult.objects.create(
        round=cast.round_2562, agency=cast.samutsakhon, source=ResultSource.COMPUTED, total=Decimal("10.00"), level="F"
    )
    client.force_login(cast.officer)
    html = client.get(dashboard(cast)).content.decode()
    assert element(html, "rank") == "ลำดับที่ 2 จาก 3"
    assert element(html, "total") == "91.25"


def test_item_level_detail(client, cast):
    result = AgencyResult.objects.get(round=cast.round_2562, agency=cast.samutsakhon)
    result.items = {"I1": "99.50", "I1.1": "100.00", "I1.2": "99.00", "O1": "50.00"}
    result.save()
    client.force_login(cast.officer)
    html = client.get(dashboard(cast)).content.decode()
    assert "Item-level detail" not in html and "รายละเอียดรายข้อ" in html
    assert "เป็นไปตามขั้นตอนที่กำหนด" in html  # I1.1's text from the framework
    assert "โครงสร้าง" in html and "50.00" in html  # O1's title


def test_empty_state_links_to_import(client, cast):
    client.force_login(cast.officer)
    AgencyResult.objects.filter(agency=cast.samutsakhon).delete()
    response = client.get(dashboard(cast))
    assert response.status_code == 200
    assert 'id="total"' not in response.content.decode()
    assert reverse("results_import") in response.content.decode()


def test_unknown_round_is_404(client, cast):
    client.force_login(cast.officer)
    assert client.get(dashboard(cast) + "?round=999999").status_code == 404


def test_school_under_the_office_is_visible_to_its_officer(client, cast):
    client.force_login(cast.officer)
    assert client.get(reverse("agency_dashboard", kwargs={"code": cast.school.code})).status_code == 200
    client.force_login(cast.other_officer)
    assert client.get(reverse("agency_dashboard", kwargs={"code": cast.school.code})).status_code == 403


# ---------------------------------------------------------------------------------------- national dashboard


def test_national_dashboard_for_central_only(client, cast):
    client.force_login(cast.central)
    response = client.get(reverse("national"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "สพป.สมุทรสาคร" in html and "สพป.ตัวอย่าง 2" in html
    assert '<svg class="chart chart-histogram"' in html
    rows = response.context["rows"]
    assert [(r.code, r.rank, str(r.total)) for r in rows] == [("ESA-SKN", 1, "91.25"), ("ESA-OTHER", 2, "80.00")]
    assert [str(r.percentile) for r in rows] == ["75.00", "25.00"]
    for who in ("officer", "director", "other_officer", "assessor", "viewer", "staff"):
        client.force_login(getattr(cast, who))
        assert client.get(reverse("national")).status_code == 403
        assert client.get(reverse("national_export", kwargs={"fmt": "csv"})).status_code == 403


def test_national_filters_and_movers(client, cast):
    other = cast.other_office
    other.region = "north"
    other.save()
    AgencyResult.objects.create(round=cast.round_2563, agency=cast.samutsakhon, total=Decimal("90.00"), level="A")
    AgencyResult.objects.create(round=cast.round_2563, agency=other, total=Decimal("85.50"), level="A")
    client.force_login(cast.central)
    response = client.get(reverse("national"), {"round": cast.round_2563.pk, "kind": "esa", "region": "north"})
    rows = response.context["rows"]
    assert [(r.code, r.rank, r.peers) for r in rows] == [("ESA-OTHER", 2, 2)]  # the national rank is kept
    assert rows[0].change == Decimal("5.50")
    response = client.get(reverse("national"), {"round": cast.round_2563.pk})
    assert [r.code for r in response.context["risers"]] == ["ESA-OTHER"]
    assert [r.code for r in response.context["fallers"]] == ["ESA-SKN"]
    assert response.context["level_counts"][1]["count"] == 2  # both at A


def test_export_csv(client, cast):
    client.force_login(cast.central)
    response = client.get(reverse("national_export", kwargs={"fmt": "csv"}), {"round": cast.round_2562.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["ลำดับ", "รหัส", "หน่วยงาน"]
    assert "คะแนนรวม" in rows[0] and "ระดับ" in rows[0]
    assert rows[1][:3] == ["1", "ESA-SKN", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"]
    assert rows[1][rows[0].index("คะแนนรวม")] == "91.25"
    assert rows[2][rows[0].index("ระดับ")] == "B"


def test_export_xlsx_numbers_are_numbers(client, cast):
    import openpyxl

    client.force_login(cast.central)
    response = client.get(reverse("national_export", kwargs={"fmt": "xlsx"}), {"round": cast.round_2562.pk})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "ลำดับ" and "คะแนนรวม" in header
    total = sheet.cell(row=2, column=header.index("คะแนนรวม") + 1).value
    assert isinstance(total, float) and total == 91.25
    assert sheet.cell(row=2, column=1).value == 1


def test_unknown_export_format_is_404(client, cast):
    client.force_login(cast.central)
    assert client.get("/national/export.pdf/").status_code == 404


# ------------------------------------------------------------------------------------------ i18n and layout


def test_thai_by_default_and_english_after_the_switch(client, cast):
    client.force_login(cast.officer)
    html = client.get(dashboard(cast)).content.decode()
    assert 'lang="th"' in html and "คะแนนรวม" in html and "นำเข้าผลการประเมิน" in html
    response = client.post(reverse("set_language"), {"language": "en", "next": dashboard(cast)})
    assert response.status_code == 302
    html = client.get(dashboard(cast)).content.decode()
    assert 'lang="en"' in html
    assert "Total score" in html and "Import results" in html
    assert element(html, "rank") == "Rank 1 of 2"
    assert "Corruption prevention" in html  # the framework's English indicator name
    client.post(reverse("set_language"), {"language": "th", "next": "/"})
    assert "คะแนนรวม" in client.get(dashboard(cast)).content.decode()


def test_base_layout_has_navigation_logout_and_font(client, cast):
    client.force_login(cast.central)
    html = client.get(reverse("national")).content.decode()
    assert 'action="/logout/"' in html and 'method="post"' in html
    assert reverse("results_import") in html and reverse("rounds") in html
    css = client.get("/static/prongsai/css/prongsai.css")
    assert css.status_code == 200
    assert b"Sarabun_400Regular.ttf" in b"".join(css.streaming_content if css.streaming else [css.content])
    assert client.get("/static/prongsai/fonts/Sarabun_400Regular.ttf").status_code == 200


def test_login_page(client, cast):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "เข้าสู่ระบบ" in html and 'autocomplete="current-password"' in html
    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.content.decode()


def test_no_agency_page(client, cast, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x" * 12)
    client.force_login(user)
    assert client.get("/").url == reverse("no_agency")
    assert client.get(reverse("no_agency")).status_code == 200


# --------------------------------------------------------------------------------------------- pure helpers


def test_percentile_and_histogram_helpers():
    assert percentile_rank(1, 1, 225) == Decimal("99.78")
    assert percentile_rank(1, 1, 1) == Decimal("50.00")
    assert percentile_rank(2, 2, 4) == Decimal("50.00")  # ranks 1, 2, 2, 4: the tied pair sits in the middle
    assert percentile_rank(16, 1, 16) == Decimal("3.13")  # 3.125 exactly: half-up, as the core rounds
    bins = summarise(
        [(Decimal("91.25"), "A", 1, 0), (Decimal(100), "AA", 1, 0), (Decimal("62.10"), "D", 1, 0)], [], None
    ).bins
    assert bins[0] == (50, 55, 0)  # the axis always shows at least 50–100 (levels E to AA)
    assert (60, 65, 1) in bins and bins[-1] == (95, 100, 1) and sum(c for *_, c in bins) == 3
    assert summarise([(Decimal("31.5"), "F", 1, 0)], [], None).bins[0] == (30, 35, 1)


def test_template_filters():
    from datetime import date, datetime

    from django.utils import translation

    from prongsai.web.results.templatetags import prongsai_tags as tags

    with translation.override("th"):
        assert tags.thai_date(date(2020, 6, 24)) == "24 มิถุนายน 2563"
        assert tags.thai_date(date(2020, 6, 24), "short") == "24 มิ.ย. 2563"
        assert tags.thai_date(datetime(2020, 6, 24, 17, 30, tzinfo=UTC)) == "25 มิ.ย. 2563 00:30 น."
        assert tags.fiscal_year(2562) == "ปีงบประมาณ พ.ศ. 2562"
    with translation.override("en"):
        assert tags.thai_date(date(2020, 6, 24)) == "24 June 2020 (B.E. 2563)"
    assert tags.thai_date(None) == "–"
    assert tags.score(Decimal("84.995")) == "85.00" and tags.score("91.2474") == "91.25" and tags.score(None) == "–"
    assert tags.score(2.675) == "2.68"  # half-up on the written value, not the binary float
    assert tags.thai_digits("ลำดับที่ 31") == "ลำดับที่ ๓๑"
    assert "▲" in tags.change(Decimal("1.5")) and "+1.50" in tags.change(Decimal("1.5"))
    assert "▼" in tags.change(Decimal("-0.4")) and "−0.40" in tags.change(Decimal("-0.4"))
    assert tags.level_class("AA") == "lv-aa" and tags.level_class("ผ่าน") == "lv-b"


def test_a_partial_computed_result_is_shown_without_a_total(client, cast):
    """Survey indicators computed, OIT not yet: the dashboard shows them, says the result is partial, and
    does not fail on the change against last year (which needs a total)."""
    from prongsai.web.results.models import AgencyResult, ResultSource

    AgencyResult.objects.create(
        round=cast.round_2563,
        agency=cast.samutsakhon,
        source=ResultSource.COMPUTED,
        indicators={str(n): "90.00" for n in range(1, 9)},
        iit=Decimal("90.00"),
        eit=Decimal("90.00"),
    )
    client.force_login(cast.officer)
    page = client.get(reverse("agency_dashboard", args=[cast.samutsakhon.code]) + f"?round={cast.round_2563.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="partial"' in html and "90.00" in html
