"""The JSON API: authentication (token or session), scope, published vs unpublished results, ranks, schema."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import NoReverseMatch, reverse

from prongsai.web.agencies.models import Agency, AgencyKind
from prongsai.web.api.models import APIToken
from prongsai.web.api.services import issue_api_token, revoke_api_token, token_hash
from prongsai.web.audit.models import AuditEntry
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound, RoundStatus


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def as_(user) -> Client:
    """A client authenticated with a fresh token of ``user`` (the way scripts use the API)."""
    return bearer(issue_api_token(user, user, "tests"))


def get(client: Client, url: str, status: int = 200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    return response.json()


def items(client: Client, url: str, **params) -> list[dict]:
    body = get(client, url, **params)
    assert body["count"] == len(body["items"])  # the whole list fits one page in every test here
    return body["items"]


def codes(rows: list[dict], key: str = "agency") -> set[str]:
    return {row[key] for row in rows}


@pytest.fixture
def unpublished(cast):
    """Results of the open (unpublished) 2563 round for both offices: each must stay inside its own scope."""
    for agency, total in ((cast.samutsakhon, "70.00"), (cast.other_office, "75.50")):
        AgencyResult.objects.create(
            round=cast.round_2563,
            agency=agency,
            source=ResultSource.OFFICIAL,
            iit=Decimal(total),
            eit=Decimal(total),
            oit=Decimal(total),
            total=Decimal(total),
            level="C",
        )
    return cast


# --- health, schema, docs -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_login():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()["checks"]) == {"database", "disk", "tasks"}
    assert reverse("healthz") == "/healthz"


@pytest.mark.django_db
def test_openapi_schema_is_served_and_documents_both_auth_methods():
    schema = get(Client(), "/api/openapi.json")
    assert schema["info"]["title"] == "Prongsai API"
    for path in (
        "/api/agencies",
        "/api/agencies/{code}",
        "/api/agencies/{code}/results",
        "/api/rounds",
        "/api/rounds/{round_id}",
        "/api/rounds/{round_id}/results",
        "/api/rounds/{round_id}/rankings",
    ):
        assert set(schema["paths"][path]) == {"get"}, path  # read-only
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


@pytest.mark.django_db
def test_docs_page_never_loads_anything_from_a_cdn():
    """Swagger UI is served from django-ninja's own static files, or not at all (schema only)."""
    try:
        url = reverse("api:openapi-view")
    except NoReverseMatch:
        assert Client().get("/api/docs").status_code == 404
        return
    page = Client().get(url).content.decode()
    assert "swagger-ui-bundle.js" in page
    assert not re.search(r"(src|href)=[\"'](https?:)?//", page), "the docs page loads something from outside"
    assert '"validatorUrl": null' in page  # no badge fetched from validator.swagger.io


# --- authentication ----------------------------------------------------------------------------------------

ENDPOINTS = [
    "/api/agencies",
    "/api/agencies/ESA-SKN",
    "/api/agencies/ESA-SKN/results",
    "/api/rounds",
    "/api/rounds/{r}",
    "/api/rounds/{r}/results",
    "/api/rounds/{r}/rankings",
]


def test_every_endpoint_needs_a_caller(cast):
    token = issue_api_token(cast.officer, cast.officer, "revoked soon")
    revoke_api_token(cast.officer, APIToken.objects.get(token_hash=token_hash(token)))
    callers = {
        "anonymous": Client(),
        "unknown token": bearer("prongsai_" + "x" * 43),
        "not a prongsai token": bearer("abc"),
        "revoked token": bearer(token),
        "basic auth": Client(headers={"Authorization": "Basic b2ZmaWNlcjpwYXNz"}),
    }
    for endpoint in ENDPOINTS:
        url = endpoint.format(r=cast.round_2562.pk)
        for name, client in callers.items():
            response = client.get(url)
            assert response.status_code == 401, (name, url, response.status_code)
            assert response.json() == {"detail": "Unauthorized"}


def test_session_and_token_give_the_same_answer(cast):
    by_session = get(session(cast.officer), "/api/agencies")
    by_token = get(as_(cast.officer), "/api/agencies")
    assert by_session == by_token
    assert codes(by_session["items"], "code") == {"ESA-SKN", "SCH-SKN-001"}


def test_token_of_an_inactive_user_is_refused(cast):
    client = as_(cast.officer)
    assert client.get("/api/rounds").status_code == 200
    cast.officer.is_active = False
    cast.officer.save()
    assert client.get("/api/rounds").status_code == 401


def test_issuing_a_token_stores_only_its_hash_and_audits(cast):
    token = issue_api_token(cast.officer, cast.officer, "รายงานประจำเดือน")
    assert token.startswith("prongsai_") and len(token) >= 50
    stored = APIToken.objects.get(user=cast.officer)
    assert stored.token_hash == token_hash(token) and len(stored.token_hash) == 64
    assert stored.name == "รายงานประจำเดือน" and not stored.revoked and stored.last_used_at is None
    every_value = json.dumps(list(APIToken.objects.values()), default=str)
    entry = AuditEntry.objects.get(action="issue_api_token")
    assert token not in every_value
    assert token not in entry.summary + json.dumps(entry.changes) and stored.token_hash not in json.dumps(entry.changes)
    assert entry.actor == cast.officer and entry.object_id == str(stored.pk)
    assert entry.changes == {"user": "officer", "name": "รายงานประจำเดือน", "expires_at": stored.expires_at.isoformat()}

    assert bearer(token).get("/api/rounds").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_who_may_issue_and_revoke_tokens(cast):
    with pytest.raises(PermissionDenied):
        issue_api_token(cast.staff, cast.officer, "not mine")
    with pytest.raises(PermissionDenied):
        issue_api_token(cast.other_officer, cast.officer, "other office")
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        issue_api_token(AnonymousUser(), cast.officer, "anonymous")
    with pytest.raises(ValidationError):
        issue_api_token(cast.officer, cast.officer, "  ")
    token = issue_api_token(cast.central, cast.officer, "set up by the central office")
    stored = APIToken.objects.get(token_hash=token_hash(token))
    assert stored.user == cast.officer
    with pytest.raises(PermissionDenied):
        revoke_api_token(cast.staff, stored)
    revoke_api_token(cast.officer, stored)
    assert AuditEntry.objects.filter(action="revoke_api_token", object_id=str(stored.pk)).count() == 1
    assert bearer(token).get("/api/rounds").status_code == 401


# --- agencies ----------------------------------------------------------------------------------------------


def test_agencies_reach_the_membership_subtree(cast):
    expected = {
        "central": {"OBEC", "ESA-SKN", "SCH-SKN-001", "ESA-OTHER"},
        "director": {"ESA-SKN", "SCH-SKN-001"},
        "officer": {"ESA-SKN", "SCH-SKN-001"},
        "staff": {"ESA-SKN", "SCH-SKN-001"},
        "viewer": {"ESA-SKN", "SCH-SKN-001"},
        "assessor": set(),
        "other_officer": {"ESA-OTHER"},
    }
    for role, visible in expected.items():
        client = as_(getattr(cast, role))
        assert codes(items(client, "/api/agencies"), "code") == visible, role
        for code in {"OBEC", "ESA-SKN", "SCH-SKN-001", "ESA-OTHER"}:
            assert client.get(f"/api/agencies/{code}").status_code == (200 if code in visible else 403), (role, code)
        assert client.get("/api/agencies/NO-SUCH").status_code == 404


def test_agency_detail_and_filters(cast):
    client = as_(cast.central)
    school = get(client, "/api/agencies/SCH-SKN-001")
    assert school == {
        "code": "SCH-SKN-001",
        "name_th": "โรงเรียนวัดตัวอย่าง",
        "name_en": "",
        "short_name": "",
        "display_name": "โรงเรียนวัดตัวอย่าง",
        "kind": "school",
        "subkind": "",
        "parent": "ESA-SKN",
        "province": "สมุทรสาคร",
        "region": "central",
        "website": "",
        "is_synthetic": False,
        "is_active": True,
    }
    assert codes(items(client, "/api/agencies", kind="esa"), "code") == {"ESA-SKN", "ESA-OTHER"}
    assert codes(items(client, "/api/agencies", parent="ESA-SKN"), "code") == {"SCH-SKN-001"}
    assert codes(items(client, "/api/agencies", q="สมุทรสาคร"), "code") == {"ESA-SKN"}
    assert client.get("/api/agencies", {"kind": "planet"}).status_code == 422
    page = get(client, "/api/agencies", limit=1, offset=1)
    assert page["count"] == 4 and len(page["items"]) == 1


# --- rounds ------------------------------------------------------------------------------------------------


def test_rounds_are_readable_by_everyone_signed_in(cast):
    draft = AssessmentRound.objects.create(
        framework_id="ita-2564", fiscal_year=2564, name_th="ร่าง 2564", status=RoundStatus.DRAFT
    )
    for role in ("central", "officer", "assessor", "other_officer"):
        client = as_(getattr(cast, role))
        assert [r["fiscal_year"] for r in items(client, "/api/rounds")] == [2564, 2563, 2562], role
        assert get(client, f"/api/rounds/{draft.pk}")["status"] == "draft"
    officer = as_(cast.officer)
    one = get(officer, f"/api/rounds/{cast.round_2562.pk}")
    assert one["framework_id"] == "ita-2562-esa" and one["status"] == "closed" and one["results_published"]
    assert one["agency_kinds"] == ["esa"] and one["phases"] == []
    assert officer.get("/api/rounds/999999").status_code == 404
    assert officer.get("/api/rounds/999999/results").status_code == 404
    assert officer.get("/api/rounds/999999/rankings").status_code == 404


# --- results -----------------------------------------------------------------------------------------------


def test_scores_are_numbers_with_two_decimals(cast):
    response = as_(cast.officer).get("/api/agencies/ESA-SKN/results")
    assert b'"total": 91.25' in response.content and b'"9": 86.81' in response.content
    (row,) = response.json()["items"]
    assert row["total"] == 91.25 and row["level"] == "A" and row["source"] == "official"
    assert (row["iit"], row["eit"], row["oit"]) == (98.52, 92.41, 84.93)
    assert row["indicators"]["10"] == 83.04 and len(row["indicators"]) == 10
    assert row["round"] == cast.round_2562.pk and row["fiscal_year"] == 2562 and row["published"] is True


def test_unpublished_results_stay_inside_their_scope(unpublished):
    cast = unpublished
    r2562, r2563 = cast.round_2562.pk, cast.round_2563.pk
    expected_2563 = {
        "central": {"ESA-SKN", "ESA-OTHER"},
        "director": {"ESA-SKN"},
        "officer": {"ESA-SKN"},
        "staff": {"ESA-SKN"},
        "viewer": {"ESA-SKN"},
        "assessor": set(),
        "other_officer": {"ESA-OTHER"},
    }
    for role, visible in expected_2563.items():
        client = as_(getattr(cast, role))
        assert codes(items(client, f"/api/rounds/{r2563}/results")) == visible, role
        # the published 2562 round shows every agency to everyone
        assert codes(items(client, f"/api/rounds/{r2562}/results")) == {"ESA-SKN", "ESA-OTHER"}, role
        # through the agency too: another office's unpublished year is not there
        years = [r["fiscal_year"] for r in items(client, "/api/agencies/ESA-SKN/results")]
        assert years == ([2563, 2562] if "ESA-SKN" in visible else [2562]), role
        # and through the ranking
        ranked = items(client, f"/api/rounds/{r2563}/rankings")
        assert codes(ranked) == visible, role
    # nothing of the other office's 2563 result leaks anywhere in the officer's answers
    officer = as_(cast.officer)
    for url in (
        "/api/agencies",
        f"/api/rounds/{r2563}/results",
        f"/api/rounds/{r2563}/rankings",
        "/api/agencies/ESA-OTHER/results",
    ):
        assert b"75.5" not in officer.get(url).content, url


def test_round_results_order_and_filters(cast):
    client = as_(cast.central)
    rows = items(client, f"/api/rounds/{cast.round_2562.pk}/results")
    assert [(r["agency"], r["total"]) for r in rows] == [("ESA-SKN", 91.25), ("ESA-OTHER", 80.0)]
    assert items(client, f"/api/rounds/{cast.round_2562.pk}/results", kind="school") == []
    assert items(client, f"/api/rounds/{cast.round_2562.pk}/results", source="computed") == []
    assert len(items(client, f"/api/rounds/{cast.round_2562.pk}/results", region="central")) == 2
    _office("ESA-NONE", "", cast.round_2562)  # no total: listed last on every database
    rows = items(client, f"/api/rounds/{cast.round_2562.pk}/results")
    assert [(r["agency"], r["total"]) for r in rows] == [("ESA-SKN", 91.25), ("ESA-OTHER", 80.0), ("ESA-NONE", None)]
    page = get(client, f"/api/rounds/{cast.round_2562.pk}/results", limit=2, offset=1)
    assert page["count"] == 3 and [r["agency"] for r in page["items"]] == ["ESA-OTHER", "ESA-NONE"]


# --- rankings ----------------------------------------------------------------------------------------------


def _office(code: str, total: str, round_, region: str = "central", kind: str = AgencyKind.ESA):
    agency = Agency.objects.create(
        code=code, name_th=f"หน่วยงาน {code}", kind=kind, region=region, parent=Agency.objects.get(code="OBEC")
    )
    AgencyResult.objects.create(round=round_, agency=agency, total=Decimal(total) if total else None, level="B")
    return agency


def test_rankings_are_competition_ranks_within_kind_and_region(cast):
    r = cast.round_2562
    _office("ESA-TIE", "80.00", r)
    _office("ESA-NORTH", "95.00", r, region="north")
    _office("ESA-NONE", "", r)
    _office("SCH-X", "60.00", r, kind=AgencyKind.SCHOOL)
    url = f"/api/rounds/{r.pk}/rankings"
    for role in ("central", "assessor", "other_officer"):  # published: everyone sees the whole ranking
        rows = items(as_(getattr(cast, role)), url)
        assert [(x["agency"], x["rank"]) for x in rows] == [
            ("ESA-NORTH", 1),
            ("ESA-SKN", 2),
            ("ESA-OTHER", 3),
            ("ESA-TIE", 3),
            ("ESA-NONE", None),
            ("SCH-X", 1),
        ]
    client = as_(cast.officer)
    rows = items(client, url, kind="esa", region="central")
    assert [(x["agency"], x["rank"], x["total"]) for x in rows] == [
        ("ESA-SKN", 1, 91.25),
        ("ESA-OTHER", 2, 80.0),
        ("ESA-TIE", 2, 80.0),
        ("ESA-NONE", None, None),
    ]
    assert rows[0]["level"] == "A" and rows[0]["iit"] == 98.52
    assert items(client, url, kind="school") == [{**items(client, url, kind="school")[0], "rank": 1}]
    assert items(client, url, source="computed") == []


def test_unpublished_ranking_shows_only_own_rows_without_a_rank(unpublished):
    """Before publication an office sees its own row but no rank: a rank would compare it with the others'
    unpublished totals (security-reliability.md M9).  The central admin sees every row and rank."""
    cast = unpublished
    url = f"/api/rounds/{cast.round_2563.pk}/rankings"
    assert [(x["agency"], x["rank"], x["total"]) for x in items(as_(cast.officer), url)] == [("ESA-SKN", None, 70.0)]
    assert [(x["agency"], x["rank"]) for x in items(as_(cast.other_officer), url)] == [("ESA-OTHER", None)]
    assert [(x["agency"], x["rank"]) for x in items(as_(cast.central), url)] == [("ESA-OTHER", 1), ("ESA-SKN", 2)]
    assert items(as_(cast.assessor), url) == []
