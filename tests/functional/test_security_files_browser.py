"""What the officer sees when a file or a template is refused, in a real browser (Playwright + Debian's Chromium).

The officer uploads a zip bomb as OIT evidence (the form answers in Thai, the explanation typed is kept), a link
to a PDF bomb is checked (the item shows "ตรวจไม่ได้ — ไฟล์ซับซ้อนเกินไป", not "pending"), and a DOCX template that
tries to reach Python through Jinja is refused with the placeholder named.  Screenshots go to
``$PRONGSAI_ARTIFACTS`` when set.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from tests import bombs


class _Site(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.mark.django_db(transaction=True)
def test_the_officer_sees_refusals_in_thai(cast, live_server, settings, tmp_path, browser_page, screenshot):
    from playwright.sync_api import expect

    from prongsai.web.oit import services
    from prongsai.web.oit.tasks import run_pending_checks
    from tests.cast import PASSWORD
    from tests.unit.test_security_linkcheck import serving
    from tests.unit.test_security_templates import with_paragraph

    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    page = browser_page
    base = live_server.url
    item_url = f"{base}/oit/{cast.round_2563.pk}/{cast.samutsakhon.code}/items/O1/"

    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_load_state()

    # 1. a zip bomb as evidence
    bomb = tmp_path / "รายงานผลการดำเนินงาน.docx"
    bomb.write_bytes(bombs.docx_many_members())
    page.goto(item_url)
    page.set_input_files("#upload-form input[type=file]", str(bomb))
    page.fill("#upload-form input[name=label]", "รายงานผลการดำเนินงาน ปี 2563")
    page.click("#upload-form button[type=submit]")
    error = page.locator("#file-error")
    expect(error).to_contain_text("ไฟล์ซับซ้อนเกินไป")
    expect(error).to_contain_text("ระบบจึงไม่รับไฟล์นี้")
    expect(page.locator("#upload-form input[name=label]")).to_have_value("รายงานผลการดำเนินงาน ปี 2563")
    page.locator("#upload-form").scroll_into_view_if_needed()
    screenshot(page, "security-1-evidence-bomb-refused", full_page=False)

    # 2. a link to a PDF bomb: checked, recorded, shown
    _Site.body = bombs.pdf_flate_streams()
    with serving(_Site) as server:
        services.add_link(
            cast.officer,
            cast.round_2563,
            cast.samutsakhon,
            "O1",
            f"http://127.0.0.1:{server.server_address[1]}/annual-report.pdf",
            "รายงานประจำปี",
        )
        assert run_pending_checks() == 1
    page.goto(item_url)
    link = page.locator("[data-testid=link]").first
    expect(link).to_contain_text("ตรวจไม่ได้ — ไฟล์ซับซ้อนเกินไป")
    expect(link).not_to_contain_text("รอตรวจลิงก์")
    link.scroll_into_view_if_needed()
    screenshot(page, "security-2-link-too-complex", full_page=False)

    # 3. a template that reaches for Python
    template = tmp_path / "memo.docx"
    template.write_bytes(with_paragraph("{{ lipsum.__globals__['os'].popen('id').read() }}"))
    page.goto(f"{base}/documents/{cast.samutsakhon.code}/templates/")
    page.select_option("select[name=kind]", "memo")
    page.set_input_files("input[type=file][name=file]", str(template))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    messages = page.locator(".messages")
    expect(messages).to_contain_text("แม่แบบใช้ {{ lipsum.__globals__['os'].popen('id').read() }} ที่ไม่อนุญาต")
    screenshot(page, "security-3-template-refused", full_page=False)
