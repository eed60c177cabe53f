"""Content translations: the shipped drafts, the loader, review; the interface catalogs."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType
from urllib.parse import urljoin, urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation as translation_module
from django.utils.translation import to_locale
from lxml import html  # type: ignore[import-untyped]

from guankao.core.accounts import membership_grant
from guankao.core.exceptions import DataFileError
from guankao.core.models import Agency, Jurisdiction, Role
from guankao.core.permissions import NotPermitted, Scope
from guankao.directory.datafile import load_directory_translations, parse_translation_file
from guankao.directory.exceptions import TranslationError
from guankao.directory.languages import BY_CODE, SOURCE, TARGET_CODES
from guankao.directory.models import ContentKind, ContentTranslation, TranslationStatus
from guankao.directory.services import translation_update
from guankao.divisions.models import ServiceArea, Task


def keelung_coordinator(username: str, slug: str = "keelung") -> User:
    user = User.objects.create_user(username, is_staff=True)
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug=slug),
        actor=None,
    )
    return user


@pytest.mark.django_db
def test_every_area_agency_and_task_has_a_draft_in_every_language() -> None:
    keelung_tasks = Task.objects.filter(table__jurisdiction__slug="keelung")
    wanted = (
        {(ContentKind.AREA.value, a.name) for a in ServiceArea.objects.all()}
        | {(ContentKind.AGENCY.value, a.label) for a in Agency.objects.in_jurisdiction("keelung")}
        | {(ContentKind.TASK.value, t.text) for t in keelung_tasks}
        | {(ContentKind.JURISDICTION.value, "基隆市")}
    )
    have: dict[tuple[str, str], set[str]] = {}
    for row in ContentTranslation.objects.all():
        have.setdefault((row.kind, row.source), set()).add(row.language)
    missing = {key: set(TARGET_CODES) - have.get(key, set()) for key in wanted}
    assert {k: v for k, v in missing.items() if v} == {}
    assert not ContentTranslation.objects.exclude(status=TranslationStatus.DRAFT).exists()


@pytest.mark.django_db
def test_loading_again_writes_nothing() -> None:
    assert load_directory_translations().written == 0


@pytest.mark.django_db
def test_a_reviewed_translation_is_never_overwritten_by_a_draft() -> None:
    user = keelung_coordinator("reviewer")
    row = ContentTranslation.objects.get(kind="agency", source="民政處", language="en")
    translation_update(
        translation=row, text="Department of Civil Affairs", status="reviewed", actor=user
    )
    row.refresh_from_db()
    assert (row.status, row.reviewed_by, row.reviewed_at is not None) == ("reviewed", user, True)
    load_directory_translations()
    row.refresh_from_db()
    assert row.text == "Department of Civil Affairs"


@pytest.mark.django_db
def test_back_to_draft_clears_the_review() -> None:
    user = keelung_coordinator("reviewer2")
    row = ContentTranslation.objects.get(kind="agency", source="衛生局", language="vi")
    translation_update(translation=row, text=row.text, status="reviewed", actor=user)
    translation_update(translation=row, text="Cục Y tế Cơ Long", status="draft", actor=user)
    row.refresh_from_db()
    assert (row.status, row.reviewed_by, row.reviewed_at) == ("draft", None, None)


@pytest.mark.django_db
def test_empty_text_is_refused() -> None:
    row = ContentTranslation.objects.get(kind="agency", source="衛生局", language="th")
    with pytest.raises(TranslationError):
        translation_update(translation=row, text="  ", status="draft", actor=None)


@pytest.mark.django_db
def test_database_refuses_a_review_without_date() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ContentTranslation.objects.create(
            kind="area", source="x", language="vi", text="y", status="reviewed"
        )


def test_a_broken_file_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("areas:\n  生活適應輔導:\n    en: Life\n    xx: Nope\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown language"):
        parse_translation_file(path)
    path.write_text("areas:\n  生活適應輔導:\n    en: Life\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="vi: missing"):
        parse_translation_file(path)


@pytest.mark.django_db
def test_a_translation_belongs_to_the_jurisdictions_that_print_its_text() -> None:
    keelung = Jurisdiction.objects.get(slug="keelung")
    police = ContentTranslation.objects.get(kind="agency", source="警察局", language="vi")
    assert police.role_scopes() == [Scope(keelung.pk)]
    unused = ContentTranslation(kind="task", source="沒有任何分工表用到的文字", language="vi")
    assert unused.role_scopes() == [Scope(None)]


@pytest.mark.django_db
def test_a_coordinator_of_another_city_may_not_edit_keelungs_translation() -> None:
    other = keelung_coordinator("hsinchu-coordinator", slug="hsinchu")
    row = ContentTranslation.objects.get(kind="agency", source="衛生局", language="vi")
    with pytest.raises(NotPermitted):
        translation_update(translation=row, text="Sửa đổi", status="reviewed", actor=other)
    row.refresh_from_db()
    assert (row.text != "Sửa đổi", row.status) == (True, "draft")


@pytest.mark.django_db
def test_the_edit_page_refuses_a_coordinator_of_another_city(client: Client) -> None:
    client.force_login(keelung_coordinator("hsinchu-coordinator", slug="hsinchu"))
    row = ContentTranslation.objects.filter(
        kind="task", language="vi", source__contains="家庭暴力"
    )[0]
    url = f"/directory/staff/translations/{row.pk}/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"text": "Bị sửa", "status": "reviewed"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.text != "Bị sửa"
    client.force_login(keelung_coordinator("keelung-coordinator"))
    assert client.post(url, {"text": "Đã sửa", "status": "reviewed"}).status_code == 302
    row.refresh_from_db()
    assert (row.text, row.status) == ("Đã sửa", "reviewed")


# The interface catalogs (src/guankao/locale/<lang>/LC_MESSAGES/django.po).
LOCALE = Path(settings.LOCALE_PATHS[0])
ROOT = Path(__file__).resolve().parents[2]


def catalog(code: str) -> dict[str, tuple[str, bool]]:
    """Every entry of a language's django.po: msgid (``id\\x00plural``) → (all msgstrs, fuzzy)."""
    path = LOCALE / to_locale(code) / "LC_MESSAGES" / "django.po"
    entries: dict[str, tuple[str, bool]] = {}
    entry: dict[str, str] = {}
    fuzzy = False
    field = ""

    def flush() -> None:
        if entry.get("msgid"):
            key = entry["msgid"] + (
                "\x00" + entry["msgid_plural"] if "msgid_plural" in entry else ""
            )
            forms = [v for k, v in entry.items() if k.startswith("msgstr")]
            entries[key] = ("\x00".join(forms) if all(forms) else "", fuzzy)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        elif line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgid", "msgctxt") and any(k.startswith("msgstr") for k in entry):
                flush()
                entry, fuzzy = {}, fuzzy if line.startswith("msgctxt") else False
            field = keyword
            entry[field] = ast.literal_eval(rest)
    flush()
    return entries


def texts_of(tree: object, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]  # type: ignore[attr-defined]


def compiler() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compile_messages", ROOT / "scripts" / "compile_messages.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


INTERFACE_TARGETS = [code for code, _ in settings.LANGUAGES if code != SOURCE]


def test_every_interface_string_is_translated_in_every_language() -> None:
    catalogs = {code: catalog(code) for code in INTERFACE_TARGETS}
    every_msgid = set().union(*catalogs.values())
    assert len(every_msgid) >= 49
    untranslated = {
        code: sorted(
            msgid
            for msgid in every_msgid
            if msgid not in entries or not entries[msgid][0] or entries[msgid][1]
        )
        for code, entries in catalogs.items()
    }
    assert {code: ids for code, ids in untranslated.items() if ids} == {}


def test_the_compiled_catalogs_are_up_to_date(tmp_path: Path) -> None:
    module = compiler()
    for code in INTERFACE_TARGETS:
        folder = LOCALE / to_locale(code) / "LC_MESSAGES"
        module.write_mo(
            module.parse_po((folder / "django.po").read_text("utf-8")), tmp_path / "x.mo"
        )
        assert (tmp_path / "x.mo").read_bytes() == (folder / "django.mo").read_bytes(), code


@pytest.mark.parametrize("code", ["ja", "ko"])
def test_japanese_and_korean_catalogs_say_they_are_machine_drafts(code: str) -> None:
    text = (LOCALE / code / "LC_MESSAGES" / "django.po").read_text("utf-8")
    assert "MACHINE DRAFT" in text
    assert "Last-Translator: machine draft, not yet reviewed" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "label", "agency"),
    [
        ("ja", "何を聞きたいですか？ご自分の言葉で質問を書いてください", "衛生局（保健局）"),
        ("ko", "무엇을 묻고 싶으세요? 자신의 언어로 질문을 적어 주세요", "위생국(보건국)"),
    ],
)
def test_the_directory_speaks_japanese_and_korean(
    client: Client, code: str, label: str, agency: str
) -> None:
    response = client.get("/directory/keelung/", {"lang": code})
    assert response.status_code == 200
    tree = html.fromstring(response.content.decode())
    assert tree.get("lang") == BY_CODE[code].tag
    assert label in [" ".join(e.text_content().split()) for e in tree.xpath("//label")]
    assert agency in texts_of(tree, "//section[@aria-labelledby='by-agency']//li")
    assert tree.xpath("//p[contains(@class, 'notice')]")  # content translations are drafts


def crawl_public_directory(client: Client, code: str) -> None:
    """Every public directory page once in ``code`` (no staff pages), a few questions, a 404,
    and one leaflet."""
    seen: set[str] = set()
    queue = [
        "/directory/",
        "/directory/keelung/",
        "/directory/keelung/?q=老公打我",
        "/directory/keelung/?q=pizza",
        "/directory/keelung/?q=qwerty asdfgh",
        "/directory/keelung/?q=健保",
        "/directory/keelung/agencies/nope/",
    ]
    leaflet = False
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(f"{url}{'&' if '?' in url else '?'}lang={code}")
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in html.fromstring(response.content.decode()).xpath("//a/@href"):
            path = urlparse(urljoin(url, href)).path
            if not path.startswith("/directory/") or path.startswith("/directory/staff/"):
                continue
            if path.endswith(".pdf"):
                if leaflet:
                    continue
                leaflet = True
            queue.append(path)


@pytest.mark.django_db
def test_every_string_the_public_directory_shows_is_in_the_catalogs(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strings added to public pages without a translation fail here, not in front of a reader."""
    crawl_public_directory(client, "vi")  # imports and caches settle before recording
    looked_up: set[str] = set()
    # Every gettext call (templates, lazy strings) goes through this object; Django has no hook.
    trans = translation_module._trans  # type: ignore[attr-defined]
    real_gettext, real_ngettext = trans.gettext, trans.ngettext

    def gettext(message: str) -> str:
        looked_up.add(message)
        return str(real_gettext(message))

    def ngettext(singular: str, plural: str, number: int) -> str:
        looked_up.add(f"{singular}\x00{plural}")
        return str(real_ngettext(singular, plural, number))

    monkeypatch.setattr(trans, "gettext", gettext, raising=False)
    monkeypatch.setattr(trans, "ngettext", ngettext, raising=False)
    for code in ("vi", "ko", "my"):  # hotline schedules differ by the reader's language
        crawl_public_directory(client, code)
    # Our msgids are Chinese; Django's own (":" for form labels) are in Django's catalogs.
    ours = {m for m in looked_up if any("\u4e00" <= c <= "\u9fff" for c in m)}
    assert len(ours) > 60
    missing = {code: sorted(ours - set(catalog(code))) for code in INTERFACE_TARGETS}
    assert {code: ids for code, ids in missing.items() if ids} == {}
