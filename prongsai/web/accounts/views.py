"""Sign-in (throttled), the self-service password change and the person's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prongsai.web.accounts import services, throttle
from prongsai.web.accounts.forms import ThrottledAuthenticationForm, ThrottledPasswordChangeForm, TokenForm
from prongsai.web.api.models import APIToken
from prongsai.web.api.services import issue_api_token, revoke_api_token


class LoginView(auth_views.LoginView):
    template_name = "login.html"
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = super().form_valid(form)  # logs in: a new session id (no fixation), clocks start (signals.py)
        throttle.remember_device(self.request, response, form.get_user().get_username())
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled_minutes:  # too many wrong passwords: 429 with the Thai message
            response.status_code = 429
            response["Retry-After"] = str(form.throttled_minutes * 60)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ThrottledPasswordChangeForm
    success_url = reverse_lazy("home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        try:
            services.change_own_password(self.request.user, form.cleaned_data["new_password1"])
        except ValidationError as exc:  # the form ran the same validators: only a race gets here
            form.add_error("new_password1", exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)  # keep this session; others end
        messages.success(self.request, _("Your password was changed. Your other sessions were signed out."))
        return redirect(self.get_success_url())


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens: list, issue (shown once) and revoke."""
    form = TokenForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = issue_api_token(
                    request.user, request.user, form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                form = TokenForm()
        if issued is None:
            status = 400
    mine = APIToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    response = render(request, "accounts/tokens.html", {"form": form, "tokens": mine, "issued": issued}, status=status)
    if issued:
        response["Cache-Control"] = "no-store"  # the plaintext token is on this page once
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(APIToken, pk=pk, user=request.user)  # another person's token: 404, not 403
    revoke_api_token(request.user, token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("account_tokens")
