"""Sign-off in a real browser (Chromium + Playwright), at a phone's size (390 × 844) and a desktop's.

นางอลินดา กิตติทรงภพ, ITA officer of สพป.สมุทรสาคร, opens the document pack and proposes the memo to the director;
นายพิศุทธิ์ พงศ์ศรีนิธิศ, the office's director, approves it on the confirmation page and downloads the signed PDF,
whose signature block prints his name and the date.  Screenshots of every step, and of the signed PDF's page
(pdftoppm), go to $PRONGSAI_ARTIFACTS when it is set (conftest.py).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }


def _login(browser, live_server, username: str, size: dict):
    context = browser.new_context(
        viewport=size,
        locale="th-TH",
        timezone_id="Asia/Bangkok",
        accept_downloads=True,
        is_mobile=size["width"] < 500,
        has_touch=size["width"] < 500,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()
    return context, page


@pytest.mark.parametrize("size", sorted(SIZES))
def test_officer_proposes_director_approves_and_downloads_the_signed_pdf(
    size, cast, storage, live_server, chromium_browser, artifacts, screenshot, tmp_path
):
    from prongsai.web.documents import services
    from prongsai.web.documents.models import DocumentVersion

    services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
    pack_url = f"{live_server.url}/documents/{cast.samutsakhon.code}/{cast.round_2563.pk}/"
    viewport = SIZES[size]

    def shot(page, name: str) -> None:
        screenshot(page, f"signoff-{size}-{name}")

    # 1. the officer proposes the memo
    context, page = _login(chromium_browser, live_server, "officer", viewport)
    page.goto(pack_url)
    memo = page.locator("#doc-memo")
    assert "ฉบับร่าง" in memo.inner_text()
    assert memo.locator("[data-move=approve]").count() == 0
    memo.locator("[data-move=propose]").click()
    page.wait_for_load_state()
    memo = page.locator("#doc-memo")
    assert "เสนอผู้อำนวยการแล้ว" in memo.inner_text()
    assert memo.locator("[data-move=withdraw]").count() == 1
    # no sideways scrolling on the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    memo.scroll_into_view_if_needed()
    shot(page, "1-officer-proposed")
    context.close()

    # 2. the director approves it, after the confirmation page
    context, page = _login(chromium_browser, live_server, "director", viewport)
    page.goto(pack_url)
    memo = page.locator("#doc-memo")
    assert memo.locator("[data-move=propose]").count() == 0
    memo.locator("[data-move=approve]").click()
    page.wait_for_selector("#confirm-move")
    assert "อนุมัติโดย นายพิศุทธิ์ พงศ์ศรีนิธิศ" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    shot(page, "2-director-confirm")
    page.click("#confirm-move")
    page.wait_for_load_state()
    memo = page.locator("#doc-memo")
    assert "อนุมัติแล้ว" in memo.inner_text() and "นายพิศุทธิ์ พงศ์ศรีนิธิศ" in memo.inner_text()
    memo.scroll_into_view_if_needed()
    shot(page, "3-director-approved")

    # 3. the signed PDF downloads; its last page shows the approval in the signature block
    with page.expect_download() as download:
        memo.locator("a.signed-pdf").click()
    saved = tmp_path / "signed.pdf"
    download.value.save_as(str(saved))
    version = DocumentVersion.objects.get(kind="memo")
    assert saved.read_bytes() == version.signed_pdf.file.open("rb").read()
    context.close()
    text = "".join(
        subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, check=True, text=True).stdout.split()
    )
    assert "อนุมัติโดยนายพิศุทธิ์พงศ์ศรีนิธิศ" in text and "อนุมัติเมื่อ" in text
    if not os.environ.get("PRONGSAI_ARTIFACTS"):
        return  # the picture of the signed page is for people (conftest.py, ``screenshot``)
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(saved)], capture_output=True, check=True, text=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            str(pages),
            "-l",
            str(pages),
            str(saved),
            str(artifacts / f"signoff-{size}-4-signed-pdf"),
        ],
        check=True,
    )


@pytest.mark.parametrize("size", sorted(SIZES))
def test_central_admin_uploads_the_emblem_and_a_disguised_file_is_refused_in_thai(
    size, cast, storage, live_server, chromium_browser, screenshot, tmp_path
):
    import io

    from PIL import Image

    from prongsai.web.documents.models import Emblem

    fake = tmp_path / "garuda.png"
    fake.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n")  # a PDF named .png
    real = tmp_path / "garuda-real.png"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 360), (200, 30, 30)).save(buffer, "PNG")
    real.write_bytes(buffer.getvalue())

    context, page = _login(chromium_browser, live_server, "central", SIZES[size])
    page.goto(f"{live_server.url}/documents/emblem/")
    assert page.locator("#emblem-standin").count() == 1
    page.set_input_files("input[name=file]", str(fake))
    page.click("#emblem-submit")
    page.wait_for_load_state()
    assert "ไม่ใช่ภาพ PNG หรือ JPEG" in page.inner_text("main")
    screenshot(page, f"emblem-{size}-1-refused")
    page.set_input_files("input[name=file]", str(real))
    page.click("#emblem-submit")
    page.wait_for_selector("#emblem-preview")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"] + 1
    screenshot(page, f"emblem-{size}-2-uploaded")
    context.close()
    assert Emblem.objects.get(agency=None).height == 360
