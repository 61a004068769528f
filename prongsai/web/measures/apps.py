from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "prongsai.web.measures"
    label = "measures"
