"""/healthz (public, for load balancers and monitors) and /metrics (Prometheus; a token or an allow-list)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from prongsai.web.ops import health, netaddr


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    ok, checks = health.run_checks()
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "PRONGSAI_METRICS_TOKEN", "")
    allow = getattr(settings, "PRONGSAI_METRICS_ALLOW", [])
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
        return True
    address = request.META.get("REMOTE_ADDR", "")
    if allow:
        return netaddr.within(address, allow)
    if not token and not getattr(settings, "PRODUCTION", False):
        return netaddr.within(address, ["127.0.0.0/8", "::1/128"])
    return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        raise Http404  # not 403: an unconfigured or refused /metrics does not announce itself
    from prometheus_client import CONTENT_TYPE_LATEST

    from prongsai.web.ops.metrics import render

    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
