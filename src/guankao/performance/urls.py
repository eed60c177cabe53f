"""URLs of the performance pages; years in URLs are ROC years (/performance/hsinchu-social/108/)."""

from django.urls import path

from guankao.performance import views

app_name = "performance"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:org>/<int:year>/", views.report_page, name="report"),
    path("<slug:org>/<int:year>/report.<str:fmt>", views.download, name="download"),
    path("<slug:org>/<int:year>/status/", views.transition, name="transition"),
    path("<slug:org>/<int:year>/start/", views.report_start, name="report_start"),
    path("<slug:org>/<int:year>/edit/", views.report_edit, name="report_edit"),
    path("<slug:org>/<int:year>/plans/", views.plan_editor, name="plans"),
    path("<slug:org>/<int:year>/plans/new/", views.plan_create, name="plan_create"),
    path("<slug:org>/<int:year>/plans/<int:pk>/", views.plan_update, name="plan"),
    path(
        "<slug:org>/<int:year>/plans/<int:pk>/indicators/new/",
        views.indicator_create,
        name="indicator_create",
    ),
    path("<slug:org>/<int:year>/indicators/<int:pk>/", views.indicator_update, name="indicator"),
    path(
        "<slug:org>/<int:year>/indicators/<int:pk>/measures/new/",
        views.measure_create,
        name="measure_create",
    ),
    path("<slug:org>/<int:year>/measures/<int:pk>/", views.measure_update, name="measure"),
    path("<slug:org>/<int:year>/rate-method/", views.rate_method, name="rate_method"),
    path("<slug:org>/<int:year>/review/", views.review, name="review"),
    path("<slug:org>/<int:year>/review/<int:pk>/", views.shortfall_review, name="shortfall_review"),
]
