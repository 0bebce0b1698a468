from django.urls import path

from meldpunt.escalation import views

app_name = "escalation"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("read/", views.read_all, name="read_all"),
]
