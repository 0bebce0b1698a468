from django.urls import path

from meldpunt.transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.preview, name="preview"),
    path("import/confirm/", views.confirm, name="confirm"),
    path("export/", views.export, name="export"),
]
