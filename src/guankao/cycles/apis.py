"""JSON API endpoints of the cycles app, mounted at /api/v1/cycles/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cycles"])
