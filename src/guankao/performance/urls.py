"""URLs of the performance pages; years in URLs are ROC years (/performance/hsinchu-social/108/)."""

from django.urls import path

from guankao.performance.views import (
    editor,
    open_data,
    overview,
    public,
    reviewer,
    scorecard,
    status,
)

app_name = "performance"

urlpatterns = [
    path("", public.index, name="index"),
    # Before <org>/<year>/, which "national/108/" would match.
    path("cities/<slug:jurisdiction>/<int:year>/", overview.city_view, name="city"),
    path("national/<int:year>/", overview.national_view, name="national"),
    path("indicators/<int:year>/", overview.shared_indicators_view, name="indicators"),
    path("indicators/<str:code>/<int:year>/", overview.indicator_view, name="indicator"),
    path("open-data.json", open_data.catalogue, name="open_data"),
    path("<slug:org>/<int:year>/metadata.json", open_data.metadata, name="metadata"),
    path("<slug:org>/<int:year>/", public.report_page, name="report"),
    path("<slug:org>/<int:year>/report.<str:fmt>", public.download, name="download"),
    path("<slug:org>/<int:year>/scorecard/", scorecard.scorecard_page, name="scorecard"),
    path(
        "<slug:org>/<int:year>/scorecard.<str:fmt>",
        scorecard.scorecard_download,
        name="scorecard_download",
    ),
    path("<slug:org>/<int:year>/trend/<int:pk>/", scorecard.trend_page, name="trend"),
    path(
        "<slug:org>/<int:year>/revisions/<int:number>/report.<str:fmt>",
        public.revision_download,
        name="revision_download",
    ),
    path("<slug:org>/<int:year>/status/", status.transition, name="transition"),
    path("<slug:org>/<int:year>/start/", editor.report_start, name="report_start"),
    path("<slug:org>/<int:year>/edit/", editor.report_edit, name="report_edit"),
    path("<slug:org>/<int:year>/plans/", editor.plan_editor, name="plans"),
    path("<slug:org>/<int:year>/plans/new/", editor.plan_create, name="plan_create"),
    path("<slug:org>/<int:year>/plans/save/", editor.plans_save, name="plans_save"),
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
