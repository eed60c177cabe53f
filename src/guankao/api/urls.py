"""/api/: the versioned API with each app's router, and a JSON 404 for any other path under it."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from guankao.api.conditional import conditional_patterns
from guankao.api.v1 import api
from guankao.core.apis import router as core_router
from guankao.cycles.apis import router as cycles_router
from guankao.directory.apis import router as directory_router
from guankao.divisions.apis import router as divisions_router
from guankao.performance.apis import router as performance_router

# An app with endpoints adds its router here.
api.add_router("/", core_router)
api.add_router("/cycles/", cycles_router)
api.add_router("/directory/", directory_router)
api.add_router("/divisions/", divisions_router)
api.add_router("/performance/", performance_router)


def unknown_path(request: HttpRequest) -> JsonResponse:
    """A program calling a wrong URL gets JSON, not the site's HTML page."""
    return JsonResponse(
        {"detail": _("沒有這個 API 路徑；說明在 /api/v1/docs。")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


# Not named app_name: include() would read that as this module's own namespace.
_patterns, _app, _namespace = api.urls

urlpatterns = [
    # Every GET answers with an ETag and honours If-None-Match (304).
    path("v1/", (conditional_patterns(_patterns), _app, _namespace)),
    re_path(r"^", unknown_path),
]
