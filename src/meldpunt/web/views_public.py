"""Pages for everyone: the landing page, the catalogs, logging in, the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from meldpunt.accounts.access import language
from meldpunt.contracts.catalogs import newest_catalogs
from meldpunt.contracts.hours_words import describe_hours
from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.contracts.services import remember_language
from meldpunt.contracts.vocabulary_words import entitlement_label

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def home(request):
    """Staff land in the console, customers in the portal, anyone else on the introduction."""
    if is_staff(request.user):
        return redirect("console:queue")
    if contact_of(request.user) is not None:
        return redirect("portal:requests")
    return render(request, "web/home.html")


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the hashed static file."""
    return redirect(static("web/favicon.ico"), permanent=False)


def catalogs(request):
    lang = language()
    shown = []
    for stored in newest_catalogs():
        cat = stored.catalog
        packages = []
        for p in cat.packages.values():
            cal = cat.calendars[p.calendar]
            rows = {}
            for rule in p.targets:
                rows.setdefault(rule.priority, [rule.priority, rule.response or "–", rule.resolution or "–"])
            packages.append({
                "name": p.name.get(lang, p.id),
                "price": p.monthly_price if p.monthly_price else None,
                "calendar": f"{cal.label(lang)} · {describe_hours(cal.weekly, cal.holiday_set, lang)}",
                "limits": sorted(p.limits.items()),
                "entitlements": sorted(entitlement_label(e, lang) for e in p.entitlements),
                "targets": [rows[level] for level in cat.priority.levels if level in rows],
            })
        addons = [{
            "name": a.name.get(lang, a.id), "price": a.monthly_price, "unit": a.unit,
            "entitlements": sorted(entitlement_label(e, lang) for e in a.entitlements),
            "excludes": a.excludes,
        } for a in cat.addons.values()]
        shown.append({"name": cat.name, "version": cat.version, "currency": cat.currency,
                      "packages": packages, "addons": addons})
    return render(request, "web/catalogs.html", {"catalogs": shown})


@require_POST
def switch_language(request):
    """Django's switch (cookie for a year), and for a customer contact also their stored
    language, so the next login on another device and the mail we send follow it."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    if chosen in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            remember_language(request.user, chosen)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=LANGUAGE_COOKIE_AGE,
                            samesite="Lax", path=settings.LANGUAGE_COOKIE_PATH)
    return response


class LoginView(auth_views.LoginView):
    """After login a contact gets the language stored with them (remembered per user)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        contact = contact_of(form.get_user())
        if contact is not None and contact.language in dict(settings.LANGUAGES):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, contact.language, max_age=LANGUAGE_COOKIE_AGE,
                                samesite="Lax", path=settings.LANGUAGE_COOKIE_PATH)
        return response


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Where a new contact sets a password from the invitation link a coordinator passed on."""

    template_name = "web/set_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False
