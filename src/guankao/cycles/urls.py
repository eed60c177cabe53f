"""Pages of reporting cycles, under /cycles/. All need sign-in; see docs/roles.md."""

from django.urls import path

from guankao.cycles import views

app_name = "cycles"

urlpatterns = [
    path("", views.home, name="home"),
    path("periods/new/", views.period_open, name="period_open"),
    path("periods/<int:pk>/", views.period, name="period"),
    path("periods/<int:pk>/deadline/", views.period_deadline, name="period_deadline"),
    path("periods/<int:pk>/report/", views.committee_report, name="committee_report"),
    path("periods/<int:pk>/early-warning/", views.early_warning, name="early_warning"),
    path(
        "periods/<int:pk>/early-warning/<int:measure>/",
        views.corrective_action,
        name="corrective_action",
    ),
    path(
        "periods/<int:pk>/audit.<str:fmt>",
        views.period_audit_export,
        name="period_audit_export",
    ),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/edit/", views.submission_edit, name="submission_edit"),
    path("submissions/<int:pk>/submit/", views.submission_submit, name="submission_submit"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("submissions/<int:pk>/approve/", views.submission_approve, name="submission_approve"),
    path("submissions/<int:pk>/reopen/", views.submission_reopen, name="submission_reopen"),
    path("submissions/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("submissions/<int:pk>/remind/", views.remind, name="remind"),
    path("submissions/<int:pk>/audit/", views.submission_audit, name="submission_audit"),
    path(
        "submissions/<int:pk>/audit.<str:fmt>",
        views.submission_audit_export,
        name="submission_audit_export",
    ),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
