"""Records of what happened can be added, never changed or deleted through the application."""

from __future__ import annotations

import pytest

from guankao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_audit_entry_cannot_be_changed_or_deleted() -> None:
    entry = AuditEntry.objects.create(action="create", object_type="core.agency", object_id="1")
    entry.action = "delete"
    with pytest.raises(PermissionError, match="AuditEntry rows are append-only"):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "create"
