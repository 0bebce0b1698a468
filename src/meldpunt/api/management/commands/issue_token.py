"""``meldpunt issue-token USER --name NAME [--expires DAYS]``: a new API token, printed once."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.api.models import ApiToken
from meldpunt.localformat import moment


class Command(BaseCommand):
    help = gettext_noop("Issue an API token for USER and print it once (only its digest is stored). "
                        "--expires DAYS, or settings.MELDPUNT_TOKEN_DAYS, makes it expire.")

    def add_arguments(self, parser):
        parser.add_argument("user", help=_("user name"))
        parser.add_argument("--name", required=True, help=_("what the token is for, e.g. the client's name"))
        parser.add_argument("--expires", type=int, metavar="DAYS", default=None,
                            help=_("valid for this many days (default MELDPUNT_TOKEN_DAYS; 0: no expiry)"))

    def handle(self, *, user, name, expires, **options):
        name = name.strip()
        if not name or len(name) > ApiToken._meta.get_field("name").max_length:
            raise CommandError(_("--name: give a name of 1 to 100 characters"), returncode=2)
        days = settings.MELDPUNT_TOKEN_DAYS if expires is None else expires
        if days < 0:
            raise CommandError(_("--expires: give a number of days, 0 or more"), returncode=2)
        User = get_user_model()
        try:
            owner = User._default_manager.get_by_natural_key(user)
        except User.DoesNotExist:
            raise CommandError(_("USER: no user %(user)r") % {"user": user}, returncode=2) from None
        if not owner.is_active:
            raise CommandError(_("USER: %(user)r is not active") % {"user": user}, returncode=2)
        expires_at = timezone.now() + timedelta(days=days) if days else None
        token, raw = ApiToken.issue(owner, name, expires_at=expires_at)
        until = _("expires %(moment)s") % {"moment": moment(expires_at)} if expires_at else _("does not expire")
        self.stderr.write(_("Token %(prefix)s… for %(user)s (%(name)s), %(until)s. It is shown only now; store it "
                            "safely.") % {"prefix": token.prefix, "user": owner.get_username(), "name": name,
                                          "until": until})
        self.stdout.write(raw)
