from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "guankao.directory"
    verbose_name = _("新住民服務導覽")

    def ready(self) -> None:
        # Writes to the table or its translations make the cached search index stale.
        from guankao.directory import receivers
        from guankao.directory.search import invalidation

        invalidation.connect()
        # A changed task text keeps its translations, outdated (decision 0065).
        receivers.connect()
