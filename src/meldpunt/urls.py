from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path

from meldpunt.api.routes import api
from meldpunt.web.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/", lambda request: JsonResponse({"detail": "Not Found"}, status=404)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("intake/", include("meldpunt.intake.urls")),
    path("billing/", include("meldpunt.billing.urls")),
    path("bookings/", include("meldpunt.bookings.urls")),
    path("alerts/", include("meldpunt.escalation.urls")),
    path("notifications/", include("meldpunt.notifications.urls")),
    path("knowledge/", include("meldpunt.knowledge.urls")),
    path("reports/", include("meldpunt.reports.urls")),
    path("rate/", include("meldpunt.satisfaction.urls")),
    path("transfer/", include("meldpunt.transfer.urls")),
    path("", include("meldpunt.triage.urls")),
    path("console/", include("meldpunt.desk.urls")),
    path("console/", include("meldpunt.organise.urls")),
    path("console/", include("meldpunt.teams.urls")),
    path("", include("meldpunt.web.urls")),
]
