"""Password reset by e-mail: the same answer for any address (no user enumeration), the login throttle, Thai."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from prongsai.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _without_csrf(page: bytes) -> bytes:
    """The page without its per-request CSRF tokens (the language switch form carries one)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(cast, client):
    known = client.post("/account/password/reset/", {"email": "officer@example.test"}, follow=True)
    unknown = client.post("/account/password/reset/", {"email": "nobody@example.test"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/account/password/reset/sent/", 302)]
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    assert "หากอีเมลนี้เป็นของบัญชีผู้ใช้ในระบบ" in known.content.decode()
    assert [m.to for m in mail.outbox] == [["officer@example.test"]]


def test_the_mail_link_uses_the_configured_base_url_not_the_host_header(cast, client, settings):
    settings.BASE_URL = "https://ita.example.go.th"
    client.post("/account/password/reset/", {"email": "officer@example.test"}, HTTP_HOST="evil.example.com")
    (message,) = mail.outbox
    assert "https://ita.example.go.th/account/reset/" in message.body
    assert "evil.example.com" not in message.body


def test_requests_are_throttled_like_logins_whether_or_not_the_address_exists(cast, client, settings):
    for address in ("officer@example.test", "nobody@example.test"):
        for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
            assert client.post("/account/password/reset/", {"email": address}).status_code == 302
        refused = client.post("/account/password/reset/", {"email": address})
        assert refused.status_code == 429
        assert "ขอหลายครั้งเกินไป" in refused.content.decode()
    assert len(mail.outbox) == settings.LOGIN_FAILURES_PER_ACCOUNT_ADDRESS


def test_the_new_password_follows_the_password_rules_and_is_audited(cast, client):
    client.post("/account/password/reset/", {"email": "staff@example.test"})
    path = next(line for line in mail.outbox[0].body.splitlines() if "/account/reset/" in line).split("8000", 1)[-1]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    weak = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and 'class="field-error"' in weak.content.decode()
    client.post(form_url, {"new_password1": "ใหม่-รหัสผ่าน-2563!", "new_password2": "ใหม่-รหัสผ่าน-2563!"})
    entry = AuditEntry.objects.get(action="reset_password")
    assert entry.actor == cast.staff


def test_the_login_page_links_to_the_reset(client, db):
    page = client.get("/login/").content.decode()
    assert 'id="forgot-password"' in page and "ลืมรหัสผ่าน?" in page


def test_reset_requests_never_lock_the_address_out_of_signing_in(client, settings, cast):
    """A school behind one NAT address: thirty reset requests (the per-address sign-in limit) lock further resets
    from that address, but a person there still signs in (the reset has its own counters)."""
    from prongsai.web.accounts import throttle

    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for i in range(3):
        client.post("/account/password/reset/", {"email": f"nobody{i}@example.test"})
    refused = client.post("/account/password/reset/", {"email": "nobody9@example.test"})
    assert refused.status_code == 429
    from django.test import RequestFactory

    request = RequestFactory().post("/account/login/")
    assert throttle.attempt(request, "officer").allowed
