from django.urls import path

app_name = "performance"

urlpatterns: list[path] = []  # type: ignore[valid-type]
