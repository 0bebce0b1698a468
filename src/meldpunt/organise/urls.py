"""Mounted under ``/console/`` next to the console's own pages (``meldpunt.urls``)."""

from django.urls import path

from meldpunt.organise import views

app_name = "organise"

urlpatterns = [
    path("bulk/", views.bulk_apply, name="bulk"),
    path("tickets/<int:pk>/tags/", views.tag_add, name="tag_add"),
    path("tickets/<int:pk>/tags/remove/", views.tag_remove, name="tag_remove"),
    path("tickets/<int:pk>/links/", views.link_add, name="link_add"),
    path("tickets/<int:pk>/links/remove/", views.link_remove, name="link_remove"),
    path("tickets/<int:pk>/merge/", views.merge, name="merge"),
]
