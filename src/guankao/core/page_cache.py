"""Published pages for anonymous readers, answered from a cache before sessions, CSRF, CSP and
the view run (decision 0085).

A view marks itself a published page with :func:`published_page`, naming the
``core.CacheGeneration`` rows its content depends on. :class:`PageCacheMiddleware`, placed
right after WhiteNoise, resolves the address, and for an anonymous ``GET``/``HEAD`` reads those
generations (and the newest audit entry) in one query: they are part of the key, so a change
committed through any process of any server makes every cached copy stale on the very next
request. A cached entry is the response as the inner middleware finished it (CSP,
``X-Frame-Options``, ``Content-Language``), stored per process in Django's cache framework
(the ``pages`` cache when configured).

Never per-user content: only requests without cookies other than the CSRF and language ones
(no session, no messages) and without ``Authorization``; only 200 responses that set no cookie,
say nothing private, vary on nothing but ``Cookie`` and ``Accept-Language``, and were not
marked :func:`not_cached`. The key carries the scheme, host, full path with its query string
and the language Django negotiates for the request. ``GUANKAO_PAGE_CACHE = False`` (``PAGE_CACHE``
in the environment) turns it off.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import secrets
from collections.abc import Callable
from typing import TypeGuard, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language_from_request

from guankao.core.models import AuditEntry, CacheGeneration

V = TypeVar("V", bound=Callable[..., HttpResponseBase])
R = TypeVar("R", bound=HttpResponseBase)

ATTRIBUTE = "guankao_published_page"
SKIP_ATTRIBUTE = "guankao_not_cached"
# What a cached entry is kept for at most; a key goes stale as soon as a generation moves.
TIMEOUT = 3600
# Larger bodies (a long report's PDF) are served from the database each time.
MAX_BYTES = 1024 * 1024
# Response headers a cached entry may vary on: the key carries the language, and only
# requests without a session or messages cookie are served from it.
ALLOWED_VARY = frozenset({"cookie", "accept-language"})
# 2**31 steps of at most 2**31 stay below 2**62, inside a PostgreSQL bigint.
_MAX_STEP = 2**31


@dataclasses.dataclass(frozen=True, slots=True)
class Policy:
    """What a published page's content depends on, besides its address and language."""

    generations: tuple[str, ...]
    # The newest audit entry: every service write is audited, so any write the page reads.
    audited: bool = True
    # A part of the key that moves with time (the directory's "available now"), or None.
    clock: Callable[[], str] | None = None


def published_page(
    *generations: str, audited: bool = True, clock: Callable[[], str] | None = None
) -> Callable[[V], V]:
    """Mark a view whose anonymous 200 responses may be cached, stale when one of the
    ``generations`` (``core.CacheGeneration`` names) moves, or with ``audited`` the newest
    audit entry, or the ``clock`` string. Outer decorators made with ``functools.wraps`` carry
    the mark along."""
    if not generations:
        raise ValueError("a published page names at least one cache generation")
    policy = Policy(generations=tuple(generations), audited=audited, clock=clock)

    def decorate(view: V) -> V:
        setattr(view, ATTRIBUTE, policy)
        return view

    return decorate


def not_cached(response: R) -> R:
    """Keep this one response of a published page out of the cache (a search that is counted,
    decision 0082)."""
    setattr(response, SKIP_ATTRIBUTE, True)
    return response


def bump(name: str) -> None:
    """Make every page cached under generation ``name``, in every process of every server,
    stale; call it in the transaction of the write (a rollback takes the step back).

    The step is random, not 1 (as the directory's, decision 0083): a page cached inside a
    transaction that then rolled back must not look fresh when the next committed change lands
    on the same value."""
    step = 1 + secrets.randbelow(_MAX_STEP)
    if CacheGeneration.objects.filter(name=name).update(value=F("value") + step):
        return
    try:
        with transaction.atomic():  # a savepoint: another process may create the row first
            CacheGeneration.objects.create(name=name, value=step)
    except IntegrityError:
        CacheGeneration.objects.filter(name=name).update(value=F("value") + step)


@functools.lru_cache(maxsize=64)
def _stamp_sql(vendor: str, count: int, audited: bool) -> str:
    # Written out once rather than compiled by the ORM on every request: on the cached path
    # the ORM's compiling cost more than the query (decision 0085). Only quoted names from the
    # models' _meta are put in; the generation names are bound parameters.
    q = connection.ops.quote_name
    name, value, pk = q("name"), q("value"), q("id")
    generations = q(CacheGeneration._meta.db_table)
    audit = q(AuditEntry._meta.db_table)
    marks = ", ".join(["%s"] * count)
    sql = f"SELECT {name}, {value} FROM {generations} WHERE {name} IN ({marks})"  # noqa: S608
    if audited:
        sql += f" UNION ALL SELECT '', MAX({pk}) FROM {audit}"  # noqa: S608
    return sql


def stamp(policy: Policy) -> str:
    """The state of the database a page of ``policy`` depends on: its generations and the
    newest audit entry, in one query, and the clock."""
    sql = _stamp_sql(connection.vendor, len(policy.generations), policy.audited)
    with connection.cursor() as cursor:
        cursor.execute(sql, policy.generations)
        rows: list[tuple[str, int | None]] = cursor.fetchall()
    parts = sorted(f"{name or 'audit'}={value or 0}" for name, value in rows)
    if policy.clock is not None:
        parts.append(f"clock={policy.clock()}")
    return ";".join(parts)


@functools.lru_cache(maxsize=4096)
def _policy_of(urlconf: str, path: str) -> Policy | None:
    # Addresses resolve to the same view for the life of the process: resolve each once.
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    policy = getattr(match.func, ATTRIBUTE, None)
    return policy if isinstance(policy, Policy) else None


def enabled() -> bool:
    """Whether the page cache is on (``settings.GUANKAO_PAGE_CACHE``, default on)."""
    return bool(getattr(settings, "GUANKAO_PAGE_CACHE", True))


def page_cache() -> BaseCache:
    """The cache the pages are kept in: ``pages`` when configured, else ``default``."""
    return caches["pages" if "pages" in settings.CACHES else "default"]


def anonymous(request: HttpRequest) -> bool:
    """A request that can carry nobody's own content: no cookie but the CSRF and language ones,
    no ``Authorization`` header."""
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    harmless = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return all(name in harmless for name in request.COOKIES)


def policy_for(request: HttpRequest) -> Policy | None:
    """The policy of the published page ``request`` asks for, or None when it may not be
    answered from the cache."""
    if request.method not in {"GET", "HEAD"} or not enabled() or not anonymous(request):
        return None
    return _policy_of(str(get_urlconf() or settings.ROOT_URLCONF), request.path_info)


def key(request: HttpRequest, policy: Policy) -> str:
    """The cache key of ``request``: address, query string, language and database state."""
    # get_host() checks ALLOWED_HOSTS, as CommonMiddleware would have (DisallowedHost → 400).
    raw = "\n".join(
        (
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            get_language_from_request(request),
            stamp(policy),
        )
    )
    return "page:" + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


Entry = tuple[int, list[tuple[str, str]], bytes]


def storable(response: HttpResponseBase) -> TypeGuard[HttpResponse]:
    """A response the same for every anonymous reader: 200, whole, no cookie, nothing private."""
    if not isinstance(response, HttpResponse) or response.status_code != 200:
        return False
    if response.cookies or getattr(response, SKIP_ATTRIBUTE, False):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= ALLOWED_VARY and len(response.content) <= MAX_BYTES


def _finish(response: HttpResponse) -> None:
    """Headers for browsers and proxies: revalidate every time (an erratum shows on the very
    next request), cheaply through the ETag."""
    response["ETag"] = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
    response["Cache-Control"] = "public, no-cache"
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


def _entry(response: HttpResponse) -> Entry:
    return (response.status_code, list(response.items()), response.content)


def _from_entry(entry: Entry) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    return conditional if conditional is not None else response


class PageCacheMiddleware:
    """Answer published pages to anonymous readers from the cache (module docstring); place
    it after WhiteNoise and before the session middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        policy = policy_for(request)
        if policy is None:
            return self.get_response(request)
        # The stamp is read before the view: a change committed while the view renders gives
        # the next request a new key, never an old page under the new one.
        cache_key = key(request, policy)
        cache = page_cache()
        entry = cache.get(cache_key)
        if entry is not None:
            response = _from_entry(entry)
            response["X-Page-Cache"] = "hit"
            return _conditional(request, response)
        answer = self.get_response(request)
        if request.method != "GET" or not storable(answer):
            return answer
        _finish(answer)
        cache.set(cache_key, _entry(answer), timeout=TIMEOUT)
        answer["X-Page-Cache"] = "miss"
        return _conditional(request, answer)


def clear() -> None:
    """Forget every cached page of this process (tests)."""
    page_cache().clear()
    _policy_of.cache_clear()
