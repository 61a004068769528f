"""Mounted at /account/ by prongsai/web/urls.py (sign-in itself stays at /login/)."""

from django.urls import path

from prongsai.web.accounts import views

urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.tokens, name="account_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="account_token_revoke"),
]
