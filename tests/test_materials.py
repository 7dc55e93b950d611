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
