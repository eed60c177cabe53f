from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guankao.core"
    verbose_name = _("縣市與機關")

    def ready(self) -> None:
        # Connects the sign-in signal that starts a session's idle and absolute limits.
        from guankao.core import session_limits  # noqa: F401
