"""What the directory gives the cycles committee report: the unanswered needs of a period.

The layers contract keeps cycles and directory independent (neither imports the other), so the
committee report finds this module through the app registry
(``guankao.core.registry.discover("committee_sections", "UNANSWERED_NEEDS")``), the way
``guankao report`` finds each app's ``reports.py`` (decision 0082). What crosses is plain data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from guankao.directory.languages import BY_CODE
from guankao.directory.models import UNANSWERED_THRESHOLD
from guankao.directory.selectors import unanswered_needs


def language_label(code: str) -> str:
    """The language's name in Traditional Chinese, for the committee (its endonym otherwise)."""
    names = {
        "zh-hant": _("繁體中文"),
        "zh-hans": _("簡體中文"),
        "en": _("英語"),
        "vi": _("越南語"),
        "id": _("印尼語"),
        "th": _("泰語"),
        "fil": _("菲律賓語"),
        "km": _("柬埔寨語"),
        "my": _("緬甸語"),
        "ja": _("日語"),
        "ko": _("韓語"),
    }
    language = BY_CODE.get(code)
    return names.get(code) or (language.name if language else code)


@dataclass(frozen=True)
class UnansweredNeedsSource:
    """The unanswered needs of a jurisdiction's public directory, for a span of months."""

    name: str
    threshold: int

    def rows(
        self, *, jurisdiction_slug: str, first: datetime.date, last: datetime.date
    ) -> list[tuple[datetime.date, str, str, str, int]]:
        """``(month, language code, language label, text, count)`` of the months from
        ``first``'s to ``last``'s, months in order, then the most asked first; only rows that
        reached the threshold."""
        found = unanswered_needs(jurisdiction_slug=jurisdiction_slug, first=first, last=last)
        found.sort(key=lambda r: (r.month, -r.count, r.language, r.text))
        return [(r.month, r.language, language_label(r.language), r.text, r.count) for r in found]


UNANSWERED_NEEDS = [UnansweredNeedsSource(name="directory", threshold=UNANSWERED_THRESHOLD)]
