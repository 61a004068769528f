"""Two request-level pieces of operations: believing a reverse proxy only when it is ours, and request metrics.

``TrustedProxyMiddleware`` runs first.  When the connection comes from an address in ``PRONGSAI_TRUSTED_PROXIES``
(our nginx), the client is the right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy, and
``REMOTE_ADDR`` becomes that address, so the survey rate limiter, the login throttle and the logs see the real
client; ``X-Forwarded-Proto`` is left for Django's ``SECURE_PROXY_SSL_HEADER`` (HTTPS detection, HSTS, secure
cookies).  From any other peer every forwarding header is removed: a client talking to the app directly cannot
pick its own address or claim HTTPS.  This works the same under waitress (``prongsai serve``), gunicorn or any
WSGI server.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from prongsai.web.ops import netaddr

FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.trusted = tuple(getattr(settings, "PRONGSAI_TRUSTED_PROXIES", ()) or ())
        netaddr.networks(self.trusted)  # a typo in the setting fails at start, not at the first request

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        if self.trusted and netaddr.within(peer, self.trusted):
            hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            for hop in reversed(hops):
                if netaddr.parse(hop) is None:
                    break  # garbage the client wrote: stop believing the chain here
                if not netaddr.within(hop, self.trusted):
                    meta["REMOTE_ADDR"] = str(netaddr.parse(hop))
                    break
            for header in ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "HTTP_X_REAL_IP", "HTTP_FORWARDED"):
                meta.pop(header, None)  # not used by Prongsai; never half-believed
        else:
            for header in FORWARDING_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


class RequestMetricsMiddleware:
    """Counts requests by method and status class and records their latency (``prongsai.web.ops.metrics``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from prongsai.web.ops import metrics

        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            metrics.observe_request(request.method or "", status, time.perf_counter() - started)
