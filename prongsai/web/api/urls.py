"""Mounted at /api/ by prongsai/web/urls.py; URL names live in the "api" namespace (api:agencies, …)."""

from django.urls import path

from prongsai.web.api.api import api

urlpatterns = [path("", api.urls)]
