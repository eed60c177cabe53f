"""The public directory at /directory/ and its staff pages at /directory/staff/."""

from django.urls import path

from guankao.directory import leaflet_views, staff_views, views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", staff_views.tables, name="staff-tables"),
    path("staff/tables/<int:pk>/copy/", staff_views.copy_table, name="staff-copy"),
    path("staff/tables/<int:pk>/diff/", staff_views.diff_tables_view, name="staff-diff"),
    path("staff/tables/<int:pk>/publish/", staff_views.publish_table, name="staff-publish"),
    path("staff/translations/", staff_views.translations, name="staff-translations"),
    path(
        "staff/translations/<int:pk>/",
        staff_views.edit_translation,
        name="staff-translation-edit",
    ),
    path("staff/unanswered/", staff_views.unanswered, name="staff-unanswered"),
    path("<slug:jurisdiction>/", views.home, name="home"),
    path("<slug:jurisdiction>/areas/<slug:area>/", views.area, name="area"),
    path("<slug:jurisdiction>/agencies/<slug:agency>/", views.agency, name="agency"),
    path(
        "<slug:jurisdiction>/agencies/<slug:agency>/leaflet-<slug:size>.pdf",
        leaflet_views.leaflet,
        name="agency-leaflet",
    ),
]
