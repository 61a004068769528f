"""The one way the web layer picks a language and reports a refused change.

Every user-visible string is Django gettext (English msgids, Thai in ``locale/th``; ``LANGUAGE_CODE`` is "th").
Two things are not gettext and come through here instead:

- data that carries both languages, such as a pure-core ``Problem(en, th)`` or a framework's ``name_th/name_en``
  (the core imports no Django, so it cannot call gettext): :func:`localized` chooses by the active language;
- a service's refusal (``ValidationError``, a core ``InputError``/``EditionImportError`` problem list, a lifecycle
  ``TransitionRefused``): :func:`report_error` puts it on a form's fields or into flash messages, in every app.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from prongsai.core.lifecycle import TransitionRefused


def english() -> bool:
    """True when the user switched to English (Thai is the default and the fallback)."""
    return (get_language() or "th").startswith("en")


def localized(th: str, en: str) -> str:
    """The Thai or the English text of a two-language datum, by the active language; Thai when English is empty."""
    return en if english() and en else th


def error_texts(exc: Exception) -> list[str]:
    """The user-facing lines of a refusal, in the active language."""
    if isinstance(exc, ValidationError):
        return list(exc.messages) or [_("The data is not valid.")]
    if isinstance(exc, TransitionRefused):
        return [localized(exc.th, exc.en)]
    problems = getattr(exc, "problems", None)
    if problems is not None:  # tabular.InputError, edition_xlsx.EditionImportError: located problems
        return [p.message(thai=not english()) for p in problems]
    raise TypeError(f"not a user-facing refusal: {exc!r}")  # a bug must reach the 500 page, not a flash message


def form_error_texts(form: forms.BaseForm) -> list[str]:
    """A form's errors, one line per field: "<field label>: <messages>" (field names never reach the user)."""
    texts = []
    for name, errs in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else None
        texts.append(f"{label}: {' '.join(errs)}" if label else " ".join(errs))
    return texts


def _by_field(exc: Exception) -> Iterable[tuple[str | None, list[str]]]:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            yield (None if field == "__all__" else field), msgs
    else:
        yield None, error_texts(exc)


def report_error(
    target: HttpRequest | forms.BaseForm,
    exc: Exception,
    *,
    aliases: dict[str, str] | None = None,
    first_only: bool = False,
) -> None:
    """Show a service's refusal: on a form, each message goes to its field (``aliases`` maps a service's field
    name to the form's; unknown fields go to the form as a whole); on a request, each becomes an error flash
    message.  ``first_only`` keeps only the first message (a one-button action needs one sentence)."""
    pairs = list(_by_field(exc))
    if first_only:
        pairs = [(pairs[0][0], pairs[0][1][:1])] if pairs else []
    if isinstance(target, forms.BaseForm):
        for field, msgs in pairs:
            field = (aliases or {}).get(field, field) if field else None
            target.add_error(field if field in target.fields else None, msgs)
        return
    for _field, msgs in pairs:
        for message in msgs:
            flash.error(target, message)
