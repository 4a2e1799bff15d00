"""gunicorn settings for production: ``gunicorn -c deploy/gunicorn.conf.py``.

Every value can be changed from the environment (docs/production.md lists them).
The defaults come from measurements on a 2-core machine (bench/load/, figures in
docs/production.md and docs/adr/0009-production-serving.md):

- ``workers`` = 2 x cores. A request spends most of its time in Python (templates,
  forms, SQLAlchemy), so processes, not threads, use the cores; a second process
  per core keeps a core busy while another waits on the database's commit
  (``synchronous=FULL`` on SQLite, a WAL flush on PostgreSQL).
- ``threads`` = 4: while one thread waits on the database (a PostgreSQL round
  trip, a commit's flush) another runs. Measured at saturation on PostgreSQL
  (docs/production.md): 1 thread per worker 78-117 saves/s, 2 threads 135,
  4 threads 144-151; beyond 8-16 requests in flight per instance it is a plateau.
- ``preload_app``: the app is built once in the master and forked, so a worker
  killed by the kernel or by ``kill -9`` is replaced in milliseconds. The
  database pool is emptied after the fork (``post_fork``): connections are never
  shared between processes.

gunicorn's access log is off: it can only print the raw path, which may hold an
invitation token. The application writes one JSON line per request instead,
with the endpoint, status and duration (feedback_app/web/logging_config.py).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

from feedback_app.web.logging_config import dict_config


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _bind() -> list[str]:
    if os.environ.get("BIND"):
        return [part.strip() for part in os.environ["BIND"].split(",") if part.strip()]
    if os.environ.get("PORT"):
        # Platforms that set PORT route to the container from outside.
        return [f"0.0.0.0:{int(os.environ['PORT'])}"]
    # Behind a reverse proxy on the same host: not reachable from outside.
    return ["127.0.0.1:8000"]


wsgi_app = "feedback_app:create_app()"
bind = _bind()
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count())
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
preload_app = True
# A request that takes this long is stuck: the worker is replaced. The slowest
# real requests are the board report PDF (about 9 s for the demo, 3 x 1,000
# responses) and a 20,000-response workbook (about 9 s): 60 s leaves headroom.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = 500
# Only the proxy may say the request came over HTTPS (HSTS, Secure cookies).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory (a private file per worker), not on a possibly slow disk.
SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = dict_config(os.environ.get("LOG_LEVEL", "INFO"))
proc_name = "send-feedback"
# No control socket: one fixed path per user would clash between instances on a host.
control_socket_disable = True


def when_ready(server: Any) -> None:
    """Warm the preloaded app in the master, so each forked worker starts warm."""
    app = server.app.wsgi()
    if hasattr(app, "extensions") and "db_engine" in app.extensions:
        from feedback_app.web.health import warm_up

        server.log.info("warmed up: %s", warm_up(app))


def post_fork(server: Any, _worker: Any) -> None:
    """Give each worker its own database connections (never the master's)."""
    engine = getattr(server.app.wsgi(), "extensions", {}).get("db_engine")
    if engine is not None:
        engine.dispose(close=False)
