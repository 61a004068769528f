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

import datetime
import functools
import hashlib
import logging
import os
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction

from prongsai.web.surveys.models import HeldResponse, SurveyResponse

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

#: the smallest number of respondents whose answers ever become visible together: release batches (k), and the
#: floor of every score, option count, export and respondent-group label of the surveys
MIN_RESPONDENTS = 5

_NONCE = 12  # AES-GCM's standard 96-bit nonce


def _keys() -> tuple[bytes, ...]:
    """The sealing key from the SECRET_KEY, then one per SECRET_KEY_FALLBACKS entry (opening only)."""
    return _derive(settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())))


@functools.lru_cache(maxsize=8)
def _derive(secret: str, fallbacks: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(hashlib.sha256(b"prongsai.surveys.ballot\x00" + s.encode()).digest() for s in (secret, *fallbacks))


def _aad(round_id: int, agency_id: int, tool: str, group: str, channel: str) -> bytes:
    """The scope is authenticated with the ciphertext: a sealed row moved to another scope does not open."""
    return f"{round_id}|{agency_id}|{tool}|{group}|{channel}".encode()


#: one character per answer: the option's index (no scale has more than 36 options)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@functools.lru_cache(maxsize=64)
def answer_spec(framework, tool: str) -> tuple[tuple[str, int], ...]:
    """(field code, number of options) of every answer field of a tool, in order (built once per edition)."""
    spec = tuple((f.code, len(f.scale.options)) for f in framework.answer_fields(tool))
    assert all(n <= len(_DIGITS) for _code, n in spec), "a scale with more than 36 options"
    return spec


def pack(week: datetime.date, answers: dict[str, int], spec) -> bytes:
    """``2026-11-30:40213…``: the week and one character per answer field in the edition's order — the same
    length for every respondent of a tool, and about 60 bytes instead of 700 of JSON."""
    return (week.isoformat() + ":" + "".join(_DIGITS[answers[code]] for code, _n in spec)).encode()


def unpack(plain: bytes, spec) -> tuple[datetime.date, dict[str, int]]:
    week, _sep, digits = plain.decode().partition(":")
    if len(digits) != len(spec):
        raise Unreadable
    return datetime.date.fromisoformat(week), {code: _DIGITS.index(ch) for (code, _n), ch in zip(spec, digits)}


@functools.lru_cache(maxsize=8)
def _cipher(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def seal(plain: bytes, *, round_id: int, agency_id: int, tool: str, group: str, channel: str) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + _cipher(_keys()[0]).encrypt(nonce, plain, _aad(round_id, agency_id, tool, group, channel))


class Unreadable(Exception):
    """A held row that no current or fallback key opens (the SECRET_KEY was rotated without a fallback)."""


def unseal(sealed: bytes, *, round_id: int, agency_id: int, tool: str, group: str, channel: str) -> bytes:
    from cryptography.exceptions import InvalidTag

    sealed = bytes(sealed)
    aad = _aad(round_id, agency_id, tool, group, channel)
    for key in _keys():
        try:
            return _cipher(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], aad)
        except InvalidTag:
            continue
    raise Unreadable


def seal_answers(framework, scope: dict, week: datetime.date, answers: dict[str, int]) -> bytes:
    """The sealed form of one respondent's week and answers, for ``scope`` (round, agency, tool, group, channel)."""
    return seal(pack(week, answers, answer_spec(framework, scope["tool"])), **scope)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _scope_sql() -> str:
    return 'round_id = %s AND agency_id = %s AND tool = %s AND "group" = %s AND channel = %s'


def hold_sealed(scope: dict, sealed: bytes) -> int:
    """Insert a sealed held response (inside the caller's transaction); how many its scope now holds.

    Two plain statements (this is the hot path of every submission; the ORM would spend more CPU building them
    than the database spends running them).
    """
    values = [scope["round_id"], scope["agency_id"], scope["tool"], scope["group"], scope["channel"]]
    key = HeldResponse._meta.pk.get_db_prep_value(uuid.uuid4(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {_table(HeldResponse)} (id, round_id, agency_id, tool, "group", channel, sealed) '
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [key, *values, sealed],
        )
        cursor.execute(f"SELECT count(*) FROM {_table(HeldResponse)} WHERE {_scope_sql()}", values)
        return cursor.fetchone()[0]


#: a count no query reaches: see ``_hot_cursor``
_NEVER = 2**31 - 1


def _hot_cursor() -> psycopg.Cursor:
    """A psycopg cursor on Django's connection whose ``prepare=True`` statements are really prepared.

    Django opens psycopg connections with ``prepare_threshold=None``, which turns preparation off, so
    ``execute(..., prepare=True)`` alone was parsed and planned anew on every submission (about 0.7 ms of
    PostgreSQL CPU for the submit's statement, more than running it; issue 14).  A threshold no query reaches
    prepares exactly the statements asked for with ``prepare=True`` (the hot statements of this module), once per
    connection, and leaves every ORM query as Django sends it.
    """
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _NEVER
        # and plan them once: PostgreSQL re-plans a prepared statement whenever it guesses that a plan for the
        # actual values would be cheaper, which for the release's arrays is always (planning cost more than
        # running it).  Only prepared statements are affected, i.e. only these: Django binds every other
        # query's values on the client side, and the threshold above keeps psycopg from preparing them.
        with psycopg.Cursor(raw) as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
    return psycopg.Cursor(raw)


def use_code_and_hold_pg(code_sql: str, code_params: list, scope: dict, sealed: bytes) -> tuple[int, int]:
    """PostgreSQL: the code's conditional update, the held insert and the scope's count as ONE statement.

    In autocommit mode one statement is one transaction: a single round trip instead of five (BEGIN, UPDATE,
    INSERT, SELECT, COMMIT), prepared once per connection (server-side binding), so that a submission costs the
    database and the app little more than any page.  The data-modifying CTEs run on one snapshot: the UPDATE
    waits for a concurrent use of the same code and re-checks it (one answer per code, as in the plain path);
    the INSERT happens only if the UPDATE changed the row; the count does not see the row inserted by the same
    statement, hence ``+ inserted``.  Returns (codes changed: 1 or 0, held in the scope afterwards).
    """
    sql = _use_and_hold_text(code_sql)
    values = [scope["round_id"], scope["agency_id"], scope["tool"], scope["group"], scope["channel"]]
    params = [*code_params, uuid.uuid4(), *values, sealed, *values]
    with connection.wrap_database_errors, _hot_cursor() as cursor:
        cursor.execute(sql, params, prepare=True)
        inserted, before = cursor.fetchone()  # type: ignore[misc]  # an INSERT/UPDATE ... RETURNING gives one row
    return inserted, before + inserted


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


@functools.lru_cache(maxsize=4)
def _use_and_hold_text(code_sql: str) -> str:
    return (
        f"WITH used AS ({code_sql} RETURNING 1), "
        f'held AS (INSERT INTO {_table(HeldResponse)} (id, round_id, agency_id, tool, "group", channel, sealed) '
        f"SELECT %s, %s, %s, %s, %s, %s, %s FROM used RETURNING 1) "
        f"SELECT (SELECT count(*) FROM held), "
        f"(SELECT count(*) FROM {_table(HeldResponse)} WHERE {_scope_sql()})"
    )


def _open_all(rows) -> tuple[list[tuple], list]:
    """Open taken held rows: the responses to insert as column values (key bytes first, for sorting; then id,
    round, agency, tool, group, channel, week, answers), and the rows no key opens (put back)."""
    from prongsai.core.framework import load_framework
    from prongsai.web.rounds.models import AssessmentRound

    native_uuid = connection.features.has_native_uuid_field
    editions = dict(AssessmentRound.objects.filter(pk__in={r[1] for r in rows}).values_list("pk", "framework_id"))
    responses, unreadable = [], []
    for key, round_id, agency_id, tool, group, channel, sealed in rows:
        try:
            plain = unseal(sealed, round_id=round_id, agency_id=agency_id, tool=tool, group=group, channel=channel)
            week, answers = unpack(plain, answer_spec(load_framework(editions[round_id]), tool))
        except (Unreadable, KeyError, ValueError):
            log.error("a held survey response cannot be opened with the SECRET_KEY or its fallbacks; left held")
            unreadable.append((key, round_id, agency_id, tool, group, channel, sealed))
            continue
        fresh = uuid.uuid4()
        responses.append(
            (
                fresh.bytes,
                fresh if native_uuid else fresh.hex,
                round_id,
                agency_id,
                tool,
                group,
                channel,
                connection.ops.adapt_datefield_value(week),
                connection.ops.adapt_json_value(answers, None),
            )
        )
    return responses, unreadable


def _take_and_release(where: str, params: list, minimum: int) -> int:
    """Inside a transaction: delete the held rows matching ``where`` (skipping rows another release has locked);
    if at least ``minimum`` were taken, insert their responses shuffled by fresh random keys, else roll back."""
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    table = _table(HeldResponse)
    _sqlite_secure_delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {where}{skip_locked}) "
            'RETURNING id, round_id, agency_id, tool, "group", channel, sealed',
            params,
        )
        rows = cursor.fetchall()
    if not rows or len(rows) < minimum:
        transaction.set_rollback(True)
        return 0
    responses, unreadable = _open_all(rows)
    if unreadable:  # put back what cannot be opened (a rotated SECRET_KEY without its fallback)
        HeldResponse.objects.bulk_create(
            [
                HeldResponse(id=r[0], round_id=r[1], agency_id=r[2], tool=r[3], group=r[4], channel=r[5], sealed=r[6])
                for r in unreadable
            ]
        )
    if not responses:
        return 0
    responses.sort()  # insertion (physical) order = the order of the fresh random keys (their bytes)
    row = "(%s, %s, %s, %s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {_table(SurveyResponse)} (id, round_id, agency_id, tool, "group", channel, '
            "week, answers) VALUES " + ", ".join([row] * len(responses)),
            [value for r in responses for value in r[1:]],
        )
    return len(responses)


@functools.lru_cache(maxsize=4)
def _release_pg_text() -> tuple[str, str]:
    """The release's two statements.  The arrays are sent in binary (``%(x)b``): in psycopg's text format every
    quote of the answers' JSON is escaped by a regular expression, which cost more CPU than the rest of the
    release (issue 14)."""
    held, responses = _table(HeldResponse), _table(SurveyResponse)
    read = (
        f'SELECT h.id, h.round_id, h.agency_id, h.tool, h."group", h.channel, h.sealed, r.framework_id '
        f"FROM {held} h JOIN rounds_assessmentround r ON r.id = h.round_id "
        f'WHERE h.round_id = %s AND h.agency_id = %s AND h.tool = %s AND h."group" = %s AND h.channel = %s'
    )
    move = (
        f"WITH present AS (SELECT id FROM {held} WHERE id = ANY(%(ids)b::uuid[]) FOR UPDATE), "
        f"taken AS (DELETE FROM {held} WHERE id = ANY(%(ids)b::uuid[]) "
        f"AND (SELECT count(*) FROM present) = %(n)s RETURNING 1), "
        f'added AS (INSERT INTO {responses} (id, round_id, agency_id, tool, "group", channel, week, answers) '
        f"SELECT n.id, n.round_id, n.agency_id, n.tool, n.grp, n.channel, n.week, n.answers::jsonb "
        f"FROM unnest(%(keys)b::uuid[], %(rounds)b::bigint[], %(agencies)b::bigint[], %(tools)b::text[], "
        f"%(groups)b::text[], %(channels)b::text[], %(weeks)b::date[], %(answers)b::text[]) "
        f"WITH ORDINALITY AS n(id, round_id, agency_id, tool, grp, channel, week, answers, position) "
        f"WHERE (SELECT count(*) FROM present) = %(n)s ORDER BY n.position RETURNING 1) "
        f"SELECT (SELECT count(*) FROM taken), (SELECT count(*) FROM added)"
    )
    return read, move


def _release_scope_pg(scope: list, minimum: int) -> int:
    """PostgreSQL, outside a transaction: a release in two prepared statements and no BEGIN/COMMIT.

    1. read the scope's held rows (and their round's edition), open them here;
    2. one statement: lock those rows, and only if every one of them is still there (no other release took
       one meanwhile) delete them and insert the responses from arrays in the order of their fresh keys; if
       another release got there first, nothing is deleted and nothing inserted.
    """
    import json

    from prongsai.core.framework import load_framework

    read, move = _release_pg_text()
    with connection.wrap_database_errors, _hot_cursor() as cursor:
        rows = cursor.execute(read, scope, prepare=True).fetchall()
        if len(rows) < minimum:
            return 0
        opened, ids = [], []
        for key, round_id, agency_id, tool, group, channel, sealed, edition in rows:
            try:
                plain = unseal(sealed, round_id=round_id, agency_id=agency_id, tool=tool, group=group, channel=channel)
                week, answers = unpack(plain, answer_spec(load_framework(edition), tool))
            except (Unreadable, ValueError):
                log.error("a held survey response cannot be opened with the SECRET_KEY or its fallbacks; left held")
                continue
            ids.append(key)
            opened.append(
                (
                    uuid.uuid4(),
                    round_id,
                    agency_id,
                    tool,
                    group,
                    channel,
                    week,
                    json.dumps(answers, separators=(",", ":")),
                )
            )
        if len(ids) < minimum:
            return 0
        opened.sort(key=lambda r: r[0].bytes)  # insertion (physical) order = the order of the fresh keys
        columns = list(zip(*opened))
        params = {
            "ids": ids,
            "n": len(ids),
            "keys": list(columns[0]),
            "rounds": list(columns[1]),
            "agencies": list(columns[2]),
            "tools": list(columns[3]),
            "groups": list(columns[4]),
            "channels": list(columns[5]),
            "weeks": list(columns[6]),
            "answers": list(columns[7]),
        }
        # (mypy) an INSERT/UPDATE ... RETURNING gives one row
        taken, added = cursor.execute(move, params, prepare=True).fetchone()  # type: ignore[misc]
    return added if taken == added == len(ids) else 0


def release_scope(
    round_id: int, agency_id: int, tool: str, group: str, channel: str, *, minimum: int = MIN_RESPONDENTS
) -> int:
    """Release the held responses of one scope if at least ``minimum`` are there; how many were released."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _release_scope_pg([round_id, agency_id, tool, group, channel], minimum)
    with transaction.atomic():
        released = _take_and_release(_scope_sql(), [round_id, agency_id, tool, group, channel], minimum)
    if released:
        _sqlite_truncate_wal()
    return released


def release_round(round_id: int, agency_ids: Iterable[int] | None = None) -> int:
    """Release everything held for a round that is no longer open (any number per scope: the round is over).

    Everything of the round (or of the given agencies) goes in one transaction, so the last answers of all
    groups and channels of an agency become visible together.
    """
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus

    if AssessmentRound.objects.filter(pk=round_id, status=RoundStatus.OPEN).exists():
        return 0
    where, params = "round_id = %s", [round_id]
    if agency_ids is not None:
        ids = [int(a) for a in agency_ids]
        where += f" AND agency_id IN ({', '.join(['%s'] * len(ids))})" if ids else " AND FALSE"
        params += ids
    if not HeldResponse.objects.filter(round_id=round_id).exists():
        return 0
    with transaction.atomic():
        released = _take_and_release(where, params, 1)
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
    return {
        (r["agency"], r["tool"], r["group"]): r["n"]
        for r in rows.values("agency", "tool", "group").annotate(n=Count("id"))
    }
