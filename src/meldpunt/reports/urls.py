from django.urls import path

from meldpunt.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
]
