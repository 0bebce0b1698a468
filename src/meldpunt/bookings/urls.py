from django.urls import path

from meldpunt.bookings import views

app_name = "bookings"

urlpatterns = [
    path("", views.index, name="index"),
    path("book/<slug:vendor>/", views.public_book, name="public"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("portal/", views.portal, name="portal"),
    path("portal/mine/", views.portal_list, name="portal_list"),
    path("console/", views.console, name="console"),
    path("console/<int:pk>/record/", views.record, name="record"),
    path("console/<int:pk>/cancel/", views.console_cancel, name="console_cancel"),
    path("console/availability/", views.availability, name="availability"),
    path("console/availability/<int:pk>/delete/", views.availability_delete, name="availability_delete"),
]
