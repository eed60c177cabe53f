"""Mount each app's router on the API. An app with endpoints adds one line here."""

from __future__ import annotations

from guankao.api.v1 import api
from guankao.cycles.apis import router as cycles_router
from guankao.directory.apis import router as directory_router
from guankao.performance.apis import router as performance_router

api.add_router("/cycles/", cycles_router)
api.add_router("/directory/", directory_router)
api.add_router("/performance/", performance_router)
