"""JSON rendering for the API: UTF-8 Chinese as is, not as \\uXXXX escapes."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class UnicodeJSONRenderer(JSONRenderer):
    encoder_class = NinjaJSONEncoder

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=self.encoder_class, ensure_ascii=False)
