"""Announcements: audience, LINE batches, Messenger's window, scheduling once, opting out, relay form, and the whole
path from the desk to the fake LINE and Graph APIs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import insert, literal, select
from sqlalchemy.orm import Session

from bot.answering import announce
from bot.answering.pipeline import Bot
from bot.channels.base import BaseChannel
from bot.channels.line import LineChannel
from bot.channels.messenger import MessengerChannel
from bot.desk import add_user
from bot.messages import Channel, Inbound
from bot.storage.models import Announcement, AnnouncementDelivery, Message, Outbox, User, utcnow

from .helpers import MONDAY, channel_app, count, log_in
from .payloads import FB_SECRET, FB_TOKEN, FB_VERIFY, LINE_SECRET, LINE_TOKEN


def add_resident(s: Session, uid: str, channel: str = "line", lang: str = "vi", **fields: Any) -> int:
    """A resident who wrote once, added in an open session."""
    user = User(channel=channel, external_id=uid, language=lang, **fields)
    s.add(user)
    s.flush()
    s.add(Message(user_id=user.id, direction="in", channel=channel, text="hi", kind="text"))
    return user.id


def resident(bot: Bot, uid: str, channel: str = "line", lang: str = "vi", **fields: Any) -> int:
    """A resident who wrote once."""
    with bot.store.session() as s:
        return add_resident(s, uid, channel, lang, **fields)


# The two platforms' adapters as the bot holds them (nothing is sent in these tests: rows are only queued)
CHANNELS: dict[str, Channel] = {"line": LineChannel("s", "t", "http://127.0.0.1:9"),
                                "messenger": MessengerChannel("s", "v", "t", "http://127.0.0.1:9")}


def new_announcement(bot, audience: dict | None = None, texts: dict | None = None) -> int:
    with bot.store.session() as s:
        ann = Announcement(title="t", body_ja="12月29日から1月3日まで ごみの 収集は ありません。",
                           texts=json.dumps(texts or {"vi": {"text": "Nghỉ thu gom rác 29/12–3/1", "kind": "edited"},
                                                      "pt": {"text": "Sem coleta de 29/12 a 3/1", "kind": "edited"}}),
                           audience=json.dumps(audience or {"kind": "all"}), source_url="https://example.org/notice",
                           status="sending")
        s.add(ann)
        s.flush()
        return ann.id


def test_audience_selection(bot) -> None:
    a = resident(bot, "U1", lang="vi", area="imaizumi")
    b = resident(bot, "U2", lang="pt", area="showa", role="key_person", community="Brasil")
    resident(bot, "U3", lang="vi", announcements_off=True)
    resident(bot, "U4", lang="vi", active=False)
    resident(bot, "W5", channel="web", lang="vi")
    announce.set_topics(bot.store, b, ["events"], True)
    ids = {k: [u.id for u in announce.audience(bot.store, spec, CHANNELS)] for k, spec in {
        "all": {"kind": "all"}, "vi": {"kind": "language", "value": "vi"}, "area": {"kind": "area", "value": "showa"},
        "topic": {"kind": "topic", "value": "events"}, "keys": {"kind": "key_persons"}}.items()}
    assert ids == {"all": [a, b], "vi": [a], "area": [b], "topic": [b], "keys": [b]}


def test_line_batches_of_500_key_persons_first_in_relay_form(bot) -> None:
    with bot.store.engine.begin() as conn:  # 1,100 residents who wrote once, in two statements
        conn.execute(insert(User), [{"channel": "line", "external_id": f"U{n:04d}", "language": "vi"}
                                    for n in range(1100)])
        conn.execute(insert(Message).from_select(
            ["user_id", "direction", "channel", "text", "kind"],
            select(User.id, literal("in"), User.channel, literal("hi"), literal("text"))))
    key = resident(bot, "UKEY", lang="pt", role="key_person", community="Brasil")
    ann = new_announcement(bot)
    counts = announce.send(bot.store, CHANNELS, ann)
    assert counts["line_multicasts"] == 3 and counts["queued"] == 1101
    with bot.store.session() as s:
        rows = list(s.scalars(select(Outbox).order_by(Outbox.id)))
        logged = s.scalar(select(Announcement.counts).where(Announcement.id == ann))
    assert rows[0].recipient == "UKEY"  # the key person first
    relay = json.loads(rows[0].body)["text"].splitlines()
    assert relay == ["Sem coleta de 29/12 a 3/1", "———", "12月29日から1月3日まで ごみの 収集は ありません。",
                     "https://example.org/notice"]
    sizes = [len(json.loads(r.recipient)) for r in rows[1:]]
    assert sizes == [500, 500, 100] and json.loads(rows[1].body)["text"] == "Nghỉ thu gom rác 29/12–3/1"
    assert count(bot, AnnouncementDelivery, announcement_id=ann, status="queued") == 1101
    assert json.loads(logged)["queued"] == 1101
    assert count(bot, AnnouncementDelivery, announcement_id=ann, user_id=key, status="queued") == 1


def test_messenger_residents_outside_the_window_are_skipped_and_counted(bot) -> None:
    fresh = resident(bot, "P1", channel="messenger")
    old = resident(bot, "P2", channel="messenger")
    with bot.store.session() as s:
        for m in s.scalars(select(Message).where(Message.user_id == old)):
            m.created_at = utcnow() - dt.timedelta(hours=30)
    counts = announce.send(bot.store, CHANNELS, new_announcement(bot))
    assert counts == {"queued": 1, "skipped_messenger_window": 1}
    with bot.store.session() as s:
        log = {d.user_id: d for d in s.scalars(select(AnnouncementDelivery))}
    assert log[fresh].status == "queued" and log[old].status == "skipped" and "24-hour" in (log[old].reason or "")


class Pigeon(BaseChannel):
    """A third platform no file of the core names: multicasts of 3, a 2-hour window, set on the class only."""

    name = "pigeon"
    multicast_limit = 3

    def blueprint(self, accept: Any) -> Any:
        raise NotImplementedError

    def read(self, body: str) -> list[Any]:
        return []

    def send(self, row: Outbox, body: dict[str, Any], store: Any) -> Any:
        raise NotImplementedError


class Owl(Pigeon):
    """Another: no multicast, a messaging window of 2 hours."""

    name = "owl"
    multicast_limit = 0
    window = dt.timedelta(hours=2)


def test_a_new_channel_brings_its_own_batch_size_and_window(bot) -> None:
    pigeons = [resident(bot, f"G{n}", channel="pigeon", lang="vi") for n in range(7)]
    fresh = resident(bot, "O1", channel="owl", lang="pt")
    old = resident(bot, "O2", channel="owl", lang="pt")
    line = resident(bot, "U1", channel="line", lang="vi")  # a channel that is off: not in the audience
    with bot.store.session() as s:
        for m in s.scalars(select(Message).where(Message.user_id == old)):
            m.created_at = utcnow() - dt.timedelta(hours=3)
    counts = announce.send(bot.store, {"pigeon": Pigeon(), "owl": Owl()}, new_announcement(bot))
    assert counts == {"queued": 8, "pigeon_multicasts": 3, "skipped_owl_window": 1}
    with bot.store.session() as s:
        rows = list(s.scalars(select(Outbox).order_by(Outbox.id)))
        log = {d.user_id: d for d in s.scalars(select(AnnouncementDelivery))}
    batches = [(r.channel, json.loads(r.recipient)) for r in rows if r.channel == "pigeon"]
    assert batches == [("pigeon", ["G0", "G1", "G2"]), ("pigeon", ["G3", "G4", "G5"]), ("pigeon", ["G6"])]
    assert [(r.channel, r.recipient) for r in rows if r.channel == "owl"] == [("owl", "O1")]
    assert {log[p].status for p in pigeons} == {"queued"} and log[fresh].status == "queued"
    assert log[old].status == "skipped" and "2-hour" in (log[old].reason or "") and line not in log
    assert not any(r.channel == "line" for r in rows)


def test_a_scheduled_announcement_is_sent_once(bot, at_once) -> None:
    resident(bot, "U1")
    ann = new_announcement(bot)
    with bot.store.session() as s:
        item = s.get_one(Announcement, ann)
        item.status, item.send_at = "scheduled", utcnow() + dt.timedelta(minutes=5)
    assert announce.run_due(bot.store, CHANNELS) == []
    later = utcnow() + dt.timedelta(minutes=6)
    results = at_once(lambda: announce.run_due(bot.store, CHANNELS, later), 3)
    assert sorted(len(r) for r in results) == [0, 0, 1] and count(bot, Outbox) == 1


def test_residents_join_leave_and_stop_by_message(bot, say) -> None:
    from bot.storage.models import Subscription

    say("Olá", user="r1")
    assert "eventos" in say("quero receber avisos de eventos", user="r1").text
    with bot.store.session() as s:
        user_id = s.scalars(select(User.id).where(User.external_id == "r1")).one()
        assert list(s.scalars(select(Subscription.topic).where(Subscription.user_id == user_id))) == ["events"]
    say("stop announcements", user="r1")
    with bot.store.session() as s:
        assert s.get_one(User, user_id).announcements_off
    say("quero receber avisos", user="r1")  # all topics, and announcements back on
    with bot.store.session() as s:
        assert not s.get_one(User, user_id).announcements_off
        assert count(bot, Subscription, user_id=user_id) == 4


def test_a_key_person_gets_one_answer_in_another_language(bot, say) -> None:
    say("onde jogo pilhas?", user="k1")
    with bot.store.session() as s:
        s.scalars(select(User).where(User.external_id == "k1")).one().role = "key_person"
    relay = say("onde jogo pilhas? em japonês", user="k1")
    assert relay.reply_language == "ja" and relay.intent == "garbage.sorting"
    back = say("onde jogo pilhas?", user="k1")
    assert back.reply_language == "pt"


def test_from_the_desk_to_line_and_messenger(settings, bot, fake) -> None:
    with channel_app(settings, bot, line_channel_secret=LINE_SECRET, line_channel_access_token=LINE_TOKEN,
                     line_api_base_url=fake.url, messenger_app_secret=FB_SECRET, messenger_verify_token=FB_VERIFY,
                     messenger_page_access_token=FB_TOKEN, graph_api_base_url=fake.url) as app:
        bot.handle(Inbound(channel="line", user_id="UL1", text="Xin chào", event_id="e1"), now=MONDAY)
        bot.handle(Inbound(channel="messenger", user_id="PM1", text="Olá, onde jogo as pilhas velhas?", event_id="e2"),
                   now=MONDAY)
        add_user(bot.store, "sato", "correct horse battery")
        staff = log_in(app)
        res = staff.post("/desk/announcements", title="年末年始", body_ja="年末年始は ごみの 収集が ありません。",
                         source_url="https://example.org/x")
        page_url = res.headers["Location"]
        assert "機械翻訳がありません" in staff.page(page_url)  # no model installed here: every language is flagged
        assert staff.post(page_url, audience="all", action="send", text_vi="Tết: không thu gom rác.",
                          text_pt="Fim de ano: sem coleta.", text_ja="年末年始は ごみの 収集が ありません。"
                          ).status_code == 302
        assert fake.wait_for(lambda: fake.calls("/v2/bot/message/multicast") and any(
            c["json"]["message"]["text"] == "Fim de ano: sem coleta." for c in fake.calls("/v21.0/me/messages")))
        multicast = fake.calls("/v2/bot/message/multicast")[0]
        assert multicast["json"]["to"] == ["UL1"] and multicast["json"]["messages"][0]["text"] == "Tết: không thu gom rác."
        assert multicast["headers"]["X-Line-Retry-Key"]
        assert "送信 2人" in staff.page(page_url)
