from django.urls import path

from meldpunt.satisfaction import views

app_name = "satisfaction"

urlpatterns = [
    path("requests/<int:pk>/", views.rate_in_portal, name="portal"),
    path("<str:token>/<str:score>/", views.rate_by_link, name="rate"),
]
