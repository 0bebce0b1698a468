from django.contrib.auth import views as auth_views
from django.urls import path

from meldpunt.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogs/", views.catalogs, name="catalogs"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
