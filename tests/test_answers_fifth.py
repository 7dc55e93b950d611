"""Answers to the whole question (issue 13, fifth round): every part of a two-part question answered or a tap away,
facts given where a person would only repeat them, danger kept for danger, the situation the resident names used."""


def test_a_second_item_too_long_to_answer_on_its_own_line_is_a_button(say) -> None:
    reply = say("Where does used frying oil go, and what about empty PET bottles?")
    named = {reply.entry, *(c.payload.removeprefix("item:") for c in reply.choices)}
    assert {"cooking-oil", "pet-bottle"} <= named
    three = say("Pet bottle caps and the labels: with the bottle or separately?", user="b")
    named = {three.entry, *(c.payload.removeprefix("item:") for c in three.choices)}
    assert {"pet-bottle-cap", "pet-bottle-label"} <= named  # a third thing named is offered too


def test_someone_who_speaks_a_language_is_named_beside_the_handoff(say) -> None:
    """A personal matter stays with the desk, but who speaks the language asked about is said from the facts."""
    reply = say("My neighbour got a tax letter she cannot read. Is there someone who speaks Tagalog to help her?")
    assert reply.intent == "unknown" and reply.handoff
    assert "Tagalog" in reply.text and "0270-27-2731" in reply.text
    assert "intent:consultation.desk" in [c.payload for c in reply.choices]
    nepali = say("नगरपालिकाको चिठी बुझिनँ। नेपाली बोल्ने कोही सहयोग गर्न सक्नुहुन्छ?", user="ne")
    assert "0570-078377" in nepali.text  # no counsellor speaks it: who does
    plain = say("my landlord keeps my deposit", user="p")
    assert plain.handoff and "0270-27-2731" not in plain.text


def test_a_child_hurt_in_a_fall_gets_the_childrens_medical_line_beside_119(say) -> None:
    reply = say("my son fell off the bunk bed and hit his head, he is crying, who do I call?")
    assert reply.intent == "emergency" and "119" in reply.text and "#8000" in reply.text
    grown = say("my husband fell off the ladder and hit his head", user="g")
    assert grown.intent == "emergency" and "#8000" not in grown.text
    harmed = say("a man is hitting my daughter right now", user="h")
    assert harmed.intent == "emergency" and "#8000" not in harmed.text


def test_a_lawyer_wanted_after_an_accident_is_the_legal_answer_not_119(say) -> None:
    reply = say("I had a car accident last week and the other driver wants money. I need a lawyer")
    assert reply.intent == "consultation.legal" and "119" not in reply.text
    assert say("car crash! my friend is bleeding, we need a lawyer", user="b").intent == "emergency"
    assert say("there is a fire, where is my insurance card", user="c").intent == "emergency"
    assert say("accident now, I need a lawyer", user="d").intent == "emergency"


def test_who_may_not_join_nhi_is_said_when_a_status_of_residence_is_named(say) -> None:
    reply = say("My father is here on a tourist visa for two months. Can he join national health insurance?")
    assert reply.entry == "life.health_insurance.eligibility" and "3 months" in reply.text and "特定活動" in reply.text
    zh = say("我父亲是来日本治病的特定活动签证，能加入国民健康保险吗？", user="zh")
    assert zh.entry == "life.health_insurance.eligibility" and "不能加入" in zh.text
    assert say("how do i join national health insurance?", user="j").entry == "life.health_insurance"


def test_food_tins_asked_beside_drink_cans_get_their_own_line(say) -> None:
    reply = say("Las latas de sardina van con las latas de refresco?")
    assert reply.text.startswith("Lata de comida") and "\nLata de aluminio" in reply.text  # in the order asked
    assert "No confirmado para Isesaki" in reply.text  # the food tin's category is an inference
    assert say("माछाको क्यान कहाँ फाल्ने?", user="ne").entry == "food-tin"


def test_how_evacuation_orders_reach_a_phone_is_the_alert_answer_not_the_earthquake_steps(say) -> None:
    for user, text in (("en", "How would I hear about an evacuation order if I can't read Japanese?"),
                       ("pt", "Como recebo alerta de desastre no celular?"),
                       ("id", "Bagaimana cara dapat peringatan bencana di HP?")):
        reply = say(text, user=user)
        assert reply.intent == "life.disaster" and "いせさき情報メール" in reply.text, (user, reply.text)
    assert "Earthquake" in say("what do I do in an earthquake?", user="q").text


def test_a_day_and_time_named_for_the_recycle_centre_are_checked_against_its_hours(say) -> None:
    late = say("Can I take my old boxes to the recycle center on Saturday at 11:45?")
    assert "Saturday 11:45: it takes no carry-ins then. Saturday: 8:30–11:15." in late.text
    early = say("recycle center 21 on friday at 9:30, ok?", user="b")
    assert "Friday 9:30: that is within its carry-in hours." in early.text
    sunday = say("Posso levar lixo ao centro de reciclagem no domingo?", user="c")
    assert "Domingo: o centro não recebe" in sunday.text
    sprung = say("I want to bring a spring mattress on Saturday afternoon at 2", user="d")
    assert "Saturday 14:00: it takes no carry-ins then." in sprung.text
    assert "intent:garbage.rules.center" in [c.payload for c in sprung.choices]  # hours and fee a tap away


def test_named_days_and_clock_times_are_read_in_each_script() -> None:
    from bot.answering import hours

    week_vi = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
    assert hours.named_weekday("mang đến vào thứ bảy được không", [week_vi]) == 5  # not "thứ ba"
    assert hours.named_weekday("星期六可以吗", [["周一", "周二", "周三", "周四", "周五", "周六", "周日"]]) == 5
    assert hours.named_clock("sábado às 11h30") == hours.dt.time(11, 30)
    assert hours.named_clock("土曜日の 10時半") == hours.dt.time(10, 30)
    assert hours.named_clock("下午3点") == hours.dt.time(15, 0)
    assert hours.named_clock("at 9am") == hours.dt.time(9, 0)
    assert hours.named_clock("no time here") is None
    # Indonesian minutes after a dot, Vietnamese after a g (the bot writes Indonesian times so itself)
    assert hours.named_clock("hari Sabtu jam 11.30 masih bisa?") == hours.dt.time(11, 30)
    assert hours.named_clock("thứ bảy 11g30 còn nhận không") == hours.dt.time(11, 30)
    assert hours.named_clock("tanggal 16.12 buka?") is None  # a date, not a time
    assert hours.open_at("8:30–12:00, 13:00–16:15", hours.dt.time(12, 30)) is False


def test_the_answer_next_to_the_one_given_is_a_tap_away(say) -> None:
    routes = say("Can my grandfather get on the Aozora bus in his wheelchair?")
    assert "wheelchair" in routes.text and "intent:life.bus" in [c.payload for c in routes.choices]  # the fare
    child = say("Is there a Japanese class for my 9 year old daughter?", user="c")
    assert child.intent == "class.children" and "intent:class.japanese" in [c.payload for c in child.choices]
    alone = say("how much is the community bus?", user="f")
    assert "intent:life.bus" not in [c.payload for c in alone.choices]


def test_the_day_and_time_of_a_named_item_use_the_residents_district(say) -> None:
    reply = say("I live in Akabori. Old clothes: which day, and until what time can I put them out?")
    assert "Akabori" in reply.text and "古紙類" in reply.text and "8:30" in reply.text
    plain = say("until what time can I put the garbage out?", user="p")
    assert plain.text.startswith("Put garbage out by 8:30")


def test_a_country_named_in_a_handoff_is_not_a_language_asked_for(say) -> None:
    reply = say("What is the cheapest way to send money to Brazil?")
    assert reply.handoff and "0270-27-2731" not in reply.text


def test_what_to_bring_to_join_nhi_beats_a_status_of_residence_named_beside_it(say) -> None:
    reply = say("I came on a spouse visa and my husband is self-employed. "
                "What do I need to bring to join national health insurance?")
    assert reply.entry == "life.health_insurance" and "residence card" in reply.text


def test_no_button_opens_an_answer_without_its_item(say) -> None:
    """A second topic that would be "how to throw away" without a thing named is not offered: its answer needs one."""
    reply = say("How do I find out on my mobile phone about an evacuation order?")
    for choice in reply.choices:
        if choice.payload.startswith("intent:"):
            assert choice.payload not in ("intent:garbage.sorting", "intent:garbage.material")


def test_where_the_bags_are_sold_asked_beside_an_item_is_a_tap_away(say) -> None:
    reply = say("Boleh pakai kantong kresek untuk sampah? Beli kantong sampah di mana?")
    assert reply.entry == "plastic-bag" and "intent:garbage.rules.bags" in [c.payload for c in reply.choices]
    plain = say("how do I throw away a frying pan?", user="p")
    assert "intent:garbage.rules.bags" not in [c.payload for c in plain.choices]
