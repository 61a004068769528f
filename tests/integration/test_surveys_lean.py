"""The respondent's submit on the lean path (issue 14 §1, ``prongsai/web/surveys/lean.py``).

Every request goes through the WSGI application as a server calls it (``lean.wrap`` in front of Django's
handler), next to the same request through the full stack alone:

- a plain submit is answered on the lean path (the full application is not called) with the same status, the
  same headers (security headers, no-store, no-referrer, CSP, …) and the same cookie as the full stack;
- a forged, expired or used form, a cross-site post, a body above the cap, a plain-HTTP post when HTTPS is
  required, a disallowed host and an open-link form are handed to the full application, which answers as it
  always did, and nothing more is stored;
- fifty concurrent submits of one form through the lean path store exactly one answer (PostgreSQL here; the
  SQLite file in test_surveys_race.py's child process runs the lean path too).

Transactional tests on purpose: on PostgreSQL the submit's one-statement path (``ballot.use_code_and_hold_pg``,
a prepared statement) runs only outside a transaction, as in production.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from contextlib import contextmanager
from http.cookies import SimpleCookie

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connections
from django.test import Client, override_settings

from prongsai.web.surveys import lean
from prongsai.web.surveys.models import HeldResponse, RespondentCode
from tests.integration.test_surveys import action_of, answer_through_pages, choose, make_codes, page_of, short_url

pytestmark = pytest.mark.django_db(transaction=True)

USED = "รหัสนี้ถูกใช้ตอบแล้ว"
EXPIRED = "หน้าแบบวัดหมดเวลา"


class Spy:
    """The full application, counting the requests handed to it."""

    def __init__(self):
        self.application = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.application(environ, start_response)


@contextmanager
def server_signals():
    """As Django's test client does: the request signals must not close the test's database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def call(
    app, path: str, cookie: str = "", body: bytes = b"page=6&action=submit", host: str = "testserver", **headers
) -> tuple[int, dict, SimpleCookie, str]:
    """One request as a WSGI server sends it: status, headers (one value each), cookies set, body text."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        **({"HTTP_COOKIE": cookie} if cookie else {}),
        **headers,
    }
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = int(status[:3]), response_headers

    with server_signals():
        chunks = app(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            chunks.close()
    cookies = SimpleCookie()
    for name, value in answer["headers"]:
        if name == "Set-Cookie":
            cookies.load(value)
    plain = {name: value for name, value in answer["headers"] if name != "Set-Cookie"}
    return answer["status"], plain, cookies, content.decode()


def review_form(cast, tool="IIT", group="staff") -> tuple[str, str]:
    """A code answered up to the review page by a phone: the form's address and its state cookie."""
    (code,) = make_codes(cast, tool=tool, group=group, count=1)
    phone = Client()
    review = answer_through_pages(phone, phone.get(short_url(code)), choose(tool))
    assert page_of(review) == "6"
    return action_of(review), f"pss={phone.cookies['pss'].value}"


def test_the_route_is_the_forms_own_address(cast):
    path, _cookie = review_form(cast)
    assert lean.FORM_POST.match(path) and not lean.FORM_POST.match(path + "review/")
    assert lean.lean_middleware() is not None


def test_a_plain_submit_is_answered_on_the_lean_path_as_the_full_stack_answers_it(cast):
    spy = Spy()
    app = lean.wrap(spy)
    assert isinstance(app, lean.LeanApplication)
    lean_path, lean_cookie = review_form(cast)
    full_path, full_cookie = review_form(cast)
    status, headers, cookies, _ = call(app, lean_path, lean_cookie)
    assert spy.calls == 0 and status == 303 and headers["Location"] == lean_path + "done/"
    full_status, full_headers, full_cookies, _ = call(WSGIHandler(), full_path, full_cookie)
    assert full_status == 303
    assert {k: v for k, v in headers.items() if k not in ("Location", "Vary")} == {
        k: v for k, v in full_headers.items() if k not in ("Location", "Vary")
    }
    assert set(headers["Vary"].split(", ")) == set(full_headers["Vary"].split(", ")) == {"Accept-Language", "Cookie"}
    for header, value in {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Content-Language": "th",
    }.items():
        assert headers[header] == value, header
    assert (
        "frame-ancestors 'none'" in headers["Content-Security-Policy"] and "camera=()" in headers["Permissions-Policy"]
    )
    assert list(cookies) == list(full_cookies) == ["pss"]
    assert cookies["pss"].value.startswith("done.")
    for attribute in ("path", "httponly", "samesite", "max-age", "secure"):
        if attribute != "path":
            assert cookies["pss"][attribute] == full_cookies["pss"][attribute], attribute
    assert cookies["pss"]["path"] == lean_path
    assert HeldResponse.objects.count() == 2 and RespondentCode.objects.filter(status="used").count() == 2
    # the thank-you page reads the "done" marker the lean path set
    thanks = Client()
    thanks.cookies["pss"] = cookies["pss"].value
    thanks.cookies["pss"]["path"] = lean_path
    assert "ขอบคุณที่ร่วมตอบแบบวัด" in thanks.get(lean_path + "done/").content.decode()


def test_a_used_form_is_refused_by_the_full_view(cast):
    spy = Spy()
    app = lean.wrap(spy)
    path, cookie = review_form(cast)
    assert call(app, path, cookie)[0] == 303
    status, _headers, _cookies, body = call(app, path, cookie)  # the same form again (another tab, a replay)
    assert spy.calls == 1 and status == 409 and USED in body
    assert HeldResponse.objects.count() == 1


def test_a_forged_or_missing_state_is_refused_by_the_full_view(cast):
    spy = Spy()
    app = lean.wrap(spy)
    path, cookie = review_form(cast)
    for forged in (cookie[:-3] + "abc", "", "pss=done.x:y:z", cookie + "; pss=other"):
        status, _headers, _cookies, body = call(app, path, forged)
        assert status == 400 and EXPIRED in body, forged
    assert spy.calls == 4
    assert HeldResponse.objects.count() == 0 and not RespondentCode.objects.filter(status="used").exists()


def test_a_cross_site_post_is_refused_as_before(cast):
    spy = Spy()
    app = lean.wrap(spy)
    path, cookie = review_form(cast)
    for headers in ({"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"}):
        status, _headers, _cookies, body = call(app, path, cookie, **headers)
        assert status == 400 and EXPIRED in body
        assert call(WSGIHandler(), path, cookie, **headers)[0] == status
    assert spy.calls == 2 and HeldResponse.objects.count() == 0
    # Chromium's ``Origin: null`` under no-referrer, same-origin fetch metadata: accepted
    assert call(app, path, cookie, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")[0] == 303
    assert spy.calls == 2


def test_body_cap_https_and_hosts_are_enforced_as_before(cast):
    spy = Spy()
    app = lean.wrap(spy)
    path, cookie = review_form(cast)
    with override_settings(PRONGSAI_MAX_REQUEST_BYTES=10):
        assert call(app, path, cookie)[0] == 413
    with override_settings(SECURE_SSL_REDIRECT=True):  # read when the middleware is built, as in production
        https_spy = Spy()
        status, headers, _cookies, _body = call(lean.wrap(https_spy), path, cookie)
        assert status == 301 and headers["Location"].startswith("https://") and https_spy.calls == 1
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        assert call(app, path, cookie, host="evil.example")[0] == 400
    assert spy.calls == 2 and HeldResponse.objects.count() == 0
    assert call(app, path, cookie)[0] == 303 and spy.calls == 2


def test_missing_answers_and_other_actions_go_to_the_full_view(cast):
    spy = Spy()
    app = lean.wrap(spy)
    path, cookie = review_form(cast)
    status, headers, _cookies, _body = call(app, path, cookie, body=b"page=6&action=goto-2")
    assert spy.calls == 1 and status == 303 and headers["Location"] == path + "2/"
    # a submit from page 1 that clears nothing still needs every answer: posted with a bad value, it is kept
    status, headers, _cookies, _body = call(app, path, cookie, body=b"page=1&action=submit&I1.1=99")
    assert status == 303 and headers["Location"] == path + "done/" and spy.calls == 1
    assert HeldResponse.objects.count() == 1


def test_an_open_link_form_takes_the_full_path(cast):
    from prongsai.web.surveys import services

    link = services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True)
    phone = Client()
    review = answer_through_pages(phone, phone.get(f"/surveys/open/{link.token}/"), choose("EIT"))
    spy = Spy()
    status, _headers, cookies, _body = call(lean.wrap(spy), action_of(review), f"pss={phone.cookies['pss'].value}")
    assert spy.calls == 1 and status == 303 and f"pso{link.pk}" in cookies
    assert HeldResponse.objects.count() == 1


def test_an_unknown_middleware_switches_the_lean_path_off(settings):
    app = WSGIHandler()
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "example.NewMiddleware"]
    assert lean.lean_middleware() is None and lean.wrap(app) is app


def test_fifty_concurrent_submits_through_the_lean_path_store_one_answer(cast):
    if connections["default"].vendor == "sqlite":
        pytest.skip("SQLite: test_surveys_race.py runs the lean path against a real SQLite file")
    from tests.integration.test_surveys_race import N, race_through_wsgi

    outcome = race_through_wsgi(cast)
    counts = Counter((r[0], r[1]) for r in outcome["results"])
    assert counts == {(303, "thanks"): 1, (409, "used"): N - 1}, counts
    assert outcome["responses"] == 1 and outcome["status"] == "used"


def race_submit(app, path: str, cookie: str, barrier: threading.Barrier) -> list:
    """One of the racing phones (test_surveys_race.py): the status and what the page says."""
    try:
        barrier.wait()
        status, headers, _cookies, body = call(app, path, cookie)
        return [
            status,
            "used" if USED in body else "thanks" if headers.get("Location", "").endswith("/done/") else body[:200],
        ]
    except Exception as exc:  # noqa: BLE001 - an exception is a 500 in production: record it
        return [type(exc).__name__, str(exc)[:200]]
    finally:
        connections.close_all()


def test_a_multipart_submit_goes_to_the_full_stack_with_its_body_intact(cast):
    # Django reads a multipart body as a stream (no copy of it is kept), so the lean path could not hand it
    # over: such a post never takes it, and the full view reads every field of the body.
    spy = Spy()
    app = lean.wrap(spy)
    path, cookie = review_form(cast)
    boundary = "prongsaiboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="page"\r\n\r\n1\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="action"\r\n\r\nsubmit\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    status, headers, _cookies, _body = call(
        app, path, cookie, body=body, CONTENT_TYPE=f"multipart/form-data; boundary={boundary}"
    )
    assert spy.calls == 1  # straight to the full application
    assert status == 303 and headers["Location"] == path + "done/"  # it read page=1, action=submit
    assert HeldResponse.objects.count() == 1
