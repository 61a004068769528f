"""The link checker against a local HTTP server on loopback: status, redirects (login, another host, ftp),
content type, the fiscal year in Thai and Arabic digits, keywords, PDFs, size and the snapshot hash; and the
SSRF guard that refuses private and loopback targets unless loopback is explicitly allowed."""

from __future__ import annotations

import hashlib

import pytest

from prongsai.web.oit import linkcheck
from prongsai.web.oit.testing import GOOD_HTML, EvidenceServer, docx_bytes, pdf_bytes


@pytest.fixture(scope="module")
def site():
    with EvidenceServer() as server:
        yield server


def check(site, path, years=(2563,), keywords=("โครงสร้าง",), host="127.0.0.1", **kw):
    return linkcheck.check_url(
        site.url(path, host), years=list(years), keywords=list(keywords), allow_loopback=True, **kw
    )


def codes(result):
    return [p.code for p in result.problems]


def test_good_page_with_thai_digit_year(site):
    result = check(site, "/o1")
    assert result.verdict == "ok", result.problems
    assert result.http_status == 200
    assert result.content_type.startswith("text/html")
    assert result.years_found == [2563]  # written ๒๕๖๓ on the page
    assert result.keywords_found == ["โครงสร้าง"]
    assert result.size == len(GOOD_HTML.encode())
    assert result.sha256 == hashlib.sha256(GOOD_HTML.encode()).hexdigest()


def test_year_inside_a_script_or_a_longer_number_does_not_count(site):
    assert check(site, "/o1", years=[2499]).years_found == []  # "2499" only appears inside <script>
    assert linkcheck.years_in("เลขที่ 125630 ปี 2563", [2563]) == [2563]
    assert linkcheck.years_in("เลขที่ 125630", [2563]) == []
    assert linkcheck.years_in("พ.ศ. ๒๕๖๒", [2562, 2563]) == [2562]


def test_page_without_the_year_is_a_warning(site):
    result = check(site, "/news")
    assert result.verdict == "warning"
    assert "year_missing" in codes(result)
    assert result.years_found == []


def test_year_not_required_gives_no_warning(site):
    result = check(site, "/news", require_year=False, keywords=())
    assert result.verdict == "ok"


def test_404_is_broken(site):
    result = check(site, "/missing")
    assert result.verdict == "broken"
    assert result.http_status == 404
    assert "http_404" in codes(result)
    assert "ไม่พบหน้านี้" in result.problems[0].message


def test_redirect_to_a_login_page_is_broken(site):
    result = check(site, "/to-login")
    assert result.verdict == "broken"
    assert result.redirect_to_login
    assert result.redirects[0][0] == 302 and "/login" in result.redirects[0][1]
    assert "redirect_login" in codes(result)


def test_redirect_to_another_host_name_is_flagged(site):
    result = check(site, "/to-other-host")
    assert result.redirect_other_domain
    assert "redirect_other_domain" in codes(result)
    assert result.verdict == "warning"
    assert result.final_url.startswith(f"http://localhost:{site.port}/")


def test_redirect_to_a_non_http_scheme_is_not_followed(site):
    before = len(site.requests)
    result = check(site, "/to-ftp")
    assert result.verdict == "broken" and "redirect_scheme" in codes(result)
    assert len(site.requests) == before + 1  # only the redirect itself was fetched


def test_redirect_loop_stops(site):
    result = check(site, "/loop", max_redirects=3)
    assert "too_many_redirects" in codes(result)
    assert len(result.redirects) == 4


def test_pdf_year_from_bytes_plain_and_flate(site):
    plain = check(site, "/report.pdf", years=[2562], keywords=())
    assert plain.content_type == "application/pdf"
    assert plain.years_found == [2562]
    assert plain.sha256 == hashlib.sha256(pdf_bytes("Annual report 2562")).hexdigest()
    compressed = check(site, "/report-2563.pdf", keywords=())
    assert compressed.years_found == [2563]  # found inside the FlateDecode content stream
    missing = check(site, "/report.pdf", years=[2563], keywords=())
    assert missing.verdict == "warning"
    assert codes(missing) == ["year_missing"]  # the text was read (not "year_unknown"): 2562, not 2563


def test_docx_and_windows_874_pages_are_read(site):
    docx = check(site, "/report.docx", keywords=("รายงานผล",))
    assert docx.years_found == [2563] and docx.keywords_found == ["รายงานผล"]
    thai = check(site, "/tis620")
    assert thai.years_found == [2563] and thai.keywords_found == ["โครงสร้าง"]


def test_size_limit_cuts_and_flags(site):
    result = check(site, "/big", max_bytes=100_000)
    assert result.truncated and "too_large" in codes(result)
    assert result.size == 300_000 + len("<html> 2563</html>")  # the declared length is reported


def test_ssrf_guard(site):
    refused = linkcheck.check_url(site.url("/o1"), years=[2563], allow_loopback=False)
    assert refused.verdict == "broken" and codes(refused) == ["private_address"]
    for url in (
        "http://10.1.2.3/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
    ):
        result = linkcheck.check_url(url, allow_loopback=False, timeout=1)
        assert codes(result) == ["private_address"], (url, result.problems)
    # loopback is allowed only when asked for, private ranges never
    assert codes(linkcheck.check_url("http://10.1.2.3/", allow_loopback=True, timeout=1)) == ["private_address"]
    for url in ("file:///etc/passwd", "ftp://example.test/x", "gopher://x/"):
        assert codes(linkcheck.check_url(url)) == ["scheme"]
    assert codes(linkcheck.check_url("http://user:pw@example.test/")) == ["url"]


def test_login_and_site_heuristics():
    assert linkcheck.looks_like_login("https://accounts.google.com/ServiceLogin?continue=x")
    assert linkcheck.looks_like_login("https://x.go.th/wp-login.php?redirect_to=/ita")
    assert not linkcheck.looks_like_login("https://www.skn.go.th/ita/o1")
    assert not linkcheck.looks_like_login("https://x.go.th/blogin/")
    assert linkcheck.same_site("skn.go.th", "www.skn.go.th")
    assert linkcheck.same_site("ita.skn.go.th", "skn.go.th")
    assert not linkcheck.same_site("skn.go.th", "drive.google.com")


def test_extract_text_kinds():
    assert linkcheck.extract_text(docx_bytes("ปี ๒๕๖๓"))[1] is True
    assert linkcheck.sniff_kind(pdf_bytes()) == "pdf"
    text, extracted = linkcheck.extract_text(b"\x89PNG\r\n\x1a\n....", "image/png")
    assert text == "" and extracted is False
