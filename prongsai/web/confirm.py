"""Confirmation pages for actions that cannot be taken back with one click (docs/confirmations.md).

The pattern: a GET of the action's URL, or a POST without ``confirmed=yes`` (an old one-click button, a bookmark,
a replayed form), shows a page saying what will happen and to whom, with counts and names; only the POST made from
that page (it carries ``confirmed=yes``) does it. Nothing here changes data: each view still calls its one service
function. Works without JavaScript: the page is a plain form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"


def confirmed(request: HttpRequest) -> bool:
    """True only for the POST sent from a confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


@dataclass
class Confirmation:
    """What the page says. ``effects`` are the consequences, ``names`` who or what they touch (shown in full up to
    ``names_limit``), ``warnings`` the reasons to stop and think, ``undo`` how to take it back (or that nobody can)."""

    title: str
    lead: str
    action: str  # the URL the confirming POST goes to
    button: str
    cancel_url: str
    effects: list[str] = field(default_factory=list)
    names_title: str = ""
    names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    undo: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    danger: bool = True
    names_limit: int = 60

    @property
    def hidden_fields(self) -> list[tuple[str, str]]:
        # a list, not the dict: the template's ``hidden.items`` would look up a field named "items" first
        return list(self.hidden.items())

    @property
    def shown_names(self) -> list[str]:
        return self.names[: self.names_limit]

    @property
    def more_names(self) -> int:
        return max(0, len(self.names) - self.names_limit)


def confirmation_page(request: HttpRequest, confirmation: Confirmation, status: int = 200) -> HttpResponse:
    return render(
        request,
        "confirm.html",
        {"c": confirmation, "confirm_field": CONFIRM_FIELD, "confirm_value": CONFIRM_VALUE},
        status=status,
    )
