"""Collection-day reminders: "Tomorrow: burnable garbage, by 8:30", the evening before, in the resident's language.

`flask --app app clock` (cron, or `--every 300` as the Procfile's clock process) sends the due ones through the
outbox. Each (resident, collection day) is recorded under a primary key before its message is queued, so a
reminder goes out once even when two schedulers run. Reminder times are kept between 17:00 and 21:00: no messages
in the night. LINE pushes cost money beyond the free quota: `monthly_pushes` estimates how many reminders will
send this month (shown on the desk's figures page). Messenger only allows them inside its 24-hour window.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..storage.models import Reminder, ReminderSend, User
from ..storage.store import Delivery, Store
from .calendar import Calendar
from .rendering import Renderer

log = logging.getLogger(__name__)
DEFAULT_TIME = "19:00"
EARLIEST, LATEST = 17, 21  # quiet hours outside
_TIME = re.compile(r"(\d{1,2})\s*(?::|時|h|시)\s*(\d{2})?|(\d{1,2})\s*(pm|p\.m\.)", re.IGNORECASE)


def parse_time(text: str) -> str | None:
    """A reminder time in a message ("20:00", "8pm", "20時"), kept inside the allowed evening hours."""
    m = _TIME.search(text)
    if not m:
        return None
    hour = int(m.group(1) or m.group(3)) + (12 if m.group(4) and int(m.group(3)) < 12 else 0)
    minute = int(m.group(2) or 0) if m.group(1) else 0
    hour = min(max(hour, EARLIEST), LATEST)
    return f"{hour:02d}:{0 if hour == LATEST else minute:02d}"


def subscribe(store: Store, user_id: int, at: str | None) -> str:
    """Turn a resident's reminders on (or change their time); returns the time."""
    with store.session() as s:
        reminder = s.get(Reminder, user_id)
        if reminder is None:
            reminder = Reminder(user_id=user_id, at=at or DEFAULT_TIME)
            s.add(reminder)
        reminder.active = True
        if at:
            reminder.at = at
        return reminder.at


def unsubscribe(store: Store, user_id: int) -> None:
    """Turn a resident's reminders off."""
    with store.session() as s:
        reminder = s.get(Reminder, user_id)
        if reminder is not None:
            reminder.active = False


def send_due(store: Store, calendar: Calendar, renderer: Renderer, deadline: str, now: dt.datetime) -> int:
    """Queue every reminder due at `now` (city time) that was not sent yet; returns how many were queued."""
    tomorrow = now.date() + dt.timedelta(days=1)
    with store.session() as s:
        rows = s.execute(select(Reminder, User).join(User, User.id == Reminder.user_id)
                         .where(Reminder.active.is_(True), User.active.is_(True), User.area.is_not(None))).all()
    queued = 0
    for reminder, user in rows:
        if now.strftime("%H:%M") < reminder.at or user.area not in calendar.areas:
            continue
        categories = calendar.on(user.area, tomorrow)
        if not categories:
            continue
        lang = user.language or "en"
        text = renderer.ui(lang, "reminder_text", date=renderer.date(lang, tomorrow), deadline=deadline,
                           categories=", ".join(str(renderer.catalog.get(lang, "category_names", c))
                                                for c in categories))
        try:
            with store.session() as s:
                s.add(ReminderSend(user_id=user.id, day=tomorrow))
                s.flush()
                s.add(Delivery(user.external_id, {"text": text, "choices": []}).row(user.channel, user.id, None,
                                                                                      "reminder"))
            queued += 1
        except IntegrityError:
            continue  # another scheduler sent it
    if queued:
        log.info("reminders queued", extra={"count": queued})
    return queued


def monthly_pushes(store: Store, calendar: Calendar, today: dt.date) -> int:
    """Reminders that active subscriptions will send from today to the end of the month (LINE pushes cost money)."""
    with store.session() as s:
        areas = list(s.scalars(select(User.area).join(Reminder, Reminder.user_id == User.id)
                               .where(Reminder.active.is_(True), User.active.is_(True), User.area.is_not(None))))
    last = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    evenings = [today + dt.timedelta(days=n) for n in range((last - today).days + 1)]
    return sum(1 for area in areas if area in calendar.areas for day in evenings
               if calendar.on(area, day + dt.timedelta(days=1)))
