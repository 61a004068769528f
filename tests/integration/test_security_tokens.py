"""API tokens expire, can be revoked by their owner (page and command line) and show when they were last used
(security review L14; docs/security.md "API tokens")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from prongsai.cli import main
from prongsai.web.api.models import APIToken
from prongsai.web.api.services import issue_api_token, token_hash
from prongsai.web.audit.models import AuditEntry


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def stored(token: str) -> APIToken:
    return APIToken.objects.get(token_hash=token_hash(token))


def test_a_token_expires_after_ninety_days_by_default(cast):
    token = issue_api_token(cast.officer, cast.officer, "รายงานประจำเดือน")
    lifetime = stored(token).expires_at - timezone.now()
    assert timedelta(days=89, hours=23) < lifetime <= timedelta(days=90)


def test_the_issuer_chooses_a_lifetime_within_bounds(cast):
    token = issue_api_token(cast.officer, cast.officer, "หนึ่งสัปดาห์", days=7)
    assert stored(token).expires_at - timezone.now() <= timedelta(days=7)
    for days in (0, -3, 366):
        with translation.override("th"), pytest.raises(ValidationError) as error:
            issue_api_token(cast.officer, cast.officer, "ผิด", days=days)
        assert "อายุโทเค็นต้องอยู่ระหว่าง 1 ถึง 365 วัน" in error.value.messages


def test_expired_and_revoked_tokens_answer_401_like_unknown_ones(client, cast):
    token = issue_api_token(cast.officer, cast.officer, "short-lived", days=1)
    assert client.get("/api/rounds", **bearer(token)).status_code == 200
    APIToken.objects.filter(pk=stored(token).pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/rounds", **bearer(token)).status_code == 401
    second = issue_api_token(cast.officer, cast.officer, "revoked")
    APIToken.objects.filter(pk=stored(second).pk).update(revoked=True)
    assert client.get("/api/rounds", **bearer(second)).status_code == 401
    assert client.get("/api/rounds", **bearer("prongsai_" + "x" * 43)).status_code == 401


def test_last_use_is_recorded(client, cast):
    token = issue_api_token(cast.officer, cast.officer, "BI")
    assert stored(token).last_used_at is None
    client.get("/api/rounds", **bearer(token))
    used = stored(token).last_used_at
    assert used is not None and timezone.now() - used < timedelta(seconds=30)


# --------------------------------------------------------------------------------------------- the web page


def test_the_token_page_lists_only_ones_own_tokens(client, cast):
    issue_api_token(cast.officer, cast.officer, "ของเจ้าหน้าที่")
    issue_api_token(cast.other_officer, cast.other_officer, "ของเขตอื่น")
    client.force_login(cast.officer)
    page = client.get(reverse("account_tokens")).content.decode()
    assert "ของเจ้าหน้าที่" in page and "ของเขตอื่น" not in page
    assert "โทเค็น API" in page and "ใช้งานได้" in page


def test_issuing_on_the_page_shows_the_token_once_and_never_caches_it(client, cast):
    client.force_login(cast.staff)
    response = client.post(reverse("account_tokens"), {"name": "สคริปต์รายงาน", "days": "30"})
    assert response.status_code == 200
    page = response.content.decode()
    token = page.split('<code class="token-once">')[1].split("</code>")[0]
    assert token.startswith("prongsai_") and "no-store" in response["Cache-Control"]
    row = stored(token)
    assert row.user == cast.staff and row.name == "สคริปต์รายงาน"
    assert timedelta(days=29) < row.expires_at - timezone.now() <= timedelta(days=30)
    again = client.get(reverse("account_tokens")).content.decode()
    assert token not in again and "สคริปต์รายงาน" in again
    assert AuditEntry.objects.filter(action="issue_api_token", actor=cast.staff).count() == 1


def test_a_bad_lifetime_on_the_page_is_a_thai_form_error(client, cast):
    client.force_login(cast.staff)
    response = client.post(reverse("account_tokens"), {"name": "x", "days": "999"})
    assert response.status_code == 400
    assert "อายุโทเค็นต้องอยู่ระหว่าง 1 ถึง 365 วัน" in response.content.decode()
    assert not APIToken.objects.filter(user=cast.staff).exists()


def test_the_owner_revokes_a_token_on_the_page_and_it_stops_working(client, cast):
    token = issue_api_token(cast.officer, cast.officer, "เลิกใช้")
    client.force_login(cast.officer)
    response = client.post(reverse("account_token_revoke", kwargs={"pk": stored(token).pk}), follow=True)
    assert "เพิกถอนโทเค็น “เลิกใช้” แล้ว" in response.content.decode()
    assert stored(token).revoked
    assert Client().get("/api/rounds", **bearer(token)).status_code == 401
    assert AuditEntry.objects.filter(action="revoke_api_token", object_id=str(stored(token).pk)).exists()


def test_nobody_else_can_revoke_a_token_through_the_page(client, cast):
    token = issue_api_token(cast.officer, cast.officer, "ของเจ้าหน้าที่")
    pk = stored(token).pk
    for intruder in (cast.other_officer, cast.director, cast.central):  # even the central admin: use the CLI
        client.force_login(intruder)
        assert client.post(reverse("account_token_revoke", kwargs={"pk": pk})).status_code == 404
    assert client.get(reverse("account_token_revoke", kwargs={"pk": pk})).status_code == 405
    assert not stored(token).revoked


# ------------------------------------------------------------------------------------------- command line


def test_the_command_line_issues_lists_and_revokes(cast, capsys):
    assert main(["token", "officer", "--name", "nightly", "--days", "14"]) == 0
    out = capsys.readouterr().out
    token = out.split()[0]
    assert token.startswith("prongsai_") and "expires on" in out
    assert stored(token).expires_at - timezone.now() <= timedelta(days=14)

    assert main(["token", "officer", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "nightly" in listing and "active" in listing and token not in listing

    assert main(["token", "officer", "--revoke", "nightly"]) == 0
    assert "revoked token" in capsys.readouterr().out
    assert stored(token).revoked
    assert main(["token", "officer", "--list"]) == 0
    assert "revoked" in capsys.readouterr().out


def test_the_command_line_refuses_an_unknown_or_ambiguous_token(cast, capsys):
    issue_api_token(cast.officer, cast.officer, "same")
    issue_api_token(cast.officer, cast.officer, "same")
    assert main(["token", "officer", "--revoke", "same"]) == 2
    assert "several tokens are named 'same'" in capsys.readouterr().err
    assert main(["token", "officer", "--revoke", "nothing"]) == 2
    assert main(["token", "officer", "--days", "0"]) == 2
    assert not APIToken.objects.filter(revoked=True).exists()
