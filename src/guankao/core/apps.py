from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guankao.core"
    verbose_name = _("縣市與機關")
