from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "prongsai.web.rounds"
    label = "rounds"
    verbose_name = "Assessment rounds"
