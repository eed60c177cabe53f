"""「API 金鑰」: a signed-in person's own API tokens — issue one (its key shown once), see when
each was last used, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from guankao.core.models import TOKEN_NAME_MAX, ApiToken, TokenScope
from guankao.core.tokens import api_token_create, api_token_revoke, local_time


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=TOKEN_NAME_MAX,
        help_text=_("寫下哪個系統用這把金鑰，例如：民政處填報系統介接。"),
    )
    # Read-only first: the least a system needs is the default, also when none is sent
    # (decision 0084).
    scope = forms.ChoiceField(
        label=_("權限範圍"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "只讀取資料的系統請選「唯讀」；要寫入計畫、指標、衡量標準或業務時才選「讀寫」。"
        ),
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required ran first
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The list and the form; after issuing, the page shows the new key once (never stored)."""
    user = _user(request)
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, key = api_token_create(
                user=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"] or TokenScope.READ,
                actor=user,
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            form = TokenForm()
    return render(
        request,
        "core/api_tokens.html",
        {
            "tokens": [
                {
                    "token": token,
                    "created": local_time(token.created_at),
                    "used": local_time(token.last_used_at),
                    "revoked": local_time(token.revoked_at) if token.revoked_at else "",
                }
                for token in ApiToken.objects.filter(user=user)
            ],
            "form": form,
            "new_key": key,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's own tokens; another person's is not found."""
    token = ApiToken.objects.filter(pk=pk, user=_user(request)).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token, actor=request.user)
    return redirect("core:api-tokens")
