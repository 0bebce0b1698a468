from django.urls import path

from meldpunt.intake import views

urlpatterns = [
    path("forward/", views.forward, name="intake-forward"),
    path("log/", views.contact_log, name="intake-log"),
    path("held/", views.held, name="intake-held"),
    path("attachments/<int:pk>/", views.attachment, name="intake-attachment"),
    path("attachments/<int:pk>/preview/", views.attachment_preview, name="intake-attachment-preview"),
]
