"""Writes of the directory app: content translations and their review, each one audited; and
the anonymous count of unanswered needs, which is deliberately not (decision 0082)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.models import AuditEntry, Jurisdiction
from guankao.core.permissions import Action, can, ensure_can
from guankao.core.services import (
    Actor,
    audit_entry,
    audit_record,
    check_new,
    model_update,
    snapshot,
)
from guankao.directory.exceptions import TranslationError
from guankao.directory.languages import BY_CODE
from guankao.directory.models import (
    UNANSWERED_THRESHOLD,
    ContentTranslation,
    TranslationStatus,
    UnansweredNeed,
)
from guankao.directory.unanswered import normalise_question, question_digest

_AUDITED = ["text", "status", "reviewed_by", "reviewed_at"]


@transaction.atomic
def translations_carry_over(
    *, kind: str, changes: list[tuple[str, str]], actor: Actor
) -> list[ContentTranslation]:
    """Keep the translations of each old source text for its new text, marked outdated.

    For every ``(old, new)`` pair and every language that has a translation of ``old`` but
    none of ``new``, a copy is created for ``new`` with status outdated and the old text in
    ``previous_source``; the old text's translations stay (older versions still print it).
    Each copy is audited as ``outdate``. Returns the copies.
    """
    olds = {old for old, _new in changes}
    news = {new for _old, new in changes}
    by_old: dict[str, list[ContentTranslation]] = {}
    for row in ContentTranslation.objects.filter(kind=kind, source__in=olds).order_by("pk"):
        by_old.setdefault(row.source, []).append(row)
    taken = set(
        ContentTranslation.objects.filter(kind=kind, source__in=news).values_list(
            "source", "language"
        )
    )
    copies: list[tuple[ContentTranslation, str, str]] = []  # (copy, old text, old status)
    for old, new in changes:
        for row in by_old.get(old, []):
            if (new, row.language) in taken:
                continue
            taken.add((new, row.language))
            copy = ContentTranslation(
                kind=kind,
                source=new,
                language=row.language,
                text=row.text,
                status=TranslationStatus.OUTDATED,
                previous_source=row.previous_source or old,  # the text it was made for
                reviewed_by=row.reviewed_by,
                reviewed_at=row.reviewed_at,
            )
            # Uniqueness is ``taken``'s; the database's constraints stand behind the rest.
            check_new(copy, related=["reviewed_by"])
            copies.append((copy, old, row.status))
    # In bulk: a new table version can outdate hundreds of translations (one query and one
    # audit entry saved each took seconds).
    created = ContentTranslation.objects.bulk_create([copy for copy, _old, _status in copies])
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                actor=actor,
                action="outdate",
                obj=copy,
                before={"source": old, "status": status},
                after=snapshot(copy, ["kind", "language", "status"]),
            )
            for copy, old, status in copies
        ]
    )
    return created


@transaction.atomic
def translation_draft_upsert(
    *, kind: str, source: str, language: str, text: str, actor: Actor
) -> tuple[ContentTranslation, bool]:
    """Create a draft translation, or refresh an existing draft's text.

    A reviewed or outdated translation is never overwritten by a draft: a person's work wins
    over a machine's, and only a person decides what an outdated one becomes. Returns the
    translation and whether anything was written.
    """
    text = text.strip()
    existing = ContentTranslation.objects.filter(
        kind=kind, source=source, language=language
    ).first()
    if existing is None:
        translation = ContentTranslation(
            kind=kind, source=source, language=language, text=text, status=TranslationStatus.DRAFT
        )
        translation.full_clean()
        translation.save()
        audit_record(
            actor=actor,
            action="create",
            obj=translation,
            after=snapshot(translation, ["kind", "language", "text", "status"]),
        )
        return translation, True
    if existing.status != TranslationStatus.DRAFT:
        return existing, False
    _, changed = model_update(instance=existing, data={"text": text}, actor=actor)
    return existing, changed


def translation_editable_by(user: Actor, translation: ContentTranslation) -> bool:
    """Whether ``user`` may edit ``translation`` (the rule ``translation_update`` enforces)."""
    return user is not None and all(
        can(user, Action.DATA_EDIT, scope) for scope in translation.role_scopes()
    )


@transaction.atomic
def translation_update(
    *, translation: ContentTranslation, text: str, status: str, actor: Actor
) -> ContentTranslation:
    """Save a person's edit: new text and status; marking it reviewed records who and when.

    Raises ``NotPermitted`` unless ``actor`` may edit the data of every jurisdiction whose
    tables use the text (``ContentTranslation.role_scopes``).
    """
    for scope in translation.role_scopes():
        ensure_can(actor, Action.DATA_EDIT, scope)
    text = text.strip()
    if not text:
        raise TranslationError(_("譯文不可空白。"))
    if status not in TranslationStatus.values:
        raise TranslationError(_("未知的狀態：%(status)s") % {"status": status})
    if status == TranslationStatus.OUTDATED and not translation.previous_source:
        raise TranslationError(_("只有原文修改過的譯文才會過時。"))
    data: dict[str, object] = {"text": text, "status": status}
    if status == TranslationStatus.REVIEWED:
        text_changed = text != translation.text
        if translation.status != TranslationStatus.REVIEWED or text_changed:
            data["reviewed_by"] = actor if isinstance(actor, User) else None
            data["reviewed_at"] = timezone.now()
    elif status == TranslationStatus.DRAFT:
        data["reviewed_by"] = None
        data["reviewed_at"] = None
    # Still outdated keeps its old review; reviewed or redrafted, it belongs to the new text.
    if status != TranslationStatus.OUTDATED:
        data["previous_source"] = ""
    model_update(instance=translation, data=data, actor=actor, action="translation_update")
    return translation


def unanswered_record(
    *, jurisdiction: str, language: str, text: str, when: datetime.datetime
) -> bool:
    """Count one question that found no good answer in ``jurisdiction``'s directory.

    Only the normalised text (``unanswered.normalise_question``), the page's ``language`` and
    the month of ``when`` (Asia/Taipei) are used; nothing else about the request reaches this
    function. Below :data:`UNANSWERED_THRESHOLD` only a keyed digest is stored; the text is
    written by the very update that brings the count to the threshold. Digests of past months
    that never reached it are deleted here, the first time a new one is stored.

    Public and anonymous: there is no actor and no audit record, since an audit row would keep
    the time to the second and undo the month's granularity. Safe under concurrent requests
    (the count is one ``UPDATE … SET count = count + 1``; a lost race to insert the row retries
    the update). Returns whether anything was counted.
    """
    key = normalise_question(text, language=language)
    if not key or language not in BY_CODE:
        return False
    month = timezone.localdate(when).replace(day=1)
    rows = UnansweredNeed.objects.filter(
        jurisdiction__slug=jurisdiction,
        month=month,
        language=language,
        digest=question_digest(key, month=month),
    )
    if _count_one_more(rows, key):
        return True
    jurisdiction_id = (
        Jurisdiction.objects.filter(slug=jurisdiction).values_list("pk", flat=True).first()
    )
    if jurisdiction_id is None:
        return False
    try:
        with transaction.atomic():
            UnansweredNeed.objects.create(
                jurisdiction_id=jurisdiction_id,
                month=month,
                language=language,
                digest=question_digest(key, month=month),
                count=1,  # the text waits for the threshold
            )
    except IntegrityError:
        # Another request inserted the same row between our update and our insert.
        return _count_one_more(rows, key) > 0
    UnansweredNeed.objects.pending_before(month).delete()
    return True


def _count_one_more(rows: models.QuerySet[UnansweredNeed], key: str) -> int:
    # One statement: the database adds one to the stored count (never a Python read-modify-
    # write) and sets the text only when the new count reaches the threshold (``count`` on the
    # right-hand side is the old value).
    return rows.update(
        count=F("count") + 1,
        text=Case(
            When(count__gte=UNANSWERED_THRESHOLD - 1, then=Value(key)),
            default=Value(""),
        ),
    )
