"""Answers residents can trust (issue 13): the knowledge base agrees with its research notes, weak facts and contacts
are said with "please confirm", no date the source does not give, short translated source lines with the reference one
tap away, none under the emergency answer."""

import copy
import datetime as dt

import pytest

from bot import factcheck
from bot.answering import knowledge
from bot.settings import ROOT

from .helpers import MONDAY

NOTES = ROOT / "docs" / "facts"


@pytest.fixture(scope="module")
def kb():
    return knowledge.load(ROOT / "knowledge")


def test_the_knowledge_base_agrees_with_its_research_notes(kb) -> None:
    assert factcheck.check(kb, NOTES) == []


def test_the_fact_check_catches_a_changed_number_a_raised_confidence_and_an_invented_date(kb) -> None:
    bad = copy.deepcopy(kb)
    bad.contacts["center21"]["phone"] = "0270-32-9999"
    bad.items["sofa"] = bad.items["sofa"].__class__(**{**bad.items["sofa"].__dict__, "confidence": "H"})
    bad.sources["gunma-8000"]["date"] = dt.date(2024, 1, 1)
    bad.contacts["hellowork"]["phone"] = "0270-23-8609"
    errors = "\n".join(factcheck.check(bad, NOTES))
    assert "center21: phone 0270-32-9999 is not in docs/facts/" in errors
    assert "items.csv: sofa: confidence H on a INFERRED source" in errors
    assert "gunma-8000: date 2024-01-01 is not given" in errors
    assert "hellowork: phone is unverified and must not be given" in errors


def test_the_emergency_answer_has_nothing_between_the_resident_and_the_call(say) -> None:
    reply = say("fire!! my kitchen is burning")
    assert reply.intent == "emergency"
    assert "Source" not in reply.text and not [c for c in reply.choices if c.payload.startswith("http")]


def test_source_lines_are_short_translated_and_the_reference_is_one_tap_away(say) -> None:
    reply = say("how do I join national health insurance")
    assert reply.intent == "life.health_insurance"
    source = reply.text.splitlines()[-1]
    assert source.startswith("Source: Isesaki City website (2025, 2023)") and "http" not in source
    assert any(c.label == "Source" and c.payload.startswith("https://www.city.isesaki.lg.jp/") for c in reply.choices)
    assert "City Hall main building 1F" in reply.text  # where to sign up
    pt = say("como faço o seguro nacional de saúde", user="pt")
    assert "Source" not in pt.text


def test_an_unverified_contact_is_given_without_its_number_and_with_please_confirm(say) -> None:
    reply = say("i need help finding a job, hello work?")
    assert reply.intent == "consultation.job"
    assert "0270-23-8609" not in reply.text and "太田町" not in reply.text
    confirm = [line for line in reply.text.splitlines() if line.startswith("Not confirmed")]
    assert confirm and "0270-27-2731" in confirm[0]  # the association's division, not Hello Work itself


def test_the_childrens_line_hours_say_saturday_daytime_is_not_covered(say) -> None:
    reply = say("my child has a fever at night who do i call")
    assert "Mon–Sat 18:00–8:00 next morning; Sundays and holidays 24 hours (8:00–8:00 next day)" in reply.text


def test_no_counsellor_in_your_language_says_who_does_speak_it(say) -> None:
    zh = say("外国人咨询窗口在哪里？", user="zh")
    assert zh.intent == "consultation.desk"
    assert "027-289-8275" in zh.text  # the One-Stop Center has Chinese-speaking staff
    ne = say("विदेशीको लागि परामर्श कार्यालय कहाँ छ?", user="ne")
    assert ne.intent == "consultation.desk" and "0570-078377" in ne.text  # Houterasu's line has Nepali
    vi = say("văn phòng tư vấn cho người nước ngoài ở đâu", user="vi")
    assert "0570-078377" not in vi.text  # Vietnamese is (probably) at the centre: no such line


def test_a_sofa_or_mattress_asks_about_springs(say) -> None:
    reply = say("how do i throw away a sofa")
    assert [c.payload for c in reply.choices] == ["item:spring-sofa", "item:sofa"]
    sprung = say(kind="postback", payload="item:spring-sofa")
    assert sprung.category == "self_delivery"
    assert say("old mattress with springs", user="u2").category == "self_delivery"


def test_long_answers_offer_more(say) -> None:
    reply = say("when is the japanese class")
    more = [c for c in reply.choices if c.payload == "intent:class.japanese.more"]
    assert more and more[0].label == "More"
    detail = say(kind="postback", payload="intent:class.japanese.more")
    assert "terms a year" in detail.text


def test_amounts_are_grouped_per_locale_and_years_never(say) -> None:
    pt = say("quando tem aula de japonês?", user="y1").text
    assert "1.500" in pt and "2023" in pt and "2.023" not in pt
    ja = say("地震のとき どうする", user="y2").text
    assert "2,023" not in ja


def test_the_one_stop_number_named_for_chinese_readers_is_said_with_please_confirm(bot, say) -> None:
    reply = say("市政府的外国人咨询窗口有中文服务吗？", user="os-zh")
    assert "027-289-8275" in reply.text  # the One-Stop Center's number (a 2019 source, confidence L)
    confirm = str(bot.catalog.get("zh", "ui", "confirm")).split("{contact}")[0]
    assert confirm in reply.text


def test_clock_times_are_written_as_each_locale_writes_them(say) -> None:
    assert "8h30–17h15" in say("horário do centro multicultural", user="t-pt").text  # Brazilian Portuguese
    assert "08.30–17.15" in say("jam buka loket konsultasi", user="t-id").text  # Indonesian
    assert "8:30–17:15" in say("consultation desk hours", user="t-en").text


@pytest.mark.parametrize(("text", "own_line"), [
    ("my salary is lower than the contract, where can i complain", "0570-078377"),     # no intern: Houterasu
    ("trabalho por empreiteira e não pagaram minhas horas extras", "0570-078377"),     # no Portuguese intern line
    ("em là thực tập sinh, công ty nợ lương 2 tháng", "0120-250-168"),                 # the interns' line, Vietnamese
    ("残業代が払われません。どこに相談すればいいですか", "0570-078377"),
    ("工厂拖欠工资两个月，怎么办", "0570-078377"),  # a factory worker, no intern: Houterasu
    ("lembur 3 bulan tidak dibayar, lapor ke mana?", "0570-078377"),  # no intern named
    ("saya magang, lembur tidak dibayar. lapor ke mana? bisa pakai bahasa indonesia?", "0120-250-192"),  # not a switch
])
def test_trouble_at_work_gets_the_labour_lines_in_the_residents_language(say, text, own_line) -> None:
    """Unpaid wages or pay below the contract are answered (not job search, not the desk): the first line that
    speaks the resident's language (the interns' hotline only for a technical intern), then the labour-standards
    line."""
    reply = say(text)
    assert (reply.intent, reply.handoff) == ("consultation.job", False)
    lines = [line for line in reply.text.splitlines() if line.startswith("• ")]
    assert len(lines) == 2 and own_line in lines[0] and "0120-811-610" in lines[1]


def test_a_taken_passport_with_unpaid_wages_is_still_a_crisis(say) -> None:
    reply = say("my boss took my passport and doesnt pay me")
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize(("at", "state"), [
    (dt.datetime(2026, 12, 12, 10, 0), "(closed now; opens at 18:00)"),  # Saturday morning: not covered
    (dt.datetime(2026, 12, 12, 19, 0), "(open now)"),                     # Saturday evening
    (dt.datetime(2026, 12, 13, 10, 0), "(open now)"),                     # Sunday daytime
    (dt.datetime(2026, 11, 23, 10, 0), "(open now)"),                     # Labour Thanksgiving Day (a Monday)
    (dt.datetime(2026, 12, 14, 7, 30), "(open now)"),                     # Monday before 8:00, the night line
])
def test_a_child_who_is_ill_gets_the_childrens_line_first_and_whether_it_is_open_now(say, at, state) -> None:
    reply = say("my son has a fever of 39, who can i call?", at=at.replace(tzinfo=MONDAY.tzinfo))
    assert reply.intent == "consultation.medical" and not reply.handoff
    first = reply.text.splitlines()[0]
    assert first.startswith("For a child: #8000") and state in first and first.index("#8000") < first.index("#7119")


@pytest.mark.parametrize(("text", "lang", "hours"), [
    ("I need a spanish interpreter at the hospital", "en", "Portuguese: Mon, Wed, Fri 9:00–17:00"),
    ("preciso de intérprete no médico", "pt", "Português: segunda, quarta e sexta, das 9h às 17h"),
    ("can bac si phien dich tieng viet khi di kham benh", "vi", "Tiếng Việt: 13:00–17:00"),
])
def test_an_interpreter_at_the_doctors_is_amdas_phone_interpreting_with_the_hours_of_the_language(say, text, lang,
                                                                                                  hours) -> None:
    reply = say(text)
    assert (reply.intent, reply.language) == ("consultation.medical", lang)
    assert "03-5285-8088" in reply.text and hours in reply.text


@pytest.mark.parametrize("text", ["does the aozora bus go to shimamura?", "xe buýt aozora có chở được xe lăn không ạ?",
                                  "aozora bus ko time table kaha herne?", "あおぞらバスの時刻表はどこ?"])
def test_a_question_about_a_bus_route_timetable_or_wheelchair_gets_the_routes_not_only_the_fare(say, text) -> None:
    reply = say(text)
    assert reply.intent == "life.bus"
    assert "11-1" in reply.text and "200" not in reply.text.splitlines()[0]
    assert any(c.payload.startswith("https://www.city.isesaki.lg.jp/") for c in reply.choices)


def test_the_bus_fare_question_still_gets_the_fare_with_the_routes_one_tap_away(say) -> None:
    reply = say("how much is the community bus")
    assert "200 yen" in reply.text and any(c.payload == "intent:life.bus.more" for c in reply.choices)


def test_a_dismissal_told_to_ask_about_insurance_gets_the_insurance_answer_not_the_labour_lines(say) -> None:
    reply = say("Me despidieron y ya no tengo el seguro de la empresa. ¿Qué llevo para el seguro nacional de salud?")
    assert reply.intent == "life.health_insurance"


@pytest.mark.parametrize("text", ["Tem mapa de enchente em português?", "Ada peta bencana dalam bahasa Indonesia?",
                                  "防灾地图在哪里拿?我刚搬来", "where can i get the hazard map"])
def test_a_question_about_the_disaster_map_says_where_to_get_it_and_in_how_many_languages(say, text) -> None:
    reply = say(text)
    assert reply.intent == "life.disaster" and reply.entry == "life.disaster.map"
    assert "総合防災マップ" in reply.text and "5" in reply.text
    assert any(c.payload.startswith("http") for c in reply.choices)
