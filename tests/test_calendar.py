"""Collection days, districts and reminders.

With the shipped calendar (a sample: the city hands the real one out every March) no date is ever shown: answers
give the kind of day in the resident's district (batteries, clothing), the calendar and the 8:30 rule, and whom to
ask; reminders cannot be switched on. With a real calendar (built here, in tests/calendars.py, or imported from
5374 files) every rule kind gives its dates, in the city's time zone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from bot.answering.calendar import DISTRICT, load
from bot.answering.knowledge import DataError
from bot.settings import ROOT
from bot.understanding.language import SERVED

from .calendars import dated
from .helpers import TOKYO

D = dt.date
THURSDAY_EVENING = dt.datetime(2026, 12, 3, 20, 0, tzinfo=TOKYO)


START = D(2026, 11, 1)


def shown_dates(bot, lang: str, text: str, days: int = 120) -> list[str]:
    """Every date (as the bot writes dates in `lang`) found in a text, and any d/m or m/d figure."""
    found = [bot.renderer.date(lang, START + dt.timedelta(days=n)) for n in range(days)]
    return [d for d in found if d in text] + re.findall(r"\b\d{1,2}/\d{1,2}\b", text)


# -- the shipped calendar is a sample: no date anywhere -------------------------------------------------------------
QUESTIONS = [("en", "what goes out tomorrow?"), ("en", "when is plastic collected?"),
             ("en", "when do I put out batteries?"), ("en", "next oversized garbage day?"), ("en", "境平塚"),
             ("en", "I live in Akabori, which day do I put out used batteries?"), ("en", "when is clothing collected?"),
             ("vi", "Khi nào đổ rác nhựa?"), ("ja", "明日は 何の ごみの 日？"),
             ("pt", "quando é a coleta de plástico?"), ("ja", "電池は いつ 出す？"), ("es", "¿cuándo sacan las pilas?")]
BUTTONS = ["intent:garbage.schedule", "area:imaizumi", "area:district:sakai|dry-battery", "area:akabori-imai|clothing",
           "area:district:isesaki"]


def test_no_date_is_shown_while_the_calendar_is_a_sample(bot, say) -> None:
    assert bot.calendar.sample
    for n, (lang, question) in enumerate(QUESTIONS):
        reply = say(question, user=f"s{n}", at=THURSDAY_EVENING)
        assert reply.intent == "garbage.schedule" and reply.reply_language == lang, (question, reply.text)
        assert shown_dates(bot, lang, reply.text) == [], (question, reply.text)
        assert "0270-27-2732" in reply.text, question  # whom to ask instead
    for item in ("where do batteries go?", "how do I throw away plastic bottles?", "clothes"):  # item answers too
        say("境平塚", user="item")
        reply = say(item, user="item", at=THURSDAY_EVENING)
        assert reply.intent == "garbage.sorting" and shown_dates(bot, "en", reply.text) == [], reply.text


@pytest.mark.parametrize("lang", SERVED)
def test_no_date_is_shown_in_any_language(bot, say, lang: str) -> None:
    for n, payload in enumerate(BUTTONS):  # the buttons lead to no date either
        reply = say(kind="postback", payload=payload, user=f"b{n}", preferred_language=lang, at=THURSDAY_EVENING)
        assert reply.intent == "garbage.schedule" and reply.reply_language == lang, payload
        assert shown_dates(bot, lang, reply.text) == [] and "0270-27-2732" in reply.text, (payload, reply.text)
    for key in ("garbage.schedule", "garbage.schedule.category"):  # what the desk's curated answers show
        text = bot.renderer.answer(key, lang, THURSDAY_EVENING.date(), category="plastic").text
        assert shown_dates(bot, lang, text) == []


REMIND = {"en": "remind me at 20:00", "ja": "20時に リマインドして", "vi": "nhắc tôi lúc 20:00 nhé",
          "pt": "me lembre às 20:00", "es": "recuérdame a las 20:00", "tl": "paalalahanan mo ako ng 20:00",
          "zh": "20:00提醒我", "ne": "बेलुका ८ बजे सम्झाउनुहोस्", "id": "ingatkan saya jam 20:00"}


@pytest.mark.parametrize("lang", SERVED)
def test_reminders_cannot_be_switched_on_while_the_calendar_is_a_sample(bot, say, lang: str) -> None:
    from sqlalchemy import select

    from bot.answering.reminders import monthly_pushes, send_due, subscribe
    from bot.storage.models import Reminder, User

    from .helpers import count

    say("境平塚", user="r1", preferred_language=lang)
    reply = say(REMIND[lang], user="r1", preferred_language=lang)
    assert reply.reply_language == lang
    month = bot.catalog.get(lang, "ui", "months")[2]
    assert reply.text == bot.renderer.ui(lang, "reminder_no_dates", month=month,
                                         contact=bot.renderer.contact(lang, "environment"))
    assert count(bot, Reminder) == 0
    # A subscription from before (a calendar that was loaded, then replaced by a sample) sends nothing.
    with bot.store.session() as s:
        user_id = s.scalars(select(User.id).where(User.external_id == "r1")).one()
    subscribe(bot.store, user_id, "19:00")
    sunday = dt.datetime(2026, 11, 29, 20, 5, tzinfo=TOKYO)
    assert send_due(bot.store, bot.calendar, bot.renderer, "8:30", sunday) == 0
    assert monthly_pushes(bot.store, bot.calendar, sunday.date()) == 0


# -- districts and towns --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "district"), [
    ("Akabori", "akabori"), ("akabori", "akabori"), ("赤堀", "akabori"), ("あかぼり", "akabori"),
    ("sakai", "sakai"), ("境地区", "sakai"), ("境町", "sakai"), ("azuma", "azuma"), ("あずま", "azuma"),
    ("東地区", "azuma"), ("isesaki", "isesaki"), ("伊勢崎地区", "isesaki"), ("साकाइ", "sakai"), ("अकाबोरी", "akabori"),
    ("yes, Sakai", "sakai"), ("ok po, Azuma", "azuma"), ("はい、赤堀です", "akabori")])
def test_a_named_district_is_remembered_and_no_town_is_assigned(bot, say, typed: str, district: str) -> None:
    from sqlalchemy import select

    from bot.storage.models import User

    reply = say(typed, user="d1")
    assert reply.intent == "garbage.schedule"
    with bot.store.session() as s:
        assert s.scalars(select(User.area).where(User.external_id == "d1")).one() == DISTRICT + district
    name = bot.calendar.districts[district]
    assert name.name_ja in reply.text or name.name_en in reply.text
    assert not any(a.name_ja in reply.text for a in bot.calendar.areas.values())  # no town was picked


@pytest.mark.parametrize(("answer", "district"), [("境です", "境地区"), ("東", "東地区"), ("境に住んでいます。", "境地区"),
                                                  ("わたしは東です", "東地区")])
def test_a_bare_district_name_answers_the_district_question(bot, say, answer: str, district: str) -> None:
    asked = say("でんちは いつ だしますか", user="b1")
    assert "地区" in asked.text and not asked.handoff
    reply = say(answer, user="b1")
    assert reply.intent == "garbage.schedule" and not reply.handoff
    assert district in reply.text and ("その他" in reply.text or "資源" in reply.text)
    others = {"境地区", "東地区", "赤堀地区", "伊勢崎地区"} - {district}
    assert not any(f"{other}は" in reply.text for other in others)  # only theirs now


def test_a_bare_district_name_is_no_district_out_of_a_garbage_question(bot, say) -> None:
    assert say("境", user="b2").handoff  # nothing asked: one character says too little
    assert "東京" not in bot.calendar.districts and bot.calendar.bare_district("東京です") is None


def test_district_named_gives_the_district_rule_for_batteries(bot, say) -> None:
    reply = say("I live in Akabori, which day do I put out used batteries?", user="a1")
    assert "“other” (その他) day in Akabori (赤堀地区)" in reply.text
    assert "赤堀今井町" not in reply.text and "hazardous" not in reply.text and "資源) day" not in reply.text
    assert "March" in reply.text and "8:30" in reply.text and "0270-27-2732" in reply.text
    assert any(c.payload.startswith("https://") for c in reply.choices)  # the source, one tap away
    assert "item:dry-battery" in {c.payload for c in reply.choices}  # how: taped, which box
    item = say("where do batteries go?", user="a1")  # the item's answer knows the district now
    assert "Tape over" in item.text and "“other” (その他) day in Akabori (赤堀地区)" in item.text
    assert "資源) day" not in item.text
    clothes = say("when is clothing collected?", user="a1")
    assert "paper (古紙類) day in Akabori (赤堀地区)" in clothes.text


def test_town_named_gives_its_district(bot, say) -> None:
    say("境平塚", user="t1")
    reply = say("when do I put out batteries?", user="t1")
    assert "“other” (その他) day in Sakai (境地区)" in reply.text and shown_dates(bot, "en", reply.text) == []
    say("I live in 今泉町", user="t2")
    clothes = say("quando coloco roupas?", user="t2")
    assert "no dia de recicláveis (資源) em Isesaki (伊勢崎地区)" in clothes.text


def test_unknown_district_asks_with_buttons_that_lead_to_district_answers(bot, say) -> None:
    first = say("Khi nào đổ pin?", user="u1")  # Vietnamese: when do I throw out batteries?
    # every district's day is said, and the district is asked for
    assert "(資源) ở khu Isesaki và Azuma" in first.text and "(その他) ở khu Akabori và Sakai" in first.text
    assert bot.renderer.ui("vi", "district_ask") in first.text
    buttons = {c.label: c.payload for c in first.choices}
    assert buttons["Azuma"] == "area:district:azuma|dry-battery" and len(
        [p for p in buttons.values() if p.startswith("area:district:")]) == 4
    tapped = say(kind="postback", payload=buttons["Azuma"], user="u1")
    assert "“rác khác”" not in tapped.text and "(資源) ở khu Azuma (東地区)" in tapped.text
    assert shown_dates(bot, "vi", tapped.text) == [] and tapped.reply_language == "vi"
    typed = say("when do I put out batteries?", user="u2")
    assert "Which one do you live in?" in typed.text
    again = say("Akabori", user="u2")  # typed instead of tapped: the answer for batteries there
    assert "“other” (その他) day in Akabori (赤堀地区)" in again.text


def test_the_city_name_is_not_a_district(bot, say) -> None:
    from sqlalchemy import select

    from bot.storage.models import User

    reply = say("伊勢崎市の電池の捨て方", user="c1")
    assert "伊勢崎地区・東地区は" in reply.text and "赤堀地区・境地区は" in reply.text  # both, not one guessed
    with bot.store.session() as s:
        assert s.scalars(select(User.area).where(User.external_id == "c1")).one() is None


def test_a_town_whose_district_is_unknown_is_said_so(bot, say, tmp_path: Path) -> None:
    import yaml

    shutil.copytree(ROOT / "knowledge/garbage", tmp_path / "garbage")
    path = tmp_path / "garbage/areas.yaml"
    areas = yaml.safe_load(path.read_text(encoding="utf-8"))
    del areas["areas"]["showa"]["district"]
    path.write_text(yaml.safe_dump(areas, allow_unicode=True), encoding="utf-8")
    bot.calendar = load(tmp_path / "garbage")
    say("昭和町", user="w1")
    reply = say("when do I put out batteries?", user="w1")
    assert "I do not know which district Showa-cho (昭和町) is in" in reply.text
    assert sum(c.payload.startswith("area:district:") for c in reply.choices) == 4


@pytest.mark.parametrize("lang", SERVED)
def test_district_answers_fit_a_phone(bot, say, lang: str) -> None:
    from bot.answering.rendering import WHOLE_BUDGET

    for user, place in (("p1", None), ("p2", "area:district:akabori"), ("p3", "area:akabori-imai")):
        if place:
            say(kind="postback", payload=place, user=user, preferred_language=lang)
        for item in ("dry-battery", "clothing"):
            sorting = say(kind="postback", payload=f"item:{item}", user=user, preferred_language=lang)
            when = say(kind="postback", payload=f"area:{place or 'district:sakai'}|{item}", user=user + "w",
                       preferred_language=lang)
            for reply in (sorting, when):
                assert len(reply.text) <= WHOLE_BUDGET, (lang, item, len(reply.text), reply.text)


def test_district_data_is_checked(tmp_path: Path) -> None:
    import yaml

    from bot.answering.calendar import check

    shutil.copytree(ROOT / "knowledge/garbage", tmp_path / "garbage")
    path = tmp_path / "garbage/areas.yaml"
    areas = yaml.safe_load(path.read_text(encoding="utf-8"))
    areas["areas"]["showa"]["district"] = "nowhere"
    areas["district_rules"]["batteries"]["days"]["akabori"] = "monday"
    path.write_text(yaml.safe_dump(areas, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(tmp_path / "garbage")
    assert "showa: unknown district 'nowhere'" in str(err.value) and "unknown kind of day 'monday'" in str(err.value)
    shipped = load(ROOT / "knowledge/garbage")
    assert check(shipped, {"clothing"}, {"ise-batteries-2025", "ise-radio-2024-clothing"}) == \
        [f"knowledge/garbage/areas.yaml: district_rules.batteries: unknown item {i!r}"
         for i in ("dry-battery", "button-battery", "rechargeable-battery", "mobile-battery")]


# -- a real calendar: dates ----------------------------------------------------------------------------------------
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
def test_rule_kinds(dated_calendar, area: str, category: str, day: dt.date, expected: bool) -> None:
    assert dated_calendar.collects(area, category, day) is expected


def test_holidays_can_be_skipped(tmp_path: Path) -> None:
    skipping = dated(tmp_path / "garbage", holidays="skip")
    assert not skipping.collects("imaizumi", "burnable", D(2026, 11, 23))
    assert skipping.next_days("imaizumi", "burnable", D(2026, 11, 23), 1) == [D(2026, 11, 26)]


def test_next_days_cross_the_year_end(dated_calendar) -> None:
    assert dated_calendar.next_days("imaizumi", "burnable", D(2026, 12, 30), 2) == [D(2027, 1, 4), D(2027, 1, 7)]


@pytest.mark.parametrize("typed", ["境平塚", "さかいひらつか", "Sakai Hiratuka", "sakai-hiratsuka", "hiratsuka"])
def test_a_town_typed_any_way_is_remembered_and_answered(dated_bot, say, typed: str) -> None:
    say("Khi nào đổ rác nhựa?", user="v1")  # a Vietnamese resident
    reply = say(typed, user="v1")
    assert reply.intent == "garbage.schedule" and reply.reply_language == "vi"
    assert "Sakai-Hiratsuka" in reply.text and "mẫu" not in reply.text  # a real calendar: no "sample" line
    plastic = say("Khi nào đổ rác nhựa?", user="v1")
    thursday = dated_bot.renderer.date("vi", D(2026, 12, 3))
    assert "Sakai-Hiratsuka" in plastic.text and thursday in plastic.text


def test_tomorrow_and_the_area_question(dated_bot, say) -> None:
    first = say("what goes out tomorrow?", user="e1", at=THURSDAY_EVENING)
    assert "Tell me your town" in first.text and {c.payload for c in first.choices} >= {"area:imaizumi"}
    chosen = say(kind="postback", payload="area:imaizumi", user="e1", at=THURSDAY_EVENING)
    assert "Imaizumi-cho" in chosen.text
    tomorrow = say("what goes out tomorrow?", user="e1", at=THURSDAY_EVENING)
    date = dated_bot.renderer.date
    assert f"{date('en', D(2026, 12, 3))}: burnable garbage; {date('en', D(2026, 12, 4))}: non-burnable garbage" \
        in tomorrow.text


def test_a_district_asks_for_a_town_of_that_district_for_dates(dated_bot, say) -> None:
    reply = say("sakai", user="k1")
    assert {c.payload for c in reply.choices if c.payload.startswith("area:")} == \
        {"area:sakai-hiratsuka", "area:sakai-shimamura"}


def test_the_district_rule_with_a_real_calendar(dated_bot, say) -> None:
    say("今泉町", user="b1")  # Isesaki district: batteries on the 資源 day, a calendar category -> its dates
    reply = say("when do I put out batteries?", user="b1", at=THURSDAY_EVENING)
    first = dated_bot.calendar.next_days("imaizumi", "resources", THURSDAY_EVENING.date())[0]
    assert dated_bot.renderer.date("en", first) in reply.text and "Dry-cell battery in Imaizumi-cho" in reply.text
    say("赤堀今井町", user="b2")  # Akabori: the その他 day, not a category of the calendar -> said without dates
    other = say("when do I put out batteries?", user="b2", at=THURSDAY_EVENING)
    assert "“other” (その他) day in Akabori (赤堀地区)" in other.text and shown_dates(dated_bot, "en", other.text) == []
    say("東小保方町", user="b3")  # a category this calendar has no rule for: no date, whom to ask
    oversized = say("next oversized garbage day?", user="b3", at=THURSDAY_EVENING)
    assert shown_dates(dated_bot, "en", oversized.text) == [] and "0270-27-2732" in oversized.text


def test_reminders_are_sent_the_evening_before_exactly_once(dated_bot, say, at_once) -> None:
    from sqlalchemy import select

    from bot.answering.reminders import monthly_pushes, parse_time, send_due
    from bot.storage.models import Outbox

    bot = dated_bot
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


def test_remind_me_without_a_town_asks_for_it(dated_bot, say) -> None:
    reply = say("remind me the day before", user="r1")
    assert "Tell me your town" in reply.text and reply.choices
    say("Akabori", user="r1")  # a district is not enough for dates: still the town
    again = say("remind me the day before", user="r1")
    assert {c.payload for c in again.choices if c.payload.startswith("area:")} == {"area:akabori-imai"}


def test_importing_a_5374_calendar(copy_runner, data_copy: Path, tmp_path: Path) -> None:
    from bot.answering.assembly import build_bot, load_data
    from bot.import5374 import ImportError5374, parse_cell
    from bot.messages import Inbound
    from bot.settings import Settings

    assert load(data_copy / "knowledge/garbage").sample  # the shipped sample, before the import
    result = copy_runner.invoke(args=["calendar", "import-5374", str(ROOT / "tests/data/5374")])
    assert result.exit_code == 0, result.output
    assert "2 areas imported" in result.output
    assert copy_runner.invoke(args=["check-data"]).output.strip() == "ok"
    data = load_data(data_copy)
    cal = data.calendar
    assert not cal.sample
    hira = next(a.id for a in cal.areas.values() if a.name_ja == "境平塚")
    ima = next(a.id for a in cal.areas.values() if a.name_ja == "今泉町")
    assert (hira, ima) == ("sakai-hiratsuka", "imaizumi")  # known towns keep their ids (residents remember them)
    assert cal.areas[hira].district == "sakai" and set(cal.districts) == {"isesaki", "akabori", "sakai", "azuma"}
    assert cal.rule_for("dry-battery") is not None  # the district rules are kept
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
    # The bot built on the imported files answers with its dates.
    bot = build_bot(Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite", data_dir=data_copy), data)
    ask = lambda text: bot.handle(Inbound(channel="test", user_id="i1", text=text), now=THURSDAY_EVENING)  # noqa: E731
    ask("境平塚")
    reply = ask("when is burnable garbage collected?")
    assert reply is not None and bot.renderer.date("en", D(2026, 12, 7)) in reply.text


@pytest.mark.parametrize("text", ["anong araw po ang huling kuha ng basura bago mag bagong taon?",
                                  "春节期间收不收垃圾？初二可以扔可燃垃圾吗",
                                  "fim de ano: qual o último dia de lixo queimável?",
                                  "年末年始も ごみは 集めに 来ますか"])
def test_collection_over_the_new_year_is_a_collection_day_question(say, text) -> None:
    assert say(text, user=text).intent == "garbage.schedule"
