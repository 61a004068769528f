"""Signing in, passwords and sessions (security review L1, L2; docs/security.md "Signing in").

The story: someone guesses the officer's password from one address, then from many; the officer still gets in
from her own browser; a weak password is refused in Thai; she changes her password herself; an idle session ends.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from prongsai.web.accounts.middleware import SEEN_AT, SIGNED_IN_AT
from prongsai.web.accounts.models import LoginFailureCounter
from prongsai.web.accounts.throttle import DEVICE_COOKIE
from prongsai.web.audit.models import AuditEntry
from tests.cast import PASSWORD

THROTTLED_TH = "ใส่รหัสผ่านผิดหลายครั้งเกินไป"


def login(client: Client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# ------------------------------------------------------------------------------------------------- throttle


def test_twenty_wrong_passwords_from_one_address_are_throttled_in_thai(client, cast):
    statuses = [login(client, "officer", f"wrong-{i}").status_code for i in range(20)]
    # five tries are checked (wrong: the form again, 200); from the sixth on the address waits, without a check
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 15
    refused = login(client, "officer", PASSWORD)
    assert refused.status_code == 429, "the right password does not open a lock (no oracle, no bypass)"
    page = refused.content.decode()
    assert THROTTLED_TH in page and "15 นาที" in page
    assert int(refused["Retry-After"]) > 14 * 60
    assert not signed_in(client)


def test_a_valid_login_from_another_address_still_works(cast):
    attacker, officer = Client(), Client()
    for i in range(20):
        login(attacker, "officer", f"wrong-{i}", address="203.0.113.66")
    response = login(officer, "officer", PASSWORD, address="192.0.2.10")
    assert response.status_code == 302 and signed_in(officer)


def test_the_lock_ends_after_the_cool_off(client, cast):
    for i in range(6):
        login(client, "officer", f"wrong-{i}")
    assert login(client, "officer", PASSWORD).status_code == 429
    past = timezone.now() - timedelta(minutes=16)
    LoginFailureCounter.objects.update(locked_until=past, window_started_at=past)  # 16 minutes later
    assert login(client, "officer", PASSWORD).status_code == 302 and signed_in(client)


def test_a_successful_login_forgets_the_clients_own_failures(client, cast):
    for i in range(4):
        login(client, "officer", f"wrong-{i}")
    assert login(client, "officer", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    statuses = [login(client, "officer", f"again-{i}").status_code for i in range(5)]
    assert statuses == [200] * 5, "the earlier four failures must not count against the next five"


def test_guessing_spread_over_many_addresses_locks_new_browsers_but_not_the_owners(cast):
    owner = Client()
    assert login(owner, "officer", PASSWORD, address="192.0.2.10").status_code == 302
    assert owner.cookies[DEVICE_COOKIE].value  # her browser is now one she signed in with
    owner.post(reverse("logout"))
    for n in range(4):  # four addresses, five guesses each: twenty failures on the account
        for i in range(5):
            login(Client(), "officer", f"wrong-{n}-{i}", address=f"198.51.100.{n + 1}")
    new_browser = login(Client(), "officer", PASSWORD, address="198.51.100.99")
    assert new_browser.status_code == 429, "a browser that never signed in waits out the account's cool-off"
    assert login(owner, "officer", PASSWORD, address="192.0.2.77").status_code == 302, (
        "the owner's own browser (device cookie) is never locked out by someone else's guesses"
    )


def test_password_spraying_from_one_address_locks_that_address(cast):
    sprayer = Client()
    for i in range(30):  # one wrong password for each of thirty accounts
        login(sprayer, f"user{i}", "Summer2570!", address="203.0.113.5")
    assert login(sprayer, "officer", PASSWORD, address="203.0.113.5").status_code == 429
    assert login(Client(), "officer", PASSWORD, address="203.0.113.6").status_code == 302


def test_a_forged_device_cookie_counts_for_nothing(cast):
    forger = Client()
    forger.cookies[DEVICE_COOKIE] = "eyJpZCI6ImZha2UiLCJhIjpbXX0:forged:signature"
    statuses = [login(forger, "officer", f"wrong-{i}", address="203.0.113.9").status_code for i in range(7)]
    assert statuses == [200] * 5 + [429] * 2


def test_counters_store_no_username_and_no_address(client, cast):
    login(client, "officer", "wrong", address="203.0.113.77")
    stored = " ".join(LoginFailureCounter.objects.values_list("key", flat=True))
    assert LoginFailureCounter.objects.count() == 3  # pair, address, account
    assert "officer" not in stored and "203.0.113.77" not in stored


# ------------------------------------------------------------------------------------------------ passwords


@pytest.mark.parametrize(
    "password",
    [
        "officer2567",  # the user name and a year
        "officer@example.test",  # the e-mail address
        "ita2563ita",  # the system's name and a year
        "อลินดา2570",  # a word of the Thai name
        "กิตติทรงภพ!!",  # the Thai surname
        "Prongsai-2570!",  # the platform's name
        "1234567890",  # digits only
        "password123",  # a common password
        "short",  # too short
    ],
)
def test_guessable_passwords_are_refused_with_a_thai_reason(cast, password):
    with translation.override("th"), pytest.raises(ValidationError) as error:
        validate_password(password, user=cast.officer)
    text = " ".join(error.value.messages)
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in text), text  # the reason is in Thai


def test_a_password_of_ones_own_words_is_accepted(cast):
    validate_password("ต้นมะม่วงหลังบ้าน-ริมคลอง", user=cast.officer)
    validate_password("purple-kettle-on-the-roof", user=cast.officer)


def test_createadmin_checks_the_same_rules(db, monkeypatch, capsys):
    from prongsai.cli import main

    monkeypatch.setenv("ADMIN_PW", "somchai2567")
    assert main(["createadmin", "somchai", "--password-from-env", "ADMIN_PW"]) == 2
    assert "password rejected: รหัสผ่าน" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ password change


def test_every_signed_in_person_can_change_their_own_password(client, cast):
    other_browser = Client()
    other_browser.force_login(cast.staff)
    client.force_login(cast.staff)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "เปลี่ยนรหัสผ่าน" in page.content.decode()

    wrong_old = client.post(
        reverse("password_change"), {"old_password": "nope", "new_password1": "x", "new_password2": "x"}
    )
    assert "ใส่รหัสผ่านเก่าผิด" in wrong_old.content.decode()
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "staff2570staff", "new_password2": "staff2570staff"},
    )
    assert weak.status_code == 200
    assert "รหัสผ่านต้องไม่มีชื่อ ชื่อผู้ใช้ หรืออีเมลของคุณอยู่ในนั้น" in weak.content.decode()
    new = "ระฆังวัดดังไกล-สามโมงเช้า"
    done = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert client.get(reverse("rounds")).status_code == 200, "this browser stays signed in"
    assert other_browser.get(reverse("rounds")).status_code == 302, "other sessions end"
    cast.staff.refresh_from_db()
    assert cast.staff.check_password(new)
    entry = AuditEntry.objects.get(action="change_own_password")
    assert entry.actor == cast.staff and new not in str(entry.changes)


def test_the_old_password_cannot_be_guessed_through_the_change_form(client, cast):
    client.force_login(cast.staff)
    url = reverse("password_change")
    tries = [
        client.post(
            url,
            {
                "old_password": f"guess-{i}",
                "new_password1": "ระฆังวัดดังไกล-สามโมงเช้า",
                "new_password2": "ระฆังวัดดังไกล-สามโมงเช้า",
            },
            REMOTE_ADDR="192.0.2.44",
        )
        for i in range(6)
    ]
    assert all(t.status_code == 200 for t in tries)
    assert "ใส่รหัสผ่านเก่าผิด" in tries[4].content.decode()
    assert THROTTLED_TH in tries[5].content.decode(), "the sixth guess is not even checked"
    right = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "ระฆังวัดดังไกล-สามโมงเช้า", "new_password2": "ระฆังวัดดังไกล-สามโมงเช้า"},
        REMOTE_ADDR="192.0.2.44",
    )
    assert THROTTLED_TH in right.content.decode()
    cast.staff.refresh_from_db()
    assert cast.staff.check_password(PASSWORD), "nothing changed while throttled"


# ------------------------------------------------------------------------------------------------- sessions


def _age_session(client: Client, *, idle: int = 0, since_login: int = 0) -> None:
    session = client.session
    session[SEEN_AT] -= idle
    session[SIGNED_IN_AT] -= since_login
    session.save()


def test_a_session_ends_after_thirty_minutes_without_activity(client, cast):
    client.force_login(cast.officer)
    assert client.get(reverse("rounds")).status_code == 200
    _age_session(client, idle=29 * 60)
    assert client.get(reverse("rounds")).status_code == 200, "29 idle minutes: still signed in"
    _age_session(client, idle=31 * 60)
    response = client.get(reverse("rounds"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "ไม่มีการใช้งานนาน 30 นาที" in response.content.decode()
    assert not signed_in(client)


def test_activity_keeps_a_session_alive_until_the_absolute_maximum(client, cast):
    client.force_login(cast.officer)
    _age_session(client, since_login=11 * 3600)
    assert client.get(reverse("rounds")).status_code == 200, "active, 11 hours after signing in"
    _age_session(client, since_login=3600 + 1)
    response = client.get(reverse("rounds"), follow=True)
    assert "ไม่เกิน 12 ชั่วโมง" in response.content.decode() and not signed_in(client)


def test_the_idle_clock_is_written_at_most_once_a_minute(client, cast):
    client.force_login(cast.officer)
    client.get(reverse("rounds"))
    seen = client.session[SEEN_AT]
    client.get(reverse("rounds"))
    assert client.session[SEEN_AT] == seen
    _age_session(client, idle=61)
    client.get(reverse("rounds"))
    assert client.session[SEEN_AT] >= int(time.time()) - 5
    assert client.session.get_expiry_age() <= 30 * 60


def test_an_expired_session_is_refused_by_the_api_too(client, cast):
    client.force_login(cast.officer)
    assert client.get("/api/rounds").status_code == 200
    _age_session(client, idle=31 * 60)
    assert client.get("/api/rounds").status_code == 401


def test_visitors_who_do_not_sign_in_get_no_session(client, cast):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_cannot_slip_past_the_limit(cast):
    """After one wrong password, twelve attempts at the same moment from that address: exactly four more are let
    through to a password check (the limit is five), whatever the interleaving."""
    import threading

    from django.db import connection, connections
    from django.test import RequestFactory

    from prongsai.web.accounts import throttle

    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite takes its write lock at BEGIN (transaction_mode IMMEDIATE): attempts are serialised "
            "by the database itself; this race is run on PostgreSQL"
        )
    first = RequestFactory().post("/login/", REMOTE_ADDR="203.0.113.50")
    assert throttle.attempt(first, "officer").allowed  # the counters now exist: the race is on updating them
    barrier, allowed, errors = threading.Barrier(12), [], []

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            request = RequestFactory().post("/login/", REMOTE_ADDR="203.0.113.50")
            allowed.append(throttle.attempt(request, "officer").allowed)
        except Exception as exc:  # noqa: BLE001 - reported below, with the others
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(allowed) == [False] * 8 + [True] * 4
