"""Staff pages: table versions (list, copy, diff, publish), content translations (list, edit,
review) and the unanswered needs of the public directory.

Login required, and staff status; writes go through the services. Basic HTML forms.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from guankao.core.exceptions import GuankaoError
from guankao.core.models import Jurisdiction
from guankao.core.permissions import Action, can, role_required
from guankao.directory.forms import NewVersionForm, PublishForm, TranslationForm
from guankao.directory.languages import BY_CODE, TARGET_CODES
from guankao.directory.models import (
    UNANSWERED_THRESHOLD,
    ContentKind,
    ContentTranslation,
    TranslationStatus,
)
from guankao.directory.selectors import UnansweredRow, unanswered_needs
from guankao.directory.services import translation_editable_by, translation_update
from guankao.directory.table_diff import TableDiff, diff_tables
from guankao.divisions.models import DivisionTable
from guankao.divisions.services import division_table_copy, division_table_publish
from guankao.documents.model import Sheet, SheetColumn, Workbook
from guankao.documents.render.csv import render as render_csv
from guankao.tw import YearMonth, format_roc_date, to_roc_year


def table_jurisdiction(request: HttpRequest, pk: int) -> Jurisdiction:
    """The jurisdiction whose table a staff page acts on (the role's scope)."""
    return get_object_or_404(
        DivisionTable.objects.select_related("jurisdiction"), pk=pk
    ).jurisdiction


@require_safe
@role_required(Action.DATA_VIEW)
def tables(request: HttpRequest, /) -> HttpResponse:
    """The table versions of each jurisdiction the reader works in, newest first, with copy and
    diff links."""
    jurisdictions = Jurisdiction.objects.filter(division_tables__isnull=False).distinct()
    rows = []
    for jurisdiction in jurisdictions:
        if not can(request.user, Action.DATA_VIEW, jurisdiction):
            continue
        versions = list(DivisionTable.objects.filter(jurisdiction=jurisdiction).latest_first())
        pairs = list(zip(versions[1:], versions[:-1], strict=True))
        in_force = DivisionTable.objects.filter(jurisdiction=jurisdiction).in_force(
            timezone.localdate()
        )
        rows.append(
            {
                "jurisdiction": jurisdiction,
                "versions": versions,
                "pairs": pairs,
                "in_force": in_force,
                "can_edit": can(request.user, Action.DATA_EDIT, jurisdiction),
            }
        )
    return render(
        request,
        "directory/staff/tables.html",
        {"rows": rows, "form": NewVersionForm(), "today": timezone.localdate()},
    )


@require_http_methods(["POST"])
@role_required(Action.DATA_EDIT, scope=table_jurisdiction)
def copy_table(request: HttpRequest, /, pk: int) -> HttpResponse:
    """Start a new version as a copy of table ``pk``."""
    source = get_object_or_404(DivisionTable, pk=pk)
    form = NewVersionForm(request.POST)
    if form.is_valid():
        version: YearMonth = form.cleaned_data["version"]
        try:
            table = division_table_copy(source=source, version=version, actor=request.user)
        except GuankaoError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("已建立 %(version)s 版（複製自 %(source)s 版）。")
                % {"version": table.version, "source": source.version},
            )
            return redirect(f"{_url_diff(table)}?other={source.pk}")
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("directory:staff-tables")


def _url_diff(table: DivisionTable) -> str:
    return reverse("directory:staff-diff", args=[table.pk])


@require_safe
@role_required(Action.DATA_VIEW, scope=table_jurisdiction)
def diff_tables_view(request: HttpRequest, /, pk: int) -> HttpResponse:
    """What changed from version ``?other=`` to version ``pk``."""
    new = get_object_or_404(DivisionTable.objects.select_related("jurisdiction"), pk=pk)
    other_id = request.GET.get("other", "")
    others = DivisionTable.objects.filter(jurisdiction=new.jurisdiction).exclude(pk=new.pk)
    old = others.filter(pk=int(other_id)).first() if other_id.isdigit() else None
    if old is None:  # the public version it follows, else the one before it
        old = (
            new.previous_published()
            or others.filter(effective_month__lt=new.effective_month).latest_first().first()
        )
    diff = diff_tables(old, new) if old is not None else None
    return render(
        request,
        "directory/staff/diff.html",
        {
            "table": new,
            "old": old,
            "diff": diff,
            "others": others.latest_first(),
            "outdated": _outdated_count(diff),
        },
    )


def _outdated_count(diff: TableDiff | None) -> int | None:
    """How many translations the text changes of ``diff`` leave (or will leave) outdated: the
    translations of each old text for a language the new text has no current one in."""
    if diff is None:
        return None
    pairs = diff.text_changes
    if not pairs:
        return 0
    task_rows = ContentTranslation.objects.of_kind(ContentKind.TASK)
    olds = task_rows.for_sources({old for old, _new in pairs}).values_list("source", "language")
    news = task_rows.for_sources({new for _old, new in pairs})
    current = set(news.exclude(status=TranslationStatus.OUTDATED).values_list("source", "language"))
    by_old: dict[str, set[str]] = {}
    for source, language in olds:
        by_old.setdefault(source, set()).add(language)
    return sum(
        1
        for old, new in dict.fromkeys(pairs)
        for language in by_old.get(old, set())
        if (new, language) not in current
    )


@require_http_methods(["GET", "POST"])
@role_required(Action.DATA_EDIT, scope=table_jurisdiction)
def publish_table(request: HttpRequest, /, pk: int) -> HttpResponse:
    """Publish a draft version, now or from a chosen day, after a confirmation that says what
    becomes public and when (a POST without ``confirm`` shows that step)."""
    table = get_object_or_404(DivisionTable.objects.select_related("jurisdiction"), pk=pk)
    today = timezone.localdate()
    form = PublishForm(request.POST or None)
    on = None
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["on"] or today
        if on < today:
            form.add_error("on", _("公開日期已過；請選今天或之後的日期。"))
            on = None
    if on is not None and request.POST.get("confirm") == "yes":
        try:
            division_table_publish(table=table, on=on, today=today, actor=request.user)
        except GuankaoError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(version)s 版將於 %(date)s 起公開。")
                % {"version": table.version, "date": format_roc_date(on)},
            )
            return redirect("directory:staff-tables")
    previous = table.previous_published()
    in_force = DivisionTable.objects.filter(jurisdiction=table.jurisdiction).in_force(today)
    return render(
        request,
        "directory/staff/publish.html",
        {
            "table": table,
            "form": form,
            "on": on,
            "today": today,
            "in_force": in_force,
            "previous": previous,
            "diff": diff_tables(previous, table) if previous is not None else None,
        },
    )


@require_safe
@role_required(Action.DATA_VIEW)
def translations(request: HttpRequest, /) -> HttpResponse:
    """Content translations of one language, drafts first, filterable by kind and status."""
    language = request.GET.get("language", "vi")
    language = language if language in TARGET_CODES else "vi"
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    rows = ContentTranslation.objects.in_language(language).select_related("reviewed_by")
    if kind in ContentKind.values:
        rows = rows.of_kind(kind)
    if status in TranslationStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("status", "kind", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/staff/translations.html",
        {
            "page": page,
            "language": language,
            "languages": [BY_CODE[c] for c in TARGET_CODES],
            "kind": kind,
            "kinds": ContentKind.choices,
            "status": status,
            "statuses": TranslationStatus.choices,
            "outdated_count": ContentTranslation.objects.in_language(language).outdated().count(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Action.DATA_EDIT)
def edit_translation(request: HttpRequest, /, pk: int) -> HttpResponse:
    """Edit one translation's text and status; "reviewed" records who and when."""
    translation = get_object_or_404(ContentTranslation, pk=pk)
    if not translation_editable_by(request.user, translation):
        # The memory is shared: a coordinator edits only texts their own jurisdiction prints.
        raise PermissionDenied(str(_("這段譯文也用於您沒有管理權限的縣市，無法修改。")))
    if request.method == "POST":
        form = TranslationForm(request.POST)
        if form.is_valid():
            try:
                translation_update(
                    translation=translation,
                    text=form.cleaned_data["text"],
                    status=form.cleaned_data["status"],
                    actor=request.user,
                )
            except GuankaoError as error:
                form.add_error("text", str(error))
            else:
                messages.success(request, _("已儲存。"))
                return redirect(
                    f"{_url_translations()}?language={translation.language}&status=draft"
                )
    else:
        form = TranslationForm(initial={"text": translation.text, "status": translation.status})
    return render(
        request,
        "directory/staff/translation_edit.html",
        {"translation": translation, "form": form, "tag": BY_CODE[translation.language].tag},
    )


def _url_translations() -> str:
    return reverse("directory:staff-translations")


# --- unanswered needs (decision 0082) -----------------------------------------------------


def roc_month(month: datetime.date) -> str:
    """``115年12月`` for December 2026."""
    return _("%(year)s年%(month)s月") % {"year": to_roc_year(month.year), "month": month.month}


@require_safe
@role_required(Action.DATA_VIEW)
def unanswered(request: HttpRequest, /) -> HttpResponse:
    """Questions the public directory found no good answer for, by month, from the threshold of
    3 askings (nothing below it is ever shown); ``?format=csv`` downloads the same rows."""
    allowed = [j for j in Jurisdiction.objects.all() if can(request.user, Action.DATA_VIEW, j)]
    slug = request.GET.get("jurisdiction", "")
    if slug:
        jurisdiction: Jurisdiction | None = get_object_or_404(Jurisdiction, slug=slug)
        if jurisdiction not in allowed:
            raise PermissionDenied(str(_("您沒有這個縣市的管理權限。")))
    else:
        jurisdiction = allowed[0] if allowed else None
    rows = unanswered_needs(jurisdiction_slug=jurisdiction.slug) if jurisdiction else []
    if request.GET.get("format") == "csv" and jurisdiction is not None:
        return _unanswered_csv(jurisdiction, rows)
    months: dict[datetime.date, list[tuple[UnansweredRow, str]]] = {}
    for row in rows:
        language = BY_CODE.get(row.language)
        months.setdefault(row.month, []).append((row, language.name if language else row.language))
    return render(
        request,
        "directory/staff/unanswered.html",
        {
            "jurisdiction": jurisdiction,
            "jurisdictions": allowed,
            "months": [(roc_month(m), m, found) for m, found in months.items()],
            "threshold": UNANSWERED_THRESHOLD,
        },
    )


def _unanswered_csv(jurisdiction: Jurisdiction, rows: list[UnansweredRow]) -> HttpResponse:
    columns = (
        SheetColumn(_("縣市"), width=10),
        SheetColumn(_("月份"), width=10),
        SheetColumn(_("語言"), width=8),
        SheetColumn(_("查詢內容"), width=60),
        SheetColumn(_("次數"), "integer", width=8),
    )
    sheet = Sheet(
        _("未獲解答的查詢"),
        columns,
        tuple((r.jurisdiction, f"{r.month:%Y-%m}", r.language, r.text, r.count) for r in rows),
    )
    title = _("%(jurisdiction)s民眾查詢未獲解答的需求") % {"jurisdiction": jurisdiction.name}
    response = HttpResponse(
        render_csv(Workbook(title=title, sheets=(sheet,))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="unanswered-{jurisdiction.slug}.csv"'
    return response
