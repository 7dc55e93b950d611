"""Answers that do the job asked (issue 13, third round): the narrower question gets the narrower answer, the
resident's town gives the day, every weak fact or office is said with "please confirm", dates in each locale's form.
"""

import copy
import datetime as dt

import pytest

from bot.answering import catalog as translation
from bot.answering import knowledge
from bot.answering.rendering import Renderer, uncaveated
from bot.settings import ROOT
from bot.understanding.language import SERVED

DISASTER_MAP = "http://www.city.isesaki.lg.jp/soshiki/somubu/anzen/bousai/2060.html"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(knowledge.load(ROOT / "knowledge"), translation.load(ROOT / "translations"))


@pytest.mark.parametrize("lang", SERVED)
def test_every_weak_fact_and_office_is_said_with_please_confirm(renderer: Renderer, lang: str) -> None:
    assert uncaveated(renderer, lang, dt.date(2026, 12, 7)) == []


def test_the_caveat_check_fails_when_an_answer_would_state_a_weak_fact_plainly(renderer: Renderer) -> None:
    bad = Renderer(copy.deepcopy(renderer.kb), renderer.catalog)
    del bad.kb.answers["class.children"]["confirm"]  # Mirai-juku: an unofficial blog (M) and no office to ask
    bad.kb.facts["moving"]["confidence"] = "L"  # a fact made weak: its answer has an office, so it is caveated
    problems = "\n".join(uncaveated(bad, "en", dt.date(2026, 12, 7)))
    assert "en class.children: rests on a weak fact" in problems
    assert "life.moving" not in problems
    assert "Please check with" in bad.answer("life.moving", "en", dt.date(2026, 12, 7)).text
    silent = Renderer(renderer.kb, copy.deepcopy(renderer.catalog))
    silent.catalog.texts["vi"]["ui"]["desk_other_languages"] = "({languages})"  # "probably" again, no office
    assert "vi consultation.desk" in "\n".join(uncaveated(silent, "vi", dt.date(2026, 12, 7)))


def test_an_m_fact_from_an_unofficial_page_is_weak_and_an_official_one_is_not(renderer: Renderer) -> None:
    kb = renderer.kb
    assert kb.is_weak({"source": "perfect-clean-oversized", "confidence": "M"})  # a disposal company's page
    assert kb.is_weak({"source": "aozora-fare", "confidence": "M"})  # an encyclopedia
    assert not kb.is_weak({"source": "ise-batteries-2025", "confidence": "M"})  # the city's notice, relayed
    assert not kb.is_weak({"source": "ise-center21", "confidence": "H"})


def test_a_spring_mattress_or_sofa_is_said_with_please_confirm(say) -> None:
    for item in ("spring-mattress", "spring-sofa"):
        reply = say(kind="postback", payload=f"item:{item}", user=item)
        assert reply.category == "self_delivery"
        assert "Not confirmed for Isesaki. Please check with: Resource Circulation Division (0270-27-2732)." \
            in reply.text.splitlines()


@pytest.mark.parametrize("user,text", [
    ("vi", "quầy tư vấn cho người nước ngoài ở đâu"),
    ("tl", "saan ang consultation desk para sa foreigner?"),
    ("en", "consultation desk languages"),
])
def test_the_vietnamese_and_tagalog_counsellors_are_said_with_please_confirm_never_as_fact(say, bot, user, text):
    reply = say(text, user=user)
    assert reply.intent == "consultation.desk"
    lang = reply.reply_language
    office = bot.renderer.contact_name(lang, "tabunka")
    caveat = bot.renderer.ui(lang, "desk_other_languages",
                             languages=", ".join(bot.renderer.language_name(lang, c) for c in ("vi", "tl")),
                             contact=office)
    assert caveat in reply.text
    assert not any(word in reply.text for word in ("probably", "có lẽ", "malamang"))


@pytest.mark.parametrize("user,text,narrow,broad", [
    ("en", "there is a flood warning, where do i go?", "life.disaster.flood", "earthquake, where is the shelter?"),
    ("pt", "tem enchente aqui perto do rio, pra onde eu vou?", "life.disaster.flood", "terremoto, onde fica o abrigo?"),
    ("ja", "大雨で 川が あふれそう。どこに にげる？", "life.disaster.flood", "地震の とき どこに にげる？"),
    ("en", "I work on Sundays, is there a Japanese class on weekdays?", "class.japanese.weekday",
     "when is the japanese class?"),
    ("vi", "tôi làm việc chủ nhật, có lớp tiếng Nhật ngày thường không?", "class.japanese.weekday",
     "lớp tiếng Nhật học khi nào?"),
    ("en", "I already have insurance from my company, do I need national health insurance?",
     "life.health_insurance.employer", "how do i join national health insurance"),
    ("zh", "我已经有公司的保险了，还需要加入国民健康保险吗？", "life.health_insurance.employer", "怎么加入国民健康保险？"),
])
def test_a_narrower_question_gets_the_narrower_answer(say, user, text, narrow, broad):
    reply = say(text, user=user)
    assert reply.entry == narrow
    assert say(broad, user=user + "-broad").entry == narrow.rsplit(".", 1)[0]


def test_the_flood_answer_says_what_to_check_and_links_the_disaster_map(say) -> None:
    reply = say("typhoon and heavy rain tonight, what should we do")
    assert reply.entry == "life.disaster.flood"
    assert "how deep the water can get" in reply.text and "いせさき情報メール" in reply.text
    assert ("Disaster map", DISASTER_MAP) in [(c.label, c.payload) for c in reply.choices]
    quake = say("earthquake! what do i do", user="q")
    assert quake.entry == "life.disaster" and quake.choices[1].label == "Disaster map"


def test_the_childrens_class_says_who_comes_when(say) -> None:
    reply = say("my son is 8, what time is the children's japanese class?")
    assert reply.intent == "class.children"
    assert "mornings mainly elementary pupils, afternoons junior-high and high-school pupils" in reply.text
    more = say(kind="postback", payload="intent:class.children.more")
    assert "one-to-one" in more.text and "high school" in more.text


@pytest.mark.parametrize("town,area_id", [("Imaizumi", "imaizumi"), ("sakai hiratsuka", "sakai-hiratsuka")])
def test_the_residents_town_gives_the_battery_day_of_their_district(dated_bot, say, town: str, area_id: str) -> None:
    """Batteries go out on their district's day (city notice of April 2025): in 伊勢崎 the 資源 day, a category of a
    real calendar, so its dates; in 境 the その他 day, which is not, so the kind of day without a date."""
    bot = dated_bot
    say(f"I live in {town}, what day is burnable garbage?", user=town)
    reply = say("where do i throw away batteries", user=town)
    assert reply.entry == "dry-battery" and "sample" not in reply.text
    days = bot.renderer.dates("en", bot.calendar.next_days(area_id, "resources", dt.date(2026, 11, 30)))
    when = say(f"when can i put out batteries in {town}?", user=town + "-when")
    if area_id == "imaizumi":
        assert days in reply.text and "recyclables (資源) day in Isesaki (伊勢崎地区)" in reply.text
        assert f"Dry-cell battery in {bot.calendar.areas[area_id].name_en}" in when.text and days in when.text
    else:
        assert "Next days" not in reply.text and "“other” (その他) day in Sakai (境地区)" in reply.text
        assert "“other” (その他) day in Sakai (境地区)" in when.text and days not in when.text
    assert "Next days" not in say("where do i throw away batteries", user=town + "-new").text


def test_dates_are_written_in_each_locales_own_form(say, renderer: Renderer) -> None:
    day = dt.date(2026, 12, 7)
    assert renderer.date("en", day) == "Mon, 7 Dec"  # never "Dec 7" or 12/7
    assert "14 May\u2009–\u200916 Jul 2023" in renderer.answer("class.japanese", "en", day).text
    assert "from 29 December to 3 January" in renderer.answer("consultation.desk.more", "en", day).text
    assert "de 29 de dezembro a 3 de janeiro" in renderer.answer("consultation.desk.more", "pt", day).text
    assert "12月29日〜1月3日" in renderer.answer("consultation.desk.more", "ja", day).text
    assert "từ 29 tháng 12 đến 3 tháng 1" in renderer.answer("consultation.desk.more", "vi", day).text
    assert renderer.dates("en", [day, dt.date(2026, 12, 21)]) == "Mon, 7 Dec and Mon, 21 Dec"
    thursday = renderer.date("ne", dt.date(2026, 12, 10))  # CLDR's "बिहि", as Nepali readers do not spell it
    assert "बिही" in thursday and "बिहि" not in thursday
