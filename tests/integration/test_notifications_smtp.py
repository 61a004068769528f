"""Mail over real SMTP: a local aiosmtpd server receives what Prongsai sends, as a mail server would.

Checked on the wire: the recipient of the envelope, the Thai subject (RFC 2047 encoded) and the Thai body,
for a clarification request and a password reset, and that the second office never receives the first's mail."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from tests.cast import PASSWORD
from tests.integration.test_notifications import _returned_for_clarification

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


def subject(message) -> str:
    """The decoded subject (a long encoded subject is folded onto a continuation line: the fold is not text)."""
    return str(message["Subject"]).strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=10,
            DEFAULT_FROM_EMAIL="Prongsai <noreply@prongsai.test>",
        ):
            yield inbox
    finally:
        controller.stop()


def test_a_clarification_request_arrives_by_smtp_in_thai_to_the_right_office(
    cast, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _returned_for_clarification(cast, timezone.localdate() + timedelta(days=7))
    assert sorted(r for rcpt, _ in smtp.messages for r in rcpt) == ["director@example.test", "officer@example.test"]
    (message,) = smtp.to("officer@example.test")
    assert subject(message).startswith("ขอคำชี้แจง OIT 2 ข้อ ภายใน ")
    body = message.get_content()
    assert "ผู้ตรวจประเมินขอให้ สพป.สมุทรสาคร ชี้แจงข้อ OIT O4, O5" in body
    assert "/oit/" in body and "ข้อความนี้ส่งจากระบบโปร่งใส" in body
    assert smtp.to("other_officer@example.test") == []
    assert cast.other_officer.notifications.count() == 0


def test_the_results_of_each_office_reach_only_that_office(cast, smtp, django_capture_on_commit_callbacks):
    from prongsai.web.results.services import publish_results

    cast.round_2562.results_published = False
    cast.round_2562.save()
    with django_capture_on_commit_callbacks(execute=True):
        publish_results(cast.central, cast.round_2562)
    (other,) = smtp.to("other_officer@example.test")
    assert subject(other) == "ประกาศผลการประเมินแล้ว: ITA สพท. 2562"
    assert cast.other_office.display_name in other.get_content()
    assert cast.samutsakhon.display_name not in other.get_content()
    (officer,) = smtp.to("officer@example.test")
    assert cast.samutsakhon.display_name in officer.get_content()


def test_a_password_reset_link_arrives_by_smtp_and_sets_a_new_password(cast, smtp, client, settings):
    response = client.post("/account/password/reset/", {"email": "officer@example.test"})
    assert response.status_code == 302 and response["Location"] == "/account/password/reset/sent/"
    (message,) = smtp.to("officer@example.test")
    assert subject(message) == "ตั้งรหัสผ่านใหม่ของระบบโปร่งใส (Prongsai)"
    body = message.get_content()
    assert "มีผู้ขอตั้งรหัสผ่านใหม่ของบัญชี officer" in body
    link = next(line for line in body.splitlines() if line.startswith(settings.BASE_URL))
    path = link[len(settings.BASE_URL) :]
    form = client.get(path, follow=True)
    assert "ตั้งรหัสผ่านใหม่" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "ใหม่-รหัสผ่าน-2563!", "new_password2": "ใหม่-รหัสผ่าน-2563!"}
    )
    assert done.status_code == 302 and done["Location"] == "/account/reset/done/"
    assert client.login(username="officer", password="ใหม่-รหัสผ่าน-2563!")
    assert not client.login(username="officer", password=PASSWORD)
    # the link works once
    again = client.get(form.redirect_chain[-1][0])
    assert 'id="reset-invalid"' in again.content.decode()
