"""Mounted under ``/console/`` next to the console's own pages (``meldpunt.urls``)."""

from django.urls import path

from meldpunt.teams import views

app_name = "teams"

urlpatterns = [
    path("teams/", views.team_list, name="list"),
    path("teams/<int:pk>/membership/", views.membership, name="membership"),
    path("tickets/<int:pk>/team/", views.ticket_team, name="ticket_team"),
]
