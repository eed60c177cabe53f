"""gunicorn's settings for guankao: ``guankao serve`` and the systemd unit both use this file
(``gunicorn -c python:guankao.gunicorn_conf``; docs/deployment.md explains each value).

Environment variables override the defaults: GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_MAX_REQUESTS, GUNICORN_TIMEOUT.

Nothing here runs ``collectstatic``: static files are built once per release (docs/deployment.md),
so any number of servers can start at once (decision 0083).
"""

import os
from typing import Any

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads let a worker answer other requests while one renders a PDF or waits on the database.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Workers fork from a master that has already imported Django and the renderers, so a recycled
# worker is ready at once instead of spending a second importing (the p95 spikes of issue 13).
preload_app = True
# Typst keeps recent PDF layouts in memory; recycling a worker now and then returns it. Most
# requests under load are answered from the page cache and allocate nothing lasting, so the
# limit is high; the jitter is half of it, so two workers almost never restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 2
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"


def pre_fork(server: Any, worker: Any) -> None:
    """In the master, before each fork: load what requests would load lazily and build the
    directories that are missing or whose data changed, then freeze it all for the garbage
    collector (guankao.site.warm), so that the new worker inherits it ready."""
    # Without preload_app there is no Django in the master to warm.
    if not server.cfg.preload_app:
        return
    from django.db import connections

    from guankao.site.warm import prepare_process

    try:
        prepare_process()
    except Exception:  # a database not reachable yet: each worker loads on first use instead
        server.log.exception("preparing the process failed")
    finally:
        # A connection opened here would be inherited by the fork and shared with the master.
        connections.close_all()
