from django.urls import path

from meldpunt.triage import views

app_name = "triage"

urlpatterns = [
    path("console/triage/", views.queue, name="queue"),
    path("console/triage/weekends/", views.console_weekends, name="console_weekends"),
    path("console/triage/weekends/<int:pk>/", views.decide_weekend, name="decide_weekend"),
    path("console/triage/<int:pk>/", views.ticket, name="ticket"),
    path("console/triage/<int:pk>/act/", views.act, name="act"),
    path("console/triage/category/<int:pk>/", views.decide_category, name="decide_category"),
    path("portal/requests/<int:pk>/proposal/", views.portal_proposal, name="proposal"),
    path("portal/requests/<int:pk>/category/", views.portal_category, name="category"),
    path("portal/licence-keys/", views.portal_keys, name="keys"),
    path("portal/weekends/", views.portal_weekends, name="weekends"),
]
