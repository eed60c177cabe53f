from django.urls import path

from guankao.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("division/", views.division_upload, name="division"),
    path("performance/", views.performance_upload, name="performance"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("preview/<str:token>/cancel/", views.cancel, name="cancel"),
    path("template/<str:kind>.<str:file_format>", views.template, name="template"),
]
