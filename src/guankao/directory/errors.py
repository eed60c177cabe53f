"""The project's 404 and 500 pages, in the reader's language (issue 15, item 6; decision 0076).

A stale link to the directory is the commonest 404 a member of the public meets, so the pages
pick their language the way the directory does (``?lang=``, then Django's language cookie and
``Accept-Language``) and lead back to the directory home in that language. The 500 page reads
nothing from the database (it may be what failed): no context processors, no session, no user.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

from guankao.directory.languages import BY_CODE, LANGUAGES
from guankao.directory.views import QUICK_EXIT_URL, page_language

# /directory/<jurisdiction>/…: a link back to that jurisdiction's directory home.
_DIRECTORY_PATH = re.compile(r"^/directory/(?P<slug>[-a-z0-9]{1,50})/")


def _back_link(request: HttpRequest, code: str) -> str:
    """The directory home in language ``code``: the jurisdiction's when the path names one."""
    match = _DIRECTORY_PATH.match(request.path)
    if match and match["slug"] != "staff":
        return reverse("directory:home", args=[match["slug"]]) + f"?lang={code}"
    return reverse("directory:index") + f"?lang={code}"


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's ``handler404``: 找不到這個網頁, in the reader's language, with the way back."""
    code = page_language(request)
    with translation.override(code):
        response = render(
            request,
            "404.html",
            {
                "code": code,
                "page_tag": BY_CODE[code].tag,
                "back": _back_link(request, code),
                "languages": LANGUAGES,
                "quick_exit_url": QUICK_EXIT_URL,
            },
            status=404,
        )
    response.headers["Content-Language"] = BY_CODE[code].tag
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Django's ``handler500``: rendered from the template alone, without touching the
    database (no request context: no session, user or messages)."""
    code = page_language(request)
    with translation.override(code):
        body = loader.get_template("500.html").render(
            {"code": code, "page_tag": BY_CODE[code].tag, "back": _back_link(request, code)}
        )
    return HttpResponseServerError(body, headers={"Content-Language": BY_CODE[code].tag})
