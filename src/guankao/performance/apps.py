from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _backfill_revisions(sender: AppConfig, **kwargs: Any) -> None:
    """Reports published before revisions were kept get their first one (decision 0067): the
    migration itself cannot render documents (no app code inside migrations)."""
    from guankao.performance.services import revisions_backfill

    revisions_backfill()


class PerformanceConfig(AppConfig):
    name = "guankao.performance"
    verbose_name = _("施政績效")

    def ready(self) -> None:
        post_migrate.connect(_backfill_revisions, sender=self)
