"""Brakes on abuse of the respondent pages that can never lock a school out (docs/surveys.md, "Rate limits").

- **Wrong codes**: at most ``LIMIT`` unknown codes per client address in ``WINDOW`` seconds.  Past that, an
  unknown code is answered 429 with a message for the school's coordinator instead of the "not found" page,
  but **a valid code is always accepted** — never 429 — so a school behind one NAT address keeps working
  whatever its typos.  Only unknown codes count; valid ones cost nothing.
- **Open-link submissions**: at most ``OPEN_LIMIT`` submitted forms per address and link in ``OPEN_WINDOW``
  (a walk-in EIT link cannot be stuffed from one address; each form is also single-use, ``services``).

Counters are rows of ``RateCounter`` updated by one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
(PostgreSQL, SQLite ≥ 3.35): parallel requests cannot slip past a limit, and every app process shares them.
Django's database cache could not do this (its ``incr`` is a read then a write).  The key is an HMAC of the
purpose and the address (the address itself is never stored); the row keeps only a count and the end of its
window.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.db import connection

from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys.models import RateCounter

LIMIT = 10
WINDOW = 600
OPEN_LIMIT = 20
OPEN_WINDOW = 3600


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR.  Behind a reverse proxy listed in PRONGSAI_TRUSTED_PROXIES,
    ``prongsai.web.ops.middleware.TrustedProxyMiddleware`` has already put the address the proxy saw there, and
    removed forwarding headers sent by anyone else (docs/operations.md)."""
    return request.META.get("REMOTE_ADDR", "")


def _key(purpose: str, request) -> str:
    mac = hmac.new(codemod.key(b"ratelimit"), f"{purpose}\x00{client_address(request)}".encode(), hashlib.sha256)
    return mac.hexdigest()


def hit(purpose: str, request, window: int) -> int:
    """Count one event for this client and purpose; the count in the current window, this one included."""
    now = int(time.time())
    q = connection.ops.quote_name
    table, key, expires, count = q(RateCounter._meta.db_table), q("key"), q("expires"), q("count")
    sql = (
        f"INSERT INTO {table} ({key}, {expires}, {count}) VALUES (%s, %s, 1) ON CONFLICT ({key}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{expires} > %s THEN {table}.{count} + 1 ELSE 1 END, "
        f"{expires} = CASE WHEN {table}.{expires} > %s THEN {table}.{expires} ELSE excluded.{expires} END "
        f"RETURNING {count}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_key(purpose, request), now + window, now, now])
        return cursor.fetchone()[0]


# ------------------------------------------------------------------------------------------- wrong codes


def failed(request) -> bool:
    """Count an unknown code; True when this client is now past the limit (answer 429, not "not found")."""
    return hit("code-failed", request, WINDOW) > LIMIT


# ------------------------------------------------------------------------------------ open-link submissions


def open_submit_allowed(request, link_id: int) -> bool:
    """Count one open-link submission from this client; False past ``OPEN_LIMIT`` in the window."""
    return hit(f"open-submit:{link_id}", request, OPEN_WINDOW) <= OPEN_LIMIT


def prune() -> int:
    """Delete counters whose window has ended (cron: ``manage survey_release``)."""
    deleted, _ = RateCounter.objects.filter(expires__lte=int(time.time())).delete()
    return deleted
