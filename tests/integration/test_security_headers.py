"""Response headers (security review L14; docs/security.md "Headers").

Every page of the project, for every role, carries a Content-Security-Policy that allows no script (the app has
no JavaScript), a Permissions-Policy that switches off device features, and the headers that were already right
(nosniff, frame denial, referrer policy, COOP).  Three pages differ on purpose: the API docs (Swagger UI, scripts
from the app's own static files only), the OIT embed (framed by agencies' own sites) and evidence files (a
sandbox).

Every page for every role: the access matrix checks ``header_problems`` on each answer to a GET it already asks
for (tests/integration/test_access_matrix.py), instead of a second walk of the same pages here.
"""

from __future__ import annotations

from django.urls import reverse

from prongsai.web.middleware import API_DOCS_CSP, DEFAULT_CSP


def _directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_the_default_policy_allows_no_script_and_no_foreign_origin():
    policy = _directives(DEFAULT_CSP)
    assert policy["default-src"] == "default-src 'none'"
    assert "script-src" not in policy  # falls back to default-src 'none': no script at all
    assert policy["frame-ancestors"] == "frame-ancestors 'none'" and policy["base-uri"] == "base-uri 'none'"
    assert policy["form-action"] == "form-action 'self'"
    assert "http" not in DEFAULT_CSP and "*" not in DEFAULT_CSP


def header_problems(url: str, response) -> list[str]:
    """What is wrong with the security headers of ``response``, the answer to GET ``url`` (empty when nothing)."""
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if not csp:
        problems.append(f"{url}: no CSP")
    elif "'unsafe-eval'" in csp or ("script-src" in csp and url != reverse("api:openapi-view")):
        problems.append(f"{url}: scripts allowed: {csp}")
    for header, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", None),
        ("Permissions-Policy", None),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ):
        if header not in response or (value and response[header] != value):
            problems.append(f"{url}: {header}={response.get(header)!r}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"{url}: camera not switched off")
    return problems


def test_header_problems_names_what_is_missing(client):
    """The check the access matrix applies to every page finds a page without the headers, and passes a real one."""
    from django.http import HttpResponse

    assert header_problems("/x/", HttpResponse(b"")) == [
        "/x/: no CSP",
        "/x/: X-Content-Type-Options=None",
        "/x/: Referrer-Policy=None",
        "/x/: Permissions-Policy=None",
        "/x/: Cross-Origin-Opener-Policy=None",
        "/x/: camera not switched off",
    ]
    scripted = client.get(reverse("login"))
    assert header_problems("/login/", scripted) == []
    scripted["Content-Security-Policy"] = "default-src 'self'; script-src 'self'"
    assert header_problems("/login/", scripted) == [f"/login/: scripts allowed: {scripted['Content-Security-Policy']}"]


def test_html_pages_cannot_be_framed(client, cast):
    client.force_login(cast.officer)
    response = client.get(reverse("rounds"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == DEFAULT_CSP


def test_the_api_docs_page_has_its_own_policy_and_loads_only_local_scripts(client):
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == API_DOCS_CSP
    page = response.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert "script-src 'self';" in API_DOCS_CSP and "'unsafe-inline'" not in _directives(API_DOCS_CSP)["script-src"]


def test_the_oit_embed_may_be_framed_by_any_site_but_runs_no_script(client, cast):
    response = client.get(reverse("oit_embed", kwargs={"code": cast.samutsakhon.code, "round_id": cast.round_2563.pk}))
    assert "X-Frame-Options" not in response
    policy = _directives(response["Content-Security-Policy"])
    assert policy["frame-ancestors"] == "frame-ancestors *" and policy["default-src"] == "default-src 'none'"


def test_the_json_api_also_carries_a_policy(client, cast):
    client.force_login(cast.officer)
    response = client.get("/api/rounds")
    assert response.status_code == 200 and response["Content-Security-Policy"] == DEFAULT_CSP


def test_a_response_that_set_its_own_policy_keeps_it(client, cast):
    from django.http import HttpResponse

    from prongsai.web.middleware import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"  # as evidence files are served
        return response

    from django.test import RequestFactory

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/oit/files/1/"))
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "Permissions-Policy" in response
