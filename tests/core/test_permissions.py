"""The role matrix's checks: scopes, the view decorator, the API helper, the service guard."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from ninja.errors import HttpError

from guankao.core.accounts import membership_grant, membership_revoke
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Membership, Role
from guankao.core.permissions import (
    Action,
    NotPermitted,
    Scope,
    api_require,
    can,
    ensure_can,
    forget_memberships,
    role_required,
)

pytestmark = pytest.mark.django_db


def person(name: str, role: Role, *, agency: str = "", jurisdiction: str = "") -> User:
    user = User.objects.create_user(username=name, password="long-enough-Passphrase-1")
    membership_grant(
        user=user,
        role=role,
        agency=Agency.objects.get(slug=agency) if agency else None,
        jurisdiction=Jurisdiction.objects.get(slug=jurisdiction) if jurisdiction else None,
        actor=None,
    )
    return user


def test_scopes_reach_what_they_should() -> None:
    keelung = Jurisdiction.objects.get(slug="keelung")
    police = Agency.objects.get(slug="keelung-police")
    news = Agency.objects.get(slug="keelung-tourism-news")  # a unit of 觀銷處
    tourism = Agency.objects.get(slug="keelung-tourism")
    hsinchu_social = Agency.objects.get(slug="hsinchu-social")

    city = person("city", Role.COORDINATOR, jurisdiction="keelung")
    assert can(city, Action.SUBMISSION_APPROVE, police)
    assert can(city, Action.PERIOD_OPEN, keelung)
    assert not can(city, Action.SUBMISSION_APPROVE, hsinchu_social)

    department = person("dept", Role.COORDINATOR, agency="keelung-tourism")
    assert can(department, Action.SUBMISSION_APPROVE, news)  # its unit
    assert can(department, Action.SUBMISSION_APPROVE, tourism)
    assert not can(department, Action.SUBMISSION_APPROVE, police)
    assert not can(department, Action.PERIOD_OPEN, keelung)  # not the whole city

    reporter = person("news", Role.REPORTER, agency="keelung-tourism")
    assert can(reporter, Action.SUBMISSION_EDIT, tourism)
    assert not can(reporter, Action.SUBMISSION_EDIT, news)  # reporters: their agency only
    assert not can(reporter, Action.SUBMISSION_APPROVE, tourism)  # not their role

    admin = person("root", Role.ADMIN)
    assert can(admin, Action.PERIOD_OPEN, Scope(None))
    assert not can(admin, Action.SUBMISSION_EDIT, police)

    superuser = User.objects.create_superuser(username="su", password="long-enough-Passphrase-1")
    assert can(superuser, Action.AUDIT_EXPORT, police)
    assert not can(AnonymousUser(), Action.SUBMISSION_VIEW, police)


def test_an_inactive_account_can_do_nothing() -> None:
    user = person("gone", Role.COORDINATOR, jurisdiction="keelung")
    user.is_active = False
    assert not can(user, Action.PERIOD_VIEW, Jurisdiction.objects.get(slug="keelung"))


def test_grants_and_revocations_are_audited() -> None:
    user = person("r", Role.REPORTER, agency="keelung-police")
    police = Agency.objects.get(slug="keelung-police")
    assert can(user, Action.SUBMISSION_EDIT, police)
    membership = Membership.objects.get(user=user)
    grant = AuditEntry.objects.get(action="grant", object_id=str(membership.pk))
    assert grant.after == {
        "user": "r",
        "role": "reporter",
        "jurisdiction": None,
        "agency": "keelung-police",
    }
    membership_revoke(membership=membership, actor=None)
    forget_memberships(user)
    assert not can(user, Action.SUBMISSION_EDIT, police)
    assert AuditEntry.objects.filter(action="revoke").exists()


@pytest.mark.parametrize(
    ("role", "agency", "jurisdiction"),
    [
        (Role.REPORTER, "", "keelung"),
        (Role.REPORTER, "", ""),
        (Role.COORDINATOR, "keelung-police", "keelung"),
        (Role.REVIEWER, "", ""),
        (Role.ADMIN, "", "keelung"),
    ],
)
def test_a_scope_that_does_not_fit_the_role_is_refused(
    role: Role, agency: str, jurisdiction: str
) -> None:
    user = User.objects.create_user(username="x", password="long-enough-Passphrase-1")
    with pytest.raises(ValidationError):
        membership_grant(
            user=user,
            role=role,
            agency=Agency.objects.get(slug=agency) if agency else None,
            jurisdiction=Jurisdiction.objects.get(slug=jurisdiction) if jurisdiction else None,
            actor=None,
        )


def police_scope(request: HttpRequest, slug: str) -> Agency:
    return Agency.objects.get(slug=slug)


@role_required(Action.DATA_EDIT, scope=police_scope)
def edit_view(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(f"editing {slug}")


def request_as(user: Any) -> HttpRequest:
    request = RequestFactory().get("/staff/edit/")
    request.user = user
    return request


def test_the_view_decorator() -> None:
    coordinator = person("c", Role.COORDINATOR, jurisdiction="keelung")
    reporter = person("r", Role.REPORTER, agency="keelung-police")
    assert edit_view(request_as(coordinator), "keelung-police").content == b"editing keelung-police"
    with pytest.raises(PermissionDenied, match="維護分工表"):
        edit_view(request_as(reporter), "keelung-police")
    with pytest.raises(PermissionDenied):
        edit_view(request_as(coordinator), "hsinchu-social")
    anonymous = edit_view(request_as(AnonymousUser()), "keelung-police")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/accounts/login/?next=/staff/edit/"


def test_the_api_helper_and_the_service_guard() -> None:
    reviewer = person("v", Role.REVIEWER, jurisdiction="keelung")
    police = Agency.objects.get(slug="keelung-police")
    api_require(request_as(reviewer), Action.COMMENT_ADD, police)
    with pytest.raises(HttpError) as refused:
        api_require(request_as(reviewer), Action.SUBMISSION_APPROVE, police)
    assert refused.value.status_code == 403
    with pytest.raises(HttpError) as signed_out:
        api_require(request_as(AnonymousUser()), Action.SUBMISSION_VIEW, police)
    assert signed_out.value.status_code == 401
    with pytest.raises(NotPermitted, match="您的角色沒有「核定」的權限"):
        ensure_can(reviewer, Action.SUBMISSION_APPROVE, police)
    ensure_can(None, Action.SUBMISSION_APPROVE, police)  # the system
