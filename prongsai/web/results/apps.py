from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "prongsai.web.results"
    label = "results"
    verbose_name = "Results"

    def ready(self) -> None:
        from prongsai.web.results import standings

        standings.connect_signals()  # every write of a result or an agency marks the standings it affects stale
