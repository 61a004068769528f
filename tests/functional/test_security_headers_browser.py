"""The Content-Security-Policy in a real browser: Chromium blocks nothing the pages need, Swagger UI still works
under its own policy, and the account pages look right (screenshots with ``$PRONGSAI_ARTIFACTS`` set).

The officer signs in, walks through her pages, opens the API docs, issues herself a token and changes her
password.  Every CSP violation Chromium reports fails the test: a page that relied on an inline script, a style
block or a foreign font would show up here.
"""

from __future__ import annotations

import pytest

from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def test_pages_work_under_the_policy_and_the_account_pages_are_thai(live_server, browser_page, screenshot):
    from tests.cast import build_cast

    cast = build_cast()
    page = browser_page
    problems = _watch(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/agencies/**")
    pages = [
        f"/agencies/{cast.samutsakhon.code}/",
        "/rounds/",
        f"/oit/{cast.round_2563.pk}/{cast.samutsakhon.code}/",
        f"/oit/public/{cast.samutsakhon.code}/{cast.round_2563.pk}/",
        f"/surveys/{cast.round_2563.pk}/{cast.samutsakhon.code}/",
        "/manage/agencies/",
    ]
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status < 400, (path, response and response.status)
        assert "default-src 'none'" in response.headers["content-security-policy"]
        # the stylesheet and the Sarabun font were allowed: the page is styled, not the browser's default serif
        family = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Sarabun" in family, (path, family)

    docs = page.goto(f"{live_server.url}/api/docs")
    assert docs is not None and "script-src 'self'" in docs.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=15_000)  # Swagger UI ran and drew the operations
    assert page.locator(".opblock").count() >= 7
    screenshot(page, "api-docs", full_page=False)

    page.goto(f"{live_server.url}/account/tokens/")
    page.fill("input[name=name]", "รายงานประจำเดือน")
    page.fill("input[name=days]", "30")
    page.click("form.form-card button[type=submit]")
    token = page.locator("code.token-once").inner_text()
    assert token.startswith("prongsai_")
    assert "ใช้งานได้" in page.content()
    screenshot(page, "account-tokens")

    page.goto(f"{live_server.url}/account/password/")
    assert page.locator("h1").inner_text() == "เปลี่ยนรหัสผ่าน"
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "officer2570")
    page.fill("input[name=new_password2]", "officer2570")
    page.click("form.form-card button[type=submit]")
    assert "คล้ายกับชื่อผู้ใช้" in page.locator(".field-error").inner_text()  # the refusal, in Thai
    screenshot(page, "password-change-refused")
    assert problems == []
