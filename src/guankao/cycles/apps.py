from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "guankao.cycles"
    verbose_name = _("填報與審查")
