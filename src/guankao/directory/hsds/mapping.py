"""The directory in HSDS 3.0 terms, built from a cached snapshot (no queries).

- agency → ``organization`` (a unit such as 觀銷處新聞科 names its parent organization);
- task → ``service`` of its lead agency, with the phones of the lead and co-lead agencies
  (extension as a number, as HSDS types it);
- service area (項目) → ``taxonomy_term`` of the taxonomy 新住民照顧服務措施, linked to each
  service through an ``attribute``;
- content translations → the extension property ``translations`` (language tag → texts and
  review status), documented in docs/directory.md; ``?lang=`` puts one language in the
  standard fields instead.

Identifiers are UUID 5 derived from stable keys (agency slug, task number, area slug), so a new
table version keeps the identifiers of the services it carries over.
"""

from __future__ import annotations

import uuid
from typing import Any

from guankao.directory.languages import BY_CODE, LANGUAGES, SOURCE
from guankao.directory.snapshot import AgencyEntry, Directory, TaskEntry, Text
from guankao.tw import Phone

HSDS_VERSION = "3.0"
NAMESPACE = uuid.UUID("6f4b7d2e-8a51-5c1e-9d0f-3b2a7c6e1d90")
TAXONOMY_KEY = "tw-new-immigrant-care-areas"
TAXONOMY_NAME = "新住民照顧服務措施項目"


def hsds_id(*parts: str) -> str:
    """A stable UUID for the thing ``parts`` name."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def taxonomy_id() -> str:
    return hsds_id("taxonomy", TAXONOMY_KEY)


def _translations(*fields: tuple[str, Text]) -> dict[str, dict[str, Any]]:
    """``{"vi": {"name": …, "status": "draft"}, …}`` for every language but the source."""
    result: dict[str, dict[str, Any]] = {}
    for language in LANGUAGES:
        if language.code == SOURCE:
            continue
        entry: dict[str, Any] = {}
        draft = False
        for name, text in fields:
            shown = text.shown(language.code)
            if shown.fallback:
                break
            entry[name] = shown.text
            draft = draft or shown.draft
        else:
            entry["status"] = "draft" if draft else "reviewed"
            result[language.tag] = entry
    return result


def _text(text: Text, code: str) -> str:
    return text.shown(code).text


def _phone(phone: Phone, key: str, agency: AgencyEntry, code: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": hsds_id("phone", key),
        "number": phone.national,
        "type": "voice",
        "description": f"{_text(agency.name, code)}（{phone.as_written}）",
    }
    if phone.extension:
        data["extension"] = int(phone.extension)
    return data


def taxonomy_term(directory: Directory, slug: str, code: str = SOURCE) -> dict[str, Any]:
    """One service area as an HSDS taxonomy term."""
    area = directory.areas[slug]
    return {
        "id": hsds_id("taxonomy_term", slug),
        "code": slug,
        "name": _text(area.name, code),
        "description": area.name.source,
        "taxonomy_id": taxonomy_id(),
        "language": BY_CODE[code].iso639_2,
        "translations": _translations(("name", area.name)),
    }


def organization(directory: Directory, slug: str, code: str = SOURCE) -> dict[str, Any]:
    """One agency as an HSDS organization."""
    agency = directory.agencies[slug]
    data: dict[str, Any] = {
        "id": hsds_id("organization", slug),
        "name": _text(agency.name, code),
        "alternate_name": agency.label,
        "description": f"{directory.table_title}（{directory.version}）主辦單位：{agency.label}",
        "legal_status": "government",
        "phones": [_phone(agency.phone, f"organization:{slug}", agency, code)]
        if agency.phone
        else [],
        "translations": _translations(("name", agency.name)),
    }
    if agency.parent_slug:
        data["parent_organization_id"] = hsds_id("organization", agency.parent_slug)
    return data


def service_id(task: TaskEntry) -> str:
    return hsds_id("service", task.agency_slug, str(task.number))


def service(
    directory: Directory, task: TaskEntry, code: str = SOURCE, *, full: bool = True
) -> dict[str, Any]:
    """One task as an HSDS service; ``full`` nests the organization too."""
    lead = directory.agencies[task.agency_slug]
    sid = service_id(task)
    phones = []
    for agency in (lead, *(directory.agencies[s] for s in task.co_lead_slugs)):
        if agency.phone:
            phones.append(_phone(agency.phone, f"service:{sid}:{agency.slug}", agency, code))
    term = taxonomy_term(directory, task.area_slug, code)
    data: dict[str, Any] = {
        "id": sid,
        "organization_id": hsds_id("organization", task.agency_slug),
        "name": _text(task.text, code),
        "description": _text(task.text, code),
        "status": "active",
        "phones": phones,
        "attributes": [
            {
                "id": hsds_id("attribute", sid, task.area_slug),
                "link_id": sid,
                "link_type": "service_area",
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
        ],
        "translations": _translations(("name", task.text), ("description", task.text)),
    }
    if full:
        data["organization"] = organization(directory, task.agency_slug, code)
    return data


def services(directory: Directory, code: str = SOURCE) -> list[dict[str, Any]]:
    return [service(directory, t, code) for t in sorted(directory.tasks.values(), key=_order)]


def organizations(directory: Directory, code: str = SOURCE) -> list[dict[str, Any]]:
    return [organization(directory, slug, code) for slug in directory.agencies]


def taxonomy_terms(directory: Directory, code: str = SOURCE) -> list[dict[str, Any]]:
    return [taxonomy_term(directory, a.slug, code) for a in directory.used_areas()]


def taxonomy() -> dict[str, Any]:
    return {
        "id": taxonomy_id(),
        "name": TAXONOMY_NAME,
        "description": "臺灣新住民照顧服務措施之服務項目（全國八大項目與縣市自訂項目）。",
    }


def _order(task: TaskEntry) -> int:
    return task.position
