"""The project's URL map: each app mounts its own urls module."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "guankao 管考"
admin.site.site_title = "guankao 管考"
admin.site.index_title = "資料維護"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("guankao.core.urls")),
]
