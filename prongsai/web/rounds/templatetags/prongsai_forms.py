"""``{% error_summary form other_form %}``: the list of a form's errors at its top, linked to each field, and
``autofocus`` on the first invalid field, so that after a refused save the browser scrolls to the problem
instead of reloading at the top of a long page (no JavaScript needed: autofocus scrolls the field into view).

Put the tag before the fields: it marks the first invalid field's widget, which then renders with autofocus.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("form_error_summary.html")
def error_summary(*forms) -> dict:
    errors: list[tuple[str, str]] = []
    focused = False
    for form in forms:
        if form is None or not getattr(form, "is_bound", False) or not form.errors:
            continue
        errors += [("", str(e)) for e in form.non_field_errors()]
        for bound in form:
            for error in bound.errors:
                text = str(error)
                label = str(bound.label or "")
                errors.append(
                    (bound.id_for_label or "", text if not label or text.startswith(label) else f"{label}: {text}")
                )
            if bound.errors and not focused:
                bound.field.widget.attrs["autofocus"] = True
                focused = True
    return {"errors": errors, "focused": focused}
