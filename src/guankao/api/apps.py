from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "guankao.api"
    verbose_name = _("應用程式介面")
