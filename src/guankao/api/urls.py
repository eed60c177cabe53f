"""/api/: the versioned API with each app's router, and a JSON 404 for any other path under it."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from guankao.api.v1 import api
from guankao.cycles.apis import router as cycles_router
from guankao.directory.apis import router as directory_router
from guankao.performance.apis import router as performance_router

# An app with endpoints adds its router here.
api.add_router("/cycles/", cycles_router)
api.add_router("/directory/", directory_router)
api.add_router("/performance/", performance_router)


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
