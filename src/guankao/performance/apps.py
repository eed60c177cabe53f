from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "guankao.performance"
    verbose_name = _("施政績效")
