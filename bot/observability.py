"""Operations: Prometheus metrics (not public by default) and structured JSON logs.

Metrics are counted from the database where they must agree across processes (messages by language and intent,
handoffs, the outbox backlog and failures); answer latency is measured in the process that answers.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from sqlalchemy import func, select

from .storage.models import Message, Outbox
from .storage.store import Store

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_STANDARD = set(vars(logging.makeLogRecord({})))


class Latency:
    """A Prometheus histogram of answer latency in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts = [0] * len(BUCKETS)
        self.total = 0
        self.sum = 0.0

    def observe(self, seconds: float) -> None:
        with self._lock:
            self.total += 1
            self.sum += seconds
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self.counts[i] += 1


def _label(value: Any) -> str:
    return str(value if value is not None else "").replace("\\", "\\\\").replace('"', '\\"')


def exposition(store: Store, latency: Latency) -> str:
    """The metrics in Prometheus' text format."""
    lines = ["# HELP tomoni_messages_total Messages by direction, language and intent.",
             "# TYPE tomoni_messages_total counter"]
    with store.session() as s:
        for direction, language, intent, n in s.execute(
                select(Message.direction, Message.language, Message.intent, func.count())
                .group_by(Message.direction, Message.language, Message.intent)):
            lines.append(f'tomoni_messages_total{{direction="{_label(direction)}",language="{_label(language)}",'
                         f'intent="{_label(intent)}"}} {n}')
        handoffs = s.scalar(select(func.count()).select_from(Message).where(Message.handoff.is_(True),
                                                                           Message.direction == "in"))
        outbox = dict(s.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all())
    lines += ["# HELP tomoni_handoffs_total Resident messages handed to the desk.", "# TYPE tomoni_handoffs_total counter",
              f"tomoni_handoffs_total {handoffs}",
              "# HELP tomoni_outbox Outbox rows by status (pending and sending: the backlog; failed: given up).",
              "# TYPE tomoni_outbox gauge"]
    for status in ("pending", "sending", "sent", "failed"):
        lines.append(f'tomoni_outbox{{status="{status}"}} {outbox.get(status, 0)}')
    lines += ["# HELP tomoni_answer_seconds Time to answer one event in this process.",
              "# TYPE tomoni_answer_seconds histogram"]
    for bound, n in zip(BUCKETS, latency.counts, strict=True):
        lines.append(f'tomoni_answer_seconds_bucket{{le="{bound}"}} {n}')
    lines += [f'tomoni_answer_seconds_bucket{{le="+Inf"}} {latency.total}',
              f"tomoni_answer_seconds_sum {latency.sum:.6f}", f"tomoni_answer_seconds_count {latency.total}"]
    return "\n".join(lines) + "\n"


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
