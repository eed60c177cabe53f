"""The leaflet downloads of the agency pages: ``…/agencies/<agency>/leaflet-a4.pdf?lang=vi``
(``leaflet-a3.pdf`` for the poster; ``&version=112.7`` for an earlier published version)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from guankao.directory import leaflets
from guankao.directory.languages import BY_CODE
from guankao.directory.views import page_language


@require_safe
def leaflet(request: HttpRequest, jurisdiction: str, agency: str, size: str) -> HttpResponse:
    """The agency's leaflet as PDF, in the page's language; 404 for anything unknown."""
    code = page_language(request)
    with translation.override(code):
        try:
            item = leaflets.leaflet(
                jurisdiction=jurisdiction,
                agency=agency,
                language=code,
                size=size,
                version=request.GET.get("version") or None,
                base_url=leaflets.public_base_url(request.build_absolute_uri("/")),
            )
        except leaflets.LeafletNotFound:
            raise Http404 from None
        pdf = leaflets.render(item)
    response = HttpResponse(pdf, content_type=leaflets.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{item.filename}"'
    response.headers["Content-Language"] = BY_CODE[code].tag
    return response
