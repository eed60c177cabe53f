"""/api/: the versioned API, and a JSON 404 for any other path under it."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from guankao.api.v1 import api


def unknown_path(request: HttpRequest) -> JsonResponse:
    """A program calling a wrong URL gets JSON, not the site's HTML page."""
    return JsonResponse(
        {"detail": _("沒有這個 API 路徑；說明在 /api/v1/docs。")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("v1/", api.urls),
    re_path(r"^", unknown_path),
]
