from django.urls import path

from meldpunt.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.settings_page, name="settings"),
    path("read/", views.read_all, name="read_all"),
    path("<int:pk>/open/", views.open_one, name="open"),
    path("<int:pk>/read/", views.read_one, name="read"),
    path("watch/<int:pk>/", views.watch_ticket, name="watch"),
]
