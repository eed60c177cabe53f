"""ETag and ``If-None-Match`` for every GET of the API: the tag is a hash of the body, so a
caller polling a list or a record gets 304 with no body while nothing it can see has changed.

The hash is of what this caller was answered, so two callers who see different rows (a token
of the department's staff and an anonymous one) never share a tag; ``Vary`` says so to caches.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

View = Callable[..., HttpResponseBase]


def with_etag(view: View) -> View:
    """Wrap a view: a 200 GET answer gets an ETag, and a matching ``If-None-Match`` gets 304."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if request.method != "GET" or response.status_code != 200:
            return response
        if not isinstance(response, HttpResponse) or response.streaming:
            return response
        patch_vary_headers(response, ["Authorization"])
        set_response_etag(response)
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return conditional if conditional is not None else response

    return wrapped


def conditional_patterns(patterns: list[Any]) -> list[Any]:
    """``patterns`` (ninja's URL patterns) with each view wrapped by :func:`with_etag`."""
    return [
        URLPattern(p.pattern, with_etag(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]
