from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "meldpunt.web"
    verbose_name = "Web"

    def ready(self) -> None:
        from meldpunt.web import lockout  # noqa: F401  (a success forgives only one's own failures)
