from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "guankao.documents"
    verbose_name = _("文件輸出")

    def ready(self) -> None:
        from guankao.documents import checks  # noqa: F401  # registers the system checks
