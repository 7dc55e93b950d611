"""From the words found in a message to one intent, a garbage item and an answer key.

The rules of intents/rules.yaml combine concepts into intents; the highest priority whose conditions hold wins.
When no rule holds, the message is compared with the example messages of every language (rapidfuzz, on keys folded
once at load time, CJK text as character bigrams); a close example answers, a fair one makes the bot ask back with
up to three choices, and nothing close hands the message to the desk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from .grading import (
    aftermath,
    denied_harm,
    ended,
    entry_by_landlord,
    felt_now,
    laughed_death,
    past_injury,
    past_mild,
    recovered_injury,
    recovered_now,
    unanswered,
    worried_disposal,
)
from .grading import gap as _gap
from .grading import key as _key
from .lexicon import GRADING, Entry, Find, Lexicon
from .material import denied_area, denied_things, material_modifiers, measured_size, said_outside
from .patient import ADULT_AGE, patient_age
from .text import fold, has_cjk, tokens, word_count

PSEUDO = {"item", "category", "lang_name", "area"}
# Concepts that never make a message "about something else": courtesy, "right now", a figure of speech, a detail
# asked ("what to bring"), how dirty a thing is, a train station named as a landmark ("I live near Sakai station"),
# the writer saying whose child they are ("I'm her daughter").
# The words that grade danger (lexicon.GRADING) are no topic of their own either.
NEUTRAL = frozenset({"greeting", "thanks", "now", "figure", "detail", "dirty", "rail_station", "writer_child",
                     "safe", "for_someone", "no_japanese", "and_about", "short_stay", "year_end", "unwanted",
                     "broken"}) | GRADING
# Concepts that are no evidence for any intent on their own: "where can I buy ..." is about bags only with a bag;
# "where is it?" (place) continues the topic just answered, but beside a town it does not make the town's days.
NO_EVIDENCE = NEUTRAL | {"buy", "place"}
EXAMPLE_ANSWER = 85.0  # example similarity that answers
EXAMPLE_ASK = 72.0  # example similarity that asks back
FOLLOW_UP_WORDS = 5  # a message this short that partly fits the previous topic continues it
TIMING_FOLLOW_UP_WORDS = 10  # after the calendar, a message this short whose only evidence is a word of when
NOT_GUESSED = frozenset({"emergency", "crisis", "unknown", "privacy.delete", "announcements", "human",
                         "language.change"})
# Intents never offered as a second question of a message (Matcher._second_topic): those never guessed, courtesy
# and the reminder commands.
NOT_SECOND = NOT_GUESSED | {"greeting", "reminders"}

@dataclass(frozen=True)
class Rule:
    """One line of rules.yaml."""

    intent: str
    all: tuple[frozenset[str], ...]
    any: frozenset[str]
    none: frozenset[str]
    priority: int
    alone: bool = False
    max_other_words: int = 0
    max_words: int | None = None
    answer: tuple[tuple[str, str], ...] = ()
    allow: frozenset[str] = frozenset()

    def concepts(self) -> set[str]:
        """Every concept the rule names positively."""
        return set().union(*self.all, self.any)

    def holds(self, present: set[str], other_words: int, words: int) -> bool:
        """Whether the rule's conditions hold for the concepts present in a message."""
        if any(not (group & present) for group in self.all):
            return False
        if self.any and not (self.any & present):
            return False
        if self.none & present:
            return False
        if self.max_words is not None and words > self.max_words:
            return False
        if self.alone and (present - self.concepts() - self.allow - NEUTRAL or other_words > self.max_other_words):
            return False
        return True


@dataclass(frozen=True)
class Option:
    """A choice offered back to the resident: a label key and the payload sent when it is chosen."""

    kind: str  # "intent" or "item"
    key: str

    @property
    def payload(self) -> str:
        return f"{self.kind}:{self.key}"


@dataclass
class Understanding:
    """What the bot made of one message."""

    intent: str
    confidence: float
    answer_key: str
    item: str | None = None
    category: str | None = None
    concepts: set[str] = field(default_factory=set)
    languages_named: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    method: str = "rule"
    area: str | None = None  # a town named in the message
    also: str | None = None  # a second question of another topic in the same message (offered as a button)


# Things of a vehicle, and the word a vehicle part shares with a household thing: a battery named beside the car or
# its tyres is the car battery.
VEHICLE = frozenset({"tyres", "motorbike-piano", "car-battery"})
VEHICLE_PARTS = {"dry-battery": "car-battery", "rechargeable-battery": "car-battery"}
VEHICLE_ITSELF = "motorbike-piano"
# A category whose item answer says more than its collection day, and the asks that want that answer: the oversized
# day with its fee and booking asked.
ASKS_ITS_WAY = {"oversized": frozenset({"fee", "detail"})}


def vehicle_parts(finds: list[Find]) -> list[Find]:
    """"Changed the car's tyres and the battery, can I leave them at the station?": a battery named beside a vehicle
    or its tyres is the car battery (the shop of purchase takes it back), not a dry cell for the batteries
    container."""
    if not any(f.entry.kind == "item" and f.entry.key in VEHICLE for f in finds):
        return finds
    finds = [replace(f, entry=replace(f.entry, key=VEHICLE_PARTS[f.entry.key]))
             if f.entry.kind == "item" and f.entry.key in VEHICLE_PARTS else f for f in finds]
    if any(f.entry.kind == "item" and f.entry.key in VEHICLE - {VEHICLE_ITSELF} for f in finds):
        # "the car's tyres": the car says whose tyres they are, it is not thrown away itself
        finds = [f for f in finds if not (f.entry.kind == "item" and f.entry.key == VEHICLE_ITSELF)]
    return finds


def _group(value: Any) -> frozenset[str]:
    return frozenset(value) if isinstance(value, list) else frozenset([value])


def load_rules(path: Path) -> list[Rule]:
    """Read rules.yaml."""
    rules = []
    for raw in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["rules"]:
        rules.append(Rule(
            intent=raw["intent"], all=tuple(_group(v) for v in raw.get("all", [])),
            any=frozenset(raw.get("any", [])), none=frozenset(raw.get("none", [])), priority=int(raw["priority"]),
            alone=bool(raw.get("alone", False)), max_other_words=int(raw.get("max_other_words", 0)),
            max_words=raw.get("max_words"), answer=tuple((raw.get("answer") or {}).items()),
            allow=frozenset(raw.get("allow", []))))
    return rules


def example_key(text: str) -> str:
    """Folded text; scripts without spaces become character bigrams so word-based scorers work on them."""
    s = " ".join(t.text for t in tokens(fold(text)))
    if not has_cjk(s):
        return s
    s = s.replace(" ", "")
    return " ".join(s[i:i + 2] for i in range(max(1, len(s) - 1)))


class Matcher:
    """Rules, items and examples, ready to understand messages."""

    def __init__(self, lexicon: Lexicon, rules: list[Rule], item_categories: dict[str, str]) -> None:
        self.lexicon = lexicon
        self.rules = sorted(rules, key=lambda r: -r.priority)
        self.item_categories = item_categories
        # The concepts that make a message a crisis, as rules.yaml says (one list, in the data).
        # The grading words (how long, a wish, a farewell) only weigh the others: they are no alarm of their own.
        self.crisis_concepts = frozenset().union(*(r.concepts() for r in rules if r.intent == "crisis")) - GRADING
        self._alarm_rules = [r for r in rules if r.intent in ("emergency", "crisis")]
        self._example_keys: list[str] = []
        self._example_intents: list[str] = []
        self._approved: dict[str, tuple[str, str]] = {}  # a phrasing staff approved -> (intent, answer key)
        for info in lexicon.files.values():
            for intent, texts in info.examples.items():
                for text in texts:
                    self.add_example(intent, text)

    def add_example(self, intent: str, text: str) -> None:
        """Teach the matcher one more example message (approved desk suggestions use this)."""
        key = example_key(text)
        if key:
            self._example_keys.append(key)
            self._example_intents.append(intent)

    def approve(self, intent: str, text: str, answer_key: str | None = None) -> None:
        """An approved desk suggestion: this exact phrasing (normalised) gets this answer, before any rule."""
        key = example_key(text)
        if key:
            self._approved[key] = (intent, answer_key or intent)

    def _second_topic(self, won: Rule, present: set[str], other: int, words: int) -> str | None:
        """A second question in the same message ("I just joined National Health Insurance, and where do I look for
        a job?"): the best rule of another topic that holds on evidence of its own (none of the words the winning
        rule used), offered as a button beside the answer. Never danger, a handoff or a command."""
        used = won.concepts() & present
        topic = won.intent.split(".")[0]
        for rule in self.rules:
            if rule.intent in NOT_SECOND or rule.intent.split(".")[0] == topic:
                continue
            if rule.holds(present, other, words) and not (rule.concepts() & used):
                return rule.intent
        return None

    def unlearn(self, intent: str, text: str) -> None:
        """Forget an approved suggestion (add_example and approve undone): its resident deleted their data."""
        key = example_key(text)
        if self._approved.get(key, ("",))[0] == intent:
            del self._approved[key]
        for i in range(len(self._example_keys) - 1, -1, -1):  # learned examples come after the shipped ones
            if self._example_keys[i] == key and self._example_intents[i] == intent:
                del self._example_keys[i], self._example_intents[i]
                break

    def understand(self, folded: str, finds: list[Find], last_intent: str | None = None) -> Understanding:
        """Decide intent, item and answer key for a folded message and the entries found in it.

        A rule that holds decides. Otherwise the evidence is graded: a close example answers; a short follow-up
        whose words belong to the previous topic ("and plastic?", "what about tomorrow?") continues it; words that
        partly support one or more intents make the bot ask back with those readings; only a message with no
        usable evidence is `unknown` (handed to the desk)."""
        finds = _crisis_over_emergency(_figures_over_alarms(finds, self.crisis_concepts), self.crisis_concepts)
        finds = _longer_over_crossing(finds, self.crisis_concepts)
        finds = denied_harm(folded, finds)
        finds = _doubt_over_ambulance(folded, finds)
        finds = past_injury(folded, recovered_now(entry_by_landlord(finds)))
        finds = worried_disposal(folded, finds)
        finds = past_mild(recovered_injury(folded, finds))
        finds = unanswered(finds, self.crisis_concepts)
        finds = laughed_death(folded, finds, last_intent == "crisis")
        finds = material_modifiers(denied_things(folded, finds, MATERIALS))
        finds = denied_area(folded, measured_size(folded, finds, MATERIALS))
        finds = _danger_over(folded, finds)
        finds = felt_now(_duration_over_now(folded, finds))
        finds = ended(aftermath(finds))
        finds = self._town_of_station(folded, finds)
        finds = self._knife_to_throw(folded, finds)
        present = {f.entry.key if f.entry.kind == "concept" else f.entry.kind for f in finds}
        other, words = _uncovered_words(folded, finds), word_count(folded)
        finds, present = self._ongoing_over_alarm(finds, present, other, words)
        named = list(dict.fromkeys(f.entry.key for f in finds if f.entry.kind == "lang_name"))
        area = next((f.entry.key for f in finds if f.entry.kind == "area"), None)
        # A phrasing approved at the desk wins over the rules (danger excepted: it is never taught away).
        approved = self._approved.get(example_key(folded))
        if approved and not any(r.holds(present, other, words) for r in self._alarm_rules):  # never taught away
            u = Understanding(approved[0], 1.0, approved[1], concepts=present, method="approved", area=area)
            if u.intent.startswith("garbage."):
                self._garbage_details(u, finds, folded)
            u.languages_named = named
            return u
        follow = last_intent == "garbage.schedule" and words <= FOLLOW_UP_WORDS
        age = patient_age(folded)
        for rule in self.rules:
            if rule.holds(present, other, words):
                u = self._from_rule(rule, finds, present, folded)
                u.languages_named, u.area = named, area
                u.also = self._second_topic(rule, present, other, words)
                u = _too_big_thing(_by_material(u, material_evidence(finds, follow), other), present)
                opened = any(_key(f) == "and_about" and f.start == 0 for f in finds)
                return _schedule_follow_up(u, present) if follow and opened else _by_age(u, age)
        if last_intent == MEDICAL and (age := patient_age(folded, words)) is not None \
                and _tells_the_patient(present, words):
            # "ele tem 5 anos", "4岁男孩", "u 22 barsa ko, bolna sakchha" right after a medical question: the answer
            # to "how old?", the same question for a child (#8000) or an adult (#7119)
            u = Understanding(MEDICAL, 0.7, MEDICAL, concepts=present, method="context")
            u.languages_named, u.area = named, area
            return _by_age(u, age)
        if _asks_detail(present, words, last_intent):
            # "how much is it?", "what do I need to bring?" right after an answer about a topic: that topic again.
            u = Understanding(str(last_intent), 0.7, str(last_intent), concepts=present, method="context")
            u.languages_named, u.area = named, area
            return _by_age(u, age)
        u = self._from_examples(folded)
        if u.intent == "unknown" or u.options:
            # words that are no evidence ("where can I buy") count as words about something else here
            loose = _uncovered_words(folded, [f for f in finds if f.entry.key not in NO_EVIDENCE - NEUTRAL])
            u = self._from_evidence(present, finds, words, last_intent, u, loose, folded)
        u.concepts, u.languages_named, u.area = present, named, area
        placed = _by_material(u, material_evidence(finds, follow), other, last_intent == "garbage.sorting")
        return _by_age(_ask_material(placed, present, other), age)

    def _knife_to_throw(self, folded: str, finds: list[Find]) -> list[Find]:
        """"cuchillo de cocina viejo, como lo tiro sin peligro": a weapon word hides the knife it names, for danger
        now ("a man with a kitchen knife at my door"); with a word of throwing it away and no `now`, the knife is also
        the item asked about (the weapon word stays: with a threat or danger now their rules still win)."""
        present = {_key(f) for f in finds}
        if "weapon" not in present or "now" in present \
                or not present & {"dispose", "which_kind", "unwanted"}:
            return finds
        return self._hidden_inside(folded, finds, "weapon", "item")

    def _town_of_station(self, folded: str, finds: list[Find]) -> list[Find]:
        """A station named after its district ("near Isesaki station", "Sakai station", "Akabori-eki") hides the
        district's name inside it; the station lies in that district, so it is the place the resident gives (for a
        collection-day question). A station of no district's name ("near the station") gives none."""
        if any(f.entry.kind == "area" for f in finds):
            return finds
        return self._hidden_inside(folded, finds, "rail_station", "area")

    def _hidden_inside(self, folded: str, finds: list[Find], outer: str, kind: str) -> list[Find]:
        """The first entry of `kind` that a longer find of concept `outer` hid inside it (the knife inside "with a
        kitchen knife", the district inside "Sakai station"), added back on that find's span; else the finds as they
        are."""
        for f in finds:
            if _key(f) == outer:
                inside = [g for g in self.lexicon.find_raw(folded[f.start:f.end]) if g.entry.kind == kind]
                if inside:
                    return finds + [Find(inside[0].entry, f.start, f.end, f.quality)]
        return finds

    def _ongoing_over_alarm(self, finds: list[Find], present: set[str], other: int,
                            words: int) -> tuple[list[Find], set[str]]:
        """Harm told as ongoing or past ("he hits me every day", "a man has followed me for a week", "上次打到我")
        with no word of danger now is a crisis: the help lines of the situation and an urgent ticket. Alarm words
        that only say how the writer feels or whom they might call (scared, the police, a stranger: `weak_alarm`)
        do not make it an emergency then; every other emergency word, and any `now` word, still does."""
        if "ongoing" not in present or "now" in present or "emergency" not in present:
            return finds, present
        without = present - {"emergency"}
        if not any(r.intent == "crisis" and r.holds(without, other, words) for r in self.rules):
            return finds, present
        weak = [(f.start, f.end) for f in finds if _key(f) == "weak_alarm"]
        alarms = [f for f in finds if _key(f) == "emergency"]
        if not all(any(s <= f.start and f.end <= e for s, e in weak) for f in alarms):
            return finds, present
        kept = [f for f in finds if _key(f) != "emergency"]
        return kept, {_key(f) for f in kept}

    def support(self, present: set[str]) -> list[tuple[str, float]]:
        """Intents ranked by how much of one of their rules the concepts present satisfy (0..1), best first.
        Urgent intents, commands and `unknown` are never guessed from partial evidence."""
        best: dict[str, float] = {}
        for rule in self.rules:
            if rule.intent in NOT_GUESSED or rule.none & present or rule.alone:
                continue  # a rule about a message alone ("ok", a town name) says nothing about a longer one
            groups = list(rule.all) + ([rule.any] if rule.any else [])
            if not groups:
                continue
            share = sum(bool(g & (present - NO_EVIDENCE)) for g in groups) / len(groups)
            if share > best.get(rule.intent, 0.0):
                best[rule.intent] = share
        return sorted(((i, s) for i, s in best.items() if s > 0), key=lambda x: -x[1])

    def _from_evidence(self, present: set[str], finds: list[Find], words: int, last_intent: str | None,
                       fallback: Understanding, other: int = 0, folded: str = "") -> Understanding:
        ranked = self.support(present)
        if not ranked:
            return fallback
        intents = [i for i, _ in ranked]
        timing_only = (last_intent == "garbage.schedule" and words <= TIMING_FOLLOW_UP_WORDS
                       and present - NEUTRAL - {"ack"} <= TIMING)
        if last_intent in intents and (words <= FOLLOW_UP_WORDS or timing_only):
            # "e semana que vem é o mesmo dia?" right after the calendar: a word of when and nothing else continues it
            u = Understanding(str(last_intent), 0.7, str(last_intent), concepts=present, method="context")
            if u.intent.startswith("garbage."):
                self._garbage_details(u, finds, folded)
            return u
        family = str(last_intent).split(".")[0]
        kin = [i for i in intents if last_intent and family not in ("garbage", "greeting") and words <= DETAIL_WORDS
               and i.split(".")[0] == family]
        if kin:
            # "is there one online? I work on Sundays" right after the Japanese class: the same topic's other answer
            # (class.online), not a garbage calendar for the word "Sunday"
            return Understanding(kin[0], 0.7, kin[0], concepts=present, method="context")
        top = ranked[0][1]
        if len(present - NO_EVIDENCE) <= LONE_EVIDENCE and other >= OFF_TOPIC_WORDS and not fallback.options:
            # One stray word in a long message about something else ("lump-sum withdrawal of my pension"):
            # a question back about garbage days would not help; the desk will.
            return fallback
        choices = [i for i, s in ranked if s >= top - 0.25][:3]
        if present - NO_EVIDENCE == {"garbage"} and "garbage.rules" in choices:
            # a bare "gomi??": how garbage goes out here first, the calendar and sorting beside it
            choices = ["garbage.rules"] + [c for c in choices if c != "garbage.rules"]
        if fallback.options:  # the examples' readings join the evidence's
            choices += [o.key for o in fallback.options if o.key not in choices]
            choices = choices[:3]
        if "category" in present and other and not present & TIMING and "garbage.sorting" in choices:
            # "tamago no kara wa moeru gomi?": a thing the list does not have, asked about by its category; the
            # sorting reading comes first (not the calendar's)
            choices = ["garbage.sorting"] + [c for c in choices if c != "garbage.sorting"]
        u = Understanding(choices[0], round(0.4 + 0.3 * top, 2), "clarify", concepts=present, method="evidence")
        if u.intent.startswith("garbage."):
            self._garbage_details(u, finds, folded)
        u.options = [Option("intent", i) for i in choices]  # after the item's details, which may set item options
        return u

    def _from_rule(self, rule: Rule, finds: list[Find], present: set[str], folded: str = "") -> Understanding:
        used = rule.concepts()
        quality = [f.quality for f in finds
                   if (f.entry.key if f.entry.kind == "concept" else f.entry.kind) in used] or [1.0]
        u = Understanding(rule.intent, round(0.55 + 0.4 * min(quality), 2), rule.intent, concepts=present)
        for concept, key in rule.answer:
            if concept in present:
                u.answer_key = key
                break
        if rule.intent.startswith("garbage."):
            self._garbage_details(u, finds, folded)
        return u

    def _garbage_details(self, u: Understanding, finds: list[Find], folded: str = "") -> None:
        items = [f for f in finds if f.entry.kind == "item"]
        if len({f.entry.key for f in items}) > 1:
            # "Do PET bottles go in the plastic bag?": the bag is where it would go, not what is asked about.
            items = [f for f in items if f.entry.key not in DESTINATIONS] or items
            if {"over", "fire_word"} <= u.concepts:
                # "the swollen battery of my old phone, I already took it out": the damaged battery taken out is the
                # thing (a toy whose batteries were taken out is still the toy asked about)
                items = [f for f in items if self.item_categories.get(f.entry.key) == "hazardous"] or items
        cats = [f.entry.key for f in finds if f.entry.kind == "category"]
        if items:
            head = _possessed(folded, items) if len({self.item_categories.get(f.entry.key) for f in items}) > 1 else None
            items = [f for f in items if f.entry.key == head] if head else items
            longest = max(f.length for f in items)
            top = list(dict.fromkeys(f.entry.key for f in items if f.length == longest))
            said = said_outside(finds, items, MATERIALS)
            if said and len({self.item_categories.get(i) for i in top}) > 1:
                # "a glass bottle" said as "kanch ko bottle": of the things "bottle" can be, the one of the material said
                top = self._of_material(top, said) or top
            u.item = top[0]
            if "emptied" in u.concepts and EMPTIED.get(u.item) in self.item_categories:
                u.item = EMPTIED[u.item]
            u.category = self.item_categories.get(u.item)
            if len({self.item_categories.get(i) for i in top}) > 1 and u.intent == "garbage.sorting":
                u.options = [Option("item", i) for i in top[:3]]
                u.confidence = min(u.confidence, 0.6)
            u.category = _sized(u.item, u.category, u.concepts, self.item_categories)
            sprung = f"spring-{u.item}"
            if "spring" in u.concepts and "no_spring" not in u.concepts and sprung in self.item_categories:
                u.item = sprung  # "mattress with springs" is the spring mattress, named as such in the answer
            if u.intent == "garbage.rules" and u.answer_key in ITEM_ASKS and u.item not in DESTINATIONS:
                # "Can the old yoga mat go in the burnable bag?": an item named is a question about that item (the
                # contract's rule), not about the bags; its answer says its category. ("Which day are glass bottles
                # collected?" stays a calendar question: the bottles name a collection.)
                u.intent = u.answer_key = "garbage.sorting"
            if u.intent == "garbage.schedule" and "which_kind" in u.concepts and not u.concepts & ASKS_WHEN:
                # A day told in a story ("this morning the pan caught fire, what garbage is the burnt pan?", "kanina",
                # "sáng nay") is no collection day asked: the thing and "what garbage is it?" ask for its sorting.
                u.intent = u.answer_key = "garbage.sorting"
            if u.intent == "garbage.schedule" and u.category in ASKS_ITS_WAY and u.concepts & ASKS_ITS_WAY[u.category]:
                # "Which day is big garbage, and do we pay or book?": the item's own answer gives the day, the fee
                # and the booking (none: a name note), not the calendar line alone.
                u.intent = u.answer_key = "garbage.sorting"
            if u.intent == "garbage.schedule" and (u.category in UNSCHEDULED or sprung in self.item_categories):
                # "Can I put my TV / spring mattress out on oversized day?": the item's own answer (how it goes,
                # or the springs question), not a calendar line for a category that has no collection day.
                u.intent = u.answer_key = "garbage.sorting"
            if u.intent == "garbage.sorting" and sprung in self.item_categories and not u.concepts & {"spring", "no_spring"}:
                # A sofa or mattress goes out on the oversized day only without springs: ask, never guess.
                u.options = [Option("item", sprung), Option("item", u.item)]
                u.confidence = min(u.confidence, 0.6)
        elif cats:
            u.category = cats[0]
        if u.item in MARKABLE and "plastic_mark" in u.concepts and u.intent == "garbage.sorting" and not u.options:
            # "the plastic food containers with the プラ mark, washed", "tel ko plastic bottle, プラ mark chha": the
            # mark says plastic packaging, whatever the word for the thing usually names (a product, a PET bottle)
            u.item, u.category, u.answer_key, u.method = None, "plastic", "garbage.material", "material"
            u.confidence = min(u.confidence, 0.7)
        if u.intent == "garbage.schedule" and u.category:
            u.answer_key = "garbage.schedule.category"
        if u.intent not in ("garbage.sorting", "garbage.schedule"):
            u.item = None

    def _of_material(self, items: list[str], said: set[str]) -> list[str]:
        """The items whose category is the one the materials said give ("glass" + a bottle: the glass bottle), the
        thing as packaging first ("kanch ko bottle") and as a product second; none when no item fits."""
        for placed in (material_category(said | {"container"}), material_category(said)):
            fit = [i for i in items if placed and self.item_categories.get(i) == placed]
            if fit:
                return fit
        return []

    def _from_examples(self, folded: str) -> Understanding:
        key = example_key(folded)
        if not key or not self._example_keys:
            return Understanding("unknown", 0.0, "unknown", method="none")
        hits = process.extract(key, self._example_keys, scorer=fuzz.token_sort_ratio, limit=12,
                               score_cutoff=EXAMPLE_ASK)
        ranked: list[tuple[str, float]] = []
        for _text, score, index in hits:
            intent = self._example_intents[index]
            if intent not in (i for i, _ in ranked):
                ranked.append((intent, score))
        if not ranked:
            return Understanding("unknown", 0.0, "unknown", method="none")
        intent, score = ranked[0]
        u = Understanding(intent, round(score / 100, 2), intent, method="example")
        if intent == "garbage.sorting" or score < EXAMPLE_ANSWER:
            choices = [i for i, _ in ranked if i not in ("unknown", "garbage.sorting", "greeting", "emergency")][:3]
            if not choices:
                return Understanding("unknown", round(score / 100, 2), "unknown", method="example")
            u.options = [Option("intent", i) for i in choices]
            u.intent, u.answer_key = choices[0], "clarify"
        return u


def _figures_over_alarms(finds: list[Find], crisis_concepts: frozenset[str]) -> list[Find]:
    """A figure of speech hides the scary words it overlaps, not only those inside it ("bhok le marna lagyo":
    the figure "bhok le marna" and the danger words "marna lagyo" share "marna"). A danger phrase that reads more
    of the text than the figure, beyond it, is what was meant: "he will kill me if I leave" is the threat "kill me
    if I leave", not the figure "will kill me if" (my mother will kill me if I'm late)."""
    figures = [f for f in finds if f.entry.kind == "concept" and f.entry.key == "figure"]
    if not figures:
        return finds
    alarms = crisis_concepts | {"emergency"}

    def hidden(f: Find) -> bool:
        return any(f.start < g.end and g.start < f.end and not (f.length > g.length and f.end > g.end)
                   for g in figures)

    return [f for f in finds if not (f.entry.kind == "concept" and f.entry.key in alarms and hidden(f))]


def _duration_over_now(folded: str, finds: list[Find]) -> list[Find]:
    """A "now" right after how long something has gone on ("it's been 3 weeks now", "many times now", "mấy tuần
    nay") closes the duration: it says nothing is happening at this moment; so does a "now" inside a word of habit
    ("现在每天": now every day). A stalker's progressive that is itself a "now" ("tá me seguindo", is following me),
    told with how long it has gone on ("faz 3 semanas"), is a stalker told over time. Another "now" in the message
    still counts ("for weeks now, and he is outside now")."""
    spans = [f for f in finds if _key(f) == "persistent"]
    if not spans:
        return finds
    stalker = [f for f in finds if _key(f) in ("stalking", "pursuit")]

    def closed(f: Find) -> bool:
        return (any(g.end <= f.start and _gap(folded, g, f) == 0 or g.start <= f.start and f.end <= g.end
                    for g in spans)
                or any((s.start, s.end) == (f.start, f.end) for s in stalker))

    return [f for f in finds if not (_key(f) == "now" and closed(f))]


# How close a doubt must stand to the ambulance it doubts ("not sure if this needs an ambulance", "救急車を呼ぶほど
# ではない", "एम्बुलेन्स बोलाउनु पर्ने हो कि होइन थाहा भएन"), and a negation to the sign it denies ("no vomiting",
# "けいれんとかはなくて", "रगत आएको छैन").
DOUBT_GAP, NEGATION_GAP = 6, 1
VITAL_DOUBT_GAP = 2  # "not sure if he is still conscious": a doubt right before a function said to be working
NEGATION_AFTER = frozenset({"ja", "ne"})  # languages whose "not" follows the word it denies


def _doubt_over_ambulance(folded: str, finds: list[Find]) -> list[Find]:
    """"Not sure whether to call an ambulance" is a question for the medical advice line (#7119), not an emergency,
    when nothing the writer describes is a sign of danger: every emergency word found is the ambulance itself, a
    mild sign (`mild`: a bump on the head, a fall, some blood) or a sign denied ("no bleeding"). Any other emergency
    word (not breathing, unconscious, a lot of blood, chest pain) keeps the emergency, and a vital sign named with the
    doubt (`vital`: breathing, conscious, can't move, chest pain) makes one: missing one is the worst failure, so the
    doubt must stand next to the ambulance word and every sign must be accounted for."""
    unsure = [f for f in finds if _key(f) == "unsure_ambulance"]
    doubts = [f for f in finds if _key(f) == "doubt"]
    ambulances = [f for f in finds if _key(f) == "ambulance"]
    near = [a for a in ambulances if any(_gap(folded, d, a) <= DOUBT_GAP for d in doubts)]
    if not (unsure or near):
        return finds
    doubted = [(d.start, d.end) for d in doubts + unsure]
    # a "not" of "not sure" denies nothing; the rest deny the sign they stand next to, on its own side of it
    negations = [f for f in finds if _key(f) == "negation" and not any(s <= f.start and f.end <= e for s, e in doubted)]

    def denies(n: Find, f: Find) -> bool:
        after = n.entry.lang in NEGATION_AFTER
        side = n.end > f.end if after else n.start < f.start  # "không co giật" shares a word with its sign
        return side and not (n.start <= f.start and f.end <= n.end) and _gap(folded, n, f) <= NEGATION_GAP

    alarms = [f for f in finds if _key(f) == "emergency"]
    # A sign of danger denied ("no seizure", "không co giật") makes none; a function named ("not breathing" holds
    # "breathing", which is no emergency word of its own) always does.
    bad = {(f.start, f.end) for f in alarms}
    # a function said to be working ("masih sadar", "still conscious", "vẫn tỉnh táo") is no sign of danger
    # ("not sure if he is still conscious" doubts it: right after a doubt it says nothing)
    oks = [f for f in finds if _key(f) == "vital_ok" and not any(denies(n, f) for n in negations)
           and not any(d.end <= f.start and _gap(folded, d, f) <= VITAL_DOUBT_GAP for d in doubts)]
    vital = [f for f in finds if _key(f) == "vital"
             and not ((f.start, f.end) in bad and any(denies(n, f) for n in negations))
             and not any(o.start <= f.start and f.end <= o.end for o in oks)]
    if vital:  # "not sure if he is breathing, should we call an ambulance?": the doubt is about a sign of danger
        v = vital[0]
        return finds + [Find(Entry("concept", "emergency", v.entry.lang, v.entry.phrase, v.entry.words),
                             v.start, v.end, v.quality)]
    if not alarms and not unsure:  # "fever since evening: should I call an ambulance or wait?": advice (#7119)
        a = near[0]
        return finds + [Find(Entry("concept", "unsure_ambulance", a.entry.lang, a.entry.phrase, a.entry.words),
                             a.start, a.end, a.quality)]
    if not alarms:
        return finds
    mild = [f for f in finds if _key(f) == "mild"]  # a mild sign must cover the emergency word it excuses
    calls = [f for f in finds if _key(f) in ("ambulance", "unsure_ambulance")]  # "needs an ambulance" holds one

    def benign(f: Find) -> bool:
        if any(m.start <= f.start and f.end <= m.end for m in mild):
            return True
        if any(f.start <= c.start < c.end <= f.end or c.start <= f.start and f.end <= c.end for c in calls):
            return True
        return any(denies(n, f) for n in negations)

    if not all(benign(f) for f in alarms):
        return finds
    kept = [f for f in finds if _key(f) != "emergency"]
    if not unsure:
        a = near[0]
        kept.append(Find(Entry("concept", "unsure_ambulance", a.entry.lang, a.entry.phrase, a.entry.words),
                         a.start, a.end, a.quality))
    return kept


def _danger_over(folded: str, finds: list[Find]) -> list[Find]:
    """A thing to throw away whose danger is over ("the swollen battery is already out of the phone", "the pan fire
    is out, how do I throw the pan away", "the tube burnt out"): a garbage question, not an emergency. It needs a
    garbage item, a word of throwing away, a word saying the danger is over (`over`) and no word of danger now;
    then only the fire and explosion words (`fire_word`) are dropped: a person hurt still makes an emergency."""
    present = {_key(f) for f in finds}
    # (the thing may be one the list lacks, named by what it is made of: "the iron grill", "bamboo skewers"; and a
    # fire told with yesterday or last night, "we had a BBQ with fire last night", is over as well)
    thing = "item" in present or present & MATERIALS
    if not (thing and present & {"over", "ongoing"}):
        return finds
    if not present & {"dispose", "garbage", "which_kind", "category"} and not _burnt_out(finds, present):
        return finds
    if "now" in present and not any(_gap(folded, o, n) <= NEGATION_GAP for o in finds if _key(o) == "over"
                                    for n in finds if _key(n) == "now"):
        return finds
    fire = [(f.start, f.end) for f in finds if _key(f) == "fire_word"]
    alarms = [f for f in finds if _key(f) == "emergency"]
    if not alarms or not all(any(s <= f.start and f.end <= e or f.start <= s and e <= f.end for s, e in fire)
                             for f in alarms):
        return finds
    return [f for f in finds if _key(f) != "emergency"]


# "自転車のライトの電池", "狗的铁笼", "cycle ko light ko battery", "the bike light's battery": the thing named last is the
# one asked about; "the battery of the bike light", "la pila de la linterna", "pin của đèn": the one named first.
HEAD_LAST = re.compile(r"(の|的|\bko|'s)\s*$")
HEAD_FIRST = re.compile(r"^\s*(of|de|da|do|del|dos|das|ng|cua|nang)\b")
POSSESSIVE_GAP = 3  # at most this many words between the two things ("の ライト の", "of the old")


def _possessed(folded: str, items: list[Find]) -> str | None:
    """The item a possessive construction makes the head when two things are named ("X の Y", "Y of X"), or None."""
    ordered = sorted(items, key=lambda f: f.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.entry.key == b.entry.key or b.start < a.end:
            continue
        between = folded[a.end:b.start]
        if word_count(between) > POSSESSIVE_GAP or len(between) > 12:
            continue
        if HEAD_LAST.search(between):
            return b.entry.key
        if HEAD_FIRST.search(between):
            return a.entry.key
    return None


def _burnt_out(finds: list[Find], present: set[str]) -> bool:
    """A listed thing said to have burnt out, with no other word ("tubo fluorescente que se quemó", "the heater
    burnt out"): the only alarm words are the word that it is over itself (`over` on the same words), so the thing is
    broken, not on fire; "now", a person hurt or any other alarm word keeps the emergency."""
    if "item" not in present or "now" in present:
        return False
    over = {(f.start, f.end) for f in finds if _key(f) == "over"}
    return all((f.start, f.end) in over for f in finds if _key(f) == "emergency")


TONELESS = frozenset({"vi"})  # languages whose words collide once folding removes their tones


def _longer_over_crossing(finds: list[Find], crisis_concepts: frozenset[str]) -> list[Find]:
    """Two words found across each other ("còn bảo hiểm quốc dân": "con bao", a storm without its tones, and "bao hiem
    quoc dan", national insurance, share "bao"): the text can only be one of them, and a reading half as long again
    explains more of it (two readings of like length are both kept: "visa tokutei" and "tokutei ginou"). Only for
    the languages whose folding removes tones (Vietnamese), where such collisions come from: elsewhere two crossing
    words are usually both meant ("tidak muat" + "muat di kantong sampah": does not fit in the garbage bag). Danger and
    crisis words are never dropped this way (a wrong alarm is better than a missed one)."""
    keep_always = crisis_concepts | {"emergency", "now"} | GRADING
    out = []
    for f in finds:
        if f.entry.kind == "concept" and f.entry.lang in TONELESS and f.entry.key not in keep_always and any(
                2 * g.length >= 3 * f.length and (g.start < f.start < g.end < f.end or f.start < g.start < f.end < g.end)
                for g in finds):
            continue
        out.append(f)
    return out


def _crisis_over_emergency(finds: list[Find], crisis_concepts: frozenset[str]) -> list[Find]:
    """Words that the safety vocabulary reads as a crisis ("死にたい", "he hits me") are not also an emergency: the
    older general lists put some of them there, and danger now has its own words ("now", "at my door")."""
    crisis_spans = [(f.start, f.end) for f in finds if f.entry.kind == "concept" and f.entry.key in crisis_concepts]
    return [f for f in finds if not (f.entry.kind == "concept" and f.entry.key == "emergency"
                                     and any(f.start < e and s < f.end for s, e in crisis_spans))]


# A message with one concept of evidence and five or more words nothing explains is about something else: the desk,
# not a question back (tuned on the development sets: all correct +0.1 to +0.9 points, handoff recall +0 to +3).
LONE_EVIDENCE, OFF_TOPIC_WORDS = 1, 5

# Words about when garbage goes out (or a town named): with them a category named is a calendar question.
TIMING = frozenset({"when", "today_tomorrow", "time_of_day", "collect", "area"})

# What a short follow-up may ask about the previous topic without naming it (`detail`: what to bring, how to sign
# up; a passport or residence card to bring; its phone number), and how short it must be.
DETAILS = frozenset({"fee", "when", "time_of_day", "today_tomorrow", "detail", "place", "id_document", "call_advice"})
DETAIL_WORDS = 8

# Answers that a named item turns into the item's own answer: "which bag" (garbage.rules.bags).
ITEM_ASKS = frozenset({"garbage.rules.bags"})

# Words that ask when (not a day told in a story): "when", "collected", a time of day.
ASKS_WHEN = frozenset({"when", "collect", "time_of_day"})

# Categories with no collection day: a "when" question about such an item gets the item's answer.
UNSCHEDULED = frozenset({"not_collected", "self_delivery", "shop_takeback"})
# Items that are also where other things go ("in the plastic bag"): dropped when another item is named.
DESTINATIONS = frozenset({"plastic-bag"})

BAGGABLE = ("burnable", "non_burnable", "plastic", "resources")

# An item the list does not have, placed by what it is made of under the city's rules (first match wins): leftover
# liquids and soil are not collected; food scraps burn; packaging goes by its material (plastic packaging, cans,
# bottles, paper), and packaging of no named material as plastic; small electrical devices, metal, glass and ceramics
# are non-burnable; small everyday goods (sponges, pencils, masks), wood, plastic products, rubber and leather are
# burnable; paper products are resources. Furniture and anything too big for the bag is oversized. Said with
# "please confirm" (an inference).
MATERIAL_RULES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"liquid"}), "not_collected"),
    (frozenset({"soil_stone"}), "not_collected"),
    (frozenset({"food_scraps"}), "burnable"),
    (frozenset({"furniture"}), "oversized"),  # a wardrobe, a crib, a stroller: too big for any bag
    (frozenset({"plastic_mark"}), "plastic"),  # the プラ mark on it: plastic packaging
    (frozenset({"container", "plastic_material"}), "plastic"),
    (frozenset({"container", "metal"}), "cans"),
    (frozenset({"container", "glass"}), "bottles"),
    (frozenset({"container", "paper"}), "resources"),
    (frozenset({"electric"}), "non_burnable"),
    (frozenset({"metal"}), "non_burnable"),
    (frozenset({"glass"}), "non_burnable"),
    (frozenset({"ceramic"}), "non_burnable"),
    (frozenset({"burnable_goods"}), "burnable"),  # a sponge, crayons, a used mask, chopsticks, a ball
    (frozenset({"paper"}), "resources"),  # a paper core, old textbooks, a paper box
    (frozenset({"wood"}), "burnable"),
    (frozenset({"plastic_material"}), "burnable"),
    (frozenset({"rubber_leather"}), "burnable"),
    (frozenset({"container"}), "plastic"),  # packaging of no named material: food packaging here is mostly plastic
)
MATERIALS = frozenset().union(*(m for m, _ in MATERIAL_RULES))
# Items whose usual category the プラ mark said on them overrules (a plastic product, a bottle of oil that is no PET
# drink bottle, a bottle taken for glass): with the mark they are plastic packaging.
MARKABLE = frozenset({"plastic-product", "pet-bottle", "glass-bottle", "food-waste"})  # food: its package bears the mark
# Words that make a message about an unlisted thing a garbage question even when no garbage rule held.
GARBAGE_CUES = frozenset({"garbage", "dispose", "which_kind", "category", "bag", "big", "small", "unwanted"})
# Topics whose one strong word ("hospital", "clinic", "work", "shigoto") is often only the story around a thing to
# throw away ("my son came back from hospital with crutches we don't need", "I work nights"): they yield to a thing
# named with a word of getting rid of it (NEED_CUES). A real medical or job question names no such thing.
CONTEXT_TOPICS = frozenset({"consultation.medical", "consultation.job"})
NEED_CUES = frozenset({"garbage", "dispose", "which_kind", "category", "unwanted"})
# A thing named with at most this many other words and nothing but these concepts ("old kitchen sponge", "kids
# crayons and broken colored pencils", "earphones na sira na") is asked about as garbage.
KIND_ALONE_WORDS = 5
KIND_COMPANIONS = NEUTRAL | {"ack", "child", "family", "small", "big", "stop", "place"}  # "ya no prende": no longer
MATERIAL_INTENTS = ("garbage.sorting", "garbage.schedule", "garbage.rules", "garbage.oversized", "unknown")


def material_evidence(finds: list[Find], category_follow_up: bool = False) -> set[str]:
    """The concepts found; in a short follow-up to a question about collection days, less the materials said by a
    category's own name: there "and plastic?", "e o de plástico?" name the plastic category, not a thing made of
    plastic (as they do in "escova de cabelo de plástico")."""
    named = {(f.start, f.end) for f in finds if f.entry.kind == "category"} if category_follow_up else set()
    return {f.entry.key if f.entry.kind == "concept" else f.entry.kind for f in finds
            if not (f.entry.kind == "concept" and f.entry.key in MATERIALS and (f.start, f.end) in named)}


MEDICAL, MEDICAL_CHILD = "consultation.medical", "consultation.medical.child"
# What a message telling the patient's age after a medical question may also say ("my son", "still awake, drinks his
# milk", "tonight", "who do I call?") without being about another topic, and how long it may be.
PATIENT_WORDS = NEUTRAL | {"ack", "negation", "child", "family", "medical", "call_advice", "phone", "time_of_day",
                           "today_tomorrow", "when", "other_days", "vital", "mild", "ongoing", "persistent", "feeling",
                           "worry", "doubt"}
AGE_FOLLOW_UP_WORDS = 15


def _tells_the_patient(present: set[str], words: int) -> bool:
    """Whether a message with an age says nothing but who the patient is and how they are."""
    return words <= AGE_FOLLOW_UP_WORDS and not present - PATIENT_WORDS


def _by_age(u: Understanding, age: int | None) -> Understanding:
    """The medical answer for the patient's age: #8000 under 15, #7119 from 15 ("meu filho de 16 anos" is no child
    for the lines). In a first question the age counts only beside a child word (a number of years there may be
    how long the writer has lived here); in a follow-up ("ele tem 5 anos", "my son") the age or the child decides."""
    if u.intent != MEDICAL or u.answer_key not in (MEDICAL, MEDICAL_CHILD) or u.options:
        return u
    follow_up = u.method == "context"
    if age is not None and (follow_up or "child" in u.concepts):
        u.answer_key = MEDICAL_CHILD if age < ADULT_AGE else MEDICAL
    elif follow_up and "child" in u.concepts:
        u.answer_key = MEDICAL_CHILD
    return u


def _asks_detail(present: set[str], words: int, last_intent: str | None) -> bool:
    """A short question about a detail (a fee, a time, what to bring, how to sign up) with no topic of its own,
    right after an answer about a topic other than garbage sorting (whose follow-ups the evidence settles)."""
    if not last_intent or last_intent in NOT_GUESSED or last_intent == "greeting" or words > DETAIL_WORDS:
        return False
    if last_intent.startswith("garbage.") and last_intent != "garbage.oversized":
        return False
    asked = present - (NEUTRAL - DETAILS) - {"ack"}
    return bool(asked) and asked <= DETAILS


def material_category(present: set[str]) -> str | None:
    """The category of an unlisted item from the materials named in a message, or None. A kind of thing usually too
    big for a bag (`furniture`: a cage, a stand) said to fit in it ("a small bamboo bird cage, it fits the bag") goes
    by its material."""
    if "small" in present and "big" not in present and "furniture" in present:
        placed = material_category(present - {"furniture"})
        if placed in BAGGABLE:
            return placed
    for needs, category in MATERIAL_RULES:
        if needs <= present:
            if "big" in present and category in BAGGABLE:
                return "oversized"
            if "dirty" in present and category == "plastic":
                return "burnable"  # packaging that will not wash clean goes with burnables
            return category
    return None


def _by_material(u: Understanding, present: set[str], other: int = 0, after_sorting: bool = False) -> Understanding:
    """A garbage question (or an unanswerable one with a garbage word) about a thing the item list does not have is
    answered from what the thing is made of or what kind of thing it is, when the message says it ("a broken metal
    rack", "木の箱", "la licuadora vieja ya no prende"): a thing named almost alone is a sorting question too."""
    # Another topic read by its rule yields when the message both throws the thing away and asks its kind ("刚来日本
    # 一周，电水壶坏了，扔哪一类？": just arrived, but the question is the kettle's); never danger, crisis or the desk.
    asked_kind = {"dispose", "which_kind"} <= present and u.intent not in NOT_GUESSED
    # "mẹ em mới xuất viện, bệnh viện cho cái nạng nhôm, giờ không dùng nữa": the hospital is the story, the aluminium
    # crutch no longer used is the question
    asked_kind = asked_kind or (u.intent in CONTEXT_TOPICS and bool(present & NEED_CUES))
    if u.item or not (present & MATERIALS) or (u.intent not in MATERIAL_INTENTS and u.method != "evidence"
                                               and not asked_kind):
        return u  # (a question back about other topics yields to a thing named almost alone, below)
    if u.intent in ("garbage.schedule", "garbage.rules") and u.method == "rule":
        # "when is plastic collected?" stays a schedule question; "what garbage is this metal thing?", "is a used
        # mask burnable?" are about the thing (the category word itself is not counted as its material)
        # (a size said, "the stroller does not fit in any bag, how do I throw it away?", is about the thing too)
        asks = {"which_kind"} if u.intent == "garbage.schedule" else {"which_kind", "category", "big", "small"}
        if not present & asks or present & {"when", "today_tomorrow", "time_of_day"}:
            return u
    if u.intent == "unknown" or u.method == "evidence":
        # (right after a sorting answer, a thing named with what it is made of is the thing asked about, corrected:
        # "à không, em nhầm, là cái bình cắm hoa bằng thủy tinh")
        cued = present & GARBAGE_CUES or any(o.key.startswith("garbage.") for o in u.options) or after_sorting
        alone = not present - MATERIALS - KIND_COMPANIONS and other <= KIND_ALONE_WORDS
        if not (cued or alone):
            return u
    category = material_category(present)
    if category is None:
        return u
    return Understanding("garbage.sorting", 0.7, "garbage.material", category=category, concepts=present,
                         languages_named=u.languages_named, area=u.area, method="material")


# What the bot asks a thing to be made of when the list lacks it and the message does not say (the choices, in order:
# each places the thing by MATERIAL_RULES, "big" as oversized garbage), and the words that make a message about
# something other than one thing (a day, the bags, the station, a category named, a size said).
ASKED_MATERIALS = ("plastic_material", "metal", "glass", "paper", "wood", "electric", "big")
NOT_ONE_THING = MATERIALS | {"garbage", "category", "when", "today_tomorrow", "time_of_day", "bag", "station", "big",
                             "recycle_center", "collect", "buy", "resource_point", "moving"}


def _ask_material(u: Understanding, present: set[str], other: int) -> Understanding:
    """"How do I throw away a [thing the list does not have]?": a question back about what it is made of, with the
    materials as choices (a question back is better than a guess, and better than a handoff; the material rules then
    place it), instead of asking which garbage topic was meant."""
    if u.intent != "garbage.sorting" or u.answer_key != "clarify" or u.item or u.category or not other:
        return u
    if not present & {"dispose", "which_kind", "unwanted"} or present & NOT_ONE_THING:
        return u
    u.answer_key, u.method = "clarify.material", "ask_material"
    u.options = [Option("material", m) for m in ASKED_MATERIALS]
    return u


def material_answer(key: str) -> str | None:
    """The category a material chosen from the question back gives (`big`: too big for the bag, oversized)."""
    return "oversized" if key == "big" else material_category({key}) if key in ASKED_MATERIALS else None


# Words that ask how a thing is sorted, not when it goes out: with them a follow-up to the calendar is about sorting.
SORTING_ASKS = frozenset({"dispose", "which_kind", "bag", "big", "small", "dirty", "over"})


def _schedule_follow_up(u: Understanding, present: set[str]) -> Understanding:
    """"And the glass bottles?", "y las botellas de vidrio?" (opened with "and" / "what about": `and_about`) right
    after a question about collection days: the same question for that kind, not how it is sorted. A bare item
    ("clothes", "where do batteries go?"), a word of sorting ("which bag?") or a kind with no collection day keeps the
    sorting answer."""
    if u.intent != "garbage.sorting" or u.options or present & SORTING_ASKS or u.category in UNSCHEDULED:
        return u
    u.intent = "garbage.schedule"
    u.answer_key = "garbage.schedule.category" if u.category else "garbage.schedule"
    return u


def _too_big_thing(u: Understanding, present: set[str]) -> Understanding:
    """A thing the list does not have, said not to fit in the bag, with a word of throwing it away ("the golf clubs
    are too long for the garbage bag, how do I throw them away?", "baby bathtub, di kasya sa gomi bag"; or no longer
    used: "cái nạng không dùng nữa, dài hơn túi rác"): that thing is
    oversized garbage (a sorting answer, with "please confirm"), not the general question about oversized garbage."""
    if u.intent != "garbage.oversized" or u.item or not {"bag", "big"} <= present or not present & {"dispose", "unwanted"}:
        return u
    return Understanding("garbage.sorting", 0.7, "garbage.material", category="oversized", concepts=present,
                         languages_named=u.languages_named, area=u.area, method="material")


# Things named by their contents, and the thing once it is empty ("the paint can, empty and dry": the can; facts: "an
# empty paint can is non-burnable", the paint itself is not collected).
EMPTIED = {"paint-chemicals": "empty-paint-can"}


def _sized(item: str, category: str | None, concepts: set[str], categories: dict[str, str]) -> str | None:
    """An item's category once the message says how big it is or what is inside it: "does not fit in the bag"
    makes a bagged kind oversized, "it fits in the bag" a usually oversized thing its material's category; springs
    make a mattress or sofa a self-delivery item."""
    if "spring" in concepts and "no_spring" not in concepts and f"spring-{item}" in categories:
        return categories[f"spring-{item}"]
    if "small" in concepts and "big" not in concepts and category == "oversized":
        # "an old rubber yoga mat, rolled up it fits in the burnable bag": a thing oversized only by its usual size
        # goes by its material once it fits the bag (kept oversized when no material is named)
        placed = material_category(concepts)  # (which sets a usual size aside when the thing fits)
        if placed in BAGGABLE:
            return placed
    if "big" in concepts and category in BAGGABLE:
        return "oversized"
    if "dirty" in concepts and category == "plastic":
        return "burnable"  # plastic packaging that will not wash clean ("cling film, all oily") goes with burnables
    return category


def _uncovered_words(folded: str, finds: list[Find]) -> int:
    mask = [False] * len(folded)
    for f in finds:
        for i in range(f.start, f.end):
            mask[i] = True
    rest = "".join(" " if covered else ch for ch, covered in zip(folded, mask, strict=True))
    return word_count(rest)
