from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "meldpunt.web"
    verbose_name = "Web"
