"""The desk's URLs and one view that fails, for the test of error logging."""

from django.urls import path

from meldpunt.urls import urlpatterns as desk


def boom(request):
    raise RuntimeError("boom for the log test")


urlpatterns = [path("boom/", boom), *desk]
