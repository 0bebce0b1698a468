from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.urls import include, path, re_path
from django.views.static import serve

# Attachments (MEDIA_ROOT) for staff only, as a deployment's web server would serve them;
# DRF's token authenticates the history import's downloads (tests/history/).
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def staff_media(request, path):
    if not request.user.is_authenticated:
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            found = None
        if found:
            request.user = found[0]
    return user_passes_test(lambda user: user.is_staff)(serve)(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", staff_media),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
