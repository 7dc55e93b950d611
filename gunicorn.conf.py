"""gunicorn's settings, read from this folder (the Procfile and scripts/start run gunicorn here).

The access log names the path without its query string: a query can hold a secret (Messenger's verify token when
Meta checks the webhook) or a test resident's name (the chat page's polling). Every record is also scrubbed by
bot/redact.py. Fields: address, time, method, path, protocol, status, bytes, user agent, seconds.

Metrics across processes (prometheus_client's multiprocess mode): every web process writes its observations to a
file in PROMETHEUS_MULTIPROC_DIR and /metrics sums them. Unset, a fresh folder is made here (before the workers start,
so they inherit it) and removed when gunicorn stops; a worker that exits is marked dead (its gauges dropped, its
counts kept). A folder set by the operator (shared with `flask worker` on the same machine) is theirs to empty
between runs, as prometheus_client asks.
"""

import os
import shutil
import tempfile
from typing import Any

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'

_made_here = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _made_here:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tomoni-metrics-")


def child_exit(server: Any, worker: Any) -> None:
    """A web process ended: its live gauges no longer count (its counters and histograms still do)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """gunicorn stops: the folder it made goes."""
    if _made_here:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
