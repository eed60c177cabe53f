"""Reads of the core app that more than one caller needs."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from guankao.core.audit_chain import Break, verify
from guankao.core.models import AuditChainHead, AuditEntry


def audit_chain_break() -> tuple[int, Break | None]:
    """How many audit entries there are, and the first break in their hash chain (or None).

    Reads the log in ``sequence`` order, in chunks, so a log of millions of entries fits in
    memory; entries without a number (written around the service) come last.
    """
    entries = AuditEntry.objects.annotate(
        unlinked=Case(
            When(sequence__isnull=True, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("unlinked", "sequence", "pk")
    head = AuditChainHead.objects.filter(pk=1).first()
    found = verify(
        entries.iterator(chunk_size=2000),
        head.sequence if head else None,
        head.digest if head else "",
    )
    return entries.count(), found
