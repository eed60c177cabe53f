from django.urls import path

from guankao.core import token_views
from guankao.core.throttle import ThrottledLoginView

app_name = "core"

urlpatterns = [
    # The throttled sign-in page; src/guankao/urls.py also mounts it at accounts/login/.
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/api-tokens/", token_views.tokens, name="api-tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", token_views.token_revoke, name="api-token-revoke"),
]
