"""Pages of the steps after the password: enrolling an authenticator app, giving its code at
sign-in, new recovery codes; and the account holder's own password change and reset, which
end an initial password (``core.middleware`` sends accounts here; decision 0059)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.views import PasswordChangeView, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from guankao.core import two_factor
from guankao.core.accounts import password_chosen
from guankao.core.middleware import MUST_CHANGE_SESSION_KEY


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("驗證碼"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: ``next`` when it points at this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("site:home")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (login_required ran)
    return user


def _verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code and key, then its first code confirms it; the ten
    recovery codes are shown on the answer, once."""
    user = _user(request)
    if two_factor.has_device(user):
        if not _verified(request):
            return redirect(
                f"{reverse('core:two-factor-verify')}?{urlencode({'next': _next(request)})}"
            )
        return render(
            request,
            "two_factor/enrolled.html",
            {"left": two_factor.recovery_codes_left(user), "next": _next(request)},
        )
    device = two_factor.totp_pending(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.enrol_confirm(user=user, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            return render(
                request, "two_factor/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("token", _("驗證碼不正確，請確認手機時間正確後，輸入 App 顯示的 6 位數字。"))
    return render(
        request,
        "two_factor/enrol.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: a code from the app, or one recovery code."""
    user = _user(request)
    if not two_factor.has_device(user):
        return redirect(f"{reverse('core:two-factor-enrol')}?{urlencode({'next': _next(request)})}")
    if _verified(request):
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        if two_factor.throttled(user):
            form.add_error("token", _("錯誤次數過多，請稍候片刻再輸入驗證碼。"))
        else:
            form.add_error("token", _("驗證碼不正確或已使用過，請再試一次。"))
    return render(
        request,
        "two_factor/verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes for a verified session (the old ones stop working)."""
    user = _user(request)
    if not two_factor.has_device(user) or not _verified(request):
        return redirect("core:two-factor-enrol")
    codes = two_factor.recovery_codes_issue(user=user)
    return render(
        request, "two_factor/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


class OwnPasswordChangeView(PasswordChangeView):
    """Django's password change; the password is then the holder's own (no longer initial)."""

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        password_chosen(user=form.user)
        self.request.session[MUST_CHANGE_SESSION_KEY] = False
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["must_change"] = bool(self.request.session.get(MUST_CHANGE_SESSION_KEY))
        return context


class OwnPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's reset link page; the password set there is the holder's own."""

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        password_chosen(user=form.user, reset=True)
        return response
