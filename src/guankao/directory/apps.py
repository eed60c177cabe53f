from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "guankao.directory"
    verbose_name = _("新住民服務導覽")
