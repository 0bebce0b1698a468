from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts import addresses


class ContractsConfig(AppConfig):
    name = "meldpunt.contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        post_delete.connect(addresses.on_contact_deleted, sender=self.get_model("Contact"),
                            dispatch_uid="contracts-settle-address")
