"""URLs of the performance pages; years in URLs are ROC years (/performance/hsinchu-social/108/)."""

from django.urls import path

from guankao.performance.views import editor, public, reviewer

app_name = "performance"

urlpatterns = [
    path("", editor.index, name="index"),
    path("<slug:org>/<int:year>/", public.report_page, name="report"),
    path("<slug:org>/<int:year>/report.<str:fmt>", public.download, name="download"),
    path("<slug:org>/<int:year>/status/", editor.transition, name="transition"),
    path("<slug:org>/<int:year>/start/", editor.report_start, name="report_start"),
    path("<slug:org>/<int:year>/edit/", editor.report_edit, name="report_edit"),
    path("<slug:org>/<int:year>/plans/", editor.plan_editor, name="plans"),
    path("<slug:org>/<int:year>/plans/new/", editor.plan_create, name="plan_create"),
    path("<slug:org>/<int:year>/plans/<int:pk>/", editor.plan_update, name="plan"),
    path(
        "<slug:org>/<int:year>/plans/<int:pk>/indicators/new/",
        editor.indicator_create,
        name="indicator_create",
    ),
    path("<slug:org>/<int:year>/indicators/<int:pk>/", editor.indicator_update, name="indicator"),
    path(
        "<slug:org>/<int:year>/indicators/<int:pk>/measures/new/",
        editor.measure_create,
        name="measure_create",
    ),
    path("<slug:org>/<int:year>/measures/<int:pk>/", editor.measure_update, name="measure"),
    path("<slug:org>/<int:year>/rate-method/", editor.rate_method, name="rate_method"),
    path("<slug:org>/<int:year>/review/", reviewer.review, name="review"),
    path(
        "<slug:org>/<int:year>/review/<int:pk>/", reviewer.shortfall_review, name="shortfall_review"
    ),
]
