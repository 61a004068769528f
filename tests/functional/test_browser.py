"""The ITA officer's story in a real browser (Chromium + Playwright) on the demo data.

นางอลินดา กิตติทรงภพ, ITA officer of สพป.สมุทรสาคร, logs in, reads her office's 2562 dashboard (91.25, A,
31st of 225), uploads the 2563 results with a score of "105" (the error names the row and column, nothing is
imported), fixes the file and uploads it again, and lands on the 2563 dashboard with the office's new total;
its new rank appears once the central admin publishes the 2563 results.
A full-page screenshot is taken at every step (see ``artifacts`` in conftest.py).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from fractions import Fraction

import pytest

from prongsai.core.framework import load_framework
from prongsai.core.scoring import combine
from prongsai.core.thai import to_arabic_digits
from prongsai.web import demo

pytestmark = pytest.mark.django_db(transaction=True)


def _rank_text(page) -> str:
    return to_arabic_digits(page.locator("#rank").inner_text()).strip()


def _expected_2563():
    """The seed office's 2563 total from the story file, and its competition rank among the 2563 ESA results."""
    from prongsai.web.results.models import AgencyResult

    score = combine(load_framework("ita-2563-esa"), {n: Fraction(v) for n, v in enumerate(demo.SKN_2563, start=1)})
    others = list(
        AgencyResult.objects.filter(round__fiscal_year=2563, agency__kind="esa")
        .exclude(agency__code=demo.SKN_CODE)
        .values_list("total", flat=True)
    )
    rank = 1 + sum(1 for t in others if t > score.total_rounded)
    return score.total_rounded, score.level, rank, len(others) + 1


def _skn_2563_results():
    from prongsai.web.results.models import AgencyResult

    return AgencyResult.objects.filter(round__fiscal_year=2563, agency__code=demo.SKN_CODE).count()


def test_officer_imports_2563_results_with_one_bad_row_then_fixed(live_server, browser_page, artifacts, tmp_path):
    from prongsai.web.rounds.models import AssessmentRound

    assert demo.load_demo(io.StringIO())
    files = demo.write_demo_files(tmp_path / "files")
    round_2563 = AssessmentRound.objects.get(framework_id="ita-2563-esa", fiscal_year=2563)
    total_2563, level_2563, rank_2563, peers_2563 = _expected_2563()
    page = browser_page
    shots = []
    failed: list[str] = []  # every page, stylesheet, font and script must load (no CDN, static files served)
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.url.startswith(live_server.url) and "/results/import/" not in r.url
            else None
        ),
    )
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))

    def shot(name: str) -> None:
        path = artifacts / f"{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    # 1. log in as the ITA officer
    page.goto(f"{live_server.url}/login/")
    shot("login")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()

    # 2. the office's dashboard: the real 2562 result, 31st of 225 ESA offices
    page.goto(f"{live_server.url}/agencies/{demo.SKN_CODE}/")
    page.wait_for_selector("#total")
    shot("dashboard-2562")
    assert page.locator("#total").inner_text().strip() == "91.25"
    assert page.locator("#level").inner_text().strip() == "A"
    assert re.search(r"\b31\b.*\b225\b", _rank_text(page)), _rank_text(page)

    # 3. the import page; a file whose i9 is "105": every problem is listed, nothing is imported
    page.goto(f"{live_server.url}/results/import/")
    form = page.locator("form:has(input[name=file])")
    form.locator("select[name=round]").select_option(str(round_2563.pk))
    assert form.locator("button[type=submit]").inner_text().strip() == "นำเข้าผลการประเมิน"  # Thai first
    shot("import-page")
    form.locator("input[name=file]").set_input_files(str(files["samutsakhon-2563-bad.csv"]))
    form.locator("button[type=submit]").click()
    errors = page.locator("#import-errors")
    errors.wait_for()
    shot("import-error")
    text = errors.inner_text()
    assert re.search(r"(แถวที่|row) 2", text), text
    assert "i9" in text and "105" in text, text
    assert _skn_2563_results() == 0

    # 4. the fixed file: lands on the 2563 dashboard with the new total, level and rank
    form = page.locator("form:has(input[name=file])")
    form.locator("select[name=round]").select_option(str(round_2563.pk))
    form.locator("input[name=file]").set_input_files(str(files["samutsakhon-2563.csv"]))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/agencies/{demo.SKN_CODE}/\?round={round_2563.pk}$"))
    page.wait_for_selector("#total")
    shot("dashboard-2563")
    assert page.locator("#total").inner_text().strip() == str(total_2563)
    assert page.locator("#level").inner_text().strip() == level_2563
    # 2563 is not published yet: no rank, which would compare the office with others' unpublished results
    assert _rank_text(page) == "–" and page.locator("#rank-note").is_visible()

    # 5. once the central admin publishes 2563, the office's new rank appears
    from django.contrib.auth import get_user_model

    from prongsai.web.results.services import publish_results

    publish_results(get_user_model().objects.get(username="central"), round_2563)
    page.reload()
    page.wait_for_selector("#total")
    shot("dashboard-2563-published")
    rank_text = _rank_text(page)
    assert re.search(rf"\b{rank_2563}\b.*\b{peers_2563}\b", rank_text), (rank_text, rank_2563, peers_2563)
    assert rank_2563 != 31
    assert _skn_2563_results() == 1
    assert total_2563 == Decimal("95.25")
    assert all(path.stat().st_size > 10_000 for path in shots)
    assert not failed, failed


def test_central_admin_sees_the_national_ranking(live_server, browser_page, artifacts):
    """The central admin's national dashboard of 2562: 225 offices, สพป.สมุทรสาคร 31st with 91.25 (A)."""
    from prongsai.web.rounds.models import AssessmentRound

    assert demo.load_demo(io.StringIO())
    round_2562 = AssessmentRound.objects.get(framework_id="ita-2562-esa", fiscal_year=2562)
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "central")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/national/"))
    page.goto(f"{live_server.url}/national/?round={round_2562.pk}&per_page=100")
    page.wait_for_selector("#ranking")
    page.screenshot(path=str(artifacts / "06-national-2562.png"), full_page=True)
    assert to_arabic_digits(page.locator("#count").inner_text()).strip() == "225"
    row = page.locator(f"#ranking tbody tr:has(a[href*='/agencies/{demo.SKN_CODE}/'])")
    cells = [to_arabic_digits(c).strip() for c in row.locator("td").all_inner_texts()]
    assert cells[0] == "31" and "91.25" in cells, cells
    assert page.locator("#ranking tbody tr").count() == 100  # a page of 100 rows, not all 225 at once
    assert page.locator("#ranking tbody tr", has_text="ข้อมูลสมมติ").count() == 99
    page.locator("a[rel=next]").click()
    page.wait_for_selector("#ranking")
    page.locator("a[rel=next]").click()
    page.wait_for_selector("#ranking")
    ranks = [int(to_arabic_digits(t)) for t in page.locator("#ranking tbody tr td:first-child").all_inner_texts()]
    assert len(ranks) == 25 and ranks == sorted(ranks) and ranks[0] > 190  # the last page
    page.screenshot(path=str(artifacts / "07-national-2562-page-3.png"), full_page=True)
