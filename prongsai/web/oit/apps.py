from django.apps import AppConfig


class OitConfig(AppConfig):
    name = "prongsai.web.oit"
    label = "oit"
