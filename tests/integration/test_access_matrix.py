"""Who may open what: every named URL of the project × every role of the cast → the expected answer.

``MATRIX`` maps a URL name (``namespace:name`` inside a namespace) to one case or a tuple of cases; a case says how
to build the URL from the cast, which method to use, and what each role gets:

    200 / 401 / 403 / 404   that status
    LOGIN                   302 to the login page (anonymous visitor of an HTML page)
    To("name", kwargs)      302 to that URL (a landing page, or the page after a successful POST)
    REDIRECT                302 somewhere other than the login page

The URLs are discovered from ``django.urls.get_resolver()``: a new URL without an entry here fails
``test_every_url_has_an_entry``.  An entry whose URL name does not exist (yet) is skipped, with the reason.
Adding a page: add its entry, with all eight roles, next to its neighbours; docs/access.md lists the rules.
Each answer to a GET is also checked for the security headers (test_security_headers.py), so that every page is
asked for once per role, not once more per property.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.cast import Cast
from tests.integration.test_security_headers import header_problems
from tests.shared import shared

ROLES = ("anonymous", "central", "director", "officer", "staff", "assessor", "viewer", "other_officer")
#: roles whose membership reaches สพป.สมุทรสาคร and its schools (besides the central admin)
SKN = ("director", "officer", "staff", "viewer")
LOGIN = "login"
REDIRECT = "redirect"


@dataclass(frozen=True)
class To:
    """A redirect to exactly this URL (query string ignored)."""

    name: str
    kwargs: Callable[[Cast], dict] = lambda c: {}

    def __str__(self) -> str:
        return f"302→{self.name}"


Expected = "int | str | To"


@dataclass(frozen=True)
class Case:
    expect: dict[str, Expected]
    kwargs: Callable[[Cast], dict] = lambda c: {}
    method: str = "get"
    data: Callable[[Cast], dict] = lambda c: {}
    query: dict = field(default_factory=dict)
    label: str = ""


# --- shorthands for the common shapes of a row ---------------------------------------------------------------


def signed_in(default: Expected = 200, **roles: Expected) -> dict[str, Expected]:
    """An HTML page for anyone signed in (anonymous → login)."""
    return {"anonymous": LOGIN, **{r: default for r in ROLES[1:]}, **roles}


def only(*allowed: str, ok: Expected = 200) -> dict[str, Expected]:
    """An HTML page for ``allowed`` roles only: the others signed in get 403, anonymous the login page."""
    return {"anonymous": LOGIN, **{r: ok if r in allowed else 403 for r in ROLES[1:]}}


def everyone(status: Expected) -> dict[str, Expected]:
    return {r: status for r in ROLES}


def api(default: Expected = 200, **roles: Expected) -> dict[str, Expected]:
    """An API endpoint: anonymous → 401, never a redirect."""
    return {"anonymous": 401, **{r: default for r in ROLES[1:]}, **roles}


def skn_code(c: Cast) -> dict:
    return {"code": c.samutsakhon.code}


def dashboard(agency: str) -> To:
    return To("agency_dashboard", lambda c: {"code": getattr(c, agency).code})


def open_round(c: Cast) -> dict:
    return {"pk": c.round_2563.pk}


# --- objects some pages need, made on first use through the features' own services --------------------------


def _once(c: Cast, key: str, make: Callable[[], object]):
    if key not in c.__dict__:
        c.__dict__[key] = make()
    return c.__dict__[key]


def officer_notification(c: Cast) -> dict:
    """A notification of the officer (no link: opening it leads back to the list)."""
    from prongsai.web.notifications.services import notify

    return {
        "pk": _once(
            c,
            "_notification",
            lambda: notify([c.officer], kind="deadline", event="matrix", subject="ทดสอบ", body="ทดสอบ")[0],
        ).pk
    }


def round_deadline(c: Cast) -> dict:
    """The 2563 round's results date (the calendar copied from the edition)."""
    from prongsai.web.notifications.models import RoundDeadline
    from prongsai.web.notifications.services import seed_round_calendar

    _once(c, "_calendar", lambda: seed_round_calendar(c.central, c.round_2563))
    return {"pk": c.round_2563.pk, "deadline_id": RoundDeadline.objects.get(round=c.round_2563, key="results").pk}


def draft_edition(c: Cast) -> dict:
    """A draft version of ita-2569 uploaded by the central admin (it becomes ita-2569@2)."""
    from pathlib import Path as _Path

    from prongsai.core.framework import BUNDLED_DIR
    from prongsai.web.editions.services import upload_edition

    stored = _once(
        c,
        "_draft_edition",
        lambda: upload_edition(c.central, "ita-2569.yaml", (_Path(BUNDLED_DIR) / "ita-2569.yaml").read_bytes()),
    )
    return {"key": stored.key}


def active_edition(c: Cast) -> dict:
    """An activated uploaded version of ita-2570 (ita-2570@2)."""
    from pathlib import Path as _Path

    from prongsai.core.framework import BUNDLED_DIR
    from prongsai.web.editions.services import upload_edition

    stored = _once(
        c,
        "_active_edition",
        lambda: upload_edition(
            c.central, "ita-2570.yaml", (_Path(BUNDLED_DIR) / "ita-2570.yaml").read_bytes(), activate=True
        ),
    )
    return {"key": stored.key}


def measure(c: Cast):
    """A measure of สพป.สมุทรสาคร in the working round 2563, assigned to the staff member's unit."""
    from prongsai.web.measures.services import MeasureInput, create_measure

    return _once(
        c,
        "_measure",
        lambda: create_measure(
            c.officer, c.round_2563, c.samutsakhon, MeasureInput(title="ด้านการเปิดเผยข้อมูล", units=[c.unit])
        ),
    )


def spare_unit(c: Cast):
    """A unit of สพป.สมุทรสาคร nobody belongs to (it may be deleted)."""
    from prongsai.web.agencies.services import create_unit

    return _once(c, "_spare_unit", lambda: create_unit(c.central, c.samutsakhon, "กลุ่มสำรอง"))


def officer_token(c: Cast):
    from prongsai.web.api.models import APIToken
    from prongsai.web.api.services import issue_api_token, token_hash

    return _once(
        c,
        "_token",
        lambda: APIToken.objects.get(token_hash=token_hash(issue_api_token(c.officer, c.officer, "รายงานประจำเดือน"))),
    )


def member(c: Cast):
    from prongsai.web.measures.committees import add_member

    return _once(c, "_member", lambda: add_member(c.officer, c.round_2563, c.samutsakhon, position_th="ผู้อำนวยการ"))


def progress_file(c: Cast):
    """A file attached by the unit's staff to its 6-month report on ``measure``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from prongsai.web.measures.services import submit_progress

    def make():
        report = submit_progress(
            c.staff,
            measure(c),
            c.unit,
            6,
            "เผยแพร่ข้อมูลบนเว็บไซต์แล้ว",
            files=[SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence")],
        )
        return report.files.get()

    return _once(c, "_progress_file", make)


def surveys(c: Cast) -> SimpleNamespace:
    """Two IIT codes and the open EIT link of สพป.สมุทรสาคร in the open round 2563."""
    from prongsai.web.surveys import services

    def make():
        generated = services.generate_codes(c.officer, c.round_2563, c.samutsakhon, "IIT", "staff", 2)
        link = services.set_open_link(c.officer, c.round_2563, c.samutsakhon, active=True)
        return SimpleNamespace(batch=generated.batch, code=generated.codes[0], token=link.token)

    return _once(c, "_surveys", make)


def survey(c: Cast) -> dict:
    """The open round 2563 × สพป.สมุทรสาคร (survey URLs put the round first)."""
    return {"round_id": c.round_2563.pk, "code": c.samutsakhon.code}


def survey_of(agency: str) -> Callable[[Cast], dict]:
    return lambda c: {"round_id": c.round_2563.pk, "code": getattr(c, agency).code}


UNKNOWN_CODE = "ACDEFGHJKM"  # shaped like a survey code (its alphabet, its length), issued to nobody
NO_FORM = "A" * 16  # a form id no browser holds a cookie for


def oit(c: Cast) -> SimpleNamespace:
    """OIT evidence of สพป.สมุทรสาคร in 2563: O1 a draft assigned to the staff member's unit, with a link and a
    file; O2 submitted with a public file; the cast's assessor assigned to review the office."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from prongsai.web.oit import services
    from prongsai.web.oit.testing import pdf_bytes

    def make():
        r, a = c.round_2563, c.samutsakhon
        services.assign_unit(c.officer, r, a, "O1", c.unit)
        link = services.add_link(c.officer, r, a, "O1", "https://www.example.go.th/ita/o1")
        file = services.upload_file(
            c.officer, r, a, "O1", SimpleUploadedFile("o1.pdf", pdf_bytes("O1"), content_type="application/pdf")
        )
        services.add_link(c.officer, r, a, "O2", "https://www.example.go.th/ita/o2")
        public = services.upload_file(
            c.officer,
            r,
            a,
            "O2",
            SimpleUploadedFile("o2.pdf", pdf_bytes("O2"), content_type="application/pdf"),
            is_public=True,
        )
        services.set_ready(c.officer, r, a, "O2", True)
        services.submit_items(c.officer, r, a, ["O2"])
        assignment = services.assign_assessor(c.central, r, a, c.assessor)
        return SimpleNamespace(link=link, file=file, public_file=public, assignment=assignment)

    return _once(c, "_oit", make)


def oit_item(code: str) -> Callable[[Cast], dict]:
    def kwargs(c: Cast) -> dict:
        oit(c)
        return {**survey(c), "item": code}

    return kwargs


def oit_agency(c: Cast) -> dict:
    oit(c)
    return survey(c)


def document(c: Cast):
    """A generated memo (DOCX) of สพป.สมุทรสาคร for 2563."""
    from prongsai.web.documents import services

    return _once(
        c,
        "_document",
        lambda: services.generate_pack(
            c.officer, c.round_2563, c.samutsakhon, kinds=["memo"], with_zip=False
        ).documents[0],
    )


def memo_version(c: Cast):
    """The draft version the generated memo became (documents/signoff.py)."""
    from prongsai.web.documents.models import DocumentVersion

    return _once(c, "_memo_version", lambda: DocumentVersion.objects.get(docx=document(c)))


def document_batch(c: Cast):
    from prongsai.web.documents.models import DocumentBatch

    return _once(c, "_document_batch", lambda: DocumentBatch.objects.create(round=c.round_2563, created_by=c.central))


def upload(name: str = "evidence.pdf") -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from prongsai.web.oit.testing import pdf_bytes

    return SimpleUploadedFile(name, pdf_bytes("evidence"), content_type="application/pdf")


def work(c: Cast) -> dict:
    """สพป.สมุทรสาคร × the working round (2563)."""
    return {"code": c.samutsakhon.code, "round_id": c.round_2563.pk}


def analysed(c: Cast) -> dict:
    """สพป.สมุทรสาคร × the analysed round (2562, with its published result)."""
    return {"code": c.samutsakhon.code, "round_id": c.round_2562.pk}


def of_measure(c: Cast) -> dict:
    return {**work(c), "pk": measure(c).pk}


def of_member(c: Cast) -> dict:
    return {**work(c), "pk": member(c).pk}


@shared
def cast():
    """The world of the matrix (``build_world``), once for the module."""
    return build_world()


def build_world() -> Cast:
    """The cast of tests/cast.py with the objects above already made, once for the module (tests/shared.py): made
    on first use, they were made again by every test that needs them (the OIT items' two uploads each start a
    reading child process, the uploaded editions are parsed, the memo rendered).  Every test sees the same world,
    the one test_no_unpublished_leak has always swept (it opens every URL of the matrix), and each role's request
    still runs in its own savepoint.  Two stay made on first use, by the tests that need them: a committee member
    (the committee's "suggest" asks for confirmation once a committee has members) and the progress report's
    file (deleting a measure removes its files from the disk at once, before the rollback that keeps its rows)."""
    from tests.cast import build_cast

    c = build_cast()
    for make in (
        officer_notification,
        round_deadline,
        draft_edition,
        active_edition,
        measure,
        spare_unit,
        officer_token,
        surveys,
        oit,
        document,
        memo_version,
        document_batch,
    ):
        make(c)
    return c


#: roles of the analysis, the committee and the document pack (measures/permissions.py): not unit staff
ANALYSIS = ("central", "officer", "director", "viewer")
MANAGE = ("central", "officer")
#: who may see an agency's OIT: its members and the assessor assigned to it (oit/permissions.py)
OIT_VIEW = ("central", *SKN, "assessor")
#: who may edit OIT item O1: the officer (and central admin) and the staff of the unit it is assigned to
OIT_EDIT = ("central", "officer", "staff")


MATRIX: dict[str, Case | tuple[Case, ...]] = {
    # --- project pages ---------------------------------------------------------------------------------
    "home": Case(
        {
            "anonymous": LOGIN,
            "central": To("national"),
            **{r: dashboard("samutsakhon") for r in SKN},
            "other_officer": dashboard("other_office"),
            # an assessor holds no viewing role: where they land is checked by test_landing_pages_open
            "assessor": REDIRECT,
        }
    ),
    "healthz": Case(everyone(200)),
    # outside production, loopback reads /metrics without a token (test_ops_web.py covers tokens and allow-lists)
    "metrics": Case(everyone(200)),
    "login": Case(everyone(200)),
    "logout": Case(everyone(To("login")), method="post"),
    "set_language": Case(
        everyone(To("rounds")), method="post", data=lambda c: {"language": "en", "next": reverse("rounds")}
    ),
    # --- the signed-in person's own account ------------------------------------------------------------------
    "password_change": Case(signed_in(200)),
    "account_tokens": Case(signed_in(200)),
    # the officer's own token: only its owner revokes it on this page; to anyone else it does not exist (404)
    "account_token_revoke": Case(
        {"anonymous": LOGIN, **{r: 404 for r in ROLES[1:]}, "officer": To("account_tokens")},
        kwargs=lambda c: {"pk": officer_token(c).pk},
        method="post",
    ),
    # password reset by e-mail: open to anyone (the same answers whether or not an account exists)
    "password_reset": Case(everyone(200)),
    "password_reset_done": Case(everyone(200)),
    "password_reset_confirm": Case(
        everyone(200),
        kwargs=lambda c: {"uidb64": "MQ", "token": "no-such-token"},
        label="an invalid link: the page says so",
    ),
    "password_reset_complete": Case(everyone(200)),
    # --- notifications and the round's deadlines (prongsai/web/notifications) -----------------------------------
    "notifications": Case(signed_in(200)),
    "notifications_read_all": Case(signed_in(To("notifications")), method="post"),
    # the officer's own notification: to anyone else it does not exist
    "notification_open": Case(
        {"anonymous": LOGIN, **{r: 404 for r in ROLES[1:]}, "officer": To("notifications")},
        kwargs=officer_notification,
        method="post",
    ),
    "round_calendar": (
        Case(signed_in(200), kwargs=open_round),
        Case(signed_in(404), kwargs=lambda c: {"pk": 999999}, label="unknown round"),
    ),
    "round_deadline_edit": (
        Case(only("central"), kwargs=round_deadline),
        Case(
            only("central", ok=To("round_calendar", open_round)),
            kwargs=round_deadline,
            method="post",
            data=lambda c: {"title_th": "ประกาศผลการประเมิน", "due_on": "30/09/2563"},
            label="saved",
        ),
    ),
    # --- results -----------------------------------------------------------------------------------------
    "agency_dashboard": (
        Case(only("central", *SKN), kwargs=skn_code, label="own office"),
        Case(only("central", *SKN), kwargs=lambda c: {"code": c.school.code}, label="school in the subtree"),
        Case(
            only("central", "other_officer"), kwargs=lambda c: {"code": c.other_office.code}, label="the other office"
        ),
        Case(only("central"), kwargs=lambda c: {"code": c.central_office.code}, label="central office"),
        Case(signed_in(404), kwargs=lambda c: {"code": "NO-SUCH"}, label="unknown code"),
    ),
    "national": Case(only("central")),
    "national_export": (
        Case(only("central"), kwargs=lambda c: {"fmt": "csv"}, label="csv"),
        Case(only("central"), kwargs=lambda c: {"fmt": "xlsx"}, label="xlsx"),
    ),
    "results_import": Case(only("central", "officer", "other_officer")),
    "results_import_template": Case(only("central", "officer", "other_officer"), query={"round": "{round_2563}"}),
    "no_agency": Case(signed_in(200)),
    # --- agency management (prongsai/web/agencies, /manage/) ------------------------------------------------
    "agencies_manage": Case(only("central", "officer", "other_officer")),
    "agencies_manage_new": Case(only("central")),
    "agencies_manage_import": Case(only("central", "officer", "other_officer")),
    "agencies_manage_template": (
        Case(only("central", "officer", "other_officer"), kwargs=lambda c: {"kind": "people"}, label="people"),
        Case(only("central"), kwargs=lambda c: {"kind": "agencies"}, label="agencies"),
    ),
    "agencies_manage_detail": (
        Case(only("central", "officer"), kwargs=skn_code, label="own office"),
        Case(only("central", "officer"), kwargs=lambda c: {"code": c.school.code}, label="school in the subtree"),
        Case(
            only("central", "other_officer"), kwargs=lambda c: {"code": c.other_office.code}, label="the other office"
        ),
        Case(signed_in(404), kwargs=lambda c: {"code": "NO-SUCH"}, label="unknown code"),
    ),
    "agencies_manage_edit": Case(
        only("central", ok=To("agencies_manage_detail", skn_code)),
        kwargs=skn_code,
        method="post",
        data=lambda c: {"name_th": "สพป.สมุทรสาคร", "kind": "esa", "parent_code": c.central_office.code},
    ),
    "agencies_manage_unit_new": Case(
        only("central", "officer", ok=To("agencies_manage_detail", skn_code)),
        kwargs=skn_code,
        method="post",
        data=lambda c: {"name_th": "กลุ่มนิเทศ"},
    ),
    "agencies_manage_unit_rename": Case(
        only("central", "officer", ok=To("agencies_manage_detail", skn_code)),
        kwargs=lambda c: {**skn_code(c), "pk": c.unit.pk},
        method="post",
        data=lambda c: {"name_th": "กลุ่มส่งเสริมการศึกษา"},
    ),
    "agencies_manage_unit_delete": (
        # the cast's unit has a member: deleting it is refused (400), and only those who manage the office get there
        Case(only("central", "officer", ok=400), kwargs=lambda c: {**skn_code(c), "pk": c.unit.pk}, method="post"),
        Case(
            only("central", "officer", ok=To("agencies_manage_detail", skn_code)),
            method="post",
            kwargs=lambda c: {**skn_code(c), "pk": spare_unit(c).pk},
            label="an empty unit",
        ),
    ),
    "agencies_manage_person_new": Case(only("central", "officer"), kwargs=skn_code),
    "agencies_manage_grant": Case(
        only("central", "officer", ok=To("agencies_manage_detail", skn_code)),
        kwargs=skn_code,
        method="post",
        data=lambda c: {"username": "viewer", "role": "director"},
    ),
    "agencies_manage_revoke": Case(
        only("central", "officer", ok=To("agencies_manage_detail", skn_code)),
        kwargs=lambda c: {**skn_code(c), "pk": c.viewer.memberships.get().pk},
        method="post",
    ),
    "agencies_manage_password": Case(
        only("central", ok=To("agencies_manage_detail", skn_code)),
        method="post",
        kwargs=lambda c: {**skn_code(c), "user_id": c.viewer.pk},
        data=lambda c: {"password": "Kh0ngTh0ngTh@ngKhem!"},
    ),
    # --- rounds ------------------------------------------------------------------------------------------
    "rounds": Case(signed_in(200)),
    "round_create": Case(only("central")),
    "round_detail": (
        Case(signed_in(200), kwargs=open_round),
        Case(signed_in(404), kwargs=lambda c: {"pk": 999999}, label="unknown round"),
    ),
    # dangerous actions: GET and an unconfirmed POST show the confirmation page; only confirmed=yes acts
    "round_status": (
        Case(only("central"), kwargs=open_round, label="the confirmation page"),
        Case(
            only("central"),
            kwargs=open_round,
            method="post",
            data=lambda c: {"status": "closed"},
            label="unconfirmed: the confirmation page again",
        ),
        Case(
            only("central", ok=To("round_detail", open_round)),
            kwargs=open_round,
            method="post",
            data=lambda c: {"status": "closed", "confirmed": "yes"},
        ),
    ),
    "round_publish": (
        Case(only("central"), kwargs=open_round, label="the confirmation page"),
        Case(
            only("central"),
            kwargs=open_round,
            method="post",
            data=lambda c: {"published": "1"},
            label="unconfirmed: the confirmation page again",
        ),
        Case(
            only("central", ok=To("round_detail", open_round)),
            kwargs=open_round,
            method="post",
            data=lambda c: {"published": "1", "confirmed": "yes"},
        ),
    ),
    "round_move": (
        Case(only("central"), kwargs=open_round),
        Case(
            only("central", ok=400),
            kwargs=open_round,
            method="post",
            data=lambda c: {"framework_id": "ita-9999"},
            label="no such edition: the form says so",
        ),
    ),
    # --- framework editions (prongsai/web/editions) ----------------------------------------------------------
    "editions": Case(signed_in(200)),
    "edition_upload": Case(only("central")),
    "edition_detail": (
        Case(signed_in(200), kwargs=lambda c: {"key": "ita-2569"}),
        Case(signed_in(200), kwargs=draft_edition, label="an uploaded draft"),
        Case(signed_in(404), kwargs=lambda c: {"key": "ita-2999"}, label="unknown edition"),
    ),
    "edition_preview": (
        Case(signed_in(200), kwargs=lambda c: {"key": "ita-2569", "part": "oit"}, query={"variant": "esa"}),
        Case(signed_in(200), kwargs=lambda c: {"key": "ita-2569", "part": "iit"}, label="IIT form"),
        Case(signed_in(404), kwargs=lambda c: {"key": "ita-2569", "part": "xyz"}, label="unknown part"),
    ),
    "edition_download": Case(signed_in(200), kwargs=lambda c: {"key": "ita-2569", "fmt": "xlsx"}),
    "edition_replace": Case(
        only("central", ok=To("edition_detail", draft_edition)), kwargs=draft_edition, method="post"
    ),
    "edition_activate": Case(
        only("central", ok=To("edition_detail", draft_edition)), kwargs=draft_edition, method="post"
    ),
    "edition_discard": Case(
        only("central", ok=To("edition_detail", draft_edition)), kwargs=draft_edition, method="post"
    ),
    "edition_retire": Case(
        only("central", ok=To("edition_detail", active_edition)), kwargs=active_edition, method="post"
    ),
    # --- analysis, committee, measures and progress reports (prongsai/web/measures) ------------------------
    "measures_index": (
        Case(only("central", *SKN, ok=To("measures_list", work)), kwargs=skn_code),
        Case(
            only("central", "other_officer", ok=REDIRECT),
            kwargs=lambda c: {"code": c.other_office.code},
            label="the other office",
        ),
    ),
    "measures_analysis": Case(only(*ANALYSIS), kwargs=analysed),
    "measures_analysis_note": Case(
        only(*MANAGE, ok=To("measures_analysis", analysed)),
        method="post",
        kwargs=lambda c: {**analysed(c), "indicator": 10},
        data=lambda c: {"text": "ตัวชี้วัดที่ 10 ต่ำกว่าเป้าหมาย"},
    ),
    # the what-if planner (prongsai/web/itas/views_plan.py): as the analysis
    "measures_plan": (
        Case(only(*ANALYSIS), kwargs=analysed),
        Case(
            only(*ANALYSIS),
            kwargs=analysed,
            query={"target": "total", "total": "95", "fix": "indicator:10"},
            label="a shared plan",
        ),
    ),
    "measures_list": Case(only("central", *SKN), kwargs=work),
    "measures_committee": (
        Case(only(*ANALYSIS), kwargs=work),
        Case(
            {**only(*MANAGE, ok=To("measures_committee", work))},
            kwargs=work,
            method="post",
            data=lambda c: {"order_number": "169/2563", "duties": "วิเคราะห์ผลการประเมิน"},
            label="save",
        ),
    ),
    "measures_committee_suggest": (
        Case(only(*MANAGE), kwargs=work, label="the confirmation page"),
        Case(only(*MANAGE, ok=To("measures_committee", work)), kwargs=work, method="post"),
    ),
    "measures_member_new": Case(
        only(*MANAGE, ok=To("measures_committee", work)),
        kwargs=work,
        method="post",
        data=lambda c: {"position_th": "รองผู้อำนวยการ", "role": "member"},
    ),
    "measures_member_edit": Case(only(*MANAGE), kwargs=of_member),
    "measures_member_delete": Case(only(*MANAGE, ok=To("measures_committee", work)), kwargs=of_member, method="post"),
    "measures_member_move": Case(
        only(*MANAGE, ok=To("measures_committee", work)), kwargs=of_member, method="post", data=lambda c: {"dir": "up"}
    ),
    "measures_new": Case(only(*MANAGE), kwargs=work),
    "measures_detail": Case(only("central", *SKN), kwargs=of_measure),
    "measures_edit": Case(only(*MANAGE), kwargs=of_measure),
    "measures_delete": Case(only(*MANAGE, ok=To("measures_list", work)), kwargs=of_measure, method="post"),
    "measures_status": Case(
        only(*MANAGE, ok=To("measures_detail", of_measure)),
        kwargs=of_measure,
        method="post",
        data=lambda c: {"status": "in_progress"},
    ),
    # a progress report: those who manage the agency, and the staff of a responsible unit
    "measures_report": (
        Case(only(*MANAGE, "staff"), kwargs=lambda c: {**of_measure(c), "period": 6}),
        Case(signed_in(404), kwargs=lambda c: {**of_measure(c), "period": 9}, label="no such period"),
    ),
    "measures_progress_file": Case(only("central", *SKN), kwargs=lambda c: {"pk": progress_file(c).pk}),
    # --- IIT/EIT surveys (prongsai/web/surveys): respondents need no account ------------------------------
    # a valid code or link answers 303 to its form /surveys/form/<random id>/ (post/redirect/get); an unknown one
    # 404 (and counts against the address's rate limit: a savepoint per role keeps the count at one)
    "survey_enter": (
        Case(everyone(200)),
        Case(everyone(404), method="post", data=lambda c: {"code": UNKNOWN_CODE}, label="unknown code"),
    ),
    "survey_code": (
        Case(everyone(303), kwargs=lambda c: {"code": surveys(c).code}),
        Case(everyone(404), kwargs=lambda c: {"code": UNKNOWN_CODE}, label="unknown code"),
    ),
    "survey_start": (  # the short link /s/<CODE>
        Case(everyone(303), kwargs=lambda c: {"code": surveys(c).code}),
        Case(everyone(404), kwargs=lambda c: {"code": UNKNOWN_CODE}, label="unknown code"),
    ),
    "survey_open": (
        Case(everyone(303), kwargs=lambda c: {"token": surveys(c).token}),
        Case(everyone(404), kwargs=lambda c: {"token": "NOSUCHTOKEN"}, label="unknown link"),
    ),
    "survey_form": (
        Case(everyone(To("survey_enter"))),
        Case(everyone(400), method="post", data=lambda c: {"state": "forged", "action": "next"}, label="forged state"),
    ),
    # a form's steps without the form's cookie: "this page has expired"
    "survey_form_start": (
        Case(everyone(400), kwargs=lambda c: {"fid": NO_FORM}),
        Case(
            everyone(400),
            kwargs=lambda c: {"fid": NO_FORM},
            method="post",
            data=lambda c: {"page": "0", "action": "next"},
            label="POST",
        ),
    ),
    "survey_form_page": Case(everyone(400), kwargs=lambda c: {"fid": NO_FORM, "step": "1"}),
    "survey_form_review": Case(everyone(400), kwargs=lambda c: {"fid": NO_FORM}),
    "survey_form_done": Case(everyone(400), kwargs=lambda c: {"fid": NO_FORM}),
    "survey_home": Case(signed_in(200)),
    "survey_national": Case(only("central"), kwargs=lambda c: {"round_id": c.round_2563.pk}),
    "survey_national_export": Case(only("central"), kwargs=lambda c: {"round_id": c.round_2563.pk}),
    "survey_overview": (
        Case(only("central", *SKN), kwargs=survey),
        Case(only("central", "other_officer"), kwargs=survey_of("other_office"), label="the other office"),
        Case(only("central", *SKN, ok=404), kwargs=survey_of("school"), label="school: not assessed by the round"),
        Case(signed_in(404), kwargs=lambda c: {"round_id": c.round_2563.pk, "code": "NO-SUCH"}, label="unknown agency"),
    ),
    "survey_headcounts": Case(
        only(*MANAGE, ok=To("survey_overview", survey)),
        kwargs=survey,
        method="post",
        data=lambda c: {"hc-IIT-staff": "40"},
    ),
    "survey_generate": (
        # without a group and a count the form is refused (back to the overview, which says why)
        Case(only(*MANAGE, ok=To("survey_overview", survey)), kwargs=survey, method="post"),
        # the new codes are shown once, on the answer to the POST itself
        Case(
            only(*MANAGE, ok=200),
            kwargs=survey,
            method="post",
            data=lambda c: {"tool_group": "IIT:staff", "count": "2"},
            label="two codes",
        ),
    ),
    "survey_revoke": Case(
        only(*MANAGE, ok=To("survey_overview", survey)),
        kwargs=survey,
        method="post",
        data=lambda c: {"code": surveys(c).code},
    ),
    "survey_revoke_batch": (
        Case(
            only(*MANAGE),
            kwargs=lambda c: {**survey(c), "batch_id": surveys(c).batch.pk},
            label="the confirmation page",
        ),
        Case(
            only(*MANAGE),
            method="post",
            kwargs=lambda c: {**survey(c), "batch_id": surveys(c).batch.pk},
            label="unconfirmed: the confirmation page again",
        ),
        Case(
            only(*MANAGE, ok=To("survey_overview", survey)),
            method="post",
            kwargs=lambda c: {**survey(c), "batch_id": surveys(c).batch.pk},
            data=lambda c: {"confirmed": "yes"},
        ),
    ),
    "survey_open_link": Case(
        only(*MANAGE, ok=To("survey_overview", survey)), kwargs=survey, method="post", data=lambda c: {"action": "off"}
    ),
    "survey_open_link_poster": Case(only(*MANAGE), kwargs=lambda c: surveys(c) and survey(c)),
    "survey_compute": Case(only(*MANAGE, ok=To("survey_scores", survey)), kwargs=survey, method="post"),
    "survey_scores": (
        Case(only("central", *SKN), kwargs=survey),
        Case(only("central", "other_officer"), kwargs=survey_of("other_office"), label="the other office"),
    ),
    "survey_export": (
        Case(only("central", *SKN), kwargs=lambda c: {**survey(c), "what": "scores", "fmt": "csv"}, label="scores"),
        Case(
            only("central", *SKN), kwargs=lambda c: {**survey(c), "what": "scores", "fmt": "xlsx"}, label="scores xlsx"
        ),
        # individual answers only once the round is closed (the round here is open): back to the overview
        Case(
            only(*MANAGE, ok=To("survey_overview", survey)),
            kwargs=lambda c: {**survey(c), "what": "responses-iit", "fmt": "xlsx"},
            label="responses",
        ),
        Case(
            only(*MANAGE),
            kwargs=lambda c: {
                "round_id": c.round_2562.pk,
                "code": c.samutsakhon.code,
                "what": "responses-eit",
                "fmt": "csv",
            },
            label="responses, closed round",
        ),
    ),
    # --- OIT evidence and review (prongsai/web/oit) -------------------------------------------------------
    # --- working beside ITAS (prongsai/web/itas): the sheet for the agency's own people, the import for managers
    "itas_sheet": (
        Case(only("central", *SKN), kwargs=work),
        Case(signed_in(404), kwargs=lambda c: {"code": "NO-SUCH", "round_id": c.round_2563.pk}, label="unknown agency"),
    ),
    "itas_sheet_export": (
        Case(only("central", *SKN), kwargs=lambda c: {**work(c), "fmt": "csv"}, label="csv"),
        Case(only("central", *SKN), kwargs=lambda c: {**work(c), "fmt": "xlsx"}, label="xlsx"),
    ),
    "itas_import": (
        Case(only(*MANAGE), kwargs=analysed),
        Case(only(*MANAGE, ok=400), kwargs=analysed, method="post", label="no file"),
    ),
    "itas_import_template": (
        Case(only(*MANAGE), kwargs=lambda c: {**analysed(c), "fmt": "csv"}, label="csv"),
        Case(only(*MANAGE), kwargs=lambda c: {**analysed(c), "fmt": "xlsx"}, label="xlsx"),
    ),
    "oit_home": Case(signed_in(200)),
    "oit_assignments": Case(only("central"), kwargs=lambda c: {"round_id": c.round_2563.pk}),
    "oit_unassign": Case(
        only("central", ok=To("oit_assignments", lambda c: {"round_id": c.round_2563.pk})),
        method="post",
        kwargs=lambda c: {"round_id": c.round_2563.pk, "pk": oit(c).assignment.pk},
    ),
    "oit_national": Case(only("central"), kwargs=lambda c: {"round_id": c.round_2563.pk}),
    "oit_agency": (
        Case(only(*OIT_VIEW), kwargs=oit_agency),
        Case(
            only("central", "other_officer"),
            kwargs=lambda c: {"round_id": c.round_2563.pk, "code": c.other_office.code},
            label="the other office",
        ),
        Case(
            signed_in(404),
            kwargs=lambda c: {"round_id": c.round_2563.pk, "code": c.school.code},
            label="not assessed by the round",
        ),
    ),
    "oit_audit": Case(only(*OIT_VIEW), kwargs=oit_agency),
    "oit_item": (
        Case(only(*OIT_VIEW), kwargs=oit_item("O1")),
        Case(signed_in(404, other_officer=403, assessor=404), kwargs=oit_item("O999"), label="unknown item"),
    ),
    "oit_file": Case(only(*OIT_VIEW), kwargs=lambda c: {"pk": oit(c).file.pk}),
    "oit_link_add": Case(
        only(*OIT_EDIT, ok=To("oit_item", oit_item("O1"))),
        kwargs=oit_item("O1"),
        method="post",
        data=lambda c: {"url": "https://www.example.go.th/ita/o1-new", "label": "โครงสร้าง"},
    ),
    "oit_link_remove": Case(
        only(*OIT_EDIT, ok=To("oit_item", oit_item("O1"))),
        method="post",
        kwargs=lambda c: {**oit_item("O1")(c), "pk": oit(c).link.pk},
    ),
    "oit_upload": Case(
        only(*OIT_EDIT, ok=To("oit_item", oit_item("O1"))),
        kwargs=oit_item("O1"),
        method="post",
        data=lambda c: {"file": upload(), "label": "แผนผัง"},
    ),
    "oit_file_remove": Case(
        only(*OIT_EDIT, ok=To("oit_item", oit_item("O1"))),
        method="post",
        kwargs=lambda c: {**oit_item("O1")(c), "pk": oit(c).file.pk},
    ),
    "oit_note": Case(
        only(*OIT_EDIT, ok=To("oit_item", oit_item("O1"))),
        kwargs=oit_item("O1"),
        method="post",
        data=lambda c: {"note": "แผนผังโครงสร้างอยู่หน้าแรกของเว็บไซต์"},
    ),
    "oit_set_unit": Case(
        only(*MANAGE, ok=To("oit_item", oit_item("O1"))),
        kwargs=oit_item("O1"),
        method="post",
        data=lambda c: {"unit": c.unit.pk},
    ),
    "oit_set_status": Case(
        only(*OIT_EDIT, ok=To("oit_item", oit_item("O1"))),
        kwargs=oit_item("O1"),
        method="post",
        data=lambda c: {"action": "ready"},
    ),
    "oit_submit_ready": (
        Case(only(*MANAGE), kwargs=oit_agency, label="the confirmation page"),
        Case(only(*MANAGE), kwargs=oit_agency, method="post", label="unconfirmed: the confirmation page again"),
        Case(
            only(*MANAGE, ok=To("oit_agency", oit_agency)),
            kwargs=oit_agency,
            method="post",
            data=lambda c: {"confirmed": "yes", "items": "O1"},
        ),
    ),
    "oit_recheck": Case(only(*OIT_EDIT, ok=To("oit_item", oit_item("O1"))), kwargs=oit_item("O1"), method="post"),
    "oit_recheck_all": Case(only(*OIT_EDIT, ok=To("oit_agency", oit_agency)), kwargs=oit_agency, method="post"),
    "oit_carry_over": Case(only(*MANAGE, ok=To("oit_agency", oit_agency)), kwargs=oit_agency, method="post"),
    # an empty clarification: the officer sees the form again (400), nobody else gets that far
    "oit_clarify": Case(only(*MANAGE, ok=400), kwargs=oit_item("O2"), method="post"),
    # judging is for the assigned assessor only, not even for the central admin
    "oit_review": Case(
        only("assessor", ok=To("oit_item", oit_item("O2"))),
        kwargs=oit_item("O2"),
        method="post",
        data=lambda c: {"passed": "1", "comment": "ครบถ้วน"},
    ),
    "oit_confirm": Case(only("assessor", ok=To("oit_item", oit_item("O2"))), kwargs=oit_item("O2"), method="post"),
    "oit_open_clarification": Case(
        only("central", "assessor", ok=To("oit_agency", oit_agency)), kwargs=oit_agency, method="post"
    ),
    # the public transparency page: no login, submitted items and public files only
    "oit_public": Case(everyone(200), kwargs=lambda c: {"code": oit_agency(c)["code"], "round_id": c.round_2563.pk}),
    "oit_public_json": Case(
        everyone(200), kwargs=lambda c: {"code": oit_agency(c)["code"], "round_id": c.round_2563.pk}
    ),
    "oit_embed": Case(everyone(200), kwargs=lambda c: {"code": oit_agency(c)["code"], "round_id": c.round_2563.pk}),
    "oit_public_file": (
        Case(everyone(200), kwargs=lambda c: {"pk": oit(c).public_file.pk}, label="submitted, public"),
        Case(everyone(404), kwargs=lambda c: {"pk": oit(c).file.pk}, label="draft, private"),
    ),
    "oit_demo_site": Case(everyone(200), kwargs=lambda c: {"page": "o1"}),
    # --- the document pack (prongsai/web/documents) ------------------------------------------------------
    "documents_pack": Case(only(*ANALYSIS), kwargs=work),
    "documents_details": Case(only(*MANAGE, ok=To("documents_pack", work)), kwargs=work, method="post"),
    "documents_generate": Case(
        only(*MANAGE, ok=To("documents_pack", work)), kwargs=work, method="post", data=lambda c: {"kind": "memo"}
    ),
    "documents_download": Case(only(*ANALYSIS), kwargs=lambda c: {"pk": document(c).pk}),
    "documents_templates": Case(only(*ANALYSIS), kwargs=skn_code),
    "documents_template_upload": Case(
        only(*MANAGE, ok=To("documents_templates", skn_code)), kwargs=skn_code, method="post"
    ),
    "documents_template_delete": Case(
        only(*MANAGE, ok=To("documents_templates", skn_code)),
        method="post",
        kwargs=lambda c: {**skn_code(c), "kind": "memo"},
    ),
    "documents_template_download": Case(only(*ANALYSIS), kwargs=lambda c: {**skn_code(c), "kind": "memo"}),
    # sign-off: proposing a draft is the officer's (and the central admin's); the director only sees it
    "documents_version_move": Case(
        only(*MANAGE, ok=To("documents_pack", work)),
        method="post",
        kwargs=lambda c: {"pk": memo_version(c).pk, "move": "propose"},
    ),
    # the evidence pack while nothing is approved: back to the pack page with the Thai list of what is missing
    "documents_evidence_pack": Case(only(*MANAGE, ok=To("documents_pack", work)), kwargs=work, method="post"),
    "documents_emblem": Case(only("central")),
    "documents_emblem_remove": Case(only("central", ok=To("documents_emblem")), method="post"),
    "documents_agency_emblem": Case(only(*MANAGE), kwargs=skn_code),
    "documents_agency_emblem_remove": Case(
        only(*MANAGE, ok=To("documents_agency_emblem", skn_code)), kwargs=skn_code, method="post"
    ),
    "documents_batch": Case(only("central")),
    "documents_batch_detail": Case(only("central"), kwargs=lambda c: {"pk": document_batch(c).pk}),
    "documents_batch_retry": Case(
        only("central", ok=To("documents_batch_detail", lambda c: {"pk": document_batch(c).pk})),
        kwargs=lambda c: {"pk": document_batch(c).pk},
        method="post",
    ),
    # --- JSON API (session auth here; tokens in test_api.py) ---------------------------------------------
    "api:api-root": Case(everyone(404)),
    "api:openapi-json": Case(everyone(200)),
    "api:openapi-view": Case(everyone(200)),  # only when Swagger UI is served locally (see api/api.py)
    "api:agencies": Case(api(200)),
    "api:agency": (
        Case(api(403, central=200, **{r: 200 for r in SKN}), kwargs=skn_code, label="own office"),
        Case(
            api(403, central=200, other_officer=200),
            kwargs=lambda c: {"code": c.other_office.code},
            label="the other office",
        ),
        Case(api(404), kwargs=lambda c: {"code": "NO-SUCH"}, label="unknown code"),
    ),
    "api:agency_results": (
        # 200 for everyone: outside their scope a caller gets only published rounds (test_no_unpublished_leak)
        Case(api(200), kwargs=skn_code),
        Case(api(404), kwargs=lambda c: {"code": "NO-SUCH"}, label="unknown code"),
    ),
    "api:rounds": Case(api(200)),
    "api:round": (
        Case(api(200), kwargs=lambda c: {"round_id": c.round_2563.pk}),
        Case(api(404), kwargs=lambda c: {"round_id": 999999}, label="unknown round"),
    ),
    "api:round_results": Case(api(200), kwargs=lambda c: {"round_id": c.round_2563.pk}),
    "api:round_rankings": Case(api(200), kwargs=lambda c: {"round_id": c.round_2563.pk}),
}


# --- discovery -----------------------------------------------------------------------------------------------


def discover_urls() -> tuple[dict[str, str], list[str]]:
    """Every named URL of the project (``namespace:name`` → route) and the routes of unnamed ones."""
    named: dict[str, str] = {}
    unnamed: list[str] = []

    def walk(patterns, prefix: str, namespaces: tuple[str, ...]) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, namespaces + ((pattern.namespace,) if pattern.namespace else ()))
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    named.setdefault(":".join((*namespaces, pattern.name)), "/" + route)
                else:
                    unnamed.append("/" + route)

    walk(get_resolver().url_patterns, "", ())
    return named, unnamed


def cases() -> list:
    params = []
    for name, entry in MATRIX.items():
        for case in entry if isinstance(entry, tuple) else (entry,):
            case_id = f"{name}[{case.label}]" if case.label else name
            params.append(pytest.param(name, case, id=case_id.replace(" ", "_")))
    return params


def test_every_url_has_an_entry():
    named, unnamed = discover_urls()
    missing = sorted(set(named) - set(MATRIX))
    problems = [
        f"  {name!r} ({named[name]}): add it to MATRIX in tests/integration/test_access_matrix.py with "
        f"the expected answer for each of {', '.join(ROLES)}"
        for name in missing
    ]
    problems += [f"  unnamed URL {route}: give it a name= and a MATRIX entry" for route in unnamed]
    assert not problems, "URLs without an access-matrix entry:\n" + "\n".join(problems)


def test_every_entry_names_every_role():
    for name, entry in MATRIX.items():
        for case in entry if isinstance(entry, tuple) else (entry,):
            assert set(case.expect) == set(ROLES), f"{name} {case.label}: roles {set(ROLES) ^ set(case.expect)}"


# --- the walk ------------------------------------------------------------------------------------------------


def client_for(cast: Cast, role: str, sessions: dict[str, str] | None = None) -> Client:
    """A client signed in as ``role``: with one of ``sessions`` (signed in once for the module), else afresh."""
    client = Client()
    if role == "anonymous":
        return client
    if sessions is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    else:
        client.force_login(getattr(cast, role))
    return client


@shared
def sessions(cast) -> dict[str, str]:
    """Each role's signed-in session, once for the module (``sign_in_all``)."""
    return sign_in_all(cast)


def sign_in_all(cast: Cast) -> dict[str, str]:
    """Each role's session key, signed in once for a module instead of for each of the matrix's ~1,600
    requests (a sign-in writes a session and the user's last login: a sixth of the walk's time).  A request
    that ends a session (signing out, a password change) runs in a savepoint that is rolled back, so the
    session is there again for the next test."""
    return {role: session_key(cast, role) for role in ROLES if role != "anonymous"}


def session_key(cast: Cast, role: str) -> str:
    """The key of a new session of ``role``, signed in afresh (for a client's or a browser's cookie)."""
    return client_for(cast, role).cookies[settings.SESSION_COOKIE_NAME].value


def build_url(cast: Cast, name: str, case: Case) -> str:
    url = reverse(name, kwargs=case.kwargs(cast))
    if case.query:
        values = {"round_2562": cast.round_2562.pk, "round_2563": cast.round_2563.pk}
        url += "?" + "&".join(f"{k}={str(v).format(**values)}" for k, v in case.query.items())
    return url


def mismatch(response, expected: Expected, cast: Cast) -> str | None:
    """None when the response is the expected one, else what was expected and what came."""
    status, location = response.status_code, response.get("Location", "")
    got = f"got {status}{' → ' + location if location else ''}"
    login = resolve_url(settings.LOGIN_URL)
    if isinstance(expected, int):
        return None if status == expected else f"expected {expected}, {got}"
    if expected == LOGIN:
        ok = status == 302 and urlparse(location).path == login and "next=" in location
        return None if ok else f"expected a redirect to the login page, {got}"
    if expected == REDIRECT:
        ok = status == 302 and urlparse(location).path != login
        return None if ok else f"expected a redirect (not to the login page), {got}"
    target = reverse(expected.name, kwargs=expected.kwargs(cast))
    ok = status == 302 and urlparse(location).path == target
    return None if ok else f"expected 302 → {target}, {got}"


@pytest.mark.parametrize(("name", "case"), cases())
def test_access(cast, sessions, name: str, case: Case):
    """One URL, every role; each role's request runs in a savepoint that is rolled back afterwards, so that a
    POST by one role (deleting a link, publishing a round) does not change what the next role finds.  Every answer
    to a GET must carry the security headers too (test_security_headers.header_problems)."""
    try:
        url = build_url(cast, name, case)  # also creates the objects the URL needs, before any savepoint
    except NoReverseMatch:
        pytest.skip(f"URL name {name!r} does not exist (yet): its view is not built")
    case.data(cast)
    problems = []
    for role in ROLES:
        savepoint = transaction.savepoint()
        try:
            response = getattr(client_for(cast, role, sessions), case.method)(url, case.data(cast))
            if problem := mismatch(response, case.expect[role], cast):
                problems.append(f"  {role}: {problem}")
            if case.method == "get":  # every page's security headers, whatever its status (test_security_headers)
                problems += [f"  {role}: {problem}" for problem in header_problems(url, response)]
        finally:
            transaction.savepoint_rollback(savepoint)
    assert not problems, f"{case.method.upper()} {url}\n" + "\n".join(problems)


# --- the rules the matrix cannot express as a status ---------------------------------------------------------

SECRET_TOTAL = Decimal("12.34")  # an unpublished score no one outside สพป.สมุทรสาคร may see


def _secret(cast: Cast) -> None:
    from prongsai.web.results.models import AgencyResult, ResultSource

    assert not cast.round_2563.results_published
    AgencyResult.objects.create(
        round=cast.round_2563,
        agency=cast.samutsakhon,
        source=ResultSource.OFFICIAL,
        iit=Decimal("12.31"),
        eit=Decimal("12.32"),
        oit=Decimal("12.33"),
        total=SECRET_TOTAL,
        level="F",
        indicators={str(n): "12.3" + str(n % 10) for n in range(1, 11)},
    )


def _readable_pages(cast: Cast, role: str) -> list[tuple[str, bool]]:
    """Every GET URL of the matrix that ``role`` may open (``True``), plus variants of them for the other round
    and with ``?round=`` (``False``: opened when allowed, not required to be)."""
    urls = []
    for name, entry in MATRIX.items():
        for case in entry if isinstance(entry, tuple) else (entry,):
            if case.method != "get" or case.expect[role] != 200:
                continue
            try:
                url = build_url(cast, name, case)
            except NoReverseMatch:
                continue
            urls.append((url, True))
            kwargs = case.kwargs(cast)
            if "round_id" in kwargs or "pk" in kwargs or "round" in case.query:
                urls.append((url.replace(f"/{cast.round_2563.pk}", f"/{cast.round_2562.pk}"), False))
            urls.append((f"{url}{'&' if '?' in url else '?'}round={cast.round_2563.pk}", False))
    return urls


@pytest.mark.parametrize("role", ["other_officer", "assessor", "anonymous"])
def test_no_unpublished_leak(cast, role):
    """Another office's unpublished result appears on no page and in no API answer the role can open."""
    _secret(cast)
    client = client_for(cast, role)
    pages = _readable_pages(cast, role)
    assert sum(required for _, required in pages) > 5
    for url, required in pages:
        response = client.get(url)
        if not required and response.status_code != 200:
            continue
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        for secret in ("12.34", "๑๒.๓๔", "12.31", "12.32", "12.33"):
            assert secret not in text, f"{role} sees the unpublished {secret} at {url}"


def test_the_office_itself_sees_its_unpublished_result(cast):
    """The same sweep is not vacuous: inside the office's scope the secret score is there."""
    _secret(cast)
    client = client_for(cast, "officer")
    body = client.get(reverse("api:agency_results", kwargs={"code": cast.samutsakhon.code})).content.decode()
    assert "12.34" in body
    page = client.get(
        reverse("agency_dashboard", kwargs={"code": cast.samutsakhon.code}), {"round": cast.round_2563.pk}
    ).content.decode()
    assert '<p class="stat-value" id="total">12.34</p>' in page  # the dashboard shows scores in Arabic digits


@pytest.mark.parametrize("role", ROLES[1:])
def test_landing_pages_open(cast, role):
    """Where ``home`` sends a signed-in person, they may go: nobody lands on a 403."""
    response = client_for(cast, role).get(reverse("home"), follow=True)
    assert response.status_code == 200, (role, response.redirect_chain, response.status_code)
