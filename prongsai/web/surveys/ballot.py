"""The ballot box: submitted answers are held sealed, then released in shuffled batches of at least
``MIN_RESPONDENTS``, so that a reader of the database, its WAL or its backups cannot pair a code with its answers
(docs/surveys.md, "Anonymity against a database reader").

1. ``submit_response`` marks the code used and inserts a ``HeldResponse`` in one transaction (one answer per
   code, nothing lost).  The held row's answers are sealed with AES-GCM under a key derived from the SECRET_KEY,
   which is not in the database: the row that shares the code's transaction id (PostgreSQL ``xmin``, SQLite's
   WAL commit) holds only ciphertext.
2. When a release scope (round, agency, tool, group, channel) holds ``MIN_RESPONDENTS`` rows, ``release_scope``
   runs in its own transaction right after that submit commits: it opens every held row of the scope, deletes
   them, and inserts the responses with fresh random keys **in the order of those keys** (so physical order,
   PostgreSQL ``ctid`` and SQLite ``rowid``, is a random permutation) and one transaction id for the batch.
   On SQLite the deleted cells are zeroed (``secure_delete``) and the WAL is truncated afterwards.
3. A round that stops being open releases what is left, whatever its number (``release_round``, on the round's
   save and before any read of a closed round's answers); ``manage survey_release`` sweeps the same from cron.

``MIN_RESPONDENTS`` is also the floor below which no score, count of options or answer is shown or exported:
the same number everywhere.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction

from prongsai.web.surveys.models import HeldResponse, SurveyResponse

log = logging.getLogger(__name__)

#: the smallest number of respondents whose answers ever become visible together: release batches (k), and the
#: floor of every score, option count, export and respondent-group label of the surveys
MIN_RESPONDENTS = 5

_NONCE = 12  # AES-GCM's standard 96-bit nonce


def _keys() -> list[bytes]:
    """The sealing key from the SECRET_KEY, then one per SECRET_KEY_FALLBACKS entry (opening only)."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hashlib.sha256(b"prongsai.surveys.ballot\x00" + s.encode()).digest() for s in secrets_]


def _aad(round_id: int, agency_id: int, tool: str, group: str, channel: str) -> bytes:
    """The scope is authenticated with the ciphertext: a sealed row moved to another scope does not open."""
    return f"{round_id}|{agency_id}|{tool}|{group}|{channel}".encode()


def seal(payload: dict, *, round_id: int, agency_id: int, tool: str, group: str, channel: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE)
    plain = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return nonce + AESGCM(_keys()[0]).encrypt(nonce, plain, _aad(round_id, agency_id, tool, group, channel))


class Unreadable(Exception):
    """A held row that no current or fallback key opens (the SECRET_KEY was rotated without a fallback)."""


def unseal(sealed: bytes, *, round_id: int, agency_id: int, tool: str, group: str, channel: str) -> dict:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    sealed = bytes(sealed)
    aad = _aad(round_id, agency_id, tool, group, channel)
    for key in _keys():
        try:
            return json.loads(AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], aad))
        except InvalidTag:
            continue
    raise Unreadable


def hold(*, round_id: int, agency_id: int, tool: str, group: str, channel: str, week, answers: dict) -> bool:
    """Insert one held response (inside the caller's transaction); True when its scope can now be released."""
    scope = {"round_id": round_id, "agency_id": agency_id, "tool": tool, "group": group, "channel": channel}
    HeldResponse.objects.create(**scope, sealed=seal({"week": week.isoformat(), "answers": answers}, **scope))
    return HeldResponse.objects.filter(**scope).count() >= MIN_RESPONDENTS


def release_after_commit(round_id: int, agency_id: int, tool: str, group: str, channel: str) -> None:
    """Release the scope in a transaction of its own once the caller's transaction has committed.

    ``robust``: if the release fails (SQLite busy past its timeout, say), the submit has succeeded all the same
    and the error is logged; the scope is released by the next full submit or by ``manage survey_release``.
    """
    transaction.on_commit(lambda: release_scope(round_id, agency_id, tool, group, channel), robust=True)


def _sqlite_secure_delete() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def _sqlite_truncate_wal() -> None:
    """Copy the WAL into the database and truncate it, so that the file holds no history of held rows.

    Waits at most 200 ms for readers (the next release or the sweep tries again), then restores the timeout.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout = 200")
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


def _release(rows: list[HeldResponse]) -> int:
    """Delete ``rows`` and insert their responses, shuffled by fresh random keys (inside a transaction)."""
    responses, opened = [], []
    for row in rows:
        scope = {"round_id": row.round_id, "agency_id": row.agency_id, "tool": row.tool, "group": row.group,
                 "channel": row.channel}
        try:
            payload = unseal(row.sealed, **scope)
        except Unreadable:
            log.error("a held survey response cannot be opened with the SECRET_KEY or its fallbacks; left held")
            continue
        opened.append(row.pk)
        responses.append(SurveyResponse(id=uuid.uuid4(), week=payload["week"], answers=payload["answers"],
                                        **scope))
    if not responses:
        return 0
    responses.sort(key=lambda r: r.id.bytes)  # insertion (physical) order = the order of the random keys
    _sqlite_secure_delete()
    HeldResponse.objects.filter(pk__in=opened).delete()
    SurveyResponse.objects.bulk_create(responses)
    return len(responses)


def _locked(queryset):
    """Held rows that no other release is taking (PostgreSQL: SKIP LOCKED; SQLite writes one at a time)."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


def release_scope(round_id: int, agency_id: int, tool: str, group: str, channel: str, *,
                  minimum: int = MIN_RESPONDENTS) -> int:
    """Release the held responses of one scope if at least ``minimum`` are there; how many were released."""
    with transaction.atomic():
        rows = list(_locked(HeldResponse.objects.filter(round_id=round_id, agency_id=agency_id, tool=tool,
                                                        group=group, channel=channel)))
        released = _release(rows) if rows and len(rows) >= minimum else 0
    if released:
        _sqlite_truncate_wal()
    return released


def release_round(round_id: int, agency_ids: Iterable[int] | None = None) -> int:
    """Release everything held for a round that is no longer open (any number per scope: the round is over).

    Everything of the round (or of the given agencies) goes in one transaction, so the last answers of all
    groups and channels of an agency become visible together.
    """
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus

    with transaction.atomic():
        if AssessmentRound.objects.filter(pk=round_id, status=RoundStatus.OPEN).exists():
            return 0
        held = HeldResponse.objects.filter(round_id=round_id)
        if agency_ids is not None:
            held = held.filter(agency_id__in=list(agency_ids))
        rows = list(_locked(held))
        released = _release(rows) if rows else 0
    if released:
        _sqlite_truncate_wal()
    return released


def sweep() -> dict[str, int]:
    """What cron (``manage survey_release``) runs: full scopes of open rounds, everything of other rounds."""
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus

    released = {"ready": 0, "closed": 0}
    scopes = HeldResponse.objects.values_list("round_id", "agency_id", "tool", "group", "channel").distinct()
    open_rounds = set(AssessmentRound.objects.filter(status=RoundStatus.OPEN).values_list("pk", flat=True))
    for round_id, agency_id, tool, group, channel in list(scopes):
        if round_id in open_rounds:
            released["ready"] += release_scope(round_id, agency_id, tool, group, channel)
    for round_id in {s[0] for s in scopes} - open_rounds:
        released["closed"] += release_round(round_id)
    _sqlite_truncate_wal()
    return released


def held_counts(round_, agency=None) -> dict[tuple, int]:
    """Held responses per (agency id, tool, group) of a round: they count towards progress, not scores."""
    from django.db.models import Count

    rows = HeldResponse.objects.filter(round=round_)
    if agency is not None:
        rows = rows.filter(agency=agency)
    return {(r["agency"], r["tool"], r["group"]): r["n"]
            for r in rows.values("agency", "tool", "group").annotate(n=Count("id"))}
