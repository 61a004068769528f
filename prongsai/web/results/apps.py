from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "prongsai.web.results"
    label = "results"
    verbose_name = "Results"
