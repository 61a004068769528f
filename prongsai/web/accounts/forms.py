"""Forms of the accounts pages: the throttled sign-in form and the API token form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from prongsai.web.accounts import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form behind the login throttle (``throttle.py``): a client over a limit is refused before
    its password is checked."""

    throttled_minutes = 0

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and self.cleaned_data.get("password") is not None:
            verdict = throttle.attempt(self.request, username)
            if not verdict.allowed:
                self.throttled_minutes = verdict.minutes
                raise _throttled(verdict.minutes)
            cleaned = super().clean()  # ValidationError on a wrong password: the attempt stays counted
            throttle.succeeded(self.request, username)
            return cleaned
        return super().clean()


def _throttled(minutes: int) -> ValidationError:
    return ValidationError(
        ngettext(
            "Too many wrong passwords. Please wait %(minutes)d minute and try again.",
            "Too many wrong passwords. Please wait %(minutes)d minutes and try again.",
            minutes,
        )
        % {"minutes": minutes},
        code="throttled",
    )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked behind the same throttle as signing in: a borrowed or stolen session cannot be
    used to guess it (and then lock the owner out by changing it)."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        username = self.user.get_username()
        verdict = throttle.attempt(self.request, username)
        if not verdict.allowed:
            raise _throttled(verdict.minutes)
        old = super().clean_old_password()  # ValidationError on a wrong password: the attempt stays counted
        throttle.succeeded(self.request, username)
        return old


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What the token is for"), max_length=100, help_text=_("For example: monthly report, Power BI")
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        self.fields["days"].help_text = _("At most %(days)d days.") % {"days": settings.API_TOKEN_MAX_DAYS}
        self.fields["days"].widget.attrs.update(min=1, max=settings.API_TOKEN_MAX_DAYS)
