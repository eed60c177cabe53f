"""The HSDS 3.0 API at /hsds/<jurisdiction>/."""

from django.urls import path

app_name = "hsds"

urlpatterns: list[path] = []  # type: ignore[valid-type]
