"""Answers, eighth round (issue 13, after q9): the second thing asked answered too, facts applied to the asker's
hour and age, the asked point instead of a stock answer, no question back or wrong topic where the message is clear,
no handoff where the facts answer it, and where the bags are sold in more wordings."""

import pytest


# 1. The second half of a two-part question.
@pytest.mark.parametrize(("user", "text", "second"), [
    ("es", "Cambié las llantas y la batería del carro. ¿Las dejo en el punto de basura?", "Batería de carro"),
    ("pt", "Troquei os pneus e a bateria do carro. Posso deixar no ponto de lixo?", "Bateria de carro"),
    ("en", "I replaced the tyres and the battery of my car. Can they go to the garbage station?", "Car battery"),
])
def test_a_battery_beside_the_car_or_its_tyres_is_the_car_battery_not_a_dry_cell(say, user, text, second) -> None:
    reply = say(text, user=user)
    assert reply.entry in ("tyres", "car-battery"), reply.text  # both named: no question back
    assert second in reply.text and "電池類" not in reply.text, reply.text
    assert not any(c.payload == "item:dry-battery" for c in reply.choices)
    assert not any(c.payload == "item:motorbike-piano" for c in reply.choices)  # the car is whose tyres they are
    assert say("Where do old AA batteries go?", user=f"{user}-aa").entry == "dry-battery"


@pytest.mark.parametrize(("user", "text"), [
    ("id", "Toples selai kaca, tutupnya dari logam. Dibuang ke mana?"),
    ("vi", "Chai thủy tinh đựng nước mắm, nắp kim loại, bỏ ở đâu?"),
])
def test_a_metal_cap_named_beside_a_glass_bottle_gets_its_own_line(say, user, text) -> None:
    reply = say(text, user=user)
    lines = reply.text.split("\n")
    assert any("びん" in ln for ln in lines[:2]) and any("もえないごみ" in ln for ln in lines[:2]), reply.text


def test_a_second_item_with_a_day_asked_gets_its_day_or_its_button(say) -> None:
    reply = say("Moro em Sakai. Em que dia ponho as pilhas velhas? E as roupas usadas?", user="pt")
    assert reply.intent == "garbage.schedule", reply.text
    assert "item:clothing" in [c.payload for c in reply.choices] or "roupa" in reply.text.lower(), reply.text


# 2. Facts applied to the asker's hour and age.
@pytest.mark.parametrize(("user", "text", "closed"), [
    ("tl", "Sabado ngayon, 3 ng hapon. May lagnat ang anak ko (4 na taon). Saan tatawag?", "sarado sa oras na iyon"),
    ("en", "It's Saturday 3pm and my 4-year-old has a fever. Which number do I call?", "closed then; opens at 18:00"),
    ("es", "Es sábado a las 3 de la tarde y mi hijo de 4 años tiene fiebre. ¿A dónde llamo?", "cerrado a esa hora"),
])
def test_the_childrens_line_is_said_closed_at_the_weekday_and_hour_named(say, user, text, closed) -> None:
    reply = say(text, user=user)
    assert reply.entry == "consultation.medical.child", reply.text
    assert closed in reply.text and "15" in reply.text, reply.text  # #7119 is for about 15 and older


def test_the_childrens_line_is_said_open_on_a_sunday_afternoon(say) -> None:
    reply = say("My son has a fever, it's Sunday 3pm. Who can I call?")
    assert reply.entry == "consultation.medical.child" and "open then" in reply.text, reply.text


# 3. The asked point, not the stock answer.
@pytest.mark.parametrize(("user", "text", "said"), [
    ("es", "Vivo en Akabori. ¿Qué día sale la basura grande? Tengo un ropero. ¿Hay que pagar?", "No hay que reservar"),
    ("ne", "पुरानो साइकल फाल्नु छ। कुन दिन फाल्ने, पैसा तिर्नुपर्छ?", "शुल्क लाग्दैन"),
    ("en", "Which day can I put out an old bookshelf, and is there a fee?", "No booking and no fee"),
])
def test_an_oversized_day_asked_with_its_fee_gets_no_booking_no_fee(say, user, text, said) -> None:
    reply = say(text, user=user)
    assert said in reply.text, reply.text


@pytest.mark.parametrize(("user", "text"), [
    ("zh", "我住在赤堀,塑料垃圾星期几收?有中文的日历吗?"),
    ("vi", "Rác cháy được thu ngày nào? Có lịch rác tiếng Việt không?"),
])
def test_a_calendar_asked_in_a_language_gets_the_calendars_languages_a_tap_away(say, user, text) -> None:
    reply = say(text, user=user)
    assert reply.intent == "garbage.schedule", reply.text
    assert "intent:garbage.schedule.languages" in [c.payload for c in reply.choices], reply.choices


@pytest.mark.parametrize(("user", "text"), [
    ("pt", "Quero receber alerta de terremoto no celular. Como faço?"),
    ("es", "¿Cómo recibo avisos de terremoto en el celular?"),
    ("en", "How do I get earthquake alerts on my phone?"),
])
def test_alerts_asked_for_get_the_alert_answer(say, user, text) -> None:
    reply = say(text, user=user)
    assert reply.intent == "life.disaster" and reply.entry == "life.disaster.alert", reply.text


def test_the_city_hall_desk_offers_the_centre_and_its_hours(say) -> None:
    reply = say("I only speak English. Can I go to the desk at City Hall on a Friday afternoon? Is English every day?")
    assert reply.entry == "consultation.desk.city", reply.text
    assert "intent:consultation.desk" in [c.payload for c in reply.choices]


# 4. No wrong topic where the message is clear.
@pytest.mark.parametrize(("user", "text"), [
    ("tl", "May nagsasalita ba ng Tagalog sa city hall? Tulong po sa mga papel ng anak ko. Anong araw?"),
    ("pt", "Tem alguém que fala português na prefeitura? Preciso de ajuda com os papéis do meu filho."),
])
def test_papers_for_a_child_are_documents_not_paper_garbage(say, user, text) -> None:
    reply = say(text, user=user)
    assert not reply.intent.startswith("garbage."), reply.text
    assert "0270-27-2731" in reply.text, reply.text


def test_moving_within_the_city_in_nepali_is_the_moving_answer(say) -> None:
    reply = say("हामी अर्को महिना इसेसाकी भित्रै अर्को कोठामा सर्दैछौं। सिटी हलमा के गर्ने?", user="ne")
    assert reply.intent == "life.moving" and "14" in reply.text, reply.text


# 5. No handoff where the facts answer it.
def test_a_landlord_beside_a_garbage_station_question_leaves_the_station_question(say) -> None:
    reply = say("The landlord doesn't reply and I don't know where the garbage station is. Help")
    assert not reply.handoff and reply.intent == "garbage.rules", reply.text
    assert "chōnaikai" in reply.text or "intent:garbage.rules.station" in [c.payload for c in reply.choices]


def test_what_do_i_have_to_do_is_no_question_about_an_illness(say) -> None:
    reply = say("We move to Maebashi next month. What do I have to do at City Hall before we go?")
    assert reply.intent == "life.moving" and "転出届" in reply.text, reply.text


@pytest.mark.parametrize(("user", "text"), [
    ("vi", "Em là thực tập sinh, công ty trừ lương mà không nói lý do. Hỏi ở đâu ạ?"),
    ("zh", "我是技能实习生,公司扣工资也不解释,可以问哪里?"),
    ("tl", "Technical intern po ako, kinakaltasan ang sahod ko nang walang paliwanag. Saan ako tatawag?"),
])
def test_wage_deductions_are_work_trouble_and_an_intern_gets_the_interns_line(say, user, text) -> None:
    reply = say(text, user=user)
    assert not reply.handoff and reply.entry == "consultation.job.labour", reply.text
    assert "0120-" in reply.text


# 6. Where the bags are sold, in more wordings.
@pytest.mark.parametrize(("user", "text", "said"), [
    ("zh", "指定垃圾袋哪里卖?", "哪里能买到垃圾袋"),
    ("zh", "垃圾袋在哪里买?", "哪里能买到垃圾袋"),
    ("vi", "Túi rác chỉ định thì mua túi ở đâu ạ?", "nơi bán túi rác"),
])
def test_where_the_bags_are_sold_in_more_wordings(say, user, text, said) -> None:
    reply = say(text, user=user)
    assert said in reply.text and "0270-27-2732" in reply.text, reply.text
