"""Failed and successful logins feed the rate limit (:mod:`meldpunt.escalation.ratelimit`)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kwargs):
    from meldpunt.escalation.ratelimit import client_ip, record_failure

    if request is not None:  # API tokens and management commands never reach this
        record_failure(credentials.get("username", ""), client_ip(request))


@receiver(user_logged_in)
def _succeeded(sender, request, user, **kwargs):
    from meldpunt.escalation.ratelimit import clear, client_ip

    if request is not None:
        clear(user.get_username(), client_ip(request))
