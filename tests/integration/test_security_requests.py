"""Malformed requests are refused before any view (security review L4, L5; docs/security.md "Requests").

NUL (and other control characters) anywhere in the path or query string: 400, never a 500 from PostgreSQL, for
every URL of the project, signed in or not.  A body above the cap: 413 before a byte of it is read.  The suite
runs on SQLite and on PostgreSQL (DATABASE_URL), so both databases are covered.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from prongsai.web.middleware import RequestGuardMiddleware
from tests.integration.test_access_matrix import MATRIX, discover_urls

INJECTIONS = ["%00", "A%00B", "%01", "x%1fy", "%7f", "%0d%0aSet-Cookie:x=1"]


def _route_with(route: str, value: str) -> str:
    """The route with every parameter (``<int:pk>``, ``(?P<code>…)``) replaced by ``value``."""
    path = re.sub(r"<(?:\w+:)?\w+>", value, route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", value, path)
    return "/" + path.lstrip("/^").rstrip("$").replace("/?", "/")


def every_route() -> list[str]:
    named, unnamed = discover_urls()
    return sorted(set(named.values()) | set(unnamed))


@pytest.fixture
def officer_client(cast):
    client = Client()
    client.force_login(cast.officer)
    return client


def test_nul_in_any_path_parameter_is_a_400_for_every_url(client, officer_client):
    routes = [r for r in every_route() if "<" in r or "(?P" in r]
    assert len(routes) > 40  # the project's parameterised URLs, discovered, not listed by hand
    failures = []
    for route in routes:
        for value in ("A%00B", "1%00", "%00"):
            path = _route_with(route, value)
            for who, c in (("anonymous", client), ("officer", officer_client)):
                for method in ("get", "post"):
                    status = getattr(c, method)(path).status_code
                    if status != 400:
                        failures.append(f"{method.upper()} {path} as {who}: {status}")
    assert failures == []


def test_control_characters_in_the_query_string_are_a_400_for_every_page(client, officer_client, cast):
    failures = []
    for name, entry in MATRIX.items():
        case = entry[0] if isinstance(entry, tuple) else entry
        try:
            path = reverse(name, kwargs=case.kwargs(cast))
        except Exception:  # noqa: BLE001 - an entry for a URL this build does not have
            continue
        for query in ("q=%00", "item=%00&parent=x", "next=/%00", "round=1%01"):
            for who, c in (("anonymous", client), ("officer", officer_client)):
                status = c.get(f"{path}?{query}").status_code
                if status != 400:
                    failures.append(f"GET {path}?{query} as {who}: {status}")
    assert failures == []


@pytest.mark.parametrize(
    "url",
    [
        # the review's URLs (L4), anonymous and signed in
        "/surveys/open/A%00B/",
        "/oit/public/A%00/2/",
        "/oit/public/A%00/2.json",
        "/oit/embed/A%00/2/",
        "/api/agencies?q=%00",
        "/api/agencies?parent=%00",
        "/agencies/%00/",
        "/oit/2/ESA-SKN/audit/?item=%00",
        "/manage/agencies/%00/",
        "/s/%00ABC",
        "/static/%00.css",
        "/login/?next=%00",
    ],
)
def test_the_reviews_urls_are_refused_in_thai(officer_client, url):
    response = officer_client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "อักขระควบคุม" in response.json()["detail"]
    else:
        assert "อักขระควบคุม" in response.content.decode() and response["Content-Type"].startswith("text/html")


def test_ordinary_text_still_passes(officer_client, cast):
    # Thai, spaces, tabs and line breaks in a search are fine; only invisible control characters are refused
    for query in (quote("สมุทรสาคร"), "q=%09tab", "q=line%0Abreak", "q=a+b"):
        response = officer_client.get(f"/api/agencies?q={query}")
        assert response.status_code == 200, query


@pytest.mark.parametrize("injection", INJECTIONS)
def test_every_kind_of_control_character_in_a_path(client, injection):
    assert client.get(f"/oit/public/{injection}/2/").status_code == 400


# --------------------------------------------------------------------------------------------- body size


class Untouchable:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _guard(request):
    return RequestGuardMiddleware(lambda r: "passed")(request)


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_read(client):
    cap = settings.PRONGSAI_MAX_REQUEST_BYTES
    for path in ("/surveys/form/", "/login/", "/oit/2/ESA-SKN/O1/upload/", "/api/agencies"):
        response = client.generic("POST", path, b"", CONTENT_LENGTH=str(cap + 1), **{"wsgi.input": Untouchable()})
        assert response.status_code == 413, path
        text = response.json()["detail"] if path.startswith("/api/") else response.content.decode()
        assert "ใหญ่เกินไป" in text and "25 MB" in text


def test_the_largest_legitimate_upload_fits_under_the_cap():
    # an OIT evidence file at its limit plus a generous form around it passes the guard
    body = settings.PRONGSAI_OIT_MAX_UPLOAD + 512 * 1024
    request = RequestFactory().generic("POST", "/oit/2/ESA-SKN/O1/upload/", b"", CONTENT_LENGTH=str(body))
    assert _guard(request) == "passed"
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < settings.PRONGSAI_OIT_MAX_UPLOAD, "big files go to disk"
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < settings.PRONGSAI_MAX_REQUEST_BYTES


def test_a_chunked_body_without_length_is_refused_with_411():
    request = RequestFactory().generic(
        "POST", "/surveys/form/", b"", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": Untouchable()}
    )
    request.META.pop("CONTENT_LENGTH", None)
    assert _guard(request).status_code == 411


@pytest.mark.parametrize("length", ["-1", "ten", "1e9", "0x10"])
def test_a_nonsense_content_length_is_a_400(length):
    request = RequestFactory().generic("POST", "/login/", b"", CONTENT_LENGTH=length)
    assert _guard(request).status_code == 400


def test_too_many_form_fields_are_refused_not_a_500(client):
    data = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10))
    response = client.post("/login/", data, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
