"""Medical questions as residents tell them (issue 11, ninth round): by their symptoms (a body part that hurts, a
fever, a cough, vomiting, a rash, a cold, an allergy), by "who do I call?", and by the patient's age given after the
question. Each case is phrased here, not taken from an evaluation set. The guards hold the lines the new readings must
not cross: a danger word beside a symptom stays an emergency, an age in a class question stays a class question, and
a bare age with no medical question before it is no medical question (bot/understanding/patient.py, matching._by_age,
matching._tells_the_patient; the `medical` and `call_advice` words of intents/<lang>.yaml)."""

from __future__ import annotations

import pytest

from bot.understanding.patient import ADULT_AGE, patient_age
from bot.understanding.text import fold

MEDICAL, CHILD = "consultation.medical", "consultation.medical.child"


@pytest.mark.parametrize("text", [
    "my husband has had a bad earache since this afternoon, what should we do",
    "estou com dor de garganta e tossindo muito desde ontem, o que eu faço",
    "tengo mareo y ronchas desde ayer, que hago",
    "estoy con gripa y catarro desde ayer, que hago",
    "toi bi nhuc tai voi hat hoi may ngay nay, lam sao bay gio",  # typed without tones
    "em bị viêm họng, phát ban mấy ngày nay, làm sao",
    "may pantal ako at nagsuka kagabi, ano gagawin ko",
    "我这两天胃疼，一直想吐，怎么办",
    "昨日から中耳炎っぽい、どうしたらいい？",
    "मलाई दुई दिनदेखि ढाड दुखेको छ, के गर्ने?",
    "mero kan dukhyo hijo dekhi, k garne",
    "saya biduran sama menggigil dari kemarin, gimana ya",
])
def test_symptoms_told_in_everyday_words_are_a_medical_question(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == MEDICAL and not reply.handoff


@pytest.mark.parametrize("text", [
    "minha filha não para de chorar a noite, pra onde eu ligo?",
    "mi niña llora mucho esta noche, a dónde le llamo?",
    "umiiyak ang anak ko buong gabi, san pwede tumawag",
    "मेरो छोरा रातभरि रोइरहेको छ, कसलाई फोन गरेर सोध्ने?",
    "my son keeps crying tonight, where do i call?",
    "con em khóc cả đêm, hỏi ai bây giờ",
    "孩子一直哭，打给哪里",
    "子どもがずっと泣いてる、誰に聞けばいい？",
])
def test_who_do_i_call_about_a_child_is_the_childrens_medical_line_not_the_childrens_class(bot, text) -> None:
    u = bot.read(text).understanding
    assert (u.intent, u.answer_key) == (MEDICAL, CHILD)


@pytest.mark.parametrize("first, age, key", [
    ("meu filho ta com febre e tosse, pra quem ligo?", "ele tem 5 anos", CHILD),
    ("meu marido ta com febre e tosse, pra quem ligo?", "ele tem 40 anos", MEDICAL),
    ("孩子发烧了，咳嗽，打给谁？", "3岁女孩", CHILD),
    ("con em sốt cao, ho nhiều, gọi ai", "bé gái 2 tuổi ạ, vẫn bú được", CHILD),
    ("sathi lai jwaro aayo, kaslai phone garne", "u 25 barsa ko ho, hidna sakchha", MEDICAL),
    ("my kid has a fever and a rash, who do i call?", "my daughter, 6 years", CHILD),
    ("my kid has a fever and a rash, who do i call?", "she is 17", MEDICAL),
    ("子どもが熱を出した。どこに電話すれば？", "娘です、8か月", CHILD),
    ("anak saya demam sama batuk, telepon ke mana?", "umurnya 14 tahun", CHILD),
    ("anak saya demam sama batuk, telepon ke mana?", "umurnya 15 tahun", MEDICAL),
])
def test_an_age_given_after_a_medical_question_continues_it_with_the_line_for_that_age(say, first, age, key) -> None:
    user = first + age
    assert say(first, user=user).intent == MEDICAL
    reply = say(age, user=user)
    assert reply.intent == MEDICAL and not reply.handoff
    assert ("#8000" in reply.text.split("#7119")[0]) == (key == CHILD)  # the child answer names #8000 first


@pytest.mark.parametrize("first, age, key", [
    ("my kid has a fever and a rash, who do i call?", "she is 17", MEDICAL),
    ("my kid has a fever and a rash, who do i call?", "my son, 4 years", CHILD),
    ("孩子发烧了，咳嗽，打给谁？", "十二岁", CHILD),
    ("meu filho de 16 anos ta com febre, pra quem ligo?", "", MEDICAL),  # an age beside a child word in the question
])
def test_the_age_picks_the_answer_key(bot, first, age, key) -> None:
    u = bot.read(first).understanding
    if age:
        u = bot.read(age, MEDICAL).understanding
    assert (u.intent, u.answer_key) == (MEDICAL, key)


@pytest.mark.parametrize("text", ["ele tem 5 anos", "4岁男孩", "u 22 barsa ko", "she is 17"])
def test_a_bare_age_with_no_medical_question_before_is_no_medical_question(say, text) -> None:
    assert say(text, user=text).intent != MEDICAL


@pytest.mark.parametrize("text", [
    "aula de japonês pro meu filho de 9 anos, tem aos sábados?",
    "my son is 10 years old, is there a japanese class for kids?",
    "孩子8岁，有没有给小孩的日语班",
    "anak saya 7 tahun, ada kelas bahasa jepang buat anak-anak?",
])
def test_an_age_in_a_class_question_stays_a_class_question(say, text) -> None:
    assert say(text, user=text).intent == "class.children"


def test_an_age_in_a_class_question_after_a_medical_one_is_the_class(say) -> None:
    assert say("my son has a fever, who do i call?", user="m").intent == MEDICAL
    assert say("is there a japanese class for my son? he is 9 years old", user="m").intent == "class.children"


@pytest.mark.parametrize("text", [
    "my son has a cough and now he is not breathing",
    "meu pai ta com dor de cabeça e desmaiou agora",
    "mi hijo tiene fiebre y convulsiones, no responde",
    "con em bị sốt cao và co giật",
    "孩子发烧，现在昏迷了叫不醒",
    "子どもが熱を出して、けいれんしている",
    "my wife has a headache and chest pain right now",
    "sakit kepala terus pingsan, gak sadar",
    "may lagnat siya tapi hindi na humihinga",
    "श्रीमतीको टाउको दुखेको छ र बेहोस भइन्",
])
def test_a_danger_word_beside_a_symptom_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text, age", [
    ("ele tem 5 anos", 5), ("4岁男孩", 4), ("bé trai 3 tuổi ạ", 3), ("u 22 barsa ko", 22), ("my son, 4 years", 4),
    ("息子です、4歳", 4), ("生後3ヶ月です", 0), ("mi bebé de 8 meses", 0), ("मेरो छोरा ५ वर्षको", 5), ("十二岁", 12),
    ("anak ko 10 yrs old", 10), ("5 taong gulang", 5), ("my 4-year-old", 4),
    ("39度の熱", None), ("jam 3 pagi", None), ("fiebre de 38.5", None), ("ja sao 23h", None), ("小学3年", None),
])
def test_an_age_is_a_number_with_a_word_of_years_or_months(text, age) -> None:
    assert patient_age(fold(text)) == age


def test_a_lone_number_is_an_age_only_in_a_short_reply() -> None:
    assert patient_age(fold("she is 17"), 3) == 17
    assert patient_age(fold("she is 17")) is None
    assert patient_age(fold("call 3 times, then 5 more, what is it about this"), 11) is None
    assert ADULT_AGE == 15
