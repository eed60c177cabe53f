"""Upload → preview (what was read, issues, what would change) → confirm, for coordinators.

The uploaded file is stored under a random name and read again at each step, so nothing
parsed has to be kept in the session; the confirm form carries the preview's digest, and the
save is refused if the changes are no longer the ones shown.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guankao.core.exceptions import GuankaoError
from guankao.core.models import Agency, Jurisdiction
from guankao.core.permissions import Action, can, denied_message
from guankao.divisions.models import DivisionTable
from guankao.imports import storage
from guankao.imports.exceptions import ImportStale
from guankao.imports.exporting import export_division_template, export_performance_template
from guankao.imports.forms import DivisionUploadForm, PerformanceUploadForm, UploadForm
from guankao.imports.preview import Preview
from guankao.imports.readers import MAX_FILE_BYTES, FileRejected
from guankao.imports.services import (
    division_import,
    division_target,
    performance_import,
    performance_target,
)
from guankao.tw import YearMonth, parse_roc_date

SESSION_KEY = "guankao_imports"


def may_import(request: HttpRequest, obj: Jurisdiction | Agency | None = None) -> bool:
    """Whether the signed-in person may import into ``obj`` (or anywhere, when None).

    Importing maintains the tables, so it is the role matrix's ``data.edit``: coordinators of
    the jurisdiction or department, and administrators.
    """
    return can(request.user, Action.DATA_EDIT, obj)


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload past the size limit, so a huge file never reaches the disk."""

    too_large = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        # The request body is only a little larger than the file: its length tells early. The
        # parser only stops when a file chunk arrives, so the refusal happens there.
        self.too_large = content_length > MAX_FILE_BYTES + 64 * 1024

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.too_large or start + len(raw_data) > MAX_FILE_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _entries(request: HttpRequest) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = request.session.setdefault(SESSION_KEY, {})
    return entries


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The two imports and the templates to start from."""
    return render(
        request,
        "imports/index.html",
        {
            "division": may_import(request),
            "performance": may_import(request),
        },
    )


def _store(request: HttpRequest, form: UploadForm, entry: dict[str, Any]) -> HttpResponse:
    upload = form.cleaned_data["file"]
    extension = Path(upload.name).suffix.lower().lstrip(".")
    token = storage.save_upload(upload.chunks(), extension)
    _entries(request)[token] = {**entry, "filename": Path(upload.name).name, "ext": extension}
    request.session.modified = True
    return redirect("imports:preview", token=token)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def division_upload(request: HttpRequest) -> HttpResponse:
    """Upload a division table for one of the person's jurisdictions."""
    limit = SizeLimitHandler(request)
    request.upload_handlers.insert(0, limit)
    return _division_upload(request, limit)


@csrf_protect
def _division_upload(request: HttpRequest, limit: SizeLimitHandler) -> HttpResponse:
    jurisdictions = [j for j in Jurisdiction.objects.order_by("slug") if may_import(request, j)]
    if not jurisdictions or not may_import(request):
        raise PermissionDenied(_("您沒有匯入分工表的權限。"))
    form = DivisionUploadForm(
        request.POST or None,
        request.FILES or None,
        jurisdictions=jurisdictions,
        too_large=limit.too_large,
    )
    if request.method == "POST" and form.is_valid():
        jurisdiction: Jurisdiction = form.cleaned_data["jurisdiction"]
        try:
            division_target(jurisdiction=jurisdiction.slug, version=form.cleaned_data["version"])
        except GuankaoError as problem:
            form.add_error("version", str(problem))
        else:
            entry = {
                "kind": "division",
                "jurisdiction": jurisdiction.slug,
                "version": form.cleaned_data["version"],
            }
            return _store(request, form, entry)
    status = 400 if request.method == "POST" else 200
    title = _("匯入分工表")
    return render(request, "imports/upload.html", {"form": form, "title": title}, status=status)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def performance_upload(request: HttpRequest) -> HttpResponse:
    """Upload a performance report's plan table for a department and year."""
    limit = SizeLimitHandler(request)
    request.upload_handlers.insert(0, limit)
    return _performance_upload(request, limit)


@csrf_protect
def _performance_upload(request: HttpRequest, limit: SizeLimitHandler) -> HttpResponse:
    departments = [
        a
        for a in Agency.objects.filter(parent=None).order_by("jurisdiction__slug", "label")
        if may_import(request, a)
    ]
    if not departments or not may_import(request):
        raise PermissionDenied(_("您沒有匯入施政計畫的權限。"))
    form = PerformanceUploadForm(
        request.POST or None,
        request.FILES or None,
        departments=departments,
        too_large=limit.too_large,
    )
    if request.method == "POST" and form.is_valid():
        department: Agency = form.cleaned_data["department"]
        entry = {"kind": "performance", "org": department.slug, "year": form.cleaned_data["year"]}
        return _store(request, form, entry)
    status = 400 if request.method == "POST" else 200
    title = _("匯入施政計畫")
    return render(request, "imports/upload.html", {"form": form, "title": title}, status=status)


def _run(request: HttpRequest, entry: dict[str, Any], path: Path, **kwargs: Any) -> Preview:
    """Preview or save the stored upload described by ``entry``; checks permission again."""
    if entry["kind"] == "division":
        target = division_target(jurisdiction=entry["jurisdiction"], version=entry["version"])
        jurisdiction = Jurisdiction.objects.filter(slug=target.jurisdiction_slug).first()
        if not may_import(request, jurisdiction):
            raise PermissionDenied
        return division_import(
            path=path, filename=entry["filename"], target=target, actor=request.user, **kwargs
        )
    department = performance_target(org=entry["org"], year=entry["year"])
    if not may_import(request, department.department):
        raise PermissionDenied
    return performance_import(
        path=path, filename=entry["filename"], target=department, actor=request.user, **kwargs
    )


def _forget(request: HttpRequest, token: str, entry: dict[str, Any]) -> None:
    storage.delete(token, entry["ext"])
    _entries(request).pop(token, None)
    request.session.modified = True


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what was read and what would change. POST: save it, if it is still the same."""
    entry = _entries(request).get(token)
    path = storage.path_of(token, entry["ext"]) if entry else None
    if entry is None or path is None:
        raise Http404(_("找不到這個上傳的檔案，可能已逾時；請重新上傳。"))
    try:
        if request.method == "POST":
            result = _run(
                request, entry, path, save=True, expected_digest=request.POST.get("digest", "")
            )
            if result.saved:
                _forget(request, token, entry)
                messages.success(
                    request,
                    _("已匯入 %(file)s 到 %(target)s：%(n)d 項變更。")
                    % {
                        "file": entry["filename"],
                        "target": result.target,
                        "n": len(result.changes),
                    },
                )
                if result.kind == "division":
                    # A draft: the versions page is where it is compared and published.
                    messages.info(request, _("這是草稿版本，公開前不會出現在服務導覽。"))
                    return redirect("directory:staff-tables")
                return redirect("imports:index")
        else:
            result = _run(request, entry, path)
    except ImportStale as problem:
        messages.warning(request, str(problem))
        return redirect("imports:preview", token=token)
    except FileRejected as problem:
        _forget(request, token, entry)
        return render(request, "imports/rejected.html", {"message": str(problem)}, status=400)
    except GuankaoError as problem:
        return render(request, "imports/rejected.html", {"message": str(problem)}, status=400)
    return render(
        request,
        "imports/preview.html",
        {"preview": result, "token": token},
        status=200 if result.can_save else 400,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Drop an upload without saving it."""
    entry = _entries(request).get(token)
    if entry is not None:
        _forget(request, token, entry)
        messages.info(
            request, _("已取消匯入 %(file)s，未寫入任何資料。") % {"file": entry["filename"]}
        )
    return redirect("imports:index")


def _ensure_can_read(request: HttpRequest, obj: Jurisdiction | Agency) -> None:
    if not can(request.user, Action.DATA_VIEW, obj):
        raise PermissionDenied(denied_message(Action.DATA_VIEW))


@login_required
@require_GET
def template(request: HttpRequest, kind: str, file_format: str) -> FileResponse:
    """Download a template: empty, or filled with a table (``?jurisdiction=&version=``) or a
    department's plans (``?org=&year=``)."""
    if kind not in ("division", "performance") or file_format not in ("xlsx", "ods"):
        raise Http404
    if not can(request.user, Action.DATA_VIEW):
        raise PermissionDenied(denied_message(Action.DATA_VIEW))
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / f"template.{file_format}"
    if kind == "division":
        table = None
        slug, version = request.GET.get("jurisdiction"), request.GET.get("version", "")
        if slug:
            tables = DivisionTable.objects.for_jurisdiction(slug)
            month = parse_roc_date(version) if version else None
            if isinstance(month, YearMonth):
                tables = tables.filter(effective_month=DivisionTable.month_of(month))
            table = tables.latest_first().first()
            if table is None:
                raise Http404
            _ensure_can_read(request, table.jurisdiction)
        export_division_template(table=table, path=path, file_format=file_format)
        name = f"division-{table.jurisdiction.slug}-{table.version}" if table else "division"
    else:
        department, year = None, None
        if request.GET.get("org"):
            department = Agency.objects.filter(slug=request.GET["org"]).first()
            try:
                year = int(request.GET.get("year", ""))
            except ValueError:
                raise Http404 from None
            if department is None:
                raise Http404
            # A filled template holds every plan and actual, drafts included.
            _ensure_can_read(request, department)
        export_performance_template(
            department=department, roc_year=year, path=path, file_format=file_format
        )
        name = f"performance-{department.slug}-{year}" if department else "performance"
    stream = path.open("rb")
    folder.cleanup()  # the open stream keeps the file's data until the response closes it
    return FileResponse(stream, as_attachment=True, filename=f"{name}.{file_format}")
