"""Writes of the directory app: content translations and their review. Each one is audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.permissions import Action, can, ensure_can
from guankao.core.services import Actor, audit_record, model_update, snapshot
from guankao.directory.exceptions import TranslationError
from guankao.directory.models import ContentTranslation, TranslationStatus

_AUDITED = ["text", "status", "reviewed_by", "reviewed_at"]


@transaction.atomic
def translation_draft_upsert(
    *, kind: str, source: str, language: str, text: str, actor: Actor
) -> tuple[ContentTranslation, bool]:
    """Create a draft translation, or refresh an existing draft's text.

    A reviewed translation is never overwritten by a draft: a person's work wins over a
    machine's. Returns the translation and whether anything was written.
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
    if existing.status == TranslationStatus.REVIEWED:
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
    data: dict[str, object] = {"text": text, "status": status}
    if status == TranslationStatus.REVIEWED:
        text_changed = text != translation.text
        if translation.status != TranslationStatus.REVIEWED or text_changed:
            data["reviewed_by"] = actor if isinstance(actor, User) else None
            data["reviewed_at"] = timezone.now()
    else:
        data["reviewed_by"] = None
        data["reviewed_at"] = None
    model_update(instance=translation, data=data, actor=actor, action="translation_update")
    return translation
