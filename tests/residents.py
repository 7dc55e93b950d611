"""Two residents through every flow that stores something about them, over the real paths: signed LINE webhooks
into the app, replies to the local fake LINE API, the desk over the Flask client (staff and admin), machine
translation with tiny real Argos packages, collection-day reminders, announcements (a multicast and a key person's
relay), suggestions approved, rejected and pending. Used by tests/test_deletion.py and bench/privacy_sweep.py.

Only paths that existed before the deletion work are used, so the sweep can also run on an older checkout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData, select, text

from .fakes import FakeAPI
from .helpers import ADMIN_PASSWORD, PASSWORD, Desk, log_in
from .payloads import line_body, line_post
from .tiny_argos import build

AREA = "sakai-hiratsuka"


@dataclass
class Resident:
    """What one resident gave the bot, to look for afterwards."""

    tag: str
    platform_id: str
    words: list[str] = field(default_factory=list)  # every text they sent
    event_ids: list[str] = field(default_factory=list)
    reply_tokens: list[str] = field(default_factory=list)
    platform_message_ids: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)  # fragments that identify them (address, phone, passport)
    derived: list[str] = field(default_factory=list)  # found before deletion: cache keys and translations of words
    user_id: int = 0

    def needles(self, other: Resident | None = None) -> list[str]:
        """Every string that must not remain anywhere once the resident is deleted (but words the other resident
        wrote too, such as "I want to receive announcements about events")."""
        theirs = other.words if other else []
        return [n for n in [self.platform_id, *self.words, *self.event_ids, *self.reply_tokens,
                            *self.platform_message_ids, *self.markers, *self.derived]
                if n and not any(n in w for w in theirs)]


def resident(tag: str, digit: str) -> Resident:
    """A resident with a LINE-shaped user id and their own identifying details."""
    r = Resident(tag, "U" + digit * 32)
    r.markers = [f"{tag}-Kotobuki 3-14-{digit}{digit}", f"090-{digit * 4}-{digit * 4}", f"TK{digit * 7}",
                 f"Ward {tag} Catholic group"]
    return r


def line_event(r: Resident, n: int, *, message: str | None = None, postback: str | None = None) -> dict[str, Any]:
    """A LINE event from the resident (a text message or a button tap)."""
    event_id = f"01JPRIV{r.tag}{n:019d}"
    token = f"rt{r.tag}{n:030d}"
    event: dict[str, Any] = {"mode": "active", "timestamp": int(time.time() * 1000), "replyToken": token,
                             "source": {"type": "user", "userId": r.platform_id}, "webhookEventId": event_id,
                             "deliveryContext": {"isRedelivery": False}}
    if message is not None:
        mid = f"5{r.tag.encode().hex()}{n:012d}"
        event.update(type="message", message={"id": mid, "type": "text", "text": message, "quoteToken": "q"})
        r.words.append(message)
        r.platform_message_ids.append(mid)
    else:
        event.update(type="postback", postback={"data": postback})
    r.event_ids.append(event_id)
    r.reply_tokens.append(token)
    return event


class Town:
    """The app (LINE on, fake API), its bot, and helpers to drive residents and the desk through it."""

    staff: Desk  # logged in by log_in()
    admin: Desk

    def __init__(self, app: Any, bot: Any, fake: FakeAPI) -> None:
        self.app, self.bot, self.fake = app, bot, fake
        fake.profile_language = "en"
        self.n = 0

    # -- residents ---------------------------------------------------------------------------------------------------
    def send(self, r: Resident, message: str | None = None, postback: str | None = None, wait: bool = True,
             status: int = 200) -> None:
        """A signed webhook with one event; waits until the bot has processed it."""
        self.n += 1
        event = line_event(r, self.n, message=message, postback=postback)
        res = line_post(self.app.test_client(), line_body(event))
        assert res.status_code == status, res.status_code
        if wait:
            assert self.fake.wait_for(lambda: self.processed(event["webhookEventId"]), timeout=20), event

    def processed(self, event_id: str) -> bool:
        with self.bot.store.engine.connect() as conn:
            return bool(conn.execute(text("SELECT processed FROM messages WHERE event_id LIKE :e"),
                                     {"e": event_id + "%"}).scalar())

    def user_id(self, r: Resident) -> int:
        with self.bot.store.engine.connect() as conn:
            return int(conn.execute(text("SELECT id FROM users WHERE external_id = :x"), {"x": r.platform_id}).scalar_one())

    # -- the desk ----------------------------------------------------------------------------------------------------
    def log_in(self) -> None:
        from bot.desk import add_user

        add_user(self.bot.store, "sato", PASSWORD)
        add_user(self.bot.store, "boss", ADMIN_PASSWORD, "admin")
        self.staff, self.admin = log_in(self.app), log_in(self.app, "boss", ADMIN_PASSWORD)

    def ticket_of(self, r: Resident) -> int:
        with self.bot.store.engine.connect() as conn:
            return int(conn.execute(text("SELECT id FROM tickets WHERE user_id = :u AND status = 'open'"),
                                    {"u": self.user_id(r)}).scalar_one())

    def message_id(self, words: str) -> int:
        with self.bot.store.engine.connect() as conn:
            return int(conn.execute(text("SELECT id FROM messages WHERE text = :t AND direction = 'in'"),
                                    {"t": words}).scalar_one())

    def wait_delivered(self) -> None:
        """Until no outbox row is pending or being sent (the worker thread delivers)."""
        def done() -> bool:
            self.app.extensions["tomoni_runtime"].deliverer.deliver_due()
            with self.bot.store.engine.connect() as conn:
                return not conn.execute(text("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
                                        ).scalar()
        assert self.fake.wait_for(done, timeout=20)


def install_tiny_models(bot: Any, folder: Path) -> None:
    """en <-> ja packages with random weights (real files, real decoding): resident words go through the cache."""
    from bot.answering.mt import discover

    for src, tgt in (("en", "ja"), ("ja", "en")):
        with zipfile.ZipFile(build(folder, src, tgt)) as z:
            z.extractall(folder / "packages")
    bot.translator.packages = {(p.source, p.target): p for p in discover(folder / "packages")}


def live_through_everything(town: Town, r: Resident, other: Resident) -> None:
    """Every flow that keeps something of a resident, for `r` (in a conversation with the desk)."""
    town.send(r, postback=f"area:{AREA}")  # their town, for collection days
    town.send(r, f"remind me at 20:00 please, {r.markers[0]}")  # a reminder
    town.send(r, "I want to receive announcements about events")  # a topic
    opening = f"I want to talk to a real person. I live at {r.markers[0]}, my phone is {r.markers[1]}"
    town.send(r, opening)  # a desk ticket
    ticket = town.ticket_of(r)
    town.staff.page(f"/desk/tickets/{ticket}")  # staff read it in Japanese: machine translation, cached
    preview = town.staff.post(f"/desk/tickets/{ticket}/preview", japanese=f"{r.tag}さん、月曜日に来てください。")
    sent = preview.get_json()["text"] or f"Please come on Monday, {r.tag}."
    town.staff.post(f"/desk/tickets/{ticket}/reply", text=sent, mode="machine",
                   japanese=f"{r.tag}さん、月曜日に来てください。")
    town.send(r, f"thank you, my passport number is {r.markers[2]}")  # filed under the ticket (staff talk)
    town.send(r, f"also my neighbour at {r.markers[0]} is noisy")
    for words, answer in ((opening, "consultation.legal"), (r.words[-2], "life.bus"), (r.words[-1], "life.bus")):
        town.staff.post(f"/desk/tickets/{ticket}/suggest", message_id=town.message_id(words), answer=answer)
    town.staff.get(f"/desk/tickets/{ticket}")  # the later messages are translated too
    with town.bot.store.engine.connect() as conn:
        ids = [int(i) for i in conn.execute(text("SELECT id FROM suggestions WHERE status = 'pending' ORDER BY id"))
               .scalars()][-3:]
    town.admin.post(f"/desk/suggestions/{ids[0]}/approve")
    town.admin.post(f"/desk/suggestions/{ids[1]}/reject")  # the third stays pending
    town.wait_delivered()


def reminders_and_announcements(town: Town, residents: list[Resident]) -> None:
    """A collection-day reminder for each, an announcement to all (a LINE multicast), then one relayed to the first
    resident as a key person (a row of their own)."""
    from bot.answering.reminders import send_due

    bot = town.bot
    zone = ZoneInfo(bot.timezone)
    day = dt.date(2026, 11, 30)
    while not bot.calendar.on(AREA, day + dt.timedelta(days=1)):
        day += dt.timedelta(days=1)
    assert send_due(bot.store, bot.calendar, bot.renderer, "8:30", dt.datetime.combine(day, dt.time(20, 30), zone)) \
        == len(residents)
    announce(town, "年末年始は ごみの 収集が ありません。")
    town.admin.post(f"/desk/residents/{residents[0].user_id}/key-person", community=residents[0].markers[3])
    announce(town, "日本語教室は 土曜日です。")
    town.wait_delivered()


def announce(town: Town, body: str) -> None:
    res = town.staff.post("/desk/announcements", title="お知らせ", body_ja=body)
    page_url = res.headers["Location"]
    town.staff.post(page_url, audience="all", action="send", text_en=f"EN: {body}", text_ja=body)


def dump(engine: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the database (read from the database itself, not from the models)."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            out[table.name] = [dict(row._mapping) for row in conn.execute(select(table))]
    return out


def found(tables: dict[str, list[dict[str, Any]]], needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every cell that contains a needle."""
    hits = []
    for name, rows in tables.items():
        for row in rows:
            for column, value in row.items():
                cell = "" if value is None else str(value)
                hits += [(name, column, n) for n in needles if n and n in cell]
    return sorted(set(hits))


def derived_from_words(tables: dict[str, list[dict[str, Any]]], r: Resident, other: Resident) -> list[str]:
    """What the translation cache made of the resident's words: its keys (a hash of engine and text) and the
    translations (the words in another language), where they are not also the other resident's."""
    rows = tables.get("translation_cache", [])
    engines = {row["engine"] for row in rows}

    def keys(words: list[str]) -> set[str]:
        return {hashlib.sha256(f"{e}\0{w}".encode()).hexdigest() for e in engines for w in words}

    mine, theirs = keys(r.words), keys(other.words)
    theirs_results = {row["result"] for row in rows if row["key"] in theirs}
    results = [row["result"] for row in rows if row["key"] in mine and len(row["result"].strip()) >= 6
               and row["result"] not in theirs_results and not any(row["result"] in t for t in theirs_results)]
    return sorted(k for k in mine if any(row["key"] == k for row in rows)) + results
