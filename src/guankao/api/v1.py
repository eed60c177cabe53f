"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json); each app adds its own router."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from guankao.api.renderers import UnicodeJSONRenderer
from guankao.core.exceptions import GuankaoError

api = NinjaAPI(
    title="guankao API",
    version="1",
    description="分工表、服務導覽與施政績效的 JSON API。Division tables, the service directory and "
    "performance reports of Taiwan's local governments.",
    renderer=UnicodeJSONRenderer(),
    urls_namespace="api-v1",
)


@api.exception_handler(GuankaoError)
def domain_error(request: HttpRequest, error: GuankaoError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=400)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": error.errors}, status=422)


# Routers are added by each app's apis module; see guankao/api/routers.py.
from guankao.api import routers  # noqa: E402, F401
