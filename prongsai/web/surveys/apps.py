from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "prongsai.web.surveys"
    label = "surveys"
