"""Login rate limiting: after 5 failed logins for one user name from one address within 15
minutes, further logins for that pair are refused until the window has passed.

Enforced in the authentication backend, so every password login (the login page, the admin
site, anything calling ``authenticate``) is covered; the login page checks first and says
why, with HTTP 429. Failures are rows in :class:`LoginAttempt` (no cache needed, shared by
every web process); a successful login clears that pair's failures.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.escalation.models import LoginAttempt
from meldpunt.web.views_public import LoginView

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def client_ip(request) -> str | None:
    """The peer address (REMOTE_ADDR; a proxy in front must set it, not X-Forwarded-For)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _normal(username: str) -> str:
    return (username or "").strip().lower()[:150]


def is_locked(username: str, ip: str | None, now=None) -> bool:
    now = now or timezone.now()
    failures = LoginAttempt.objects.filter(username=_normal(username), ip=ip, at__gt=now - WINDOW)
    return failures.count() >= MAX_FAILURES


def record_failure(username: str, ip: str | None) -> None:
    if username:
        LoginAttempt.objects.create(username=_normal(username), ip=ip)


def clear(username: str, ip: str | None) -> None:
    LoginAttempt.objects.filter(username=_normal(username), ip=ip).delete()


class RateLimitedModelBackend(ModelBackend):
    """Django's model backend that refuses a locked (user name, address) pair."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if request is not None and username and is_locked(username, client_ip(request)):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


LOCKED_MESSAGE = _(
    "Too many failed logins for this user name from your address. "
    "Wait %(minutes)d minutes, then try again."
)


class RateLimitedAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        if username and is_locked(username, client_ip(self.request)):
            raise forms.ValidationError(LOCKED_MESSAGE, code="throttled",
                                        params={"minutes": int(WINDOW.total_seconds() // 60)})
        return super().clean()


class RateLimitedLoginView(LoginView):
    """The login page with the rate limit; a refused attempt answers 429 Too Many Requests."""

    form_class = RateLimitedAuthenticationForm
    template_name = "escalation/login.html"

    def form_invalid(self, form):
        throttled = [e for e in form.non_field_errors().as_data() if e.code == "throttled"]
        response = self.render_to_response(self.get_context_data(form=form, throttled=" ".join(
            str(message) for error in throttled for message in error)))
        if throttled:
            response.status_code = 429
        return response
