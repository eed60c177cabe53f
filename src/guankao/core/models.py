"""Jurisdictions (縣市), agencies (機關／主辦單位) and the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guankao.core.audit_chain import link
from guankao.tw import Phone


class Jurisdiction(models.Model):
    """A city or county (縣市), e.g. ``keelung`` 基隆市."""

    slug = models.SlugField(_("代碼"), max_length=40, unique=True)
    name = models.CharField(_("名稱"), max_length=40, unique=True)
    area_code = models.CharField(
        _("電話區碼"), max_length=4, default="02", help_text=_("本地電話未寫區碼時使用，例如 02。")
    )

    class Meta:
        verbose_name = _("縣市")
        verbose_name_plural = _("縣市")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    CITY_DEPARTMENT = "city_department", _("縣市府局處")
    CITY_UNIT = "city_unit", _("局處所屬科室")
    CENTRAL_OFFICE = "central_office", _("中央機關地方單位")
    OTHER = "other", _("其他")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def in_jurisdiction(self, slug: str) -> AgencyQuerySet:
        return self.filter(jurisdiction__slug=slug)


class Agency(models.Model):
    """A 主辦單位: a city department, one of its units, or a central agency's local office."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("縣市")
    )
    slug = models.SlugField(_("代碼"), max_length=60, unique=True)
    name = models.CharField(_("名稱"), max_length=80)
    label = models.CharField(
        _("表列名稱"),
        max_length=120,
        help_text=_("分工表上寫的名稱，例如「觀銷處新聞科」。"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("上級機關"),
    )
    kind = models.CharField(
        _("類別"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.CITY_DEPARTMENT
    )
    phone = models.CharField(_("電話（原寫法）"), max_length=60, blank=True)
    phone_e164 = models.CharField(_("電話（E.164）"), max_length=20, blank=True)
    phone_extension = models.CharField(_("分機"), max_length=10, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("機關")
        verbose_name_plural = _("機關")
        ordering = ["jurisdiction__slug", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "label"], name="agency_label_unique_in_jurisdiction"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="agency_not_its_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(phone="") | ~Q(phone_e164=""), name="agency_phone_normalised"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def parsed_phone(self) -> Phone | None:
        """The phone as a value object, or None when the agency has none."""
        if not self.phone:
            return None
        return Phone(as_written=self.phone, e164=self.phone_e164, extension=self.phone_extension)


class AppendOnlyModel(models.Model):
    """A row written once and never changed or deleted through the application (records of
    what happened: the audit log, kept versions)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{type(self).__name__} rows are append-only.")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Entries are only ever added: a bulk insert links them into the chain, and a bulk update
    or delete is refused here (and by the database's triggers, decision 0056)."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AuditEntry]:
        entries = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            link(entries)
            return super().bulk_create(entries, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("AuditEntry rows are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("AuditEntry rows are append-only.")


class AuditEntry(AppendOnlyModel):
    """One write made through a service: who, when, what, before → after. Never changed.

    ``sequence``, ``previous_digest`` and ``digest`` make the log a hash chain
    (``core.audit_chain``); ``guankao audit verify`` checks it.
    """

    created_at = models.DateTimeField(_("時間"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作者"),
    )
    actor_label = models.CharField(_("操作者說明"), max_length=120, blank=True)
    action = models.CharField(_("動作"), max_length=60)
    object_type = models.CharField(_("對象類型"), max_length=60)
    object_id = models.CharField(_("對象編號"), max_length=40, blank=True)
    object_repr = models.CharField(_("對象"), max_length=200, blank=True)
    before = models.JSONField(_("變更前"), null=True, blank=True)
    after = models.JSONField(_("變更後"), null=True, blank=True)
    sequence = models.PositiveBigIntegerField(_("序號"), null=True, blank=True, unique=True)
    previous_digest = models.CharField(_("前一筆雜湊"), max_length=64, blank=True)
    digest = models.CharField(_("雜湊"), max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("稽核紀錄")
        verbose_name_plural = _("稽核紀錄")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("AuditEntry rows are append-only.")
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            link([self])
            super().save(*args, **kwargs)


class AuditChainHead(models.Model):
    """The newest entry of the audit chain (one row): its number and digest.

    Appending locks this row. While it exists the database refuses to change or delete audit
    entries and kept revisions; ``guankao flush`` removes it first (decision 0056).
    """

    sequence = models.PositiveBigIntegerField(_("最後序號"))
    digest = models.CharField(_("最後雜湊"), max_length=64)

    class Meta:
        verbose_name = _("稽核鏈末端")
        verbose_name_plural = _("稽核鏈末端")

    def __str__(self) -> str:
        return f"{self.sequence} {self.digest[:12]}"


class Role(models.TextChoices):
    """What a person does in guankao; the role matrix in ``core.permissions`` says what each may do."""

    COORDINATOR = "coordinator", _("管考承辦人")
    REPORTER = "reporter", _("機關填報人")
    REVIEWER = "reviewer", _("審查人員")
    ADMIN = "admin", _("系統管理者")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def reporters_of(self, agency: Agency) -> MembershipQuerySet:
        return self.filter(role=Role.REPORTER, agency=agency, user__is_active=True)


class Membership(models.Model):
    """A role a user holds, over a jurisdiction or an agency (administrators hold it everywhere).

    Coordinators and reviewers work for a whole jurisdiction or for one department (and its
    units); reporters report for exactly one agency each (a person may hold several).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("使用者"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("縣市"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("機關"),
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色指派")
        verbose_name_plural = _("角色指派")
        ordering = ["user", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="reporter", agency__isnull=False, jurisdiction__isnull=True)
                | Q(role__in=["coordinator", "reviewer"])
                & (
                    Q(jurisdiction__isnull=False, agency__isnull=True)
                    | Q(jurisdiction__isnull=True, agency__isnull=False)
                )
                | Q(role="admin", jurisdiction__isnull=True, agency__isnull=True),
                name="membership_scope_fits_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=Q(agency__isnull=False),
                name="membership_unique_per_agency",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "jurisdiction"],
                condition=Q(jurisdiction__isnull=False),
                name="membership_unique_per_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(jurisdiction__isnull=True, agency__isnull=True),
                name="membership_unique_global",
            ),
        ]

    def __str__(self) -> str:
        where = self.agency or self.jurisdiction
        label = self.get_role_display()
        return f"{self.user}：{label}（{where}）" if where else f"{self.user}：{label}"

    def clean(self) -> None:
        if self.role == Role.REPORTER and (self.agency_id is None or self.jurisdiction_id):
            raise ValidationError(_("機關填報人須指定一個機關。"))
        if self.role in (Role.COORDINATOR, Role.REVIEWER) and (
            (self.agency_id is None) == (self.jurisdiction_id is None)
        ):
            raise ValidationError(_("管考承辦人與審查人員須指定一個縣市或一個機關（擇一）。"))
        if self.role == Role.ADMIN and (self.agency_id or self.jurisdiction_id):
            raise ValidationError(_("系統管理者不限縣市或機關，請勿指定。"))


class LoginAttempt(models.Model):
    """One sign-in attempt, kept for a day so that repeated failures lock the account briefly."""

    username = models.CharField(_("帳號"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("來源位址"), null=True, blank=True)
    succeeded = models.BooleanField(_("成功"))
    created_at = models.DateTimeField(_("時間"), db_index=True)

    class Meta:
        verbose_name = _("登入紀錄")
        verbose_name_plural = _("登入紀錄")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.succeeded}"


TOKEN_NAME_MAX = 100


class TokenScope(models.TextChoices):
    """What an API token may do: read only, or also write (within its user's roles)."""

    READ = "read", _("唯讀")
    WRITE = "write", _("讀寫")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens that still sign in: not revoked, and of an active user."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A key for the JSON API (``Authorization: Bearer gk_…``), acting as its user with the
    user's roles. Only a SHA-256 of the key is kept; the key is shown once, when issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("使用者"),
    )
    name = models.CharField(
        _("用途"), max_length=TOKEN_NAME_MAX, help_text=_("例如：民政處填報系統介接。")
    )
    prefix = models.CharField(_("金鑰開頭"), max_length=12, help_text=_("辨識用，不足以登入。"))
    key_hash = models.CharField(_("金鑰雜湊"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤銷時間"), null=True, blank=True)
    # Tokens issued before scopes existed could write, and keep doing so (decision 0084).
    scope = models.CharField(
        _("權限範圍"),
        max_length=10,
        choices=TokenScope.choices,
        default=TokenScope.WRITE,
        help_text=_("唯讀金鑰只能讀取；讀寫金鑰也能依使用者的角色寫入。"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 金鑰")
        verbose_name_plural = _("API 金鑰")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"


class AccountSecurity(models.Model):
    """An account's sign-in state beyond Django's user: whether its password was set by someone
    else (an administrator, ``createsuperuser``, ``guankao demo``) and must be changed at the
    next sign-in, and when the password was last set."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_security",
        verbose_name=_("使用者"),
    )
    must_change_password = models.BooleanField(
        _("下次登入須變更密碼"),
        default=False,
        help_text=_("密碼由他人設定（初始密碼）時為是；本人變更密碼後為否。"),
    )
    password_changed_at = models.DateTimeField(_("密碼設定時間"), null=True, blank=True)

    class Meta:
        verbose_name = _("帳號安全狀態")
        verbose_name_plural = _("帳號安全狀態")

    def __str__(self) -> str:
        return f"{self.user}"


class PasswordHistory(models.Model):
    """A password an account had (its hash), so that the last few are not used again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("使用者"),
    )
    password_hash = models.CharField(_("密碼雜湊"), max_length=128)
    created_at = models.DateTimeField(_("設定時間"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("密碼歷程")
        verbose_name_plural = _("密碼歷程")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    """One request for a password-reset e-mail, counted to limit requests per account and
    per address (``core.throttle``)."""

    email = models.CharField(_("電子郵件"), max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(_("來源位址"), null=True, blank=True)
    created_at = models.DateTimeField(_("時間"), db_index=True)

    class Meta:
        verbose_name = _("密碼重設申請")
        verbose_name_plural = _("密碼重設申請")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.email}"


class StoredFile(models.Model):
    """One uploaded file kept in the database (``core.storage.DatabaseStorage``), so every
    app server reaches it and one database backup holds it (decision 0083)."""

    name = models.CharField(_("名稱"), max_length=255, unique=True)
    content = models.BinaryField(_("內容"))
    size = models.PositiveBigIntegerField(_("大小（位元組）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created = models.DateTimeField(_("建立時間"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("儲存檔案")
        verbose_name_plural = _("儲存檔案")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CacheGeneration(models.Model):
    """A counter per cache name, incremented in the transaction of every change the cache
    depends on; every process reads it, so a change made through one server makes the
    caches of all servers stale (decision 0083)."""

    name = models.CharField(_("名稱"), max_length=60, unique=True)
    value = models.PositiveBigIntegerField(_("世代"), default=0)

    class Meta:
        verbose_name = _("快取世代")
        verbose_name_plural = _("快取世代")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.value}"
