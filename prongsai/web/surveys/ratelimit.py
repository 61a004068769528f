"""A brake on guessing codes: at most ``LIMIT`` unknown codes per client in ``WINDOW`` seconds.

Only codes that do not exist count (a school behind one NAT address hands out hundreds of valid codes); once a
client reaches the limit, every code lookup from it answers 429 until the window ends.  Counters live in
Django's cache under a keyed hash of the client address (the address itself is not stored).  With several app
processes the cache must be shared (docs/surveys.md): the default local-memory cache counts per process.

At 10 tries per 10 minutes one address needs on average 24¹⁰ / 2 / (live codes) minutes to hit a code: with a
million live codes nationwide, about 60 years (an attacker with many addresses divides that by their number).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from django.conf import settings
from django.core.cache import cache

LIMIT = 10
WINDOW = 600


def client_address(request) -> str:
    """REMOTE_ADDR, or the address appended by a trusted proxy when PRONGSAI_CLIENT_IP_HEADER names its header.

    Only the last entry of ``X-Forwarded-For`` is trusted: it is the one our own proxy added; earlier entries are
    whatever the client sent.
    """
    header = getattr(settings, "PRONGSAI_CLIENT_IP_HEADER", "") or os.environ.get("PRONGSAI_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(request) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), b"rl\x00" + client_address(request).encode(), hashlib.sha256)
    return "prongsai:surveys:fail:" + mac.hexdigest()[:32]


def blocked(request) -> bool:
    return (cache.get(_key(request)) or 0) >= LIMIT


def failed(request) -> None:
    key = _key(request)
    if cache.add(key, 1, WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)
