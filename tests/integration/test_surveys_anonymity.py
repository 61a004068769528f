"""Anonymity of IIT/EIT responses, proven on the schema and on the stored rows (DESIGN.md, docs/surveys.md).

- the response row holds no code, account, IP address or exact time (a week at most);
- the code row holds no link to the response and no time of use; no table links the two;
- insertion order cannot be joined to code-use order (random UUID keys, codes carry no use order);
- neither the logs, nor the sessions, nor the audit log, nor the cache record a code with answers;
- exports are anonymised.
"""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, models
from django.test import Client

from prongsai.web.audit.models import AuditEntry
from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys import services
from prongsai.web.surveys.exports import responses_sheets, to_csv
from prongsai.web.surveys.models import CodeBatch, HeldResponse, RespondentCode, SurveyResponse
from tests.integration.test_surveys import (
    answer_through_pages,
    choose,
    follow,
    make_codes,
    release_everything,
    short_url,
    submit,
)

pytestmark = pytest.mark.django_db

TIME_FIELDS = (models.DateTimeField, models.TimeField, models.DurationField)


# ---------------------------------------------------------------------------------------------------- schema


def _fields(model) -> dict[str, models.Field]:
    return {f.name: f for f in model._meta.get_fields() if getattr(f, "concrete", False)}


def test_response_schema_holds_nothing_that_identifies():
    fields = _fields(SurveyResponse)
    assert set(fields) == {"id", "round", "agency", "tool", "group", "channel", "week", "answers"}
    for name, field in fields.items():
        assert not isinstance(field, TIME_FIELDS), f"{name}: a time finer than a day"
        assert not isinstance(field, models.GenericIPAddressField), name
        assert "code" not in name and "ip" not in name.split("_") and "user" not in name and "session" not in name
        if field.is_relation:
            assert field.related_model._meta.label in ("rounds.AssessmentRound", "agencies.Agency"), name
    # the key is a random UUID (version 4): it owes nothing to the order of insertion
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].primary_key
    assert fields["id"].default is uuid.uuid4
    assert isinstance(fields["week"], models.DateField)


def test_code_schema_holds_no_link_and_no_time_of_use():
    fields = _fields(RespondentCode)
    assert set(fields) == {"id", "digest", "round", "agency", "batch", "tool", "group", "status", "expires_on"}
    for name, field in fields.items():
        assert not isinstance(field, TIME_FIELDS), f"{name}: a time on the code row"
        if field.is_relation:
            assert field.related_model is not SurveyResponse
    # the batch knows when it was generated (that is not when any code was used) and nothing about use
    assert set(_fields(CodeBatch)) == {
        "id",
        "round",
        "agency",
        "tool",
        "group",
        "size",
        "expires_on",
        "note",
        "created_by",
        "created_at",
    }


def test_no_model_links_codes_and_responses():
    """No relation anywhere points at a response, and no model relates to both a code and a response."""
    for model in apps.get_models():
        related = {f.related_model for f in model._meta.get_fields() if f.is_relation and f.concrete}
        assert SurveyResponse not in related, f"{model._meta.label} points at a response"
        if model is not RespondentCode:
            assert not (RespondentCode in related and SurveyResponse in related), model._meta.label
    reverse = [f for f in SurveyResponse._meta.get_fields() if f.is_relation and not f.concrete]
    assert reverse == []


def test_database_tables_match_the_models():
    """The schema checks above hold for the real table, not only for the model (no stray column)."""
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, SurveyResponse._meta.db_table)
        }
        code_columns = {
            c.name for c in connection.introspection.get_table_description(cursor, RespondentCode._meta.db_table)
        }
    assert columns == {"id", "round_id", "agency_id", "tool", "group", "channel", "week", "answers"}
    assert code_columns == {
        "id",
        "digest",
        "round_id",
        "agency_id",
        "batch_id",
        "tool",
        "group",
        "status",
        "expires_on",
    }


# ------------------------------------------------------------------------------------------------ stored rows


def test_stored_rows_after_a_real_submission(cast, caplog):
    codes = make_codes(cast, count=3)
    clients = {}
    caplog.set_level(logging.DEBUG)
    for code in codes:
        client = Client(REMOTE_ADDR="192.0.2.44")
        if code == codes[0]:
            client.force_login(cast.staff)  # even a signed-in person answers anonymously
        review = answer_through_pages(client, client.get(short_url(code)), choose("IIT"))
        assert follow(client, submit(client, review)).status_code == 200
        clients[code] = client
    release_everything(cast)
    rows = list(SurveyResponse.objects.values())
    assert len(rows) == 3
    dump = repr(rows)
    for code in codes:
        assert code not in dump and codemod.digest(code) not in dump and codemod.grouped(code) not in dump
    assert "192.0.2.44" not in dump and cast.staff.email not in dump  # (its username "staff" is also a group code)
    for row in rows:
        assert row["week"].weekday() == 0  # a Monday: the week, not the day
        assert row["week"] <= services.today()
        assert isinstance(row["id"], uuid.UUID) and row["id"].version == 4
        assert set(row) == {"id", "round_id", "agency_id", "tool", "group", "channel", "week", "answers"}
    # the code rows changed only their status
    assert sorted(RespondentCode.objects.values_list("status", flat=True)) == ["used"] * 3
    # no audit entry for a submission (its exact time would be a link); generating codes is audited
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["generate_codes"]
    # the respondents' browsers keep only the thank-you marker of their form: no session, no answers
    for client in clients.values():
        assert set(client.cookies) <= {"pss", "sessionid", "csrftoken"}  # (the site header's forms set csrftoken)
    # respondents get no session (the one signed-in client keeps only their own login session)
    assert Session.objects.count() == 1
    session = Session.objects.get().get_decoded()
    assert not any(code in repr(session) for code in codes)
    # nothing logged holds a code (at any level, from any logger)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for code in codes:
        assert code not in logged and codemod.grouped(code) not in logged


def test_insertion_order_is_not_the_order_of_use(cast):
    """Listing responses by key gives an order unrelated to submission order (random UUIDs, fresh at release)."""
    codes = make_codes(cast, count=40)
    submitted = []
    for i, code in enumerate(codes):
        answers = choose("IIT", lambda j, f, i=i: (i >> (j % 6)) % 2)
        services.submit_response(services.check_code(code), answers)
        submitted.append(answers)
    release_everything(cast)
    by_key = list(SurveyResponse.objects.order_by("pk").values_list("answers", flat=True))
    canonical = [json.dumps(a, sort_keys=True) for a in by_key]
    submitted = [json.dumps(a, sort_keys=True) for a in submitted]
    assert sorted(canonical) == sorted(submitted) and len(set(submitted)) == 40
    by_key = canonical
    assert by_key != submitted and by_key != submitted[::-1]
    # the code rows give no order of use at all: no column changes except status
    assert set(RespondentCode.objects.values_list("status", flat=True)) == {"used"}


def test_no_log_line_for_failed_codes(client, cast, caplog):
    """404/409/410 pages of the short link would be logged by django.request with the path (the code)."""
    (code,) = make_codes(cast, count=1)
    services.revoke_code(cast.officer, cast.round_2563, cast.samutsakhon, code)
    caplog.set_level(logging.DEBUG)
    assert client.get(short_url(code)).status_code == 410
    assert client.get(short_url("ACDEFGHJKM")).status_code == 404
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert code not in logged and "ACDEFGHJKM" not in logged


def test_respondent_pages_are_not_cached_and_send_no_referrer(client, cast):
    (code,) = make_codes(cast, count=1)
    redirect = client.get(short_url(code))
    page = follow(client, redirect)
    for response in (redirect, page, client.get(short_url("ACDEFGHJKM")), client.get("/surveys/")):
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"  # L12: no URL of a survey page is ever a referrer
    assert set(redirect.cookies) == {"pss"} and set(page.cookies) == set()  # no CSRF cookie, no session


def test_state_carries_answers_only_in_the_browser(client, cast):
    """Between pages the answers live in the signed hidden field: no table or cache entry holds them."""
    (code,) = make_codes(cast, count=1)
    answers = choose("IIT")
    answer_through_pages(client, client.get(short_url(code)), answers)
    assert SurveyResponse.objects.count() == 0 and Session.objects.count() == 0
    assert HeldResponse.objects.count() == 0  # nothing is held before the submit either
    cache_keys = getattr(cache, "_cache", {})
    assert not any("surveys" in str(k) and "fail" not in str(k) for k in cache_keys)


def test_exports_are_anonymised(cast):
    codes = make_codes(cast, count=6)
    for c in codes:
        services.submit_response(services.check_code(c), choose("IIT"))
    release_everything(cast)
    ids = list(SurveyResponse.objects.values_list("pk", flat=True))
    sheet = responses_sheets(cast.round_2563, cast.samutsakhon, "IIT")[0]
    text = to_csv(sheet).decode("utf-8-sig")
    assert "week" not in sheet.header and "id" not in sheet.header
    for pk in ids:
        assert str(pk) not in text and str(pk.hex) not in text
    assert str(services.week_of(services.today())) not in text
    assert [row[0] for row in sheet.rows] == list(range(1, 7))  # a running number, nothing else
