from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top of the house: the home page and the demo, which use every domain app."""

    name = "guankao.site"
    label = "site"
    verbose_name = _("網站")
