"""Whether a task serves the public or the government itself, when a file does not say.

A division table mixes services people can ask for (諮詢, 補助, 課程) with work the
government does for itself: training its own staff and teachers, committee and liaison
meetings, contacting the media, writing teaching materials. The second kind must never be
offered as an answer to someone in need (issue 15), so every task carries an audience.

The seed data file says it task by task (read by a person). An import whose layout has no
audience column gets this rule's default, which staff can override in the table editor
(decision 0075). The rule is deliberately narrow: a task is internal only when its text
names internal work *and* names no service to people, so a mixed task (「通譯人才培訓及提供
醫療生育諮詢及服務」) stays public — showing a mixed task costs less than hiding a service.
"""

from __future__ import annotations

import re

from guankao.divisions.models import TaskAudience

# Work the government does for itself: its staff's and teachers' training, its meetings,
# its media contacts, its teaching materials.
_INTERNAL = re.compile(
    r"委員會|聯繫會議|聯席會議|工作會議|協調會|跨局處|聯繫媒體|媒體聯繫|新聞聯繫"
    r"|師資|種子教師|教師.{0,12}(?:研習|培訓|訓練)|人員.{0,12}(?:教育訓練|研習|培訓|訓練)"
    r"|編製.{0,12}教科書|教材研發"
)
# Words that say a person gets something: then the task is shown even if it mentions the above.
_SERVES_PEOPLE = re.compile(r"提供|補助|諮詢|宣導教材|學習中心|據點|專線|申請|申辦")

# How an audience column may write it (any other non-empty value is reported).
AUDIENCE_WORDS: dict[str, str] = {
    "對外": TaskAudience.PUBLIC,
    "對外服務": TaskAudience.PUBLIC,
    "民眾": TaskAudience.PUBLIC,
    "公開": TaskAudience.PUBLIC,
    "public": TaskAudience.PUBLIC,
    "內部": TaskAudience.INTERNAL,
    "對內": TaskAudience.INTERNAL,
    "內部業務": TaskAudience.INTERNAL,
    "不對外": TaskAudience.INTERNAL,
    "internal": TaskAudience.INTERNAL,
}


def default_audience(text: str) -> str:
    """The audience of a task from its text alone: internal for staff training, meetings,
    media liaison and teaching materials that offer nothing to people; public otherwise."""
    if _INTERNAL.search(text) and not _SERVES_PEOPLE.search(text):
        return TaskAudience.INTERNAL
    return TaskAudience.PUBLIC


def parse_audience(value: str) -> str | None:
    """An audience cell's value (``內部``, ``對外服務`` …), or None when it is not one of them."""
    key = re.sub(r"[\s（）()]", "", value).lower()
    return AUDIENCE_WORDS.get(key)
