"""No page of the app scrolls sideways on a phone (390 × 844, the UX review's size).

A wide table scrolls inside its own ``.table-scroll`` box; nothing else may push the page wider than the screen.
The committee page once did: a grid column took the width of its longest ``<select>`` option (a grid item's
minimum width is its content's), so every page built from the same pieces is opened here, not only that one.
The pages are those of the access matrix that each role may open (tests/integration/test_access_matrix.py).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

from tests.integration.test_access_matrix import _readable_pages, session_key

PHONE = {"width": 390, "height": 844}
DOWNLOADS = (".csv", ".xlsx", ".pdf", ".docx", ".zip")
#: a role from each part of the app: the office's people, the assessor, the central office
ROLES = ("officer", "director", "assessor", "central")

_WIDEST = """() => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right <= innerWidth + 1) continue;
    let p = e.parentElement, inside = false;
    while (p && p !== document.body) {
      if (getComputedStyle(p).overflowX !== 'visible') { inside = true; break; }
      p = p.parentElement;
    }
    if (!inside) out.push(`${e.tagName.toLowerCase()}#${e.id}.${e.className} (${Math.round(r.right)} px)`);
  }
  return out.slice(0, 3);
}"""


def _long_names(cast) -> None:
    # The longest names an ESA office has, offered in the committee's member list: a person with a long title,
    # name and position in a unit with a long name.
    from django.contrib.auth import get_user_model

    from prongsai.web.agencies.models import Membership, Person, Role, Unit

    user = get_user_model().objects.create_user("long-names")
    Person.objects.create(
        user=user,
        title_th="ว่าที่ร้อยตรีหญิง",
        full_name_th="ปริญญาภรณ์ศิริวัฒนา เจริญรุ่งเรืองวงศ์ตระกูลไทยสมบูรณ์",
        position_th="รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาครรักษาราชการแทน",
    )
    unit = Unit.objects.create(
        agency=cast.samutsakhon, name_th="กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสารเพื่อการศึกษา"
    )
    Membership.objects.create(user=user, agency=cast.samutsakhon, role=Role.UNIT_STAFF, unit=unit)


@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_on_a_phone(cast, live_server, chromium_browser, artifacts):
    _long_names(cast)
    too_wide = []
    opened = 0
    seen: set[str] = set()  # a page is opened once, by the first role that may open it
    files: set[str] = set()  # addresses that answered a download or another type than HTML: not asked again
    for role in ROLES:
        session = session_key(cast, role)
        context = chromium_browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok")
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            for url, required in _readable_pages(cast, role):
                if url in seen or url in files or not required or "/api/" in url or url.endswith(DOWNLOADS):
                    continue
                try:
                    response = page.goto(live_server.url + url)
                except PlaywrightError as exc:
                    if "Download is starting" in str(exc):
                        files.add(url)
                        continue  # a file, not a page
                    raise
                if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                    files.add(url)
                    continue  # a download or a redirect to one
                opened += 1
                seen.add(url)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"] + 1:
                    too_wide.append(f"{role} {url}: {width} px wide; sticks out: {page.evaluate(_WIDEST)}")
                    page.screenshot(path=str(artifacts / f"too-wide-{role}-{len(too_wide)}.png"), full_page=True)
        finally:
            context.close()
    assert opened > 40, f"only {opened} pages opened: the walk lost its pages"
    assert not too_wide, "\n".join(too_wide)
