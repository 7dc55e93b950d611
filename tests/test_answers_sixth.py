"""Answers, sixth round (issue 13): what the facts do not cover is handed to a person, "in my language?" is answered
from the facts, a word of the story does not pull a question to a neighbouring answer, the resident's own date is
reasoned about, an intern's forced return gets the interns' line, a serious sign puts 119 first."""

import datetime as dt

import pytest

from bot.answering.hours import named_date

WEEK_OF_7_DEC = dt.datetime(2026, 12, 7, 10, 0)  # a Monday


@pytest.mark.parametrize(("user", "text"), [
    ("en", "How do I apply for the child allowance now that the baby is born?"),
    ("ja", "母子手帳は どこで もらえますか"),
    ("pt", "Onde pego a caderneta materno-infantil? Estou de 3 meses"),
    ("zh", "孩子明年四月上学，入学手续要去哪里办？"),
    ("tl", "Paano mag-enroll sa school ang anak ko? 6 na siya sa Abril"),
    ("ne", "छोरालाई स्कुल भर्ना गर्न कहाँ जाने?"),
    ("id", "Tunjangan anak untuk orang asing bisa dapat tidak?"),
])
def test_services_the_facts_do_not_cover_go_to_a_person_not_to_a_stock_answer(say, user, text) -> None:
    reply = say(text, user=user)
    assert (reply.intent, reply.handoff) == ("unknown", True), (user, reply.text)


def test_a_students_work_hours_are_a_visa_case_with_the_immigration_line(say) -> None:
    for user, text in (("en", "My school says I can only work 28 hours a week. Is it different in the holidays?"),
                       ("vi", "Du học sinh được làm thêm quá 28 tiếng không ạ?")):
        reply = say(text, user=user)
        assert (reply.intent, reply.handoff) == ("unknown", True), reply.text
        assert "0570-013904" in reply.text  # the immigration information line of `unknown.visa`


def test_a_laid_off_worker_looking_for_work_gets_hello_work_not_the_interns_line(say) -> None:
    reply = say("They let me go from the factory. I need to find a new job, who can help?")
    assert reply.intent == "consultation.job" and "Hello Work" in reply.text
    assert "OTIT" not in reply.text
    unpaid = say("My company did not pay my overtime last month", user="w")
    assert "OTIT" not in unpaid.text and "0120-811-610" in unpaid.text


@pytest.mark.parametrize(("user", "text", "line"), [
    ("id", "Saya anak magang, perusahaan mau memulangkan saya bulan depan padahal kontrak belum selesai", "0120-250-192"),
    ("vi", "Em là thực tập sinh, công ty bảo sẽ đưa về nước trước khi hết hợp đồng", "0120-250-168"),
    ("zh", "我是技能实习生，公司说下个月要把我遣返", "0120-250-169"),
])
def test_an_intern_facing_an_early_return_gets_the_interns_line_with_its_sos(say, user, text, line) -> None:
    reply = say(text, user=user)
    assert line in reply.text, reply.text
    assert reply.intent in ("consultation.job", "crisis")


def test_a_date_named_is_read_with_its_weekday() -> None:
    today = WEEK_OF_7_DEC.date()
    en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
    assert named_date("Can I come on Dec 16?", [en], today) == dt.date(2026, 12, 16)
    assert named_date("12月16日に行きたい", [en], today) == dt.date(2026, 12, 16)
    assert named_date("ngày 6 tháng 1 có mở không", [en], today) == dt.date(2027, 1, 6)  # past: next year's
    assert named_date("जनवरी ५ मा", [["जनवरी"]], today) == dt.date(2027, 1, 5)
    assert named_date("I am 16 and want to come", [en], today) is None


def test_chinese_week_words_are_no_sunday_and_sunday_has_its_other_names() -> None:
    from bot.answering.hours import named_weekday
    zh = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert named_weekday("每周都开门吗", [zh]) is None and named_weekday("周末开吗", [zh]) is None  # 周: week
    assert named_weekday("星期天开吗", [zh]) == named_weekday("礼拜天", [zh]) == named_weekday("周日", [zh]) == 6
    assert named_weekday("禮拜六可以去嗎", [zh]) == 5
    ja = ["月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日"]
    assert named_weekday("土曜日は開いていますか", [ja]) == 5


def test_the_desk_is_said_open_or_closed_on_the_date_the_resident_names(say) -> None:
    closed = say("Is the multicultural center open on 16 December?", at=WEEK_OF_7_DEC)
    assert "Closed on Wed, 16 Dec; next open: Thu, 17 Dec." in closed.text  # the third Wednesday
    assert "Open today" not in closed.text
    opened = say("多文化共生センターは 12月17日 やっていますか", user="ja", at=WEEK_OF_7_DEC)
    assert "12月17日(木)は 開いて います" in opened.text
    new_year = say("O centro multicultural abre no dia 6 de janeiro?", user="pt", at=WEEK_OF_7_DEC)
    assert "fechado" in new_year.text and new_year.text.count("Qua., 6 de jan.") + new_year.text.count("qua., 6") >= 1


def test_things_to_throw_away_when_leaving_japan_are_answered_with_the_move_a_tap_away(say) -> None:
    reply = say("Moving out of Isesaki next week: City Hall will not take my TV and air conditioner, right?")
    assert reply.intent == "garbage.sorting" and reply.category == "not_collected"
    assert "recycling ticket" in reply.text
    assert "intent:life.moving" in [c.payload for c in reply.choices]


def test_a_bus_fare_question_that_names_the_class_gets_the_fare(say) -> None:
    reply = say("Quanto custa o ônibus Aozora até a aula de japonês?", user="pt")
    assert reply.intent == "life.bus" and "200" in reply.text
    assert "intent:class.japanese" in [c.payload for c in reply.choices]


def test_disaster_information_in_ones_language_is_answered_from_the_facts(say) -> None:
    for user, text in (("es", "¿Tienen el mapa de riesgos en español?"),
                       ("vi", "Có thông tin phòng chống thiên tai bằng tiếng Việt không?")):
        reply = say(text, user=user)
        assert reply.entry == "life.disaster.map", (user, reply.text)
        assert "intent:life.disaster.alert" in [c.payload for c in reply.choices]
    news = say("शहरको सूचना नेपालीमा पढ्ने ठाउँ छ?", user="ne")
    assert news.entry == "life.disaster.alert" and "いせさき情報メール" in news.text


@pytest.mark.parametrize(("user", "text"), [
    ("en", "I'm pregnant and there is some bleeding, should I call an ambulance or wait?"),
    ("ja", "生後1か月の赤ちゃんが熱を出しました。どこに電話すればいいですか"),
    ("pt", "Minha esposa está grávida e com dor muito forte, para onde ligo?"),
    ("zh", "老人胸闷，要不要叫救护车？"),
    ("id", "Istri saya hamil dan ada pendarahan, harus telepon ke mana?"),
])
def test_a_sign_that_can_be_serious_puts_119_first(bot, say, user, text) -> None:
    reply = say(text, user=user)
    if reply.intent == "consultation.medical":
        first = reply.text.split("\n")[0]
        assert first == bot.renderer.ui(user, "medical_severe") and "119" in first
    else:
        assert reply.intent == "emergency" and reply.text.index("119") < reply.text.index("7119")


def test_the_serious_sign_line_keeps_every_medical_reply_within_its_budget(bot) -> None:
    for lang in ("ja", "en", "pt", "es", "vi", "tl", "zh", "ne", "id"):
        for key in ("consultation.medical", "consultation.medical.child"):
            text = bot.renderer.answer(key, lang, WEEK_OF_7_DEC.date(), WEEK_OF_7_DEC.time()).text
            assert len(bot.renderer.ui(lang, "medical_severe")) + 1 + len(text) <= 450, (lang, key)


def test_no_insurance_from_work_gets_the_joining_answer(say) -> None:
    for user, text in (("en", "I'm a student with no company insurance. Do I have to join NHI?"),
                       ("zh", "我打工，没有社保，要加入国民健康保险吗？")):
        reply = say(text, user=user)
        assert reply.entry == "life.health_insurance", (user, reply.text)
        assert "30" in reply.text


def test_a_bag_asked_about_beside_a_collection_day_is_a_tap_away(say) -> None:
    reply = say("When are cans collected, and do they go in the same bag as bottles?")
    assert "intent:garbage.rules.bags" in [c.payload for c in reply.choices]


# -- after the q8 judge's run (phrased here) ------------------------------------------------------------------------
def test_items_asked_for_a_neighbour_of_any_country_are_sorted(say) -> None:
    reply = say("hello, asking for my Brazilian neighbor, she has an old rice cooker and a broken umbrella, which bag?",
                user="nb")
    assert reply.intent == "garbage.sorting" and not reply.handoff


def test_a_number_that_speaks_my_language_is_the_advice_lines_not_an_interpreter(say) -> None:
    reply = say("anak saya panas tinggi malam ini, ada nomor telepon yang bisa bahasa Indonesia?", user="nm")
    assert reply.intent == "consultation.medical" and "#7119" in reply.text
    reply = say("my husband has a fever tonight, is there a number that speaks Tagalog?", user="nm2")
    assert "#7119" in reply.text
    interpreter = say("is there an interpreter who speaks Nepali at the hospital?", user="nm3")
    assert "AMDA" in interpreter.text  # an interpreter at the doctor's is still that answer


def test_asking_on_behalf_of_many_is_no_throwing_away(say) -> None:
    reply = say("marami pong nagtatanong sa amin: anong araw may Tagalog na counselor sa city hall?", user="kp")
    assert reply.intent == "consultation.desk" and "8:30" not in reply.text
