"""Questions the facts answer are answered, not handed to the desk (issue 13, handoff_bad): a personal matter told as
the reason for asking (a tax letter, the neighbours' complaint) does not hide what is asked."""

import pytest


@pytest.mark.parametrize(("user", "text"), [
    ("en", "Does the multicultural center open on Fridays? I got a letter about my city tax"),
    ("pt", "Recebi uma cobrança de imposto e não entendo. Tem alguém que fala português no centro multicultural?"),
    ("es", "Me llegó una carta de impuestos. ¿Hay alguien que hable español en la ventanilla de consultas?"),
])
def test_a_tax_letter_told_as_the_reason_does_not_hide_the_desk_asked_about(say, user, text) -> None:
    reply = say(text, user=user)
    assert reply.intent == "consultation.desk" and not reply.handoff, reply.text
    assert "0270-27-2731" in reply.text


@pytest.mark.parametrize(("user", "text"), [
    ("en", "My neighbour complained that I don't separate my garbage properly. How should I sort it?"),
    ("pt", "A vizinha reclamou do meu lixo. Como eu separo certo?"),
    ("es", "El vecino dice que no separo bien la basura, ¿cómo tengo que separarla?"),
])
def test_a_neighbours_complaint_about_sorting_gets_the_sorting_rules(say, user, text) -> None:
    reply = say(text, user=user)
    assert reply.intent == "garbage.rules" and not reply.handoff, reply.text
    assert "8:30" in reply.text or "8h30" in reply.text


def test_a_neighbour_or_a_landlord_dispute_without_a_sorting_question_still_goes_to_the_desk(say) -> None:
    assert say("My neighbour is very noisy at night, what can I do?").handoff
    assert say("My landlord wants money for the garbage, is that right?", user="l").handoff


@pytest.mark.parametrize(("user", "text"), [
    ("en", "I finish my night shift at 8. Can I still take the trash out, or is it too late?"),
    ("ja", "仕事から帰ってからごみを出すのは遅すぎますか？"),
    ("zh", "下班回来再扔垃圾太晚了吗？"),
])
def test_is_it_too_late_to_put_the_garbage_out_is_the_time_rule(say, user, text) -> None:
    reply = say(text, user=user)
    assert reply.intent == "garbage.rules" and not reply.handoff, reply.text
    assert "8:30" in reply.text


@pytest.mark.parametrize(("user", "text"), [
    ("es", "¿Hay alguien que me ayude con el cambio de visa? No entiendo los papeles"),
    ("vi", "Em muốn làm thủ tục gia hạn visa, có chỗ nào tư vấn không ạ?"),
    ("en", "Where can I get advice about my visa renewal?"),
])
def test_asking_where_to_get_help_with_a_visa_is_the_legal_help_not_a_ticket(say, user, text) -> None:
    reply = say(text, user=user)
    assert reply.intent == "consultation.legal" and not reply.handoff, reply.text
    assert "0570-078377" in reply.text  # Houterasu's multilingual line


def test_a_visa_or_card_taken_by_the_company_still_goes_to_a_person(say) -> None:
    reply = say("Công ty giữ thẻ zairyu của em không trả, em cần tư vấn", user="vi")
    assert reply.handoff, reply.text


def test_a_young_child_named_by_age_in_japanese_gets_the_childrens_line_beside_119(say) -> None:
    reply = say("3歳の子が夜中に吐いてぐったりしています。救急車を呼ぶべきですか", user="ja")
    assert reply.intent == "emergency" and "119" in reply.text
    assert "#8000" in reply.text, reply.text


def test_an_online_class_for_a_parent_at_home_with_a_baby_is_the_online_class(say) -> None:
    reply = say("I'm home with my baby all week, can I study Japanese online?")
    assert reply.intent == "class.online", reply.text
    children = say("Is there a Japanese class for my son? He is 9", user="c")
    assert children.intent == "class.children"


def test_a_weekday_the_centre_is_sometimes_closed_on_gets_its_closing_days_in_the_answer(say) -> None:
    wednesday = say("Can I visit the multicultural center on a Wednesday?")
    assert wednesday.intent == "consultation.desk"
    assert "1st and 3rd Wednesday" in wednesday.text.split("\n")[1], wednesday.text
    assert "intent:consultation.desk.more" not in [c.payload for c in wednesday.choices]  # shown, not behind More
    saturday = say("centro multicultural abre aos sábados?", user="pt")
    assert "quarta-feira" in saturday.text.split("\n")[1] or "quartas" in saturday.text.split("\n")[1], saturday.text
    thursday = say("Is the multicultural center open on Thursday?", user="t")
    assert "1st and 3rd" not in thursday.text  # open every Thursday: the answer as it was, More a tap away
    assert "intent:consultation.desk.more" in [c.payload for c in thursday.choices]


def test_a_date_named_with_its_weekday_says_that_day_only(say) -> None:
    reply = say("Is the multicultural center open on Wednesday 16 December?")
    assert "Closed on Wed, 16 Dec" in reply.text and "1st and 3rd Wednesday" not in reply.text, reply.text


def test_changing_to_another_company_is_a_job_change_not_moving_house(say) -> None:
    reply = say("Em muốn chuyển sang công ty khác, visa có cần làm gì không, có chỗ nào tư vấn không ạ?", user="vi")
    assert reply.intent == "consultation.legal", reply.text
    assert say("Tháng sau em chuyển sang Ota, phải làm thủ tục gì ạ?", user="m").intent == "life.moving"


def test_spanish_son_las_is_the_hour_not_a_son(say) -> None:
    """'Son las 11 de la noche' names the hour: an adult's illness gets the general line (#7119 first, Spanish),
    not the children's line, and nothing is said about 'now', which is not the hour the resident names."""
    reply = say("Son las 11 de la noche y mi esposa tiene mucha fiebre. ¿A dónde llamo? No hablo japonés", user="es")
    assert reply.intent == "consultation.medical" and reply.entry == "consultation.medical", reply.text
    assert reply.text.index("#7119") < reply.text.index("#8000")
    child = say("Son las 11 de la noche y mi hija tiene mucha fiebre. ¿A dónde llamo?", user="c")
    assert child.entry == "consultation.medical.child" and "ahora" not in child.text, child.text
