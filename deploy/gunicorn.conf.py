"""gunicorn settings for Prongsai behind nginx (used by the systemd unit, the container and the CI topology test).

Every value can be overridden from the environment file (deploy/prongsai.env.example).
"""

import os
import shutil

# nginx on the same machine talks to this address; never expose it to the network.
bind = os.environ.get("PRONGSAI_BIND", "127.0.0.1:8000")
# Synchronous workers: each handles one request at a time; 2-4 per core.  More machines: docs/operations.md.
workers = int(os.environ.get("PRONGSAI_WEB_WORKERS", "4"))
worker_class = "sync"
timeout = int(os.environ.get("PRONGSAI_WEB_TIMEOUT", "120"))  # PDF rendering of one document stays far below
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (memory held by large documents)
max_requests_jitter = 200
# wsgi.url_scheme from X-Forwarded-Proto only from these; Prongsai's TrustedProxyMiddleware uses the same list.
forwarded_allow_ips = os.environ.get("PRONGSAI_TRUSTED_PROXIES", "127.0.0.1")
# No access log here: nginx keeps one, without survey paths and query strings.  Errors go to stderr (journald).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("PRONGSAI_GUNICORN_LOG_LEVEL", "warning")
# gunicorn 24+ opens a control socket in $HOME by default: not needed, and several instances would share it
control_socket_disable = True

# /metrics sums the request counters of every worker process through files in this folder (prometheus_client's
# multiprocess mode).  It is emptied when gunicorn starts and a dead worker's gauges are dropped.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.environ.get("RUNTIME_DIRECTORY", "/run/prongsai") + "/metrics")


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, mode=0o700, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
