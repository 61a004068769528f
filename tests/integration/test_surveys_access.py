"""Who may open what among the survey pages: ``ACCESS`` in the shape of the project-wide matrix
(tests/integration/test_access_matrix.py, where the lead merges it), and the walk over every role.

Respondent pages are public and answer the same to everyone (a signed-in person answers anonymously too); the
officer's pages follow ``agencies.access``: viewing for the agency's subtree roles and central admins, changing
for its ITA officer and central admins; an assessor and another office's officer get 403.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch

from tests.integration.test_access_matrix import (
    LOGIN,
    ROLES,
    SKN,
    Case,
    To,
    build_url,
    client_for,
    everyone,
    only,
    signed_in,
)

UNKNOWN_CODE = "ACDEFGHJKM"
FID = "A" * 16  # a form id no browser holds a cookie for


def _round(c) -> dict:
    return {"round_id": c.round_2563.pk}


def _skn(c) -> dict:
    return {"round_id": c.round_2563.pk, "code": c.samutsakhon.code}


def _closed(c) -> dict:
    c.round_2563.status = "closed"
    c.round_2563.save()
    return _skn(c)


def _code(c) -> dict:
    from prongsai.web.surveys.services import generate_codes

    return {"code": generate_codes(c.officer, c.round_2563, c.samutsakhon, "IIT", "staff", 1).codes[0]}


def _batch(c) -> dict:
    from prongsai.web.surveys.services import generate_codes

    batch = generate_codes(c.officer, c.round_2563, c.samutsakhon, "EIT", "teachers", 2).batch
    return {**_skn(c), "batch_id": batch.pk}


def _with_link(c) -> dict:
    from prongsai.web.surveys.services import set_open_link

    set_open_link(c.officer, c.round_2563, c.samutsakhon, active=True)
    return _skn(c)


def _link_token(c) -> dict:
    from prongsai.web.surveys.services import set_open_link

    return {"token": set_open_link(c.officer, c.round_2563, c.samutsakhon, active=True).token}


OVERVIEW = To("survey_overview", _skn)
MANAGERS = ("central", "officer")

ACCESS: dict[str, Case | tuple[Case, ...]] = {
    # --- respondents: public pages, the same answer for everyone --------------------------------------------
    "survey_start": (
        Case(everyone(303), kwargs=_code, label="valid code"),
        Case(everyone(404), kwargs=lambda c: {"code": UNKNOWN_CODE}, label="unknown code"),
    ),
    "survey_code": (
        Case(everyone(303), kwargs=_code, label="valid code"),
        Case(everyone(404), kwargs=lambda c: {"code": UNKNOWN_CODE}, label="unknown code"),
    ),
    "survey_enter": (
        Case(everyone(200)),
        Case(everyone(404), method="post", data=lambda c: {"code": UNKNOWN_CODE}, label="unknown code"),
    ),
    "survey_open": (
        Case(everyone(303), kwargs=_link_token, label="open link on"),
        Case(everyone(404), kwargs=lambda c: {"token": "NOSUCHTOKEN"}, label="unknown link"),
    ),
    "survey_form": (
        Case(everyone(To("survey_enter")), label="GET"),
        Case(everyone(400), method="post", data=lambda c: {"state": "forged", "action": "next"},
             label="forged state"),
    ),
    # the steps of a form need the form's own cookie: without it "this page has expired"
    "survey_form_start": (
        Case(everyone(400), kwargs=lambda c: {"fid": FID}, label="GET"),
        Case(everyone(400), kwargs=lambda c: {"fid": FID}, method="post",
             data=lambda c: {"page": "0", "action": "next"}, label="POST"),
    ),
    "survey_form_page": Case(everyone(400), kwargs=lambda c: {"fid": FID, "step": "2"}),
    "survey_form_review": Case(everyone(400), kwargs=lambda c: {"fid": FID}),
    "survey_form_done": Case(everyone(400), kwargs=lambda c: {"fid": FID}),
    # --- officers -------------------------------------------------------------------------------------------
    "survey_home": Case(signed_in(200)),
    "survey_overview": (
        Case(only("central", *SKN), kwargs=_skn, label="own office"),
        Case(only("central", "other_officer"), kwargs=lambda c: {**_round(c), "code": c.other_office.code},
             label="the other office"),
        Case(only("central", *SKN, ok=404), kwargs=lambda c: {**_round(c), "code": c.school.code},
             label="school: not assessed by the ESA edition"),
        Case(signed_in(404), kwargs=lambda c: {**_round(c), "code": "NO-SUCH"}, label="unknown agency"),
    ),
    "survey_headcounts": Case(only(*MANAGERS, ok=OVERVIEW), kwargs=_skn, method="post",
                              data=lambda c: {"hc-IIT-staff": "40"}),
    "survey_generate": Case(only(*MANAGERS, ok=200), kwargs=_skn, method="post",
                            data=lambda c: {"tool_group": "IIT:staff", "count": "2"}),
    "survey_revoke": Case(only(*MANAGERS, ok=OVERVIEW), kwargs=_skn, method="post",
                          data=lambda c: {"code": UNKNOWN_CODE}),
    "survey_revoke_batch": Case(only(*MANAGERS, ok=OVERVIEW), kwargs=_batch, method="post"),
    "survey_open_link": Case(only(*MANAGERS, ok=OVERVIEW), kwargs=_skn, method="post",
                             data=lambda c: {"action": "on", "group": "other_service_users"}),
    "survey_open_link_poster": Case(only(*MANAGERS), kwargs=_with_link),
    "survey_compute": Case(only(*MANAGERS, ok=To("survey_scores", _skn)), kwargs=_skn, method="post"),
    "survey_scores": (
        Case(only("central", *SKN), kwargs=_skn, label="own office"),
        Case(only("central", "other_officer"), kwargs=lambda c: {**_round(c), "code": c.other_office.code},
             label="the other office"),
    ),
    "survey_export": (
        # individual answers: refused while the round is open (back to the overview), served once it is closed
        Case(only(*MANAGERS, ok=To("survey_overview", _skn)),
             kwargs=lambda c: {**_skn(c), "what": "responses-iit", "fmt": "csv"}, label="responses csv"),
        Case(only(*MANAGERS), kwargs=lambda c: {**_closed(c), "what": "responses-eit", "fmt": "xlsx"},
             label="responses xlsx (closed round)"),
        Case(only("central", *SKN), kwargs=lambda c: {**_skn(c), "what": "scores", "fmt": "csv"},
             label="scores csv"),
        Case(only("central", *SKN), kwargs=lambda c: {**_skn(c), "what": "scores", "fmt": "xlsx"},
             label="scores xlsx"),
    ),
    "survey_national": Case(only("central"), kwargs=_round),
    "survey_national_export": Case(only("central"), kwargs=_round),
}


def _cases() -> list:
    params = []
    for name, entry in ACCESS.items():
        for case in entry if isinstance(entry, tuple) else (entry,):
            for role in ROLES:
                case_id = f"{name}[{case.label}]" if case.label else name
                params.append(pytest.param(name, case, role, id=f"{case_id}-{role}".replace(" ", "_")))
    return params


def check(response, expected, cast, where: str) -> None:
    from urllib.parse import urlparse

    from django.conf import settings
    from django.shortcuts import resolve_url
    from django.urls import reverse

    status, location = response.status_code, response.get("Location", "")
    got = f"{where}: got {status}{' → ' + location if location else ''}"
    if isinstance(expected, int):
        assert status == expected, f"{got}, expected {expected}"
    elif expected == LOGIN:
        assert status == 302 and urlparse(location).path == resolve_url(settings.LOGIN_URL), got
    else:
        target = reverse(expected.name, kwargs=expected.kwargs(cast))
        assert status == 302 and urlparse(location).path == target, f"{got}, expected 302 → {target}"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Unknown codes count against the client's address (127.0.0.1 for every test client)."""
    cache.clear()
    yield
    cache.clear()


def test_every_survey_url_has_an_entry():
    from tests.integration.test_access_matrix import discover_urls

    named, _unnamed = discover_urls()
    names = {n for n in named if n.startswith("survey_")}
    assert names - set(ACCESS) == set(), f"survey URLs without an ACCESS entry: {sorted(names - set(ACCESS))}"


def test_every_entry_names_every_role():
    for name, entry in ACCESS.items():
        for case in entry if isinstance(entry, tuple) else (entry,):
            assert set(case.expect) == set(ROLES), f"{name} {case.label}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "case", "role"), _cases())
def test_survey_access(cast, name: str, case: Case, role: str):
    try:
        url = build_url(cast, name, case)
    except NoReverseMatch:
        pytest.skip(f"URL name {name!r} is not mounted (yet)")
    client = client_for(cast, role)
    response = getattr(client, case.method)(url, case.data(cast))
    check(response, case.expect[role], cast, f"{role} {case.method.upper()} {url}")


@pytest.mark.django_db
def test_other_office_sees_nothing_of_samutsakhon(cast):
    """Another office's officer gets 403/404 on every officer page of สพป.สมุทรสาคร, and no data leaks."""
    from prongsai.web.surveys import services

    services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("IIT", "staff"): 4321})
    client = client_for(cast, "other_officer")
    checked = 0
    for name, entry in ACCESS.items():
        for case in entry if isinstance(entry, tuple) else (entry,):
            if case.expect["other_officer"] != 403:
                continue
            try:
                url = build_url(cast, name, case)
            except NoReverseMatch:
                continue
            if cast.samutsakhon.code not in url:
                continue
            response = getattr(client, case.method)(url, case.data(cast))
            assert response.status_code in (403, 404), (name, url, response.status_code)
            assert b"4321" not in response.content
            checked += 1
    assert checked >= 12
