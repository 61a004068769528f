"""The login throttle: wrong passwords are counted, and a client that made too many waits for a cool-off.

The policy (docs/security.md, "Signing in") has to stop guessing without letting an attacker lock a real user
out.  It follows OWASP's "device cookie" scheme:

- A browser where someone signed in to an account successfully receives a signed *device cookie* for it.  When
  such a browser signs in to that account again, its failures are counted for that browser alone
  (``LOGIN_FAILURES_PER_ACCOUNT_ADDRESS`` of them lock that browser out of that account for the cool-off) and no
  other lock applies to it.  An attacker cannot lock the real user out of their usual browser.
- Any other client is counted three ways, and any one of them over its limit refuses it for the cool-off:
  per (account, address) pair, per address (any account: password spraying from one place) and per account
  (any address: a guessing attack spread over many addresses).  The per-account lock therefore only ever holds
  back browsers that never signed in to the account; one address alone cannot reach it, because its own pair
  lock stops counting first.

A refused attempt is not checked at all (no password hashing, no counting): the lock lasts exactly one cool-off
from the failure that set it, and cannot be extended by hammering.  Counters live in the database
(``LoginFailureCounter``), updated under a row lock, so parallel attempts cannot slip past a limit and every app
process shares them.  Keys are HMACs of the user name and address under SECRET_KEY: neither is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from prongsai.web.accounts.models import LoginFailureCounter
from prongsai.web.surveys.ratelimit import client_address

DEVICE_COOKIE = "prongsai_device"
DEVICE_SALT = "prongsai.accounts.device"
DEVICE_DAYS = 365
#: accounts remembered by one browser's device cookie (a shared office computer)
DEVICE_ACCOUNTS = 8


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the earliest lock that applies ends

    @property
    def minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def _cooloff() -> timedelta:
    return timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)


def _mac(*parts: str) -> str:
    message = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(settings.SECRET_KEY.encode(), b"login\x00" + message, hashlib.sha256).hexdigest()[:40]


def _account(username: str) -> str:
    return (username or "").strip().casefold()


# ------------------------------------------------------------------------------------------- device cookie


def _device(request: HttpRequest) -> dict | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=DEVICE_SALT, max_age=timedelta(days=DEVICE_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not isinstance(value.get("a"), list):
        return None
    return value


def _trusted_device_key(request: HttpRequest, username: str) -> str | None:
    """The counter key of this browser for this account, when the browser holds a device cookie for it."""
    device = _device(request)
    account = _mac("account", _account(username))
    if device is None or account not in device["a"]:
        return None
    return "device:" + _mac("device", device["id"], account)


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful sign-in: mark this browser as one the account's owner uses."""
    device = _device(request) or {"id": secrets.token_urlsafe(16), "a": []}
    account = _mac("account", _account(username))
    accounts = [a for a in device["a"] if a != account][-(DEVICE_ACCOUNTS - 1) :] + [account]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps({"id": device["id"], "a": accounts}, salt=DEVICE_SALT),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


# ---------------------------------------------------------------------------------------------- counters


def _keys(request: HttpRequest, username: str, scope: str = "") -> list[tuple[str, int]]:
    """(counter key, limit) pairs that apply to this attempt.  ``scope`` names a separate set of counters (``reset``:
    password-reset requests), so that requests of another kind never lock anyone out of signing in."""
    if not scope:
        device = _trusted_device_key(request, username)
        if device is not None:
            return [(device, settings.LOGIN_FAILURES_PER_ACCOUNT_ADDRESS)]
    account, address = _account(username), client_address(request)
    p = f"{scope}-" if scope else ""
    return [
        (f"{p}pair:" + _mac(f"{p}pair", account, address), settings.LOGIN_FAILURES_PER_ACCOUNT_ADDRESS),
        (f"{p}address:" + _mac(f"{p}address", address), settings.LOGIN_FAILURES_PER_ADDRESS),
        (f"{p}account:" + _mac(f"{p}account", account), settings.LOGIN_FAILURES_PER_ACCOUNT),
    ]


def attempt(request: HttpRequest, username: str, scope: str = "") -> Verdict:
    """Reserve one password attempt for this client and ``username``.

    Refused while any lock that applies holds.  Otherwise the attempt is counted as a failure *before* the
    password is checked, and under row locks, so parallel attempts cannot slip past a limit; ``succeeded`` takes
    the count back when the password was right.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = [(_row(key, now), limit) for key, limit in _keys(request, username, scope)]
        locks = [row.locked_until for row, _ in rows if row.locked_until and row.locked_until > now]
        if locks:
            return Verdict(False, retry_after=int((max(locks) - now).total_seconds()) + 1)
        for row, limit in rows:
            if row.window_started_at <= now - _cooloff():  # a new window
                row.failures, row.window_started_at, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= limit:
                row.locked_until = now + _cooloff()
            row.save()
        # keep the table small: windows that ended long ago and locks that expired are forgotten
        LoginFailureCounter.objects.filter(window_started_at__lt=now - 2 * _cooloff()).exclude(
            locked_until__gt=now
        ).delete()
    return Verdict(True)


def _row(key: str, now: datetime) -> LoginFailureCounter:
    row = LoginFailureCounter.objects.select_for_update().filter(key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():  # a parallel attempt may create the same row first
            return LoginFailureCounter.objects.create(key=key, failures=0, window_started_at=now)
    except IntegrityError:
        return LoginFailureCounter.objects.select_for_update().get(key=key)


def succeeded(request: HttpRequest, username: str) -> None:
    """The password was right: forget this client's own failures for the account, and take this attempt back
    from the address and account totals (which other clients contributed to)."""
    keys = dict(_keys(request, username))
    own = next(iter(keys))  # the device or (account, address) counter
    with transaction.atomic():
        LoginFailureCounter.objects.filter(key=own).delete()
        for row in LoginFailureCounter.objects.select_for_update().filter(key__in=list(keys)[1:], failures__gt=0):
            row.failures -= 1
            if row.failures < keys[row.key]:
                row.locked_until = None
            row.save()
