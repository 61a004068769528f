"""What a link check says, in the reader's language (docs/oit.md "Link-check messages").

The checker (``linkcheck``, ``ssrf``) describes a problem by an English msgid (marked with ``gettext_noop``) and
its parameters, and never translates: it runs in a worker, for no reader.  A recorded ``LinkCheck`` stores, per
problem, the msgid and the parameters (so a page shows the message in its own language) and the Thai text as
it read when the check was recorded (the record, and what rows written before the msgids were stored show).

Parameters are JSON values: a list is a list of alternatives (the expected years, joined with "or"), a
``{"th": …, "en": …}`` object a two-language reason from the pure core; anything else is shown as it is.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from prongsai.web.messages import localized


def or_list(values) -> str:
    """``2567 หรือ 2568`` / ``2567 or 2568``."""
    return " {} ".format(gettext("or")).join(str(v) for v in values)


def _shown(value):
    if isinstance(value, list):
        return or_list(value)
    if isinstance(value, dict):
        return localized(value.get("th", ""), value.get("en", ""))
    return value


def describe(text: str, params: dict | None = None) -> str:
    """The message of a msgid and its parameters, in the active language."""
    message = gettext(text)
    return message % {key: _shown(value) for key, value in params.items()} if params else message


def stored(problems) -> list[dict]:
    """Problems as a ``LinkCheck`` stores them: code, level, msgid and parameters, and the Thai message."""
    with translation.override(settings.LANGUAGE_CODE):  # the record reads as the officer saw it by default
        return [
            {
                "code": p.code,
                "level": p.level,
                "message": describe(p.text, p.params),
                "text": p.text,
                "params": p.params,
            }
            for p in problems
        ]


class ShownProblem(dict):
    """A stored problem whose ``message`` reads in the active language when the row kept its msgid; a row
    recorded with the Thai text only shows that text, as recorded."""

    def __getitem__(self, key):
        if key == "message" and "text" in self:
            return describe(super().__getitem__("text"), self.get("params"))
        return super().__getitem__(key)
