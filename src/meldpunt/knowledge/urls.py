from django.urls import path

from meldpunt.knowledge import views, views_community, views_releases

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="index"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("tickets/<int:pk>/", views.ticket_articles, name="ticket"),
    path("tickets/<int:pk>/unlink/", views.unlink, name="unlink"),
    path("answers/<int:pk>/article/", views.from_message, name="from_message"),
    path("community/", views_community.community, name="community"),
    path("community/<int:pk>/", views_community.question, name="question"),
    path("ideas/", views_community.ideas, name="ideas"),
    path("ideas/<int:pk>/", views_community.idea, name="idea"),
    path("ideas/<int:pk>/act/", views_community.idea_action, name="idea_action"),
    path("releases/", views_releases.releases, name="releases"),
    path("releases/opt-in/", views_releases.opt_in, name="opt_in"),
    path("releases/<int:pk>/announce/", views_releases.announce, name="announce"),
    path("notifications/", views_releases.notifications, name="notifications"),
]
