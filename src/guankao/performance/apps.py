from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _backfill_revisions(sender: AppConfig, **kwargs: Any) -> None:
    """Reports published before revisions were kept get their first one (decision 0067), and
    revisions published before tallies were kept get theirs (decision 0087): the migrations
    themselves cannot run the app's code."""
    from guankao.performance.services import revision_tallies_refresh, revisions_backfill

    revisions_backfill()
    revision_tallies_refresh()


class PerformanceConfig(AppConfig):
    name = "guankao.performance"
    verbose_name = _("施政績效")

    def ready(self) -> None:
        post_migrate.connect(_backfill_revisions, sender=self)
