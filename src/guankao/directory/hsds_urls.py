"""The HSDS 3.0 API at /hsds/<jurisdiction>/ (paths as the HSDS OpenAPI names them)."""

from django.urls import path

from guankao.directory.hsds import views

app_name = "hsds"

urlpatterns = [
    path("<slug:jurisdiction>/", views.root, name="root"),
    path("<slug:jurisdiction>/services", views.services, name="services"),
    path("<slug:jurisdiction>/services/<str:id>", views.service, name="service"),
    path("<slug:jurisdiction>/organizations", views.organizations, name="organizations"),
    path("<slug:jurisdiction>/organizations/<str:id>", views.organization, name="organization"),
    path("<slug:jurisdiction>/taxonomy_terms", views.taxonomy_terms, name="taxonomy_terms"),
]
