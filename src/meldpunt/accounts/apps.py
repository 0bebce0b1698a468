from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Who may see what: the staff and contact checks of every page, login lockout and the
    rate limit of public forms. Beside the accounts they guard (``contracts``: organisations
    and contacts), below every app that has pages."""

    name = "meldpunt.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from meldpunt.accounts import lockout  # noqa: F401  (connects: a success forgives only one's own failures)
