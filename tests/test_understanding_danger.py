"""Grading danger (issue 11, fourth round): a doubt about the ambulance with only mild or denied signs is advice, not an
emergency; harm told as ongoing or past is a crisis unless danger is happening now; a thing to throw away whose fire
is out is garbage; figures of speech raise no alarm. Each case is phrased here, not taken from an evaluation set; the
cases of a new reading failed before the change, and the guards (danger next to a doubt, harm with danger now, a past
rape) hold the line it must not cross (bot/understanding/matching.py: _doubt_over_ambulance, _ongoing_over_alarm,
_danger_over, _longer_over_crossing; the grading words in intents/safety/<lang>.yaml)."""

from __future__ import annotations

import pytest

from bot.understanding.lexicon import GRADING
from bot.understanding.matching import NEUTRAL


@pytest.mark.parametrize("text", [
    "my daughter hit her head on the door, she's playing again, no vomiting. not sure if this needs an ambulance",
    "mi papá tiene fiebre y tos desde ayer, hay un poco de sangre en la nariz, no sé si llamar una ambulancia o esperar",
    "子どもが頭を打ったけど元気に遊んでいます。救急車を呼ぶか分からない",
])
def test_a_doubt_about_the_ambulance_with_mild_signs_is_advice(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "consultation.medical" and not reply.handoff


@pytest.mark.parametrize("text", [
    "my father is not breathing, not sure if we need an ambulance",  # the "not" of "not sure" denies nothing
    "my son hit his head and there is a lot of blood, not sure if i should call an ambulance",
    "no sé si llamar a la ambulancia, mi hijo está inconsciente",
    "子どもが頭を打って意識がない。救急車を呼ぶべきか分からない",
    "not sure if he's breathing, should we call an ambulance?",  # a vital sign named with the doubt
    "he fell from the ladder and can't move his legs, not sure we need an ambulance",
    "my mother has chest pain right now, should i call an ambulance or wait?",
    "不知道要不要叫救护车，我爸爸晕倒了没有呼吸",
    "gak tau perlu panggil ambulans, suami pingsan gak sadar",
])
def test_a_doubt_next_to_a_sign_of_danger_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "前夫每天晚上都在我家楼下等我，已经两个星期了，我很害怕",  # for weeks, scared: ongoing stalking
    "老公喝醉就打我，我想报警",  # whenever he is drunk; thinking of the police
    "I was raped at a party last month and I never told anyone",
])
def test_harm_told_as_ongoing_or_past_is_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", [
    "my husband hits me every day and now he has a knife",
    "他每天打我，现在他拿着刀在门口",
    "my husband hits me every day, now I am bleeding a lot",
    "stalker waiting outside my house every night, he is there now",
])
def test_ongoing_harm_with_danger_now_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


def test_a_fire_already_out_is_a_garbage_question_but_a_fire_now_is_not(say) -> None:
    over = say("the fire in the frying pan is already out. how do I throw away the burnt pan?", user="pan")
    assert over.intent == "garbage.sorting"
    assert say("the battery is on fire now, how do I throw it away", user="fire").intent == "emergency"
    smoke = ("the pan fire is out but the kitchen is still full of smoke and my son can't breathe, "
             "how do I throw away the pan")
    assert say(smoke, user="smoke").intent == "emergency"


@pytest.mark.parametrize("text", ["ngantuk bgt mau mati, kapan hari sampah plastik?",
                                  "gerah bgt mau mati, besok buang sampah apa?"])
def test_exaggeration_built_like_a_figure_of_speech_is_no_alarm(say, text) -> None:
    assert say(text, user=text).intent == "garbage.schedule"


def test_a_reading_that_crosses_a_much_longer_one_yields(say) -> None:
    # "còn bảo hiểm" without tones begins like "cơn bão" (a storm); national health insurance explains more of it
    assert say("còn bảo hiểm y tế thì sao", user="vi-ins").intent == "life.health_insurance"


def test_a_fee_or_booking_question_after_an_oversized_item_continues_the_oversized_procedure(say) -> None:
    first = say("how do I throw away an old wardrobe?", user="wardrobe")
    assert first.intent == "garbage.sorting" and first.category == "oversized"
    assert say("予約とかお金いる?", user="wardrobe").intent == "garbage.oversized"


def test_grading_words_are_never_a_topic_of_their_own() -> None:
    assert GRADING <= NEUTRAL


@pytest.mark.parametrize(("text", "intent"), [
    ("my dad is on the kitchen floor and he is not moving", "emergency"),  # not moving house
    ("someone is trying to open my car right now in the parking lot", "emergency"),
    ("shachou ga pasupooto wo kaeshite kuremasen", "crisis"),  # romaji, the polite "won't give it back"
    ("the neighbours complained again. how do I throw away a frying pan?", "garbage.sorting"),
])
def test_words_around_the_topic_decide(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize(("text", "category"), [
    ("an old rubber yoga mat, rolled up it fits in the burnable bag", "burnable"),  # fits: by its material
    ("como jogo fora um ventilador grande? tem mais de um metro", "oversized"),  # over a metre: not for the bag
    ("how do I get rid of an empty formula can, it is steel", "cans"),
])
def test_size_and_material_decide_the_category(say, text, category) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and reply.category == category


def test_a_short_follow_up_asking_for_the_number_continues_the_topic(say) -> None:
    first = say("is there someone at the consultation desk who speaks Nepali?", user="desk-number")
    assert first.intent == "consultation.desk"
    assert say("what is the phone number?", user="desk-number").intent == "consultation.desk"


@pytest.mark.parametrize("first, then, intent", [
    ("is there a japanese class for adults?", "and where is it?", "class.japanese"),
    ("tem balcão de consulta pra estrangeiro?", "e onde fica? qual o endereço", "consultation.desk"),
    ("có lớp tiếng Nhật cho người lớn không", "ở đâu vậy ạ", "class.japanese"),
    ("外国人の相談窓口はありますか", "場所はどこですか", "consultation.desk"),
    ("¿hay clases de japonés para niños?", "¿y dónde queda?", "class.children"),
])
def test_a_short_follow_up_asking_where_continues_the_topic(say, first, then, intent) -> None:
    assert say(first, user=first).intent == intent
    follow = say(then, user=first)
    assert follow.intent == intent and not follow.handoff


# Fifth round (issue 11): violence denied, an injury that is over, a landlord who came in, a word misread as a threat.
# Phrased here; each failed before bot/understanding/grading.py and its grading words.
@pytest.mark.parametrize("text", [
    "mero logne le malai dherai choti kuteko cha, hijo pani",  # romanised Nepali: has beaten me many times
    "nobody is hitting me right now, but I am scared my company will send me home",
    "bây giờ không ai đánh em nữa, nhưng công ty dọa đuổi em về nước",
    "my boss sends me creepy messages every night and tells me to come to his place",
])
def test_harm_denied_or_told_as_past_is_a_crisis_not_danger_now(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", [
    "he is hitting me now",
    "nobody helps me, he is hitting me now",  # the denial is not next to the harm
    "श्रीमानले अहिले कुट्दैछ",
    "chồng em đang đánh em",
])
def test_violence_happening_now_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "my son fell off the bed yesterday and hit his head, he is fine now. should I take him to the hospital?",
    "minha filha caiu da cama ontem à noite e bateu a cabeça, hoje está bem. qual hospital procuro?",
    "my wife has a sore throat since yesterday, should we call an ambulance or not?",  # 'throat' is no typo of 'threat'
])
def test_an_injury_that_is_over_is_a_question_for_the_medical_lines(say, text) -> None:
    assert say(text, user=text).intent == "consultation.medical"


@pytest.mark.parametrize("text", [
    "my son fell off the bed yesterday and now he is not breathing, should I call the hospital?",
    "mi hijo se cayó ayer de la escalera y ahora está inconsciente, no sé a qué hospital llamar",
])
def test_a_past_fall_with_a_vital_sign_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


def test_a_landlord_who_came_in_while_one_was_out_is_for_the_desk_but_an_intruder_now_is_not(say) -> None:
    for text in ("a imobiliária entrou na minha casa pra consertar o chuveiro sem me avisar",
                 "pumasok sa bahay namin yung landlord habang wala kami"):
        landlord = say(text, user=text)
        assert landlord.intent == "unknown" and landlord.handoff
    assert say("alguém entrou na minha casa agora, estou escondida", user="in").intent == "emergency"


@pytest.mark.parametrize("text", [
    "my mother has chest pain and is sweating, it started ten minutes ago",
    "lolo ko hindi makapagsalita ng maayos at ngiwi ang mukha",
    "爸爸突然说话不清，嘴歪了",
    "ang apoy sa kusina lumalaki na",
    "有人在踹门，我一个人在家",
    "しらない人が まどから 入ろうとしています",
])
def test_signs_of_sudden_illness_and_danger_told_plainly_are_emergencies(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize(("text", "intent"), [
    ("chest pain on and off since last week, which clinic should I go to?", "consultation.medical"),
    ("the baby has a fever of 38 since this evening but drinks milk, should I call an ambulance or wait?",
     "consultation.medical"),  # a doubt about the ambulance with no sign of danger at all
    ("con sốt cao nhưng không co giật, có nên gọi cấp cứu không?", "consultation.medical"),  # a sign denied
    ("bulan lalu kaki saya terjepit mesin di pabrik, perusahaan tidak mau bayar, saya perlu pengacara",
     "consultation.legal"),
    ("旧剪刀怎么扔?怕划伤收垃圾的人", "garbage.sorting"),  # a worry about a thing to throw away
    ("yung lumang kutsilyo, paano itapon? baka masugatan yung nangongolekta", "garbage.sorting"),
])
def test_worries_and_past_events_are_not_emergencies(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("walang kamag-anak dito, sinasaktan ako ng asawa ko gabi-gabi", "crisis"),  # "dito" (here) is no "now"
    ("mero logne le raksi khayera kutchha, ma ke garu", "crisis"),  # 'khayera' is no typo of an emergency word
])
def test_ordinary_words_are_not_read_as_danger_now(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


# Sixth round: suicidal thoughts whose "now" is the feeling, a stalker told over time, "safe now" (a crisis: the
# help lines and the desk ticket, not 119 without a ticket). Phrased here, not taken from an evaluation set.
@pytest.mark.parametrize("text", [
    "right now I feel like I want to die, nothing is happening, I'm just so tired of everything",
    "我觉得我消失了大家都会轻松，现在只想结束一切",
    "消えたほうがいいと今思ってる。もう疲れた",
    "もう何もかも終わりにしたい。私がいなくなったほうが家族は楽だと思う",
    "aba bachera ke garne jasto lagcha, sabai sakau jasto lagcha ahile",
    "có một người đàn ông ngày nào cũng đợi em trước công ty và đi theo em về tận nhà",
    "那个男的每天在公司门口等我，上周还跟到我家楼下",
    "yes my sister is safe now at my place, her husband doesnt know where I live",
])
def test_thoughts_felt_now_and_a_stalker_over_time_are_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", [
    "I want to kill myself, I'm on the roof now",
    "I took all my pills now I want to die",
    "I feel like dying, he is hitting me right now",
    "he has followed me for weeks and he is at my door right now",
])
def test_suicide_words_with_an_act_now_stay_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


def test_safe_now_after_a_crisis_continues_it(say) -> None:
    say("有个男人每天跟着我回家，我很害怕", user="safe-zh")
    reply = say("现在安全 在家里锁着门", user="safe-zh")
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", [
    "jindagi nai bekar lagcha, jiwan ko ke artha",  # romanised Nepali
    "bachnu ko kunai matlab chaina, sabai sakiyo jasto lagcha",
    "mou dame, inaku naritai",  # romaji
    "zuijin bu xiang huo le",  # pinyin
])
def test_a_romanised_crisis_without_keywords(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", [
    "tem um cara me seguindo faz duas semanas, sempre no mesmo lugar quando saio da fábrica",
    "上个月他在宿舍对我做了那种事，现在每天还得跟他一起上班",
])
def test_harm_told_over_time_with_a_habitual_now_is_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", [
    "tem um cara me seguindo agora, estou com medo",
    "tem um homem me seguindo faz 2 semanas e agora ele está na minha porta",
])
def test_a_stalker_now_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "he is at my house now and he has a knife",
    "ele está na minha casa agora com uma faca",
    "他现在在我家，拿着刀",
    "my husband is at my place now, he is drunk and hitting me",
])
def test_someone_at_home_now_is_no_safe_now(say, text) -> None:
    # "safe now" hides its own "now" only: a person who is at the writer's home now with harm is danger now
    assert say(text, user=text).intent == "emergency"


# -- the sixth round, after reading final7's failures (phrased here) -------------------------------------------------
@pytest.mark.parametrize("text", [
    "sliced my thumb on the old can lid last night, already bandaged, which garbage is the lid?",
    "kahapon nasugatan ako ng lumang gunting pero okay na ako, saan itatapon ang gunting?",
    "kemarin kaki kejatuhan setrika tapi udah sembuh, setrika rusak buangnya gimana",
    "昨日 割れたコップで 指を 切ったけど もう大丈夫。割れたコップは 何ごみ？",
    "ontem cortei o dedo na faca velha mas já sarou, como jogo a faca fora?",
])
def test_an_injury_already_over_before_a_garbage_question_is_the_garbage_question(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and not reply.handoff


@pytest.mark.parametrize("text", [
    "I'm fine now but my husband is bleeding a lot, where do I throw the knife",  # someone else's injury, now
    "my son fell from the bed and is not breathing, i'm ok now, where is the knife",  # a vital sign
    "already bandaged my hand but the kitchen is on fire now, what do I do with the pan",  # danger now
])
def test_an_injury_over_does_not_hide_danger_now(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "someone keeps turning my door handle and I am alone",
    "ada orang asing masuk ke rumah lewat jendela",
    "कोही मान्छे ढोका फोर्दै छ",
])
def test_someone_getting_in_now_is_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize(("text", "intent"), [
    ("are the tea bags the burning garbage or the non-burning garbage?", "garbage.sorting"),  # 燃えるごみ translated
    ("orang asing masuk ke grup chat kami, cara keluarnya gimana", "unknown"),  # a stranger in a chat group: no alarm
    ("bonus bata kati katchha, tax?", "unknown"),  # Nepali "is deducted" is no "hits"
])
def test_words_that_sound_like_danger_are_not(say, text: str, intent: str) -> None:
    reply = say(text, user=text)
    assert reply.intent not in ("emergency", "crisis"), text


def test_a_passport_the_company_will_not_return_is_a_crisis(say) -> None:
    reply = say("会社が わたしの パスポートを 持っています。返却してくれません。", user="pp")
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", ["my little girl bumped her head on the shelf", "むすこが 頭を ぶつけました"])
def test_a_child_who_bumped_their_head_gets_the_childrens_line_not_the_class(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "consultation.medical" and "#8000" in reply.text  # a bump alone: the nurses' line


def test_a_bump_with_a_sign_of_danger_is_an_emergency(say) -> None:
    reply = say("my son bumped his head and now he is not waking up", user="bd")
    assert reply.intent == "emergency"


def test_a_head_bump_with_a_doubt_and_mild_signs_is_the_childrens_line(say) -> None:
    reply = say("娘が 頭を ぶつけたけど 元気に 遊んでいます。救急車を 呼ぶか わからない", user="hb")
    assert reply.intent == "consultation.medical" and "#8000" in reply.text


@pytest.mark.parametrize("text", [
    "my brother keeps saying he wants to end his life, he gave away his things",
    "my friend told me she will kill herself after work tonight",
    "minha colega disse que vai se matar amanhã depois do serviço",
    "bạn cùng phòng em nói là sẽ tự tử",
    "mi compañera de cuarto dice que se va a quitar la vida mañana",
])
def test_someone_elses_suicide_talk_or_plan_for_later_is_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", ["minha colega vai se matar agora, está em cima do prédio",
                                  "bạn em đang tự tử ngay bây giờ"])
def test_suicide_talk_with_an_act_now_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "my boyfriend said he will kill me if i leave him",
    "ang kinakasama ko, papatayin raw niya ako kapag iniwan ko siya",
])
def test_a_partners_threat_to_kill_is_a_crisis_even_where_a_figure_of_speech_overlaps(say, text) -> None:
    assert say(text, user=text).intent == "crisis"


def test_a_figure_of_speech_still_hides_the_words_it_covers(say) -> None:
    assert say("my mom will kill me if i come home late lol", user="fig").intent not in ("emergency", "crisis")


def test_turns_after_a_third_persons_crisis_stay_in_the_crisis(say) -> None:
    assert say("my coworker says he wants to end his life", user="c3").intent == "crisis"
    reply = say("he is with me now, he is calm", user="c3")
    assert reply.intent == "crisis" and reply.handoff


def test_someone_forcing_the_door_now_is_an_emergency(say) -> None:
    assert say("ada yang mau buka paksa pintu rumah saya sekarang", user="bp").intent == "emergency"


@pytest.mark.parametrize("text", [
    "minha filha caiu semana passada, já está bem, queria um médico que fale português",
    "kemarin tangan saya kejepit pintu, sudah diobati, mau ke dokter yang bisa bahasa inggris",
])
def test_an_injury_treated_or_over_asked_about_a_doctor_is_for_the_medical_lines(say, text) -> None:
    assert say(text, user=text).intent == "consultation.medical"


def test_an_injury_with_bleeding_now_stays_an_emergency(say) -> None:
    assert say("tangan saya kejepit mesin, darahnya banyak sekali sekarang", user="kj").intent == "emergency"


def test_asking_in_kana_whether_to_call_an_ambulance_is_medical_but_calling_one_is_an_emergency(say) -> None:
    assert say("むすめ 39ど。きゅうきゅうしゃ よぶ?", user="k1").intent == "consultation.medical"
    assert say("39度あります。救急車呼びますか", user="k3").intent == "consultation.medical"
    assert say("きゅうきゅうしゃ よんで!", user="k2").intent == "emergency"


def test_dying_of_the_cold_before_a_garbage_question_is_the_garbage_question(say) -> None:
    reply = say("sobrang ginaw mamamatay na ako, saan itatapon ang sirang electric fan", user="cold")
    assert reply.intent == "garbage.sorting"


@pytest.mark.parametrize("text", [
    "my dad fell from the scaffolding at work, he is not answering when I call him",  # a fall is a mild sign alone
    "同僚が 脚立から落ちて、呼んでも返事がない",
])
def test_a_fall_and_then_no_answer_is_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


def test_the_internet_going_down_and_no_answer_is_no_fall(say) -> None:
    # pt "caiu" alone is the internet, the signal, a salary paid in, as often as a person: no mild sign of a fall
    reply = say("Caiu a internet e a prefeitura não atende o telefone", user="net")
    assert reply.intent not in ("emergency", "crisis")


@pytest.mark.parametrize(("text", "intent"), [
    ("my friend is not answering my messages today, is the desk open?", "consultation.desk"),  # messages unanswered
    ("meu irmão disse que quer sumir, que ninguém liga pra ele, e não responde direito", "crisis"),
])
def test_someone_not_answering_with_no_fall_is_no_emergency(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("so tired after the night shift I want to die lol, what time is the community bus?", "life.bus"),
    ("pagod na pagod ako, gusto ko nang mamatay haha, anong oras ang bus?", "life.bus"),
    ("mệt quá muốn chết luôn 😂 xe buýt cộng đồng mấy giờ chạy?", "life.bus"),
    ("gerah banget pengen mati wkwk, kasur lama buangnya gimana?", "garbage.sorting"),
])
def test_dying_of_tiredness_or_heat_laughed_at_beside_another_question_is_a_figure(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize("text", [
    "so tired, I want to kill myself lol, what time is the bus?",  # words of killing oneself are never a joke
    "I want to die 😂",  # no strain, no other question
    "so tired I want to die, what time is the bus?",  # no laugh
])
def test_plain_words_of_dying_stay_an_alarm_with_a_laugh(say, text) -> None:
    assert say(text, user=text).intent in ("crisis", "emergency")


# Seventh round, after reading final8 (issue 11): the police named in a question about a loss, a fire already out.
@pytest.mark.parametrize("text", [
    "perdí el celular en el autobús, ¿tengo que avisar a la policía?",
    "esqueci minha carteira no trem ontem, preciso ir na polícia?",
    "naiwan ko ang bag ko sa tren, pupunta ba ako sa pulis?",
    "hp saya hilang di stasiun, perlu lapor polisi?",
    "bus ma mero purse haraayo, police ma jane ho?",
])
def test_asking_whether_to_go_to_the_police_about_a_loss_is_no_emergency(say, text) -> None:
    assert say(text, user=text).intent != "emergency"


@pytest.mark.parametrize("text", ["policía!!", "pulis!", "polisi", "POLÍCIA",
                                  "chame a polícia, tem um ladrão em casa"])
def test_a_bare_cry_for_the_police_is_still_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "anoche hicimos asado, el fuego ya se apagó. ¿a dónde van las bandejas de aluminio?",
    "nag-ihaw kami, patay na apoy. saan itatapon ang mga bote ng toyo na salamin?",
    "hijo aago balyo, aba nibhisakyo. kath ko chopstick kun fohor ma falne?",
])
def test_a_barbecue_fire_already_out_before_a_garbage_question_is_the_garbage_question(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent.startswith("garbage."), reply.text


def test_a_fire_burning_now_beside_a_garbage_word_stays_an_emergency(say) -> None:
    assert say("the grill fire spread to the garbage bag now, it is burning", user="gf").intent == "emergency"


@pytest.mark.parametrize("text", [
    "ouvi a vizinha apanhando do marido de novo ontem à noite",  # being beaten, heard: violence at home
    "公司的组长经常摸我，我很害怕",  # touched by a team leader: sexual harassment
    "lagi may lalaki na nag-aabang sa labas ng bahay namin gabi gabi, hindi ko kilala",
    "ek jana manche 2 hapta dekhi mero pachhi pachhi aauchha",
    "mandor saya sering memukul saya kalau terlambat, sudah dua bulan",
])
def test_ongoing_violence_harassment_or_being_followed_is_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff, reply.text


def test_someone_breaking_into_a_car_now_is_an_emergency(say) -> None:
    assert say("tem alguém arrombando o carro do meu marido agora na frente de casa", user="car").intent == "emergency"


def test_frying_is_no_typo_of_a_fracture(say) -> None:
    # pt "fritura" (frying) was read as "fratura" (a fracture, an emergency word) one letter away
    assert say("faço muita fritura em casa, onde jogo o óleo usado?", user="fr").intent == "garbage.sorting"
    assert say("acho que é fratura, o braço dele tá torto", user="fx").intent == "emergency"


def test_a_strong_chest_pain_told_in_nepali_is_an_emergency(say) -> None:
    assert say("बुबालाई अहिले छाती धेरै दुख्यो, के गर्ने?", user="ch").intent == "emergency"
