"""Grading danger told in a story (issue 11, fifth round): harm denied, an injury that is over, a landlord who came in.

Each function takes the words found in a message and drops the alarm words that the story itself excuses; every other
alarm word, and any word of danger now, keeps the emergency (a missed emergency is the worst failure). The grading
words they read (`nobody`, `entered`, `mild`, `ongoing`, `vital`, `feeling`) are lexicon.GRADING: never hidden, never a
topic.
"""

from __future__ import annotations

from .lexicon import GRADING, Entry, Find
from .text import word_count

HARM = frozenset({"hurt_me", "hits"})  # violence told in the message (a crisis with a family word, danger with `now`)
NOBODY_GAP = 1  # "no one is hitting me": at most one word between the denial and the harm it denies


def key(f: Find) -> str:
    """The concept a find names, or its kind (item, category, lang_name, area)."""
    return f.entry.key if f.entry.kind == "concept" else f.entry.kind


def gap(folded: str, a: Find, b: Find) -> int:
    """Words between two finds (0 when they touch or overlap; Japanese/Chinese: characters / 3)."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    if second.start <= first.end:
        return 0
    return word_count(folded[first.end:second.start])


def _inside(f: Find, spans: list[tuple[int, int]]) -> bool:
    return any(s <= f.start and f.end <= e for s, e in spans)


def denied_harm(folded: str, finds: list[Find]) -> list[Find]:
    """"Nobody is hitting me now, but I'm afraid they'll send me home", "không ai đánh em", "没人打我": violence denied
    by the word just before it is no violence told. The harm and the emergency words on its span are dropped; harm
    told elsewhere in the message ("nobody helps, he hits me every night") still counts."""
    nobody = [f for f in finds if key(f) == "nobody"]
    if not nobody:
        return finds
    denied = [(f.start, f.end) for f in finds
              if key(f) in HARM and any(n.start <= f.start and gap(folded, n, f) <= NOBODY_GAP for n in nobody)]
    if not denied:
        return finds
    return [f for f in finds if not (key(f) in HARM | {"emergency"} and _inside(f, denied))]


def past_injury(folded: str, finds: list[Find]) -> list[Find]:
    """An injury told as over ("fell off the bunk bed last night and hit his head; playing normally now, no
    vomiting: should I take him to the hospital?") asked about with a doctor, a doubt or a number to call is a
    question for the medical lines, not 119: it needs a word of the past (`ongoing`: yesterday, last night), every
    emergency word a mild sign (a fall, a bump, some blood) or followed closely by a word that it is over
    (`recovered`: "my finger got caught at the factory last week, already treated; is there a doctor who speaks
    English for the check-up?"), and no vital sign (not breathing, unconscious).
    An accident of last month asked about with a lawyer ("my hand was caught in a machine last month, the company
    won't pay: I need a lawyer") is legal help whatever its words, unless something is happening now."""
    present = {key(f) for f in finds}
    # (a word that it is over, "playing again now", "已经没事了", is a word of the past too)
    if not present & {"ongoing", "recovered"} or "vital" in present:
        return finds
    alarms = [f for f in finds if key(f) == "emergency"]
    if "lawyer" in present and "ongoing" in present and "now" not in present and alarms:
        return [f for f in finds if key(f) != "emergency"]
    if not present & {"medical", "call_advice", "doubt"}:
        return finds
    mild = [(f.start, f.end) for f in finds if key(f) == "mild"]
    recovered = [f for f in finds if key(f) == "recovered"]
    if not alarms or not all(_inside(f, mild) or _over_after(folded, f, recovered) for f in alarms):
        return finds
    return [f for f in finds if key(f) != "emergency"]


def _over_after(folded: str, alarm: Find, recovered: list[Find]) -> bool:
    """A word that the harm is over ("already bandaged", "udah diobati") follows the alarm word closely."""
    return any(r.start >= alarm.end and gap(folded, alarm, r) <= RECOVERED_GAP for r in recovered)


WORRY_GAP = 1  # "怕划伤收垃圾的人", "baka sumabog": the worry stands right next to what it fears


def worried_disposal(folded: str, finds: list[Find]) -> list[Find]:
    """A worry about a thing to throw away ("the old kitchen knife, I'm afraid it will cut the collectors", "can it
    catch fire in the truck?") is a garbage question: with a garbage item and a word of throwing away, no word of
    danger now, and every emergency word next to a worry (`worry`: afraid it will, might, 怕, baka), it is dropped."""
    present = {key(f) for f in finds}
    if "worry" not in present or "item" not in present or "dispose" not in present or "now" in present:
        return finds
    worries = [f for f in finds if key(f) == "worry"]
    alarms = [f for f in finds if key(f) == "emergency"]
    if not alarms or not all(any(gap(folded, w, f) <= WORRY_GAP for w in worries) for f in alarms):
        return finds
    return [f for f in finds if key(f) != "emergency"]


def entry_by_landlord(finds: list[Find]) -> list[Find]:
    """The landlord or the agent who came into the flat while the writer was out ("entered without telling me, he has
    the key") is a matter for the desk, not a break-in: with a landlord named, no word of danger now, and every
    emergency or break-in word the entering itself (`entered`)."""
    present = {key(f) for f in finds}
    if "landlord" not in present or "now" in present or "entered" not in present:
        return finds
    entered = [(f.start, f.end) for f in finds if key(f) == "entered"]
    alarms = [f for f in finds if key(f) in ("emergency", "break_in")]
    if not alarms or not all(_inside(f, entered) for f in alarms):
        return finds
    return [f for f in finds if key(f) not in ("emergency", "break_in")]


# What makes suicidal thoughts danger now: someone at an edge, pills or poison taken, a weapon, a body failing, an
# attack or any other emergency word. Without one of them, a "now" beside the thoughts tells when they are felt.
ACTS = frozenset({"edge", "overdose_now", "weapon", "vital", "acute", "emergency", "break_in", "hurt_me", "hits",
                  "threat", "help"})


def felt_now(finds: list[Find]) -> list[Find]:
    """Suicidal thoughts told with a "now" that is about the feeling ("right now I feel like I want to die", "现在只想
    结束一切", "今は消えたい気持ち") are a crisis, the help lines and an urgent ticket: with suicide words, a feeling or a
    thought told (`feeling`; a bare wish, "I want to", is not enough) and no sign of an act in progress (ACTS), the
    "now" words are dropped."""
    present = {key(f) for f in finds}
    if "self_harm" not in present or "now" not in present or "feeling" not in present or present & ACTS:
        return finds
    return [f for f in finds if key(f) != "now"]


def recovered_now(finds: list[Find]) -> list[Find]:
    """The "now" of a word that the harm is over ("tá bem agora", "he's fine now", "ahora está bien") tells the
    present state, not a danger now: it is dropped (a "now" elsewhere in the message stays). A word of hitting inside
    a mild sign ("bateu o joelho", bumped the knee) is no blow by someone."""
    spans = [(f.start, f.end) for f in finds if key(f) == "recovered"]
    bumps = [(f.start, f.end) for f in finds if key(f) == "mild"]  # "bateu o joelho": bumped, not hit by someone
    return [f for f in finds if not (key(f) == "now" and _inside(f, spans)) and not (key(f) == "hits" and _inside(f, bumps))]


RECOVERED_GAP = 6  # "cut my hand on it yesterday but it's bandaged now": the word that it is over follows the injury


def recovered_injury(folded: str, finds: list[Find]) -> list[Find]:
    """An injury or a fright already over, told before a garbage question ("cut my hand on the old knife yesterday,
    already bandaged: how do I throw the knife away?", "nadulas ako kahapon pero ok na ako, saan itatapon ang payong",
    "jari kejepit tapi udah gapapa"): with a word that it is over (`recovered`) after every emergency word, close to
    it, a garbage item or a word of throwing it away, and no vital sign, the emergency words are dropped. A word of
    danger now still counts: "I'm fine now but he is at the door with a knife" keeps its weapon and door."""
    present = {key(f) for f in finds}
    if "recovered" not in present or "vital" in present:
        return finds
    if not present & {"item", "dispose", "which_kind", "category", "garbage"}:
        return finds
    recovered = [f for f in finds if key(f) == "recovered"]
    alarms = [f for f in finds if key(f) == "emergency"]
    if not alarms or not all(_over_after(folded, a, recovered) for a in alarms):
        return finds
    return [f for f in finds if key(f) != "emergency"]


# What one asks for once an accident is over: a lawyer ("I crashed the car and the other driver wants me to pay a
# lot: is there a lawyer who speaks Portuguese?"). Insurance is not among them: "a fire, where is my insurance
# card?" may be a fire now.
AFTERMATH = frozenset({"lawyer"})


def aftermath(finds: list[Find]) -> list[Find]:
    """One emergency word beside a lawyer, with no "now" and no cry for help, tells of an accident that is over: the
    legal question is answered, not 119. Two or more emergency words ("crashed, he is
    bleeding") still make an emergency. (past_injury covers the same question told with a word of the past and
    several emergency words: "my hand was caught in a machine last month, bleeding a lot: I need a lawyer".)"""
    keys = {key(f) for f in finds}
    alarms = {(f.start, f.end) for f in finds if key(f) == "emergency"}  # one phrase, found in several languages
    if len(alarms) != 1 or not AFTERMATH & keys or {"now", "help"} & keys:
        return finds
    return [f for f in finds if key(f) != "emergency"]


def unanswered(finds: list[Find], crisis_concepts: frozenset[str]) -> list[Find]:
    """Someone who does not answer (`unanswered`: "is not answering when I call him", "電話に出ない", "não responde
    direito"). After a fall or a blow (`mild`: "fell from the ladder", "頭を打った") and no word that it is over, that
    is a sign of danger now: an emergency on the words that say it (a fall and then no answer may be a person
    unconscious). Told of someone in a crisis ("she said she wants to die, she does not answer properly") with no
    fall, no vital sign and no "now", it is the worry of the writer: the emergency words inside it are dropped and the
    crisis answers. Alone it says nothing (a phone not answered is no alarm)."""
    keys = {key(f) for f in finds}
    if "unanswered" not in keys:
        return finds
    said = [f for f in finds if key(f) == "unanswered"]
    if "mild" in keys and "recovered" not in keys and ("ongoing" not in keys or "now" in keys):
        u = said[0]
        return finds + [Find(Entry("concept", "emergency", u.entry.lang, u.entry.phrase, u.entry.words),
                             u.start, u.end, u.quality)]
    spans = [(u.start, u.end) for u in said]
    signs = {key(f) for f in finds if not _inside(f, spans)}  # "responde" inside "não responde direito" is no sign
    if keys & crisis_concepts and not signs & {"vital", "now", "mild"}:
        return [f for f in finds if not (key(f) == "emergency" and _inside(f, spans))]
    return finds


# Laughing faces: no word of the vocabulary (emoji are no tokens), read from the text itself.
LAUGH_FACES = ("😂", "🤣", "😆", "😹", "😅", "🥵", "🥶")
LAUGH_GAP = 2  # "mau mati 😂", "marisakyo 😂": the laugh right after the last words it laughs at
# The only alarm words a laugh can excuse: "I could die", "died of the cold" (never a method, a plan, a farewell).
LAUGHABLE = frozenset({"emergency", "self_harm"})
# A topic of its own beside the joke ("what time is the bus?", "how do I throw the futon away?").
NOT_A_TOPIC = frozenset({"greeting", "thanks", "ack", "now", "figure", "detail", "negation", "laugh", "strain",
                         "job", "boss", "medical", "feeling", "wish", "today_tomorrow"})


# Distress told beside the laugh ("udah ga kuat", "nobody cares about me", "i'm a burden"): the laugh excuses nothing.
DISTRESS = frozenset({"despair", "no_way_out", "burden", "not_exist", "farewell", "giveaway"})


def laughed_death(folded: str, finds: list[Find], after_crisis: bool = False) -> list[Find]:
    """"So tired today I could die 😂, what time is the last bus?", "garmi le marisakyo… jado le marisakyo 😂, purano
    futon falnu cha", "panas banget kayak mau mati wkwk, btw…": words of dying (`dying`) said of tiredness, heat or
    cold (`strain`), laughed at right after (a laughing face or `laugh`: wkwk, haha, kkkk, 哈哈, 笑), beside a question
    of another topic, are a figure of speech: the alarm words on them are dropped. Plain words are never a joke: words
    of killing oneself, a method, a plan or a farewell are no words of dying and keep the alarm, and so does a word of
    now, dying words with no strain, no laugh after them, or no other question. Other crisis words still count. A
    laugh never excuses real distress: other words of it in the message (`DISTRESS`: "ga kuat", "no one cares") or a
    crisis the turn before (`after_crisis`) keep the alarm."""
    keys = {key(f) for f in finds}
    if not {"strain", "dying"} <= keys or "now" in keys or keys & DISTRESS or after_crisis:
        return finds
    laughs = [f.start for f in finds if key(f) == "laugh"]
    laughs += [i for i, ch in enumerate(folded) if ch in LAUGH_FACES]
    dying = [(f.start, f.end) for f in finds if key(f) == "dying"]
    alarms = [f for f in finds if key(f) in LAUGHABLE]
    if not alarms or not laughs or not all(any(a.start < e and s < a.end for s, e in dying) for a in alarms):
        return finds
    last = max(a.end for a in alarms)
    if not any(at >= last and word_count(folded[last:at]) <= LAUGH_GAP for at in laughs):
        return finds
    spans = [(a.start, a.end) for a in alarms]
    if not {key(f) for f in finds if not _inside(f, spans)} - NOT_A_TOPIC - GRADING - LAUGHABLE:
        return finds
    return [f for f in finds if key(f) not in LAUGHABLE]


# The alarm words that only name who came to help ("the ambulance came", "救急車が来た", "dumating na ang pulis").
HELPERS = frozenset({"emergency", "help", "weak_alarm"})


def ended(finds: list[Find]) -> list[Find]:
    """Help that came or a person who left, told as over (`ended`: "the ambulance is here", "警察来了", "umalis na
    siya"): the ambulance or the police named inside those words is no alarm of its own. Any other word of danger
    beside them still counts ("the ambulance came but he is not breathing")."""
    spans = [(f.start, f.end) for f in finds if key(f) == "ended"]
    if not spans:
        return finds
    return [f for f in finds if not (key(f) in HELPERS and _inside(f, spans))]


def past_mild(finds: list[Find]) -> list[Find]:
    """A fall or a bump told as past ("mi hijo se cayó ayer y se golpeó la rodilla", "she fell down last week"): when
    every alarm word is the mild sign itself (`mild`) and a word of the past is there (`ongoing`), with no word of
    now, no vital sign and no cry for help, it is a health question, not 119: the emergency words on the mild sign
    are dropped, and so is a blow on it read as a beating ("se golpeó" is no one hitting the child)."""
    keys = {key(f) for f in finds}
    if "ongoing" not in keys or "mild" not in keys or keys & {"now", "vital", "help", "acute"}:
        return finds
    spans = [(f.start, f.end) for f in finds if key(f) == "mild"]
    alarms = [f for f in finds if key(f) == "emergency"]
    if not alarms or not all(_inside(f, spans) for f in alarms):
        return finds
    return [f for f in finds if not (key(f) in ("emergency", "hits") and _inside(f, spans))]
