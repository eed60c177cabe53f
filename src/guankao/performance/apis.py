"""JSON API endpoints of the performance app, mounted at /api/v1/performance/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["performance"])
