from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import include, path

from meldpunt.contracts.selectors import is_staff
from meldpunt.web import views_console, views_portal, views_public, views_thread


@login_required
def legacy_ticket(request, pk: int):
    """/tickets/<n>/ from earlier links and mails: to the console or the portal page."""
    return redirect("console:ticket" if is_staff(request.user) else "portal:request", pk=pk)


console = ([
    path("", views_console.queue, name="queue"),
    path("tickets/<int:pk>/", views_console.ticket, name="ticket"),
    path("tickets/<int:pk>/reply/", views_console.reply, name="reply"),
    path("tickets/<int:pk>/status/", views_console.status, name="status"),
    path("tickets/<int:pk>/priority/", views_console.priority, name="priority"),
    path("tickets/<int:pk>/assign/", views_console.assign, name="assign"),
    path("tickets/<int:pk>/correct/", views_console.correct, name="correct"),
    path("tickets/<int:pk>/plan/", views_console.plan, name="plan"),
    path("tickets/<int:pk>/followers/", views_thread.console_add, name="follower_add"),
    path("tickets/<int:pk>/followers/<int:follower>/remove/", views_thread.console_remove, name="follower_remove"),
], "console")

portal = ([
    path("", views_portal.requests, name="requests"),
    path("requests/new/", views_portal.new_request, name="new"),
    path("requests/<int:pk>/", views_portal.request_detail, name="request"),
    path("requests/<int:pk>/registered/", views_portal.confirmation, name="confirmation"),
    path("requests/<int:pk>/followers/", views_thread.portal_add, name="follower_add"),
    path("requests/<int:pk>/followers/<int:follower>/remove/", views_thread.portal_remove, name="follower_remove"),
    path("agreements/", views_portal.agreements, name="agreements"),
    path("agreements/<int:pk>/", views_portal.agreement, name="agreement"),
    path("contacts/", views_portal.contacts, name="contacts"),
    path("contacts/<int:pk>/active/", views_portal.contact_active, name="contact_active"),
], "portal")

urlpatterns = [
    path("", views_public.home, name="home"),
    path("favicon.ico", views_public.favicon, name="favicon"),
    path("catalogs/", views_public.catalogs, name="catalogs"),
    path("language/", views_public.switch_language, name="language"),
    path("console/", include(console)),
    path("portal/", include(portal)),
    path("tickets/<int:pk>/", legacy_ticket, name="ticket"),
    path("login/", views_public.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("welcome/<uidb64>/<token>/", views_public.SetPasswordView.as_view(), name="set_password"),
]
