"""Figures for the desk, counted without personal data: tickets by language and week, time to first reply, and what
handed-off questions were about (their concepts, never their words)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .models import Message, Ticket
from .store import Store


@dataclass
class Figures:
    """What the stats page shows."""

    by_language: list[tuple[str, int]]
    by_week: list[tuple[str, int]]
    median_first_reply_minutes: float | None
    tickets: int
    top_topics: list[tuple[str, int]]


def compute(store: Store, timezone: str = "Asia/Tokyo") -> Figures:
    """All figures from the tickets and messages tables; weeks (Monday first) in the city's time zone."""
    with store.session() as s:
        tickets = list(s.scalars(select(Ticket)))
        first_replies: dict[int | None, dt.datetime] = {}
        for ticket_id, created in s.execute(
                select(Message.ticket_id, Message.created_at)
                .where(Message.staff_id.is_not(None), Message.ticket_id.is_not(None)).order_by(Message.id)):
            first_replies.setdefault(ticket_id, created)
        topics = Counter(c or "" for c in s.scalars(
            select(Message.concepts).where(Message.handoff.is_(True), Message.direction == "in")))
    by_language = Counter(t.language or "?" for t in tickets)
    zone = ZoneInfo(timezone)
    local = [t.opened_at.replace(tzinfo=dt.UTC).astimezone(zone).date() for t in tickets]
    by_week = Counter((day - dt.timedelta(days=day.weekday())).strftime("%Y年%m月%d日(月)の週") for day in local)
    waits = [(first_replies[t.id] - t.opened_at).total_seconds() / 60
             for t in tickets if t.id in first_replies]
    return Figures(sorted(by_language.items(), key=lambda kv: -kv[1]), sorted(by_week.items()),
                   statistics.median(waits) if waits else None, len(tickets), topics.most_common(10))
