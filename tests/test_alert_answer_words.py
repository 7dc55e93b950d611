"""The words the answers themselves use for an evacuation order reach the alert answer: a resident who read
"निस्कने आदेश" (Nepali) or "utos ng paglikas" (Tagalog) in the flood answer and asks with it is not handed off."""


def test_the_evacuation_order_words_of_the_answers_reach_the_alert_answer(say) -> None:
    for user, text in (("ne", "निस्कने आदेश आएको कुरा मोबाइलमा कसरी थाहा हुन्छ?"),
                       ("tl", "Paano ko malalaman sa cellphone kung may utos ng paglikas?")):
        reply = say(text, user=user)
        assert reply.intent == "life.disaster" and "いせさき情報メール" in reply.text, (user, reply.text)
