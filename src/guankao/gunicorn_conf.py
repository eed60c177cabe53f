"""gunicorn's settings for guankao: ``guankao serve`` and the systemd unit both use this file
(``gunicorn -c python:guankao.gunicorn_conf``; docs/deployment.md explains each value).

Environment variables override the defaults: GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_MAX_REQUESTS, GUNICORN_TIMEOUT.

Nothing here runs ``collectstatic``: static files are built once per release (docs/deployment.md),
so any number of servers can start at once (decision 0083).
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads let a worker answer other requests while one renders a PDF or waits on the database.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Workers fork from a master that has already imported Django and the renderers, so a recycled
# worker is ready at once instead of spending a second importing (the p95 spikes of issue 13).
preload_app = True
# Typst keeps recent PDF layouts in memory; recycling a worker now and then returns it. The
# jitter is half the limit, so two workers almost never restart at the same moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 2
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
