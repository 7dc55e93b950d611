"""Items the list does not have, placed by what they are made of and how big they are (issue 11)."""

import pytest


@pytest.mark.parametrize(("text", "category"), [
    ("broken metal bracket, which garbage?", "non_burnable"),
    ("old wooden box how to throw away", "burnable"),
    ("wooden box too big for the bag, how do I throw it away", "oversized"),
    ("木製の 箱は なにごみ？", "burnable"),
    ("leftover engine oil, how to dispose", "not_collected"),
])
def test_an_unlisted_item_is_placed_by_its_material_and_said_with_please_confirm(bot, say, text, category) -> None:
    reply = say(text)
    assert (reply.intent, reply.category) == ("garbage.sorting", category)
    confirm = str(bot.catalog.get(reply.reply_language, "ui", "confirm")).split("{contact}")[0]
    assert confirm in reply.text or category == "not_collected"  # "not confirmed: please check with ..."


def test_a_listed_item_keeps_its_own_answer(say) -> None:
    assert say("aluminium can, where does it go?").category == "cans"


def test_materials_never_turn_a_schedule_question_or_danger_into_sorting(say) -> None:
    assert say("when is plastic collected?").intent == "garbage.schedule"
    assert say("help! the metal heater is on fire now", user="u2").intent == "emergency"


def test_a_material_alone_with_no_garbage_word_is_not_a_garbage_answer(say) -> None:
    assert say("my wooden house is cold in winter").intent != "garbage.sorting"


@pytest.mark.parametrize(("text", "item"), [
    ("¿Las botellas PET van en la bolsa de plástico?", "pet-bottle"),  # the bag is where it goes, not the item
    ("where do pet bottles go? in the plastic bag?", "pet-bottle"),
    ("My old TV stopped working. Can I put it out on oversized garbage day?", "television"),
    ("when can I throw out my spring mattress", "spring-mattress"),
])
def test_the_item_asked_about_gets_its_own_answer(say, text, item) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and reply.entry == item
    assert "is collected on the days" not in reply.text  # not a calendar line for a category without a day


def test_a_knife_question_is_garbage_not_a_figure_of_speech(say) -> None:
    for text in ("菜刀怎么扔", "paano itapon ang kutsilyo", "चक्कु कसरी फाल्ने?"):
        assert say(text, user=text).entry == "knife-scissors"


def test_one_stray_word_in_a_long_question_about_something_else_goes_to_the_desk(say) -> None:
    reply = say("Paano ko makukuha ang lump-sum withdrawal ng pension ko pag umuwi na ako sa Pilipinas?")
    assert reply.intent == "unknown" and reply.handoff and not reply.choices


@pytest.mark.parametrize(("text", "category"), [
    ("how do I throw away an old baby stroller", "oversized"),  # furniture and big things: oversized
    ("ベビーカーを すてたい", "oversized"),
    ("como boto un cochecito de bebe", "oversized"),
    ("broken vacuum cleaner, which garbage?", "non_burnable"),  # a small appliance: non-burnable, size said
    ("古い掃除機は何ごみ？", "non_burnable"),
    ("吸尘器坏了怎么扔", "non_burnable"),
])
def test_an_unlisted_thing_is_placed_by_its_kind(say, text, category) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == ("garbage.sorting", category)


def test_a_suitcase_is_not_a_handbag_and_closed_is_not_a_closet(say) -> None:
    assert say("how do I throw away an old suitcase", user="s1").category == "oversized"
    assert say("is the garbage station closed today", user="s2").entry != "chest-of-drawers"


@pytest.mark.parametrize(("text", "category"), [
    ("worn out dish sponge", "burnable"),
    ("esponja velha da pia", "burnable"),
    ("kẹp phơi đồ bị gãy", "burnable"),
    ("旧的蜡笔和铅笔", "burnable"),
    ("kotak kertas bekas", "resources"),
    ("maleta vieja sin ruedas", "oversized"),
    ("cup ng yogurt na hinugasan", "plastic"),
    ("purano kapi haru", "resources"),
    ("charger ng cellphone na sira", "non_burnable"),
])
def test_a_thing_named_almost_alone_is_placed_by_its_kind(say, text, category) -> None:
    """No garbage word at all: a short message that names an unlisted thing asks how to throw it away."""
    reply = say(text, user=text)
    assert (reply.intent, reply.category, reply.handoff) == ("garbage.sorting", category, False)


def test_a_kind_inside_an_everyday_question_is_not_a_garbage_answer(say) -> None:
    assert say("my kids love crayons, is there an art class for children on weekends?").intent != "garbage.sorting"


def test_a_category_word_is_a_material_except_in_a_follow_up_about_collection_days(say) -> None:
    assert say("peine de plástico roto", user="m1").category == "burnable"  # a plastic product burns
    say("when is burnable garbage collected?", user="m2")
    reply = say("and plastic?", user="m2")
    assert reply.intent == "garbage.schedule" and "plastic" in reply.text.split("\n")[0].lower()


def test_packaging_of_no_named_material_is_plastic_and_a_metal_lunch_box_is_not_a_can(say) -> None:
    assert say("hộp đựng kim chi rửa rồi bỏ rác gì", user="p1").category == "plastic"
    assert say("不锈钢的旧饭盒怎么扔", user="p2").category == "non_burnable"


@pytest.mark.parametrize("text", [
    "my old surfboard is too long for the garbage bag, how can I throw it away?",
    "滑雪板太长了，垃圾袋装不下，怎么扔？",
    "yung lumang rice cooker box ng tv, di kasya sa gomi bag, paano itapon?",
    "ang stroller namin hindi kasya sa bag, paano itapon?",
])
def test_a_thing_too_big_for_the_bag_is_oversized_sorting_not_the_general_question(say, text) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == ("garbage.sorting", "oversized")


def test_general_questions_about_big_garbage_stay_general(say) -> None:
    assert say("how do I throw away big furniture").intent == "garbage.oversized"
    assert say("sodai gomi wa dou yatte dasu?", user="sodai").intent == "garbage.oversized"


@pytest.mark.parametrize("text", [
    "plastic food tray, greasy and I can't wash it clean. which garbage?",
    "用过的塑料盒子，全是油，怎么扔",
    "yung plastic na lalagyan ng ulam, malangis at hindi na malinis, saan itatapon?",
])
def test_plastic_packaging_that_will_not_wash_clean_is_burnable(say, text) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == ("garbage.sorting", "burnable")


def test_clean_plastic_packaging_stays_plastic(say) -> None:
    assert say("plastic food tray, rinsed. which garbage?").category == "plastic"


def test_a_battery_taken_out_of_a_device_is_the_thing_asked_about(say) -> None:
    reply = say("I removed the swollen battery from my old phone, how do I throw it away?", user="bat")
    assert reply.category == "hazardous"


def test_a_phrase_is_not_read_across_the_end_of_a_sentence(say) -> None:
    # "bánh. Xe" is a broken wheel and then the stroller, not "bánh xe" (a tyre, not collected)
    reply = say("xe đẩy em bé bị hỏng bánh. Xe to quá, không vừa túi rác, vứt thế nào?", user="vi-stroller")
    assert (reply.intent, reply.category) == ("garbage.sorting", "oversized")


def test_a_toy_whose_batteries_were_taken_out_is_still_the_toy(say) -> None:
    reply = say("took the batteries out of my kid's plastic toy car, which garbage is the toy?", user="toy")
    assert reply.category == "burnable"


@pytest.mark.parametrize(("text", "category"), [
    ("a glass jar from jam, empty, which garbage?", "bottles"),  # glass + "jar": the glass bottle, not a question
    ("achar ko kanch ko bottle khali bhayo, kun fohor?", "bottles"),  # "kanch" (glass) names the bottle's material
    ("kanch ko jar kaha falne", "bottles"),
    ("a glass candle holder (not a bottle), which bag?", "non_burnable"),  # the thing denied is not the one asked about
    ("an empty can of coconut milk, which garbage?", "cans"),  # a can is metal packaging
])
def test_the_material_said_chooses_what_the_thing_is(say, text, category) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == ("garbage.sorting", category)
    assert category == "non_burnable" or not any(c.payload.startswith("item:") for c in reply.choices)


@pytest.mark.parametrize("text", [
    "washed plastic containers from the supermarket with the プラ mark, which bag?",
    "plastic bottle of soy sauce, it has プラ mark, kun bag ma halne?",
    "tápers de plástico de la comida con el símbolo プラ, ya lavados",
    "plastic na bote ng toyo, may プラ mark, saan itatapon?",
])
def test_the_pura_mark_said_on_a_thing_makes_it_plastic_packaging(say, text) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == ("garbage.sorting", "plastic")


def test_a_mark_denied_or_a_bottle_of_no_known_material_is_not_guessed(say) -> None:
    assert say("plastic bucket, no プラ mark on it, which garbage?", user="d1").category == "burnable"
    reply = say("an empty bottle, which garbage?", user="d2")
    assert reply.choices  # a PET or a glass bottle: asked back, not guessed


@pytest.mark.parametrize("text", [
    "今朝 かさが 風で こわれました。こわれた かさは 何ごみ？",
    "this morning my umbrella broke in the wind, what garbage is the umbrella?",
])
def test_a_day_told_in_a_story_is_no_collection_day_asked(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and reply.entry
