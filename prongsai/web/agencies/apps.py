from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "prongsai.web.agencies"
    label = "agencies"
    verbose_name = "Agencies and people"
