from django.urls import path

app_name = "directory"

urlpatterns: list[path] = []  # type: ignore[valid-type]
