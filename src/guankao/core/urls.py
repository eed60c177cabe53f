from django.urls import path

from guankao.core import session_limits, token_views, two_factor_views
from guankao.core.throttle import ThrottledLoginView

app_name = "core"

urlpatterns = [
    # The throttled sign-in page; src/guankao/urls.py also mounts it at accounts/login/.
    path("login/", ThrottledLoginView.as_view(), name="login"),
    # The idle warning's 「繼續使用」 (decision 0062).
    path("accounts/keep-alive/", session_limits.keep_alive, name="keep-alive"),
    path("accounts/api-tokens/", token_views.tokens, name="api-tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", token_views.token_revoke, name="api-token-revoke"),
    # Two-factor sign-in (decision 0059).
    path("accounts/two-factor/", two_factor_views.enrol, name="two-factor-enrol"),
    path("accounts/two-factor/verify/", two_factor_views.verify, name="two-factor-verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two-factor-recovery-codes",
    ),
]
