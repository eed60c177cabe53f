"""The audit log as a hash chain: each entry's digest covers its content and the digest of the
entry before it, so changing, removing or inserting an entry anywhere breaks every digest after
it (decision 0056).

Entries are numbered 1, 2, 3 … (``sequence``); ``AuditChainHead`` holds the last number and
digest. Appending locks the head row, so two writers on PostgreSQL wait for each other instead of
forking the chain; the unique ``sequence`` refuses a fork that gets past the lock.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from guankao.core.models import AuditEntry

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """``value`` as it reads back from a JSON column: dict keys as text, whole floats as ints
    (PostgreSQL's jsonb answers 1e16 as 10000000000000000)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical(entry: AuditEntry) -> bytes:
    """The bytes an entry's digest is taken over: every field but the digest itself."""
    created_at = entry.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    content = {
        "sequence": entry.sequence,
        "previous": entry.previous_digest,
        "created_at": created_at,
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": _plain(json.loads(json.dumps(entry.before, cls=DjangoJSONEncoder))),
        "after": _plain(json.loads(json.dumps(entry.after, cls=DjangoJSONEncoder))),
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest_of(entry: AuditEntry) -> str:
    """The SHA-256 digest of the entry's canonical content, in hex."""
    return hashlib.sha256(canonical(entry)).hexdigest()


def link(entries: Sequence[AuditEntry]) -> None:
    """Number and digest new entries after the current head, and move the head; must run in
    the transaction that inserts them (``AuditEntry.save`` and ``bulk_create`` call it)."""
    from guankao.core.models import AuditChainHead

    if not entries:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries are linked inside the transaction that writes them")
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"sequence": 0, "digest": GENESIS}
    )
    now = timezone.now()
    sequence, previous = head.sequence, head.digest
    for entry in entries:
        sequence += 1
        entry.sequence = sequence
        entry.previous_digest = previous
        entry.created_at = entry.created_at or now
        entry.digest = digest_of(entry)
        previous = entry.digest
    head.sequence, head.digest = sequence, previous
    head.save(update_fields=["sequence", "digest"])


@dataclass(frozen=True, slots=True)
class Break:
    """Where the chain is broken: the entry (or the head) and what is wrong with it."""

    sequence: int
    pk: int | None
    reason: str


def verify(
    entries: Iterator[AuditEntry], head_sequence: int | None, head_digest: str
) -> Break | None:
    """The first break in ``entries`` (in ``sequence`` order, unlinked ones last), or None.

    Checks that the numbers run 1, 2, 3 … without a gap, that each entry points at the digest
    of the one before it, that each digest matches the entry's content, and that the last entry
    is the head (so that the newest entries were not cut off).
    """
    expected, previous = 1, GENESIS
    for entry in entries:
        if entry.sequence is None:
            return Break(expected, entry.pk, _("未串入雜湊鏈：繞過稽核服務寫入"))
        if entry.sequence != expected:
            return Break(expected, entry.pk, _("第 %(n)d 筆不見了") % {"n": expected})
        if entry.previous_digest != previous:
            return Break(expected, entry.pk, _("與前一筆的雜湊對不上"))
        if digest_of(entry) != entry.digest:
            return Break(expected, entry.pk, _("內容遭到更動"))
        expected, previous = expected + 1, entry.digest
    count = expected - 1
    if head_sequence is None:
        return Break(count, None, _("雜湊鏈末端紀錄不見了")) if count else None
    if (head_sequence, head_digest) != (count, previous if count else GENESIS):
        return Break(
            head_sequence,
            None,
            _("雜湊鏈末端記到第 %(head)d 筆，紀錄只到第 %(count)d 筆")
            % {"head": head_sequence, "count": count},
        )
    return None
