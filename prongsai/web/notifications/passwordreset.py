"""Password reset by e-mail, on Django's views: Thai pages and mail, the login throttle, no user enumeration.

- The request page answers the same way whether or not the address belongs to an account (Django sends mail
  only to active accounts with a usable password, and says nothing either way).
- Requests go through the login throttle (``accounts/throttle.py``), keyed by the address typed: a client that
  asks too often for one address, or for many, waits for the cool-off (429), whether or not accounts exist.
- The link in the mail is built from PRONGSAI_BASE_URL, never from the request's Host header (a forged Host
  would otherwise send the victim a link to the attacker's site); it works PRONGSAI_PASSWORD_RESET_HOURS.
- The new password goes through the same validators, and the change is audited like a self-service change.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from prongsai.web.accounts import throttle
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record


class ThrottledPasswordResetForm(PasswordResetForm):
    throttled_minutes = 0

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def clean_email(self):
        email = self.cleaned_data["email"]
        # its own counters (scope "reset"): reset requests never lock a shared address out of signing in
        verdict = throttle.attempt(self.request, email.strip().casefold(), scope="reset")
        if not verdict.allowed:
            self.throttled_minutes = verdict.minutes
            raise self.throttled(verdict.minutes)
        return email

    @staticmethod
    def throttled(minutes: int):
        from django.core.exceptions import ValidationError

        return ValidationError(
            ngettext(
                "Too many requests. Please wait %(minutes)d minute and try again.",
                "Too many requests. Please wait %(minutes)d minutes and try again.",
                minutes,
            )
            % {"minutes": minutes},
            code="throttled",
        )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "notifications/password_reset_form.html"
    email_template_name = "notifications/password_reset_email.txt"
    subject_template_name = "notifications/password_reset_subject.txt"
    form_class = ThrottledPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_extra_email_context(self):
        return {"base_url": settings.BASE_URL, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def form_valid(self, form):
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled_minutes:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled_minutes * 60)
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "notifications/password_reset_done.html"


class AuditedSetPasswordForm(SetPasswordForm):
    def save(self, commit=True):
        with transaction.atomic():
            user = super().save(commit=commit)
            record(
                user,
                AuditAction.RESET_PASSWORD,
                f"{user.get_username()} set a new password from a reset link",
                obj=user,
                changes={"user": user.get_username()},
            )
        return user


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "notifications/password_reset_confirm.html"
    form_class = AuditedSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "notifications/password_reset_complete.html"
