from django.apps import AppConfig


class ItasConfig(AppConfig):
    """Working beside ITAS: the officer's ITAS sheet, importing ITAS item results, the what-if planner."""

    name = "prongsai.web.itas"
    label = "itas"
