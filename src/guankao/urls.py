"""The project's URL map: each app mounts its own urls module."""

from django.contrib import admin
from django.urls import include, path

from guankao.core.throttle import ThrottledLoginView

admin.site.site_header = "guankao 管考"
admin.site.site_title = "guankao 管考"
admin.site.index_title = "資料維護"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign-in with the lockout after repeated failures; the rest of Django's auth views as usual.
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("guankao.api.urls")),
    path("hsds/", include("guankao.directory.hsds_urls")),
    path("directory/", include("guankao.directory.urls")),
    path("performance/", include("guankao.performance.urls")),
    path("imports/", include("guankao.imports.urls")),
    path("cycles/", include("guankao.cycles.urls")),
    path("", include("guankao.core.urls")),
    path("", include("guankao.site.urls")),
]
