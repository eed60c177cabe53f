"""Writes shared by every app: the audited update helper and the audit log itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models, transaction

from guankao.core.models import Agency, AuditEntry, Jurisdiction
from guankao.tw import parse_phone

# Who makes a write: a signed-in user, or None for the system (data files, scheduled jobs).
Actor = AbstractBaseUser | AnonymousUser | None


def audit_entry(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """An audit entry for a write to ``obj``, not saved yet: bulk writes save many at once."""
    user = actor if isinstance(actor, User) else None
    return AuditEntry(
        actor=user,
        actor_label=actor_label or (str(user) if user else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the audit log for a write to ``obj``."""
    entry = audit_entry(
        actor=actor, action=action, obj=obj, before=before, after=after, actor_label=actor_label
    )
    entry.save()
    return entry


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-friendly values, for the audit log."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, getattr(field, "attname", name))
        values[name] = (
            value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        )
    return values


@transaction.atomic
def model_update(
    *, instance: models.Model, data: dict[str, Any], actor: Actor, action: str = "update"
) -> tuple[models.Model, bool]:
    """Set the fields in ``data`` that differ, validate, save only those, and audit the change.

    Returns the instance and whether anything changed.
    """
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    if not changed:
        return instance, False
    before = snapshot(instance, changed)
    for name in changed:
        setattr(instance, name, data[name])
    instance.full_clean()
    instance.save(update_fields=changed)
    audit_record(
        actor=actor, action=action, obj=instance, before=before, after=snapshot(instance, changed)
    )
    return instance, True


M = TypeVar("M", bound=models.Model)
# Rows per INSERT in bulk writes (SQLite lowers it to fit its limit on query parameters).
BATCH = 500


@transaction.atomic
def upsert(*, model: type[M], lookup: dict[str, Any], data: dict[str, Any], actor: Actor) -> M:
    """Create the row that ``lookup`` names with ``data``, or update it to ``data``; audited.

    Only what changed is saved, so loading the same data twice writes nothing.
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **data)
        instance.full_clean()
        instance.save()
        audit_record(actor=actor, action="create", obj=instance)
        return instance
    model_update(instance=instance, data=data, actor=actor)
    return instance


def check_new(instance: models.Model, *, related: Sequence[str]) -> None:
    """The checks of a row written in bulk: fields and ``clean()``, in Python, but not those that
    need the database, so callers pass the ``related`` fields as instances already read and check
    uniqueness themselves. The database constraints still stand behind both.

    Raises ``ValidationError``."""
    instance.full_clean(exclude=list(related), validate_unique=False, validate_constraints=False)


def create_many(*, instances: Sequence[M], actor: Actor, related: Sequence[str]) -> list[M]:
    """Check (``check_new``) and insert new rows of one model in a few queries, each audited as
    ``create``: for bulk writes (imports, copies) where a query per row took minutes.

    Raises ``ValidationError``.
    """
    for instance in instances:
        check_new(instance, related=related)
    return insert_many(instances=instances, actor=actor)


def insert_many(*, instances: Sequence[M], actor: Actor) -> list[M]:
    """Insert new rows already checked with ``check_new``, each audited as ``create``."""
    if not instances:
        return []
    model = type(instances[0])
    created = model._default_manager.bulk_create(instances, batch_size=BATCH)
    AuditEntry.objects.bulk_create(
        [audit_entry(actor=actor, action="create", obj=instance) for instance in created],
        batch_size=BATCH,
    )
    return created


@transaction.atomic
def delete_except(*, queryset: models.QuerySet[M], keep: set[int], actor: Actor) -> int:
    """Delete the rows of ``queryset`` whose key is not in ``keep``, one audited delete each.

    The entries are written in one batch and the rows deleted in batches, so removing thousands
    of rows (a 53-row table imported over a 20,000-row version) takes a few statements, not a
    few per row. ``str()`` of each row is logged: give ``queryset`` the ``select_related`` its
    ``__str__`` needs.
    """
    doomed = list(queryset.exclude(pk__in=keep))
    AuditEntry.objects.bulk_create(
        [
            audit_entry(actor=actor, action="delete", obj=instance, before={"repr": str(instance)})
            for instance in doomed
        ],
        batch_size=BATCH,
    )
    manager = queryset.model._default_manager
    for start in range(0, len(doomed), BATCH):
        manager.filter(pk__in=[instance.pk for instance in doomed[start : start + BATCH]]).delete()
    return len(doomed)


@transaction.atomic
def jurisdiction_upsert(*, slug: str, name: str, area_code: str, actor: Actor) -> Jurisdiction:
    """Create the jurisdiction or bring its name and area code up to date."""
    return upsert(
        model=Jurisdiction,
        lookup={"slug": slug},
        data={"name": name, "area_code": area_code},
        actor=actor,
    )


@transaction.atomic
def agency_upsert(
    *,
    jurisdiction: Jurisdiction,
    slug: str,
    name: str,
    label: str,
    kind: str,
    phone: str,
    parent: Agency | None,
    actor: Actor,
) -> Agency:
    """Create the agency or update it; the phone is normalised here, never by callers.

    Raises ``ValueError`` when the phone cannot be read.
    """
    phone_fields = {"phone": phone, "phone_e164": "", "phone_extension": ""}
    if phone:
        parsed = parse_phone(phone, default_area_code=jurisdiction.area_code)
        phone_fields.update(phone_e164=parsed.e164, phone_extension=parsed.extension)
    data: dict[str, Any] = {
        "jurisdiction": jurisdiction,
        "name": name,
        "label": label,
        "kind": kind,
        "parent": parent,
        **phone_fields,
    }
    return upsert(model=Agency, lookup={"slug": slug}, data=data, actor=actor)
