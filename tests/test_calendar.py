"""Collection days by area: every rule kind on frozen dates, the year-end closure, holidays, towns typed in several
scripts, and the answers residents get."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from bot.answering.calendar import Calendar, load
from bot.settings import ROOT

from .helpers import TOKYO

D = dt.date


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return load(ROOT / "knowledge/garbage")


@pytest.mark.parametrize(("area", "category", "day", "expected"), [
    ("imaizumi", "burnable", D(2026, 11, 30), True),        # weekly: Monday
    ("imaizumi", "burnable", D(2026, 12, 1), False),
    ("imaizumi", "cans", D(2026, 12, 8), True),             # n-th weekday: 2nd Tuesday
    ("imaizumi", "cans", D(2026, 12, 15), False),           # 3rd Tuesday
    ("imaizumi", "bottles", D(2026, 12, 15), True),
    ("azuma-obokata", "resources", D(2026, 12, 5), True),   # listed dates
    ("azuma-obokata", "resources", D(2026, 12, 12), False),
    ("imaizumi", "resources", D(2026, 12, 12), True),       # every other Saturday from 2026-04-04
    ("imaizumi", "resources", D(2026, 12, 5), False),
    ("imaizumi", "burnable", D(2026, 12, 31), False),       # year-end closure (a Thursday)
    ("imaizumi", "burnable", D(2027, 1, 4), True),
    ("imaizumi", "burnable", D(2026, 11, 23), True),        # a national holiday (Monday): collected as usual
])
def test_rule_kinds(cal, area: str, category: str, day: dt.date, expected: bool) -> None:
    assert cal.collects(area, category, day) is expected


def test_holidays_can_be_skipped(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "knowledge/garbage", tmp_path / "garbage")
    path = tmp_path / "garbage/calendar.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("holidays: collect", "holidays: skip"), encoding="utf-8")
    skipping = load(tmp_path / "garbage")
    assert not skipping.collects("imaizumi", "burnable", D(2026, 11, 23))
    assert skipping.next_days("imaizumi", "burnable", D(2026, 11, 23), 1) == [D(2026, 11, 26)]


def test_next_days_cross_the_year_end(cal) -> None:
    assert cal.next_days("imaizumi", "burnable", D(2026, 12, 30), 2) == [D(2027, 1, 4), D(2027, 1, 7)]


@pytest.mark.parametrize("typed", ["境平塚", "さかいひらつか", "Sakai Hiratuka", "sakai-hiratsuka", "hiratsuka"])
def test_a_town_typed_any_way_is_remembered_and_answered(say, typed: str) -> None:
    say("Khi nào đổ rác nhựa?", user="v1")  # a Vietnamese resident
    reply = say(typed, user="v1")
    assert reply.intent == "garbage.schedule" and reply.reply_language == "vi"
    assert "Sakai-Hiratsuka" in reply.text and "mẫu" in reply.text  # sample data is said
    plastic = say("Khi nào đổ rác nhựa?", user="v1")
    assert "Sakai-Hiratsuka" in plastic.text and "Thứ" in plastic.text


def test_tomorrow_and_the_area_question(say) -> None:
    friday = dt.datetime(2026, 12, 3, 20, 0, tzinfo=TOKYO)
    first = say("what goes out tomorrow?", user="e1", at=friday)
    assert "Tell me your town" in first.text and {c.payload for c in first.choices} >= {"area:imaizumi"}
    chosen = say(kind="postback", payload="area:imaizumi", user="e1", at=friday)
    assert "Imaizumi-cho" in chosen.text
    tomorrow = say("what goes out tomorrow?", user="e1", at=friday)
    assert "Thu, 3 Dec: burnable garbage; Fri, 4 Dec: non-burnable garbage" in tomorrow.text


def test_reminders_are_sent_the_evening_before_exactly_once(bot, say, at_once) -> None:
    from sqlalchemy import select

    from bot.answering.reminders import monthly_pushes, parse_time, send_due
    from bot.storage.models import Outbox

    say("Khi nào đổ rác nhựa?", user="v1")
    say("今泉町", user="v1")
    on = say("nhắc tôi lúc 20:00 nhé", user="v1")
    assert "20:00" in on.text and "Imaizumi" in on.text
    sunday_evening = dt.datetime(2026, 11, 29, 20, 5, tzinfo=TOKYO)  # Monday 30/11 is burnable day in Imaizumi
    deadline = "8:30"
    too_early = sunday_evening.replace(hour=19)
    assert send_due(bot.store, bot.calendar, bot.renderer, deadline, too_early) == 0
    results = at_once(lambda: send_due(bot.store, bot.calendar, bot.renderer, deadline, sunday_evening), 3)
    assert sorted(results) == [0, 0, 1]  # three schedulers at once: one sends
    assert send_due(bot.store, bot.calendar, bot.renderer, deadline, sunday_evening) == 0
    with bot.store.session() as s:
        row = s.scalars(select(Outbox).where(Outbox.origin == "reminder")).one()
    expected = bot.renderer.ui("vi", "reminder_text", date=bot.renderer.date("vi", dt.date(2026, 11, 30)),
                               deadline="8:30", categories=bot.catalog.get("vi", "category_names", "burnable"))
    assert json.loads(row.body)["text"] == expected
    assert monthly_pushes(bot.store, bot.calendar, dt.date(2026, 12, 1)) > 0
    off = say("dừng nhắc", user="v1")
    assert off.text == bot.renderer.ui("vi", "reminder_off")
    assert send_due(bot.store, bot.calendar, bot.renderer, deadline, sunday_evening + dt.timedelta(days=3)) == 0
    assert parse_time("remind me at 8pm") == "20:00" and parse_time("23:30") == "21:00"
    assert parse_time("16時") == "17:00" and parse_time("no time") is None


def test_remind_me_without_a_town_asks_for_it(say) -> None:
    reply = say("remind me the day before", user="r1")
    assert "Tell me your town" in reply.text and reply.choices


def test_importing_a_5374_calendar(copy_runner, data_copy: Path) -> None:
    from bot.answering.assembly import load_data
    from bot.import5374 import ImportError5374, parse_cell

    assert load(data_copy / "knowledge/garbage").sample  # the shipped sample, before the import
    result = copy_runner.invoke(args=["calendar", "import-5374", str(ROOT / "tests/data/5374")])
    assert result.exit_code == 0, result.output
    assert "2 areas imported" in result.output
    assert copy_runner.invoke(args=["check-data"]).output.strip() == "ok"
    cal = load_data(data_copy).calendar
    assert not cal.sample
    hira = next(a.id for a in cal.areas.values() if a.name_ja == "境平塚")
    ima = next(a.id for a in cal.areas.values() if a.name_ja == "今泉町")
    assert cal.collects(hira, "burnable", D(2026, 11, 30))                 # 月 木
    assert cal.collects(hira, "non_burnable", D(2026, 12, 9))              # 水2
    assert not cal.collects(hira, "burnable", D(2026, 12, 31))             # the centre's closure
    assert cal.collects(ima, "burnable", D(2026, 12, 29)) and not cal.collects(ima, "burnable", D(2027, 1, 1))
    assert cal.collects(ima, "resources", D(2026, 12, 5)) and not cal.collects(ima, "resources", D(2026, 12, 12))
    assert cal.collects(hira, "oversized", D(2026, 4, 18)) and not cal.collects(hira, "oversized", D(2026, 4, 11))
    assert cal.collects(ima, "oversized", D(2026, 4, 18)) and not cal.collects(ima, "oversized", D(2027, 1, 16))
    assert cal.groups[hira]["resources"]["notes"] == ["資源ごみは町内の資源回収日に出してください"]
    assert parse_cell("月 木:4 5") == {"weekly": ["mon", "thu"], "months": [4, 5]}
    with pytest.raises(ImportError5374):
        parse_cell("月曜")
