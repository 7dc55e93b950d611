"""Operations: Prometheus metrics (not public by default) and structured JSON logs.

Metrics are counted from the database where they must agree across processes (messages by language and intent,
handoffs, the outbox backlog and failures); answer latency is a prometheus_client histogram observed in the process
that answers. Under gunicorn, gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR (before any worker imports
prometheus_client): each process writes its observations to a file there and /metrics, whichever process serves it,
sums them (prometheus_client's multiprocess mode); a process's files stay counted after it exits.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from .storage.models import Message, Outbox
from .storage.store import Store

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_STANDARD = set(vars(logging.makeLogRecord({})))
disable_created_metrics()  # no *_created series: the text stays as it was before prometheus_client


LATENCY_HELP = "Time to answer one event."
_shared: Histogram | None = None


class Latency:
    """Answer latency. In multiprocess mode (PROMETHEUS_MULTIPROC_DIR set) one histogram per process, writing to
    this process's file in that folder; otherwise a histogram in a registry of its own (a process, or a test's bot)."""

    def __init__(self) -> None:
        global _shared
        self.registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            if _shared is None:  # two histograms of one name in one process would overwrite each other's file
                _shared = Histogram("tomoni_answer_seconds", LATENCY_HELP, buckets=BUCKETS, registry=None)
            self.histogram = _shared
        else:
            self.histogram = Histogram("tomoni_answer_seconds", LATENCY_HELP, buckets=BUCKETS, registry=self.registry)

    def observe(self, seconds: float) -> None:
        self.histogram.observe(seconds)


class DatabaseCollector:
    """The metrics counted from the database, read at each scrape."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        with self.store.session() as s:
            rows = s.execute(select(Message.direction, Message.language, Message.intent, func.count())
                             .group_by(Message.direction, Message.language, Message.intent)).all()
            handoffs = s.scalar(select(func.count()).select_from(Message).where(Message.handoff.is_(True),
                                                                               Message.direction == "in"))
            outbox = dict(s.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all())
        messages = CounterMetricFamily("tomoni_messages", "Messages by direction, language and intent.",
                                       labels=["direction", "language", "intent"])
        for direction, language, intent, n in rows:
            messages.add_metric([direction or "", language or "", intent or ""], n)
        yield messages
        handed = CounterMetricFamily("tomoni_handoffs", "Resident messages handed to the desk.")
        handed.add_metric([], handoffs or 0)
        yield handed
        backlog = GaugeMetricFamily("tomoni_outbox", "Outbox rows by status (pending and sending: the backlog; "
                                    "failed: given up).", labels=["status"])
        for status in ("pending", "sending", "sent", "failed"):
            backlog.add_metric([status], outbox.get(status, 0))
        yield backlog


def exposition(store: Store, latency: Latency, folder: str | None = None) -> bytes:
    """The metrics in Prometheus' text format: the database's, and answer latency summed over every process that
    wrote to `folder` (default PROMETHEUS_MULTIPROC_DIR), or this process's when there is none."""
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(store))
    folder = folder or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        MultiProcessCollector(registry, path=folder)
        return generate_latest(registry)
    return generate_latest(registry) + generate_latest(latency.registry)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                                "message": record.getMessage()}
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:  # formatted (and scrubbed) when the record was made: bot/redact.py
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(fmt: str, level: str = "INFO") -> None:
    """Log to stderr, as text or (fmt == 'json') one JSON object per line."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migrations say "up to date" at every start
