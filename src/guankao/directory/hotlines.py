"""The national hotlines the directory shows when nothing matches or a question is urgent."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guankao.tw import Phone, parse_phone


@dataclass(frozen=True)
class Hotline:
    number: str
    name: Promise
    note: Promise

    @property
    def phone(self) -> Phone:
        return parse_phone(self.number)


PROTECTION = Hotline("113", _("113 保護專線"), _("家庭暴力、性侵害、兒少保護，24 小時，有通譯。"))
POLICE = Hotline("110", _("110 報案專線"), _("有立即危險時撥打警察。"))
IMMIGRANT = Hotline(
    "1990",
    _("1990 外來人士在臺生活諮詢服務熱線"),
    _("以多種語言回答在臺生活的問題，免付費。"),
)
# Order matters: when a question is about violence, 113 and 110 come first.
URGENT: tuple[Hotline, ...] = (PROTECTION, POLICE)
ALL: tuple[Hotline, ...] = (IMMIGRANT, PROTECTION, POLICE)
