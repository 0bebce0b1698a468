from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "meldpunt.intake"
    verbose_name = _("Intake")

    def ready(self):
        from meldpunt.intake import receivers  # noqa: F401  (connects the mail-out receivers)
        self._forget_deleted_files()

    @staticmethod
    def _forget_deleted_files():
        from django.db.models.signals import post_delete

        from meldpunt.intake.attachments import forget_file
        from meldpunt.intake.models import Attachment

        post_delete.connect(forget_file, sender=Attachment, dispatch_uid="meldpunt.intake.forget_file")
