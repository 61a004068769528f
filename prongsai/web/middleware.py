"""Project-wide middleware: request guards, security headers and Thai first.

``RequestGuardMiddleware`` runs first and refuses, before any view, session or database work:

- a path or query string carrying a NUL byte or another control character (PostgreSQL cannot store NUL in text,
  so such a value reaching a query used to end in a 500; no legitimate link contains one): 400;
- a body larger than ``PRONGSAI_MAX_REQUEST_BYTES`` by its declared Content-Length: 413, without reading it
  (a server that buffers whole bodies before calling the application, as waitress does, needs its own limit
  too: ``prongsai serve`` and the proxy set the same number);
- a body sent with ``Transfer-Encoding: chunked`` and no Content-Length: 411.  Django reads exactly
  Content-Length bytes, so such a body would be silently dropped; saying so is clearer.

``SecurityHeadersMiddleware`` adds Content-Security-Policy and Permissions-Policy to every response that has not
set its own (evidence files are served with a stricter sandbox policy; the API docs page with Swagger UI gets the
one policy that allows scripts, from the app's own static files).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

#: C0 controls and DEL.  Tab, LF and CR are tolerated in query values (a pasted search term); never in the path.
_PATH_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")
_QUERY_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: the HTML pages use no script at all; inline style attributes carry computed widths (bars, indentation)
DEFAULT_CSP = (
    "default-src 'none'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
#: the interactive API docs (Swagger UI, served from the app's static files, no CDN) need scripts and fetches
API_DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), publickey-credentials-get=(), usb=(), xr-spatial-tracking=()"
)
API_DOCS_PATH = "/api/docs"


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
    html = loader.render_to_string("400.html", {"message": message, "status": status})
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.check(request)
        return refusal if refusal is not None else self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        # PATH_INFO arrives percent-decoded from the server; the query string arrives raw
        path = request.path_info.encode("utf-8", "surrogateescape")
        query = unquote_to_bytes(meta.get("QUERY_STRING", "").replace("+", " "))
        if _PATH_CONTROL.search(path) or _QUERY_CONTROL.search(query):
            return _refuse(
                request,
                400,
                _("The address contains a control character (such as NUL) that no page uses. Check the link."),
            )
        length = meta.get("CONTENT_LENGTH") or ""
        if length:
            try:
                size = int(length)
            except ValueError:
                return _refuse(request, 400, _("The request's Content-Length is not a number."))
            if size < 0:
                return _refuse(request, 400, _("The request's Content-Length is not a number."))
            if size > settings.PRONGSAI_MAX_REQUEST_BYTES:
                mb = settings.PRONGSAI_MAX_REQUEST_BYTES // (1024 * 1024)
                return _refuse(
                    request, 413, _("The request is too large: at most %(mb)d MB can be sent at once.") % {"mb": mb}
                )
        elif "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            return _refuse(request, 411, _("Send the request with a Content-Length header."))
        return None


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = API_DOCS_CSP if request.path_info.rstrip("/") == API_DOCS_PATH else DEFAULT_CSP
            if getattr(response, "xframe_options_exempt", False):  # pages made to be embedded (OIT embed)
                policy = policy.replace("frame-ancestors 'none'", "frame-ancestors *")
            response["Content-Security-Policy"] = policy
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ThaiFirstMiddleware:
    """Thai first: the interface is Thai unless the user chose English with the language switch.

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, so an officer with an
    English-language browser would land on English pages; the switch's cookie still wins after this middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
