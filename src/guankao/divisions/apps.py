from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DivisionsConfig(AppConfig):
    name = "guankao.divisions"
    verbose_name = _("新住民照顧服務業務分工表")
