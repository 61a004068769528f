"""Messages that carry both languages, with the Thai taken from the catalogs (English msgid, Thai msgstr).

Two kinds of text need the English *and* the Thai at once, whatever language is active:

- an operator's command-line message (docs/operations.md, "Errors an operator sees": one paragraph in English
  and Thai), many of them raised before Django is set up — a data folder that cannot be used, settings that do
  not load — when Django's translation machinery cannot run yet;
- a row problem built in the web layer for a pure-core ``Problem(en, th)``/``Collector`` (the page then picks
  one with ``Problem.message(thai=…)``).

So the English is the msgid, marked with this module's :func:`gettext_noop` at the call site (``makemessages``
knows the name and keeps the entry; unlike Django's, it reads no settings), and :func:`thai` looks it up in the
Thai catalogs: through Django once the apps are loaded, else straight from the operations catalog
(``ops/locale``, where the operator messages live) with the standard library's ``gettext``, which needs no
settings.  Nothing here imports Django at import time.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from functools import cache
from pathlib import Path

OPS_LOCALE = Path(__file__).resolve().parent / "ops" / "locale"


def gettext_noop(message: str) -> str:
    """Marks an English msgid for ``makemessages``; Django's own reads the settings, which may not load yet."""
    return message


@cache
def _ops_catalog() -> stdlib_gettext.NullTranslations:
    return stdlib_gettext.translation("django", localedir=OPS_LOCALE, languages=["th"], fallback=True)


def thai(message: str, **params: object) -> str:
    """The Thai translation of ``message`` (an English msgid), with its ``%(name)s`` placeholders filled."""
    from django.apps import apps

    if apps.ready:
        from django.utils import translation

        with translation.override("th"):
            text = translation.gettext(message)
    else:
        text = _ops_catalog().gettext(message)
    return text % params if params else text


def english(message: str, **params: object) -> str:
    return message % params if params else message


def pair(message: str, **params: object) -> tuple[str, str]:
    """``(english, thai)`` of one message: what a core ``Problem``/``Collector.add`` takes."""
    return english(message, **params), thai(message, **params)


def both(message: str, sep: str = "\n", **params: object) -> str:
    """One operator message in English, then in Thai (separated by ``sep``)."""
    en, th = pair(message, **params)
    return en if th == en else f"{en}{sep}{th}"
