"""Normalisation: what residents type becomes comparable, and nothing invisible survives."""

from bot.understanding.text import clean, fold, tokens, word_count


def test_clean_removes_zero_width_bidi_and_control_characters() -> None:
    assert clean("ab\u200bc\u202edef\u0007 \x00g") == "abcdef g"
    assert clean("line\nbreak\ttab") == "line break tab"


def test_fold_handles_width_case_and_kana() -> None:
    assert fold("ﾍﾟｯﾄﾎﾞﾄﾙ") == fold("ペットボトル") == fold("ぺっとぼとる")
    assert fold("ＡＢＣ") == "abc"


def test_fold_drops_latin_accents_and_vietnamese_tones_only() -> None:
    assert fold("Khi nào đổ rác?") == fold("khi nao do rac?")
    assert fold("Português") == "portugues"
    # Devanagari keeps its vowel signs and virama: they change the word.
    assert fold("फाल्ने") == "फाल्ने"
    assert fold("ไม่") == "ไม่"


def test_tokens_and_word_count() -> None:
    assert [t.text for t in tokens(fold("Call #7119, now!"))] == ["call", "#7119", "now"]
    assert word_count(fold("where do I throw batteries")) == 5
    assert 2 <= word_count(fold("粗大ごみの出し方")) <= 4


def test_kanji_only_japanese_and_shared_kanji_follow_the_writer(say) -> None:
    assert say("蛍光灯", user="k1").reply_language == "ja"  # 蛍 is written only in Japanese
    say("ごみの日はいつですか", user="k2")
    assert say("避難所", user="k2").reply_language == "ja"  # characters both write: the writer's language
    say("垃圾什么时候收", user="k3")
    assert say("避難所", user="k3").reply_language == "zh"


def test_romaji_romanised_nepali_and_toneless_vietnamese_are_told_apart(bot) -> None:
    from bot.understanding import language
    cases = {"reizouko wa dou yatte sutemasu ka": "ja", "furui kasa wa nan no gomi desu ka": "ja",
             "yo purano tv kun din faalne ho": "ne", "khong biet vut rac o dau": "vi",
             "saan po pwede magtapon ng lumang electric fan": "tl", "onde jogo o lixo de vidro": "pt"}
    for text, lang in cases.items():
        assert language.detect(text, bot.lexicon).lang == lang, text


def test_a_sentence_keeps_its_language_around_borrowed_names_quoted_labels_and_abbreviations(bot) -> None:
    from bot.understanding import language
    cases = {
        # a proper noun every file knows ("hello work") is no evidence of English; "tô" (folded "to") is Portuguese
        "tô precisando de emprego, a hello work ajuda estrangeiro?": "pt",
        # a label copied from the packet (プラ) inside a Latin-script sentence: the sentence's language
        "yung bote ng toyo may プラ mark po ba, saan itatapon": "tl",
        "mero ghar ma プラ mark bhayeko bag chha, kun din falne ho": "ne",
        # letters with no vowel (tv, cd, pc) are abbreviations: the romaji around them still decides
        "furui tv to pc ga arimasu, nan gomi": "ja",
    }
    for text, lang in cases.items():
        assert language.detect(text, bot.lexicon).lang == lang, text
    # Japanese grammar around katakana is Japanese, however many Latin words it quotes
    assert language.detect("この TV と PC の case は プラですか", bot.lexicon).lang == "ja"


def test_text_quoted_from_a_translation_app_or_a_sign_does_not_decide_the_language(bot, say) -> None:
    from bot.understanding import language
    cases = {
        'sabi ng translator: "How do I throw away a broken rice cooker" , paano po itapon yun': "tl",
        "app dịch ra thế này 「古いストーブはどう捨てますか」 nhưng em không hiểu ạ": "vi",
        "手机翻译成：「粗大ごみの申し込みはどこですか」 请问在哪里申请": "zh",
        "o tradutor mostrou “Please separate the cans and bottles” , o que significa isso?": "pt",
    }
    for text, lang in cases.items():
        assert language.detect(text, bot.lexicon).lang == lang, text
    # a quote with too little around it still decides, and a whole message in quotes is read as it is
    assert language.detect('"Where is the city hall"', bot.lexicon).lang == "en"
    assert language.detect("「燃えるごみ」って英語で何?", bot.lexicon).lang == "ja"
    assert say('nakita ko sa google translate: "Which day is burnable garbage in Sakai" , kailan po',
               user="q1").reply_language == "tl"


def test_a_courtesy_in_latin_letters_keeps_the_conversation_language(say) -> None:
    assert say("kasari sodai gomi falne, kun din ho?", user="n1").reply_language == "ne"
    assert say("ok thank you", user="n1").reply_language == "ne"
    assert say("hi", user="n2").reply_language == "en"  # nothing known yet: English
    assert say("obrigado pela ajuda", user="n1").reply_language == "pt"  # a sentence in another language still switches


def test_japanese_words_inside_another_languages_sentence_keep_that_language(bot) -> None:
    from bot.understanding import language
    cases = {
        "もえるごみ の ひ di Hirose hari apa ya kak?": "id",  # Indonesian around Japanese words in kana
        "sodai gomi ko lagi シール kaha kinne ho?": "ne",
        "plastic bottle kun din falne ho": "ne",
        "fridge purano bhayo": "ne",  # English nouns in a romanised Nepali sentence
    }
    for text, lang in cases.items():
        assert language.detect(text, bot.lexicon).lang == lang, text
    # English words around Japanese grammar stay Japanese, and English words alone stay English
    assert language.detect("スマホの battery は なにごみ ですか", bot.lexicon).lang == "ja"
    assert language.detect("old fridge pickup", bot.lexicon).lang == "en"


def test_english_courtesies_written_in_devanagari_are_thanks(say) -> None:
    reply = say("थैंक्यू", user="dv")
    assert reply.intent == "greeting" and reply.language == "ne"
