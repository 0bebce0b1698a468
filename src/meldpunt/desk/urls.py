"""Mounted under ``/console/`` next to the console's own pages (``meldpunt.web.urls``)."""

from django.urls import path

from meldpunt.desk import views, views_ticket

app_name = "desk"

urlpatterns = [
    path("views/", views.saved_views, name="views"),
    path("views/<int:pk>/", views.edit_view, name="view"),
    path("views/<int:pk>/delete/", views.delete_view, name="view_delete"),
    path("macros/", views.macro_list, name="macros"),
    path("macros/new/", views.macro_edit, name="macro_new"),
    path("macros/<int:pk>/", views.macro_edit, name="macro"),
    path("macros/<int:pk>/delete/", views.macro_delete, name="macro_delete"),
    path("tickets/<int:pk>/macro/", views_ticket.macro_insert, name="macro_insert"),
    path("tickets/<int:pk>/knowledge/", views_ticket.knowledge, name="knowledge"),
    path("tickets/<int:pk>/knowledge/link/", views_ticket.knowledge_link, name="knowledge_link"),
    path("tickets/<int:pk>/time/", views_ticket.book, name="time"),
]
