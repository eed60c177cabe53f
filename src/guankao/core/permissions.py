"""The role matrix — who may do what, over which jurisdiction or agency — and its checks.

The matrix is data (:data:`MATRIX`); ``docs/roles.md`` prints it as a table (a test checks that
the two agree) and the permission tests read it from here. Code asks :func:`can`; views use
:func:`role_required`, API endpoints :func:`api_require`, services :func:`ensure_can`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import update_wrapper
from typing import Any, Concatenate, Final, ParamSpec, Protocol, overload, runtime_checkable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guankao.core.exceptions import GuankaoError
from guankao.core.models import Agency, Jurisdiction, Membership, Role

User = AbstractBaseUser | AnonymousUser


class Action(StrEnum):
    """Everything the role matrix rules on; the value is what logs and docs show."""

    PERIOD_OPEN = "period.open"
    PERIOD_UPDATE = "period.update"
    PERIOD_VIEW = "period.view"
    REMINDER_SEND = "reminder.send"
    SUBMISSION_VIEW = "submission.view"
    SUBMISSION_EDIT = "submission.edit"
    SUBMISSION_SUBMIT = "submission.submit"
    SUBMISSION_RETURN = "submission.return"
    SUBMISSION_APPROVE = "submission.approve"
    SUBMISSION_REOPEN = "submission.reopen"
    COMMENT_ADD = "comment.add"
    REPORT_VIEW = "report.view"
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"
    DATA_EDIT = "data.edit"
    DATA_VIEW = "data.view"


ACTION_LABELS: Final[dict[Action, Promise]] = {
    Action.PERIOD_OPEN: _("開設填報期間"),
    Action.PERIOD_UPDATE: _("修改填報期間（截止日）"),
    Action.PERIOD_VIEW: _("檢視填報進度總表"),
    Action.REMINDER_SEND: _("寄送催報通知"),
    Action.SUBMISSION_VIEW: _("檢視填報內容"),
    Action.SUBMISSION_EDIT: _("編輯草稿（辦理情形、數據、附件）"),
    Action.SUBMISSION_SUBMIT: _("送出填報"),
    Action.SUBMISSION_RETURN: _("退回修正"),
    Action.SUBMISSION_APPROVE: _("核定"),
    Action.SUBMISSION_REOPEN: _("重新開放已核定資料"),
    Action.COMMENT_ADD: _("逐項審查意見"),
    Action.REPORT_VIEW: _("委員會報告"),
    Action.AUDIT_VIEW: _("檢視稽核紀錄"),
    Action.AUDIT_EXPORT: _("匯出稽核紀錄"),
    Action.DATA_EDIT: _("維護分工表、施政計畫、服務導覽與匯入"),
    Action.DATA_VIEW: _("檢視內部管理頁面"),
}

_C, _R, _V, _A = Role.COORDINATOR, Role.REPORTER, Role.REVIEWER, Role.ADMIN

# Separation of duties: administrators run the system (accounts, periods, reminders) but do not
# judge an agency's work, and nobody but the agency's own reporters writes its figures.
MATRIX: Final[dict[Action, frozenset[Role]]] = {
    Action.PERIOD_OPEN: frozenset({_C, _A}),
    Action.PERIOD_UPDATE: frozenset({_C, _A}),
    Action.PERIOD_VIEW: frozenset({_C, _V, _A}),
    Action.REMINDER_SEND: frozenset({_C, _A}),
    Action.SUBMISSION_VIEW: frozenset({_R, _C, _V, _A}),
    Action.SUBMISSION_EDIT: frozenset({_R}),
    Action.SUBMISSION_SUBMIT: frozenset({_R}),
    Action.SUBMISSION_RETURN: frozenset({_C}),
    Action.SUBMISSION_APPROVE: frozenset({_C}),
    Action.SUBMISSION_REOPEN: frozenset({_C}),
    Action.COMMENT_ADD: frozenset({_C, _V}),
    Action.REPORT_VIEW: frozenset({_C, _V, _A}),
    Action.AUDIT_VIEW: frozenset({_R, _C, _V, _A}),
    Action.AUDIT_EXPORT: frozenset({_C, _A}),
    Action.DATA_EDIT: frozenset({_C, _A}),
    Action.DATA_VIEW: frozenset({_R, _C, _V, _A}),
}

ROLE_ORDER: Final[tuple[Role, ...]] = (_R, _V, _C, _A)


@dataclass(frozen=True, slots=True)
class Scope:
    """What an object belongs to, for the matrix: a jurisdiction, maybe one agency in it.

    ``parent_agency_id`` lets a department's coordinator act for the department's units.
    """

    jurisdiction_id: int | None
    agency_id: int | None = None
    parent_agency_id: int | None = None


@runtime_checkable
class HasScope(Protocol):
    """A model that says which jurisdiction and agency it belongs to."""

    def role_scope(self) -> Scope: ...


def scope_of(obj: object) -> Scope:
    """The scope of a Jurisdiction, an Agency, a Scope, or an object with ``role_scope()``."""
    if isinstance(obj, Scope):
        return obj
    if isinstance(obj, Jurisdiction):
        return Scope(obj.pk)
    if isinstance(obj, Agency):
        return Scope(obj.jurisdiction_id, obj.pk, obj.parent_id)
    if isinstance(obj, HasScope):
        return obj.role_scope()
    raise TypeError(f"no role scope for {type(obj).__name__}")


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships, read once per user object (one query per request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, "_guankao_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user_id=user.pk))
        if getattr(user, "is_superuser", False):
            # A Django superuser is an administrator even without a membership row.
            cached.append(Membership(user_id=user.pk, role=Role.ADMIN))
        vars(user)["_guankao_memberships"] = cached
    return cached


def forget_memberships(user: User) -> None:
    """Drop the cached memberships, after roles were granted or revoked."""
    if user.is_authenticated:
        vars(user).pop("_guankao_memberships", None)


def covers(membership: Membership, scope: Scope) -> bool:
    """Whether a membership reaches an object of ``scope``."""
    if membership.role == Role.ADMIN:
        return True
    if membership.jurisdiction_id is not None:
        return membership.jurisdiction_id == scope.jurisdiction_id
    if membership.agency_id is None:
        return False
    if membership.agency_id == scope.agency_id:
        return True
    # A department's coordinator or reviewer also covers its units; a reporter only their own.
    return membership.role != Role.REPORTER and membership.agency_id == scope.parent_agency_id


def roles_of(user: User) -> set[Role]:
    """Every role the user holds, anywhere."""
    return {Role(m.role) for m in memberships_of(user)}


def can(user: User, action: Action, obj: object = None) -> bool:
    """Whether ``user`` may do ``action`` to ``obj`` (or somewhere, when ``obj`` is None)."""
    allowed = MATRIX[action]
    candidates = [m for m in memberships_of(user) if m.role in allowed]
    if obj is None:
        return bool(candidates)
    scope = scope_of(obj)
    return any(covers(m, scope) for m in candidates)


def allowed_roles(action: Action) -> frozenset[Role]:
    """The roles the matrix allows ``action`` to (anonymous visitors never appear)."""
    return MATRIX[action]


class NotPermitted(GuankaoError):
    """The actor's role does not allow this write; raised by services as a second line."""


def denied_message(action: Action) -> str:
    """The sentence shown to someone the matrix refuses."""
    return str(_("您的角色沒有「%(action)s」的權限。") % {"action": ACTION_LABELS[action]})


def ensure_can(actor: User | None, action: Action, obj: object = None) -> None:
    """Raise :class:`NotPermitted` unless ``actor`` may do ``action``; ``None`` is the system."""
    if actor is None:
        return
    if not can(actor, action, obj):
        raise NotPermitted(denied_message(action))


P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


class _AnyView(Protocol):
    """What ``role_required(action)`` without a scope returns: it keeps the view's own type."""

    def __call__(self, view: View[P], /) -> View[P]: ...


@overload
def role_required(action: Action) -> _AnyView: ...


@overload
def role_required(
    action: Action, *, scope: Callable[Concatenate[HttpRequest, P], object]
) -> Callable[[View[P]], View[P]]: ...


def role_required(
    action: Action, *, scope: Callable[Concatenate[HttpRequest, P], object] | None = None
) -> Callable[[View[P]], View[P]] | _AnyView:
    """Protect a view: sign-in first, then the role matrix over the object ``scope`` returns.

    ``scope(request, *args, **kwargs)`` gets the view's own arguments and returns what the
    view works on (a Jurisdiction, an Agency, or a model with ``role_scope()``); it may raise
    ``Http404``. Without ``scope``, holding the role anywhere is enough.

        @role_required(Action.DATA_EDIT, scope=lambda request, slug: get_object_or_404(
            Agency, slug=slug))
        def plan_edit(request: HttpRequest, slug: str) -> HttpResponse: ...
    """

    def decorator(view: View[P]) -> View[P]:
        def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = scope(request, *args, **kwargs) if scope is not None else None
            if not can(request.user, action, obj):
                raise PermissionDenied(denied_message(action))
            return view(request, *args, **kwargs)

        update_wrapper(wrapped, view)
        return wrapped

    return decorator


def api_require(request: HttpRequest, action: Action, obj: object = None) -> None:
    """In a django-ninja endpoint: answer 401 when signed out, 403 when the matrix refuses."""
    from ninja.errors import HttpError

    if not request.user.is_authenticated:
        raise HttpError(401, str(_("請先登入。")))
    if not can(request.user, action, obj):
        raise HttpError(403, denied_message(action))


def matrix_markdown() -> str:
    """The matrix as the Markdown table in docs/roles.md (regenerate it with this function)."""
    headers = ["動作", "代碼", "訪客", *[str(role.label) for role in ROLE_ORDER]]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for action in Action:
        marks = ["✓" if role in MATRIX[action] else "—" for role in ROLE_ORDER]
        row = [str(ACTION_LABELS[action]), f"`{action.value}`", "—", *marks]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def role_scope_loader(model: type[Any], url_kwarg: str = "pk") -> Callable[..., object]:
    """A ``scope`` for :func:`role_required` that fetches ``model`` by the URL's ``url_kwarg``."""
    from django.shortcuts import get_object_or_404

    def load(request: HttpRequest, *args: Any, **kwargs: Any) -> object:
        return get_object_or_404(model, pk=kwargs[url_kwarg])

    return load
