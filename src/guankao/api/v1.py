"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json) and its error handlers.

Each app's router is mounted in ``guankao/api/urls.py``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from guankao.api.renderers import UnicodeJSONRenderer
from guankao.core.exceptions import GuankaoError

api = NinjaAPI(
    title="guankao API",
    version="1.2",  # MAJOR.MINOR: docs/api.md, Versions
    description="分工表、服務導覽與施政績效的 JSON API。Division tables, the service directory and "
    "performance reports of Taiwan's local governments.",
    renderer=UnicodeJSONRenderer(),
    urls_namespace="api-v1",
)


@api.exception_handler(GuankaoError)
def domain_error(request: HttpRequest, error: GuankaoError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=400)


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("請先登入，或以 Authorization: Bearer 提供有效的 API 金鑰。")},
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("找不到這筆資料。")}, status=404)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    """Django raises this when the body is first read (ninja's parser, or the CSRF check)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return api.create_response(
        request,
        {"detail": _("請求內容太大：最多 %(size)s MB。") % {"size": f"{limit / 1024 / 1024:g}"}},
        status=413,
    )


@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
def unreadable_body(request: HttpRequest, error: Exception) -> HttpResponse:
    """A body Django refuses to read (too many fields, a broken form): 400, not its HTML page."""
    return api.create_response(
        request, {"detail": _("無法讀取請求內容，請以 JSON 送出。")}, status=400
    )


# django-ninja's own messages, in the API's language (its 404 and 401 have handlers above).
NINJA_MESSAGES = {
    "Cannot parse request body": gettext_lazy("無法讀取請求內容，請以 JSON 送出。"),
    "CSRF check Failed": gettext_lazy("缺少或不符的 CSRF 權杖。"),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    message = str(error)
    # With DEBUG, ninja appends the parser's reason in parentheses.
    detail = NINJA_MESSAGES.get(message.split(" (", 1)[0], message)
    return api.create_response(request, {"detail": str(detail)}, status=error.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """422 with pydantic's list of errors (for programs) and a sentence naming the fields."""
    fields = [".".join(str(part) for part in e.get("loc", ())[1:]) for e in error.errors]
    message = _("資料格式不符，請檢查：%(fields)s。") % {
        "fields": "、".join(f for f in fields if f)
    }
    return api.create_response(request, {"detail": error.errors, "message": message}, status=422)
