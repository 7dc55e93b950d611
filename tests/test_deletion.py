""""Delete my data" leaves nothing of the resident: every table and column of the schema is listed here with what
deletion does to it; two residents go through every flow (tests/residents.py), one is deleted, and no cell of any
table holds that resident's words, platform ids, event ids, reply tokens, translation cache keys or translations,
while the other resident's data is intact. A table or column added to the schema fails this test until it is
listed here (and handled in bot.privacy.forget)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.answering.pipeline import Bot
from bot.storage.models import Base
from bot.understanding.matching import example_key
from bot.understanding.text import fold

from .helpers import MONDAY, channel_app
from .payloads import LINE_SECRET
from .residents import (
    Resident,
    Town,
    derived_from_words,
    dump,
    found,
    install_tiny_models,
    live_through_everything,
    reminders_and_announcements,
    resident,
)

# Every column, and what deleting a resident does to it. Rows kept for anonymous counts keep a pseudonymous user id
# (the number of the row in users, whose platform id is replaced) and nothing that identifies the resident.
KEPT = "kept (no resident data)"
COUNTS = "kept for anonymous counts"
EMPTIED = "emptied"
REPLACED = "replaced"
DELETED_ROW = "row deleted"
STAFF = "staff data (no resident data)"
SCHEMA: dict[str, dict[str, str]] = {
    "users": {"id": COUNTS, "channel": COUNTS, "external_id": REPLACED, "language": EMPTIED,
              "language_source": EMPTIED, "profile_language": EMPTIED, "area": EMPTIED, "role": REPLACED,
              "active": REPLACED, "last_intent": EMPTIED, "last_item": EMPTIED, "announcements_off": COUNTS,
              "community": EMPTIED, "created_at": COUNTS, "last_seen_at": COUNTS},
    "messages": {"id": COUNTS, "user_id": COUNTS, "direction": COUNTS, "channel": COUNTS,
                 "event_id": "replaced by a one-way digest (redeliveries still recognised)", "kind": COUNTS,
                 "text": EMPTIED, "language": COUNTS, "intent": COUNTS, "entry": COUNTS, "confidence": COUNTS,
                 "handoff": COUNTS, "ticket_id": COUNTS, "processed": COUNTS, "staff_id": COUNTS, "concepts": COUNTS,
                 "raw": EMPTIED, "claimed_at": EMPTIED, "created_at": COUNTS, "attempts": COUNTS,
                 "error": "kept (an exception's type and place, never the words)"},
    "outbox": {"id": KEPT, "channel": KEPT, "recipient": "replaced; removed from multicast lists", "user_id": COUNTS,
               "message_id": KEPT, "body": EMPTIED, "reply_token": EMPTIED, "reply_deadline": KEPT,
               "retry_key": KEPT, "origin": KEPT, "status": "pending rows cancelled", "attempts": KEPT,
               "next_attempt_at": KEPT, "last_error": REPLACED, "created_at": KEPT, "sent_at": KEPT,
               "in_doubt": KEPT, "platform_id": EMPTIED},
    "inbox": {c: "a webhook body only until a worker stores its events (milliseconds): the row is deleted then, and "
                 "the test finds none" for c in ("id", "channel", "body", "received_at")},
    "rejected_events": {c: "kept (a hash of the event and the reason, no resident data)"
                        for c in ("id", "channel", "ref", "reason", "created_at")},
    "staff_users": {"id": STAFF, "username": STAFF, "password_hash": STAFF, "role": STAFF, "active": STAFF,
                    "failed_logins": STAFF, "locked_until": STAFF, "session_nonce": STAFF, "created_at": STAFF},
    "login_throttle": {"key": STAFF, "failures": STAFF, "window_start": STAFF, "blocked_until": STAFF},
    "suggestions": {c: DELETED_ROW for c in ("id", "text", "language", "intent", "answer", "status", "created_by",
                                             "decided_by", "created_at", "decided_at")},
    "settings": {"key": STAFF, "value": STAFF, "updated_by": STAFF, "updated_at": STAFF},
    "reminders": {"user_id": DELETED_ROW, "at": DELETED_ROW, "active": DELETED_ROW, "created_at": DELETED_ROW},
    "reminder_sends": {"user_id": COUNTS, "day": COUNTS, "created_at": COUNTS},
    "subscriptions": {"user_id": DELETED_ROW, "topic": DELETED_ROW},
    "announcements": {c: STAFF for c in ("id", "title", "body_ja", "texts", "audience", "source_url", "status",
                                         "send_at", "created_by", "created_at", "sent_at", "counts")},
    "announcement_deliveries": {"announcement_id": COUNTS, "user_id": COUNTS, "status": COUNTS, "reason": COUNTS,
                                "outbox_id": COUNTS},
    "translation_cache": {c: "rows of the resident's texts deleted (by key and by result)"
                          for c in ("key", "source", "target", "engine", "result", "created_at")},
    "tickets": {"id": COUNTS, "user_id": COUNTS, "status": "closed", "reason": COUNTS, "language": COUNTS,
                "opened_at": COUNTS, "closed_at": COUNTS},
}
ROWS_DELETED = ("reminders", "subscriptions")  # no row of the deleted resident remains in these


def test_every_table_and_column_is_listed_with_what_deletion_does() -> None:
    schema = {(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns}
    listed = {(t, c) for t, columns in SCHEMA.items() for c in columns}
    assert schema - listed == set(), "new columns: say here what deletion does, and handle them in bot.privacy.forget"
    assert listed - schema == set(), "columns listed here that the schema no longer has"


@pytest.mark.parametrize("how", ["resident asks", "desk admin"])
def test_deletion_leaves_nothing_of_the_resident_and_the_other_intact(settings, dated_bot, fake, tmp_path, how) -> None:
    bot = dated_bot  # reminders need collection dates (the shipped calendar is a sample)
    install_tiny_models(bot, tmp_path)
    with channel_app(settings, bot, line_channel_secret=LINE_SECRET, line_channel_access_token="t",
                     line_api_base_url=fake.url) as app:
        town = Town(app, bot, fake)
        town.log_in()
        gone, kept = resident("A", "1"), resident("B", "2")
        for r, other in ((gone, kept), (kept, gone)):
            live_through_everything(town, r, other)
            r.user_id = town.user_id(r)
        reminders_and_announcements(town, [gone, kept])
        before = dump(bot.store.engine)
        for r, other in ((gone, kept), (kept, gone)):
            r.derived = derived_from_words(before, r, other)

        # Everything was filled, and the resident is everywhere before deletion (the test cannot pass by itself).
        assert {name for name, rows in before.items() if not rows} <= {"settings", "login_throttle", "rejected_events",
                                                                     "inbox"}  # empty: every body was taken
        where = {(table, column) for table, column, _ in found(before, gone.needles(kept))}
        assert {("users", "external_id"), ("users", "community"), ("messages", "text"), ("messages", "raw"),
                ("messages", "event_id"), ("outbox", "recipient"), ("outbox", "reply_token"), ("suggestions", "text"),
                ("translation_cache", "key")} <= where, where
        assert any(row["recipient"].startswith("[") and gone.platform_id in row["recipient"]
                   and kept.platform_id in row["recipient"] for row in before["outbox"])  # a multicast to both
        assert {row["status"] for row in before["suggestions"]} == {"pending", "approved", "rejected"}
        assert [k for k in gone.derived if len(k) == 64]  # cache keys of the resident's words
        approved_before = {r.tag: approved(bot, r) for r in (gone, kept)}
        assert approved_before[gone.tag] and approved_before[kept.tag]  # a phrasing of each taught to the bot

        if how == "resident asks":
            town.send(gone, "delete my data")
            town.send(gone, postback="privacy:delete-yes", wait=False)  # its event id is a digest once done
            done = bot.catalog.get("en", "ui", "delete_done")
            assert fake.wait_for(lambda: any(c["json"]["messages"][0]["text"] == done
                                             for c in fake.calls("/v2/bot/message/reply")))
        else:
            res = town.admin.post(f"/desk/residents/{gone.user_id}/delete")
            assert res.status_code == 302
        town.wait_delivered()
        after = dump(bot.store.engine)

    assert found(after, gone.needles(kept)) == []
    for table in ROWS_DELETED:
        assert not [row for row in after[table] if row["user_id"] == gone.user_id], table
    # anonymous counts stay: their messages, languages and intents, without words
    theirs = [m for m in after["messages"] if m["user_id"] == gone.user_id]
    assert len(theirs) >= 8 and {m["text"] for m in theirs} <= {"", bot.catalog.get("en", "ui", "delete_done")}
    assert any(m["intent"] == "human" for m in theirs)
    # the other resident is intact
    still = {(table, column) for table, column, _ in found(after, kept.needles(gone))}
    assert {("users", "external_id"), ("messages", "text"), ("messages", "raw"), ("messages", "event_id"),
            ("outbox", "recipient"), ("suggestions", "text"), ("translation_cache", "key")} <= still, still
    assert [row for row in after["reminders"] if row["user_id"] == kept.user_id]
    assert {row["status"] for row in after["suggestions"]} == {"pending", "approved", "rejected"}
    # and the bot no longer knows the deleted resident's approved phrasing
    assert approved(bot, gone) == [] and approved(bot, kept) == approved_before[kept.tag]


def approved(bot: Bot, r: Resident) -> list[str]:
    """The resident's messages that the bot has learnt as approved phrasings."""
    return [w for w in r.words if bot.matcher._approved.get(example_key(fold(w))) is not None]


def test_a_redelivered_event_of_a_deleted_resident_is_still_recognised(bot, say) -> None:
    from bot.messages import Inbound

    event = Inbound(channel="line", user_id="U" + "3" * 32, text="where do I throw batteries?", event_id="evt-1")
    assert bot.handle(event, now=MONDAY).intent == "garbage.sorting"
    bot.handle(Inbound(channel="line", user_id=event.user_id, kind="postback", payload="privacy:delete-yes",
                       event_id="evt-2"), now=MONDAY)
    with bot.store.engine.connect() as conn:
        ids = list(conn.execute(text("SELECT event_id FROM messages WHERE direction = 'in'")).scalars())
    assert "evt-1" not in ids and "evt-2" not in ids and all(i.startswith("h:") for i in ids)
    assert bot.handle(event, now=MONDAY).duplicate  # the platform redelivers: not answered twice
