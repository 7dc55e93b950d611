"""Items the list does not have, placed by what they are made of and how big they are (issue 11)."""

import pytest


@pytest.mark.parametrize(("text", "category"), [
    ("broken metal bracket, which garbage?", "non_burnable"),
    ("old wooden box how to throw away", "burnable"),
    ("wooden box too big for the bag, how do I throw it away", "oversized"),
    ("木製の 箱は なにごみ？", "burnable"),
    ("leftover engine oil, how to dispose", "not_collected"),
])
def test_an_unlisted_item_is_placed_by_its_material_and_said_with_please_confirm(say, text, category) -> None:
    reply = say(text)
    assert (reply.intent, reply.category) == ("garbage.sorting", category)
    assert "please confirm" in reply.text or "確かめて" in reply.text or category == "not_collected"


def test_a_listed_item_keeps_its_own_answer(say) -> None:
    assert say("aluminium can, where does it go?").category == "cans"


def test_materials_never_turn_a_schedule_question_or_danger_into_sorting(say) -> None:
    assert say("when is plastic collected?").intent == "garbage.schedule"
    assert say("help! the metal heater is on fire now", user="u2").intent == "emergency"


def test_a_material_alone_with_no_garbage_word_is_not_a_garbage_answer(say) -> None:
    assert say("my wooden house is cold in winter").intent != "garbage.sorting"
