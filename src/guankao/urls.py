"""The project's URL map: each app mounts its own urls module."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from guankao.core.throttle import ThrottledLoginView, ThrottledPasswordResetView
from guankao.core.two_factor_views import OwnPasswordChangeView, OwnPasswordResetConfirmView

admin.site.site_header = "guankao 管考"
admin.site.site_title = "guankao 管考"
admin.site.index_title = "資料維護"

urlpatterns = [
    # One password change page for everyone: the holder's own choice ends an initial password.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    # Sign-in with the lockout after repeated failures; the rest of Django's auth views as usual.
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/password_change/", OwnPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        OwnPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
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

# Error pages in the reader's language with a way back (decision 0076); the 500 page reads
# nothing from the database.
handler404 = "guankao.directory.errors.page_not_found"
handler500 = "guankao.directory.errors.server_error"
