"""Thai first: the interface is Thai unless the user chose English with the language switch.

Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, so an officer with an
English-language browser would land on English pages; the switch's cookie still wins after this middleware.
"""

from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse


class ThaiFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
