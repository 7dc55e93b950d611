"""Answers to the whole question (issue 13): every thing and every part a resident asks about is answered or a tap
away — a second item on its own line or as a button, the answer next to the one given, a time asked with an item,
who speaks a language beside a handoff, a day and time named for Recycle Center 21 checked against its hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from ..messages import Choice, Reply
from ..understanding import language as lang_mod
from ..understanding.matching import DESTINATIONS, EMPTIED, UNSCHEDULED, Option, Understanding
from . import hours as hours_mod
from .rendering import WHOLE_BUDGET, capitalised, punct

if TYPE_CHECKING:
    from ..storage.models import User
    from ..understanding.reading import Reading
    from .calendar import Calendar
    from .catalog import Catalog
    from .knowledge import Knowledge
    from .rendering import Renderer

# How closely a second item must be named to get its own line: a plural or a small slip ("latas de atún") still is.
SECOND_ITEM = 0.9
# An answer whose neighbour is offered beside it (_neighbours).
SIBLINGS = {"class.children": "class.japanese", "life.disaster.map": "life.disaster.alert",
            "life.moving": "life.health_insurance",  # at City Hall within the same 14 days: the insurance
            "consultation.desk.city": "consultation.desk"}  # the City Hall desk: the centre, its hours, a tap away
ASKS_FOR_SPEAKER = frozenset({"interpreter", "consult", "switch_language", "desk", "human"})  # "someone who speaks…"
# A second garbage question, by the concepts that ask it, and its answer (offered beside another garbage answer).
# "Which day are bottles and cans, and can they go in the same bag?": a bag asked about is the bags answer.
GARBAGE_PARTS = ((frozenset({"bag"}), "garbage.rules.bags"), (frozenset({"station"}), "garbage.rules.station"))
# The narrow rules a garbage question may ask together ("by what time, where, and in which bag?"): two or more of them
# asked are the whole rules answer, which gives the bags, the station and the time in one.
RULE_PARTS = {"bag": "garbage.rules.bags", "time_of_day": "garbage.rules.time", "station": "garbage.rules.station"}
# A narrower disaster answer chosen for one part ("and how do I get alerts on my phone?"): the earthquake's first
# steps a tap away when the message also asks about the disaster itself.
DISASTER_PARTS = ("life.disaster.alert",)
# An item often asked about for another reason: a shop's plastic bag, to use it as a garbage bag.
ITEM_NEIGHBOURS = {"plastic-bag": "garbage.rules.bags"}
SCHEDULE_LANGUAGES = "garbage.schedule.languages"  # the calendar's languages, beside a day asked with one named
CENTRE_ANSWERS = ("garbage.rules.center", "garbage.oversized.more")  # answers that send the resident to the centre
# A large amount at once (moving house, clearing a dormitory) is brought to Recycle Center 21, not put out at the
# station or on the monthly oversized day (facts: 一時多量ごみ); the kinds of item that make up such an amount.
MOVING_BULK = "moving-bulk"
BULKY = frozenset({"oversized", "self_delivery"})


class WholeQuestion:
    """The parts of a question beside the one answered (mixed into the Bot)."""

    if TYPE_CHECKING:
        kb: Knowledge
        catalog: Catalog
        renderer: Renderer
        calendar: Calendar | None

        def _answer(self, u: Understanding, msg_lang: str | None, reply_lang: str, user: User, now: dt.datetime,
                    text: str = "") -> Reply: ...

        def _choice(self, option: Option, lang: str) -> Choice: ...

        def _schedule(self, u: Understanding, msg_lang: str | None, lang: str, user: User,
                      now: dt.datetime) -> Reply: ...

    def _named_weekday(self, text: str, lang: str) -> int | None:
        """The weekday the message names (0 = Monday), in the resident's language or in English."""
        week = [self.catalog.get(lang, "ui", "weekdays") or [], self.catalog.get("en", "ui", "weekdays") or []]
        return hours_mod.named_weekday(text, week)

    def _second_item(self, reply: Reply, reading: Reading, u: Understanding, lang: str, now: dt.datetime) -> None:
        """"Wire hangers and plastic hangers, the same?": a second item named plainly in the message, apart from the
        one answered, gets its own line (with its please-confirm and source), when the reply stays short enough."""
        spans = [(f.start, f.end) for f in reading.finds if f.entry.kind == "item" and f.entry.key == u.item]
        others = list(dict.fromkeys(
            f.entry.key for f in reading.finds
            if f.entry.kind == "item" and f.entry.key not in (u.item, *DESTINATIONS) and f.quality >= SECOND_ITEM
            and EMPTIED.get(f.entry.key) != u.item  # "the paint can, empty": the paint is not a second thing
            and f.entry.key in self.kb.items and all(f.end <= a or f.start >= b for a, b in spans)))
        if not others:
            self._second_kind(reply, reading, u, lang)
            return
        other = others[0]
        # what does not fit on a line of its own is a tap away: every item asked about is answered or offered
        offered = [self._choice(Option("item", key), lang) for key in others]
        reply.choices.extend(offered[1:])
        today, clock = now.date(), now.time()
        first = self.renderer.answer("garbage.sorting", lang, today, clock, item=u.item, category=u.category)
        second = self.renderer.answer("garbage.sorting", lang, today, clock, item=other,
                                      category=self.kb.items[other].category)
        lines = reply.text.split("\n")
        at = lines.index(first.main) + 1 if first.main in lines else len(lines)
        named_first = min((f.start for f in reading.finds if f.entry.key == other), default=0) \
            < min((a for a, _ in spans), default=0)
        lines.insert(at - 1 if named_first and at else at, second.main)  # in the order the question names them
        # its please-confirm (when the first has none) before the source line, and one source line for both
        label = self.renderer.ui(lang, "source", sources="\0").split("\0")[0]
        own = next((i for i, line in enumerate(lines) if line.startswith(label)), None)
        for line in second.text.split("\n")[1:]:
            if line in lines:
                continue
            if line.startswith(label) and own is not None:
                names = [n for n in second.sources if n not in lines[own]]
                if names:
                    lines[own] = punct(lang).semicolon.join([lines[own], *names])
            else:
                lines.insert(own if own is not None else len(lines), line)
                own = own + 1 if own is not None else None
        text = "\n".join(lines)
        if len(text) <= WHOLE_BUDGET:
            reply.text = text
        else:
            reply.choices.insert(len(reply.choices) - len(offered) + 1, offered[0])

    def _second_day(self, reply: Reply, reading: Reading, u: Understanding, msg_lang: str | None, user: User,
                    now: dt.datetime) -> None:
        """"Which day do I put out used batteries? And old clothes, the same day?": a second item named with a day
        asked gets its own day line under the first (the kind of day in the resident's district), when the reply
        stays short enough; otherwise, or when it has no collection day, its answer a tap away."""
        lang = reply.reply_language
        spans = [(f.start, f.end) for f in reading.finds if f.entry.kind == "item" and f.entry.key == u.item]
        others = list(dict.fromkeys(  # not a word read across the first item's ("sạc dự phòng bị phồng")
            f.entry.key for f in reading.finds
            if f.entry.kind == "item" and f.entry.key not in (u.item, *DESTINATIONS) and f.quality >= SECOND_ITEM
            and f.entry.key in self.kb.items and all(f.end <= a or f.start >= b for a, b in spans)))
        if not others or u.options:
            return
        other, last = others[0], user.last_item
        category = self.kb.items[other].category
        offered = self._choice(Option("item", other), lang)
        if category in UNSCHEDULED:
            reply.choices.append(offered)
            return
        second = self._schedule(replace(u, item=other, category=category, area=None), msg_lang, lang, user, now)
        user.last_item = last  # the first item stays the one a follow-up ("and in Akabori?") is about
        line = second.text.split("\n")[0]
        lines = reply.text.split("\n")
        at = 2 if u.area and len(lines) > 2 else 1  # under the first item's line (after "I will remember …")
        text = "\n".join([*lines[:at], line, *lines[at:]])
        if line in lines or len(text) > WHOLE_BUDGET:
            reply.choices.append(offered)
        else:
            reply.text = text

    def _second_kind(self, reply: Reply, reading: Reading, u: Understanding, lang: str) -> None:
        """"Drink cans and bottles mixed in one bag: how do I sort them?": a second kind named beside the item
        ("bottles", joined to it by "and", "or", "with") gets its own line from the kind's rule, when that rule is
        sure (an official source) and the reply stays short enough; its source joins the source line. A kind named
        as the resident's guess ("in the non-burnable bag?") or as the item's own ("the spray's empty can") is not a
        second thing."""
        spans = [(f.start, f.end) for f in reading.finds if f.entry.kind == "item" and f.entry.key == u.item]
        kind = next((f.entry.key for f in reading.finds if f.entry.kind == "category" and f.entry.key != u.category
                     and f.entry.key in self.kb.categories
                     and any(_joined(reading.folded, span, (f.start, f.end)) for span in spans)), None)
        fact = self.kb.categories.get(kind or "") or {}
        text = self.catalog.get(lang, "categories", kind or "")
        if not kind or not text or self.kb.is_weak(fact) or fact.get("source") not in self.kb.sources:
            return
        name = capitalised(str(self.catalog.get(lang, "category_names", kind) or kind))
        line = f"{name}{':' if lang not in ('zh', 'ja') else '：'} {text}".replace("： ", "：")
        lines = reply.text.split("\n")
        label = self.renderer.ui(lang, "source", sources="\0").split("\0")[0]
        own = next((i for i, ln in enumerate(lines) if ln.startswith(label)), None)
        names = [n for n in self.renderer.source_names(lang, [str(fact["source"])])
                 if own is None or n not in lines[own]]
        if own is not None and names:
            lines[own] = punct(lang).semicolon.join([lines[own], *names])
        lines.insert(1, line)
        text = "\n".join(lines)
        if len(text) <= WHOLE_BUDGET:
            reply.text = text

    def _time_of_item(self, reply: Reply, reading: Reading, u: Understanding, msg_lang: str | None, user: User,
                      now: dt.datetime) -> Reply:
        """"Which day do I put out old clothes, and by what time?": the item's answer (with its day in the
        resident's district) and the time rule under it, not the time rule alone; a kind named ("plastic") with
        "which day" gets that kind's day."""
        item = next((f.entry.key for f in reading.finds if f.entry.kind == "item" and f.entry.key in self.kb.items
                     and f.entry.key not in DESTINATIONS), None)
        if item is None:
            if u.category and "when" in u.concepts and self.calendar is not None:
                # "which day is plastic collected, and by what time?": the kind's day (in the resident's district),
                # which says the time too, not the time rule alone
                day = replace(u, intent="garbage.schedule", answer_key="garbage.schedule.category")
                return self._answer(day, msg_lang, reply.reply_language, user, now)
            return reply
        category = self.kb.items[item].category
        if "when" in u.concepts and self.calendar is not None and self.calendar.rule_for(item) is not None:
            # "which day, and by what time?": the item's day (in the resident's district), which says the time too
            day = replace(u, intent="garbage.schedule", answer_key="garbage.schedule.category", item=item,
                          category=category)
            return self._answer(day, msg_lang, reply.reply_language, user, now)
        own = replace(u, intent="garbage.sorting", answer_key="garbage.sorting", item=item, category=category)
        answer = self._answer(own, msg_lang, reply.reply_language, user, now)
        rule = reply.text.split("\n")[0]
        lines = answer.text.split("\n")
        lines.insert(1 if len(lines) > 1 else len(lines), rule)
        text = "\n".join(lines)
        if len(text) > WHOLE_BUDGET:
            return reply
        answer.text = text
        answer.intent, answer.entry = "garbage.sorting", item
        return answer

    @staticmethod
    def _rule_parts(u: Understanding) -> Understanding:
        """"What time, where and in which bag does he put it out tomorrow?": the bags, the time and the station asked
        together get the whole rules answer (all three in it), not the one narrow answer the first part picked."""
        if u.intent != "garbage.rules" or u.answer_key not in RULE_PARTS.values() or u.options \
                or len(u.concepts & RULE_PARTS.keys()) < 2:
            return u
        return replace(u, answer_key="garbage.rules")

    def _moving_bulk(self, reading: Reading, u: Understanding) -> tuple[Understanding, list[str]]:
        """"We are moving out: a futon, tables and chairs, many bags. All at the station?": a large amount at once
        is the moving-house garbage answer (Recycle Center 21), each bulky thing named a tap away. One bulky thing
        while moving keeps its own answer, with the moving-house garbage a tap away (returned as the things to
        offer)."""
        if not u.intent.startswith("garbage.") or MOVING_BULK not in self.kb.items or u.item == MOVING_BULK:
            return u, []
        named = list(dict.fromkeys(f.entry.key for f in reading.finds if f.entry.kind == "item"
                                   and f.entry.key in self.kb.items))
        bulky = [key for key in named if key != MOVING_BULK and self.kb.items[key].category in BULKY]
        moving, amount = "moving" in u.concepts, MOVING_BULK in named
        if len(bulky) < len(set(named) - {MOVING_BULK}):  # a fridge or a battery has its own way, whatever the amount
            return u, [MOVING_BULK] if moving and bulky else []
        if not (amount and (moving or bulky or "station" in u.concepts)
                or moving and (len(bulky) >= 2 or ("big" in u.concepts and not set(named) - {MOVING_BULK}))):
            return u, [MOVING_BULK] if moving and bulky else []
        bulk = replace(u, intent="garbage.sorting", answer_key="garbage.sorting", item=MOVING_BULK,
                       category=self.kb.items[MOVING_BULK].category, options=[], also=None)
        return bulk, bulky

    def _neighbours(self, reply: Reply, u: Understanding, lang: str) -> None:
        """The answer next to the one given, a tap away: the short answer under a detail chosen for the question
        ("a ramp for a wheelchair, and the fare?": the routes, and the fare behind a button), the adults' class under
        the children's (a parent asking for the child often asks for themself too), where the bags are sold or where
        the station is beside another garbage answer, the moving answer beside the things to throw away when moving."""
        base = u.answer_key.removesuffix(".more")
        near = [base] if base != u.answer_key else []
        near += [SIBLINGS[u.answer_key]] if u.answer_key in SIBLINGS else []
        if u.intent.startswith("garbage."):  # "a supermarket bag? and where do I buy the bags?": the bags answer
            near += [key for need, key in GARBAGE_PARTS if need <= u.concepts and not u.answer_key.startswith(key)]
            near += [ITEM_NEIGHBOURS[u.item]] if u.item in ITEM_NEIGHBOURS else []
            near += ["life.moving"] if "moving" in u.concepts and u.intent == "garbage.sorting" else []
        if u.intent == "life.health_insurance" and "moving" in u.concepts:
            near.append("life.moving")  # "going home for good: what to report, and cancel the insurance?"
        if u.intent == "life.bus" and {"class", "japanese"} <= u.concepts:
            near.append("class.japanese")  # "by bus to the Japanese class: the fare?": the class a tap away
        if u.answer_key in DISASTER_PARTS and "disaster" in u.concepts and "flood" not in u.concepts:
            near.append("life.disaster")
        if u.intent == "garbage.schedule" and u.answer_key not in SCHEDULE_LANGUAGES \
                and any(c != "ja" for c in u.languages_named):
            near.append(SCHEDULE_LANGUAGES)  # "which day is burnable? is there a calendar in Chinese?"
        if u.answer_key == "life.disaster.flood" and any(c != "ja" for c in u.languages_named):
            near.append("life.disaster.map")  # "a typhoon: is there anything in Portuguese?": the map's languages
        for key in near:
            if key in self.kb.answers and not u.options and not any(c.payload == f"intent:{key}" for c in reply.choices):
                reply.choices.append(self._choice(Option("intent", key), lang))

    def _not_in_facts(self, reply: Reply, u: Understanding, text: str, lang: str) -> None:
        """"Does the Aozora run on Sundays?", "is there a senior discount?", "where do I buy the bags?": what the
        answer's facts do not give (answers.yaml `unknown`) is said plainly under the answer, with the office that
        knows, instead of the stock answer standing for it."""
        spec = self.kb.answers.get(u.answer_key) or {}
        office = spec.get("confirm")
        if not office or u.options or reply.handoff:
            return
        asked = [ask for ask in spec.get("unknown") or []
                 if ask in u.concepts or ask == "weekday" and self._named_weekday(text, lang) is not None]
        whats = self.catalog.get(lang, "ui", "unknown_what") or {}
        if not asked or not all(ask in whats for ask in asked):
            return
        lines = reply.text.split("\n")
        named = self.renderer.contact_name(lang, office) in "\n".join(lines[1:])  # a please-confirm line names it
        ask = "" if named else punct(lang).space + self.renderer.ui(lang, "not_in_facts_ask",
                                                                   contact=self.renderer.call(lang, office))
        for n in range(len(asked), 0, -1):  # all that was asked, or fewer when all would be too long
            parts = [str(whats[a]) for a in asked[:n]]
            what = str(self.catalog.get(lang, "ui", "names_and") or ", ").join(
                [punct(lang).list.join(parts[:-1]), parts[-1]] if n > 1 else parts)
            text = "\n".join([lines[0], self.renderer.ui(lang, "not_in_facts", what=what) + ask, *lines[1:]])
            if len(text) <= WHOLE_BUDGET:
                reply.text = text
                return

    def _who_speaks(self, reply: Reply, u: Understanding, lang: str, after: int = 0) -> None:
        """A personal matter handed to the desk that asks for someone who speaks a language ("is there someone who
        speaks Portuguese to help my mother?"): who does, from the facts, beside the handoff, and the desk's
        answer a tap away. The intent stays `unknown`: the case itself is for a person."""
        if not u.concepts & ASKS_FOR_SPEAKER:  # "sending money to Vietnam" names a country, not a language asked for
            return
        asked = next((c for c in u.languages_named if c in lang_mod.SERVED and c != "ja"), None)
        if asked is None and "interpreter" in u.concepts and lang != "ja":
            asked = lang
        line = self.renderer.speakers(lang, asked) if asked else None
        if line and len(reply.text) + 1 + len(line) + after <= WHOLE_BUDGET:
            reply.text += "\n" + line
            reply.choices.append(self._choice(Option("intent", "consultation.desk"), lang))
            if u.concepts & {"visa", "lawyer"}:  # the legal answer: specialist days, Houterasu's languages
                reply.choices.append(self._choice(Option("intent", "consultation.legal"), lang))

    def _centre_at(self, reply: Reply, u: Understanding, text: str, lang: str) -> None:
        """"Can I bring it on Saturday at 11:30?": the day and time named, checked against Recycle Center 21's
        carry-in hours (closed then, or within them) below the answer's first line; its hours and fee a tap away."""
        if not u.intent.startswith("garbage.") or u.options or not (
                u.answer_key in CENTRE_ANSWERS or "recycle_center" in u.concepts
                or (u.answer_key == "garbage.sorting" and u.category == "self_delivery")):
            return
        if not any(c.payload == "intent:garbage.rules.center" for c in reply.choices) \
                and not reply.entry == "garbage.rules.center" and "garbage.rules.center" in self.kb.answers:
            reply.choices.append(self._choice(Option("intent", "garbage.rules.center"), lang))
        week = self.catalog.get(lang, "ui", "weekdays") or []
        day = self._named_weekday(text, lang)
        at = hours_mod.named_clock(text)
        if day is None or len(week) != 7 or (at is None and day < 6):
            return
        facts = self.kb.facts.get("center21_hours") or {}
        hours = facts.get("weekdays") if day < 5 else facts.get("saturday") if day == 5 else None
        name = str(week[day])
        first = capitalised(name)  # the name opening the sentence
        clock = self.renderer.clock(lang, hours_mod.hhmm(at)) if at else ""
        if not hours:
            line = self.renderer.ui(lang, "center_closed_day", first=first)
        elif at is not None and hours_mod.open_at(str(hours), at):
            line = self.renderer.ui(lang, "center_open_at", first=first, time=clock)
        else:
            spans = ", ".join("–".join(self.renderer.clock(lang, hours_mod.hhmm(t)) for t in span)
                              for span in hours_mod.spans(str(hours)))
            line = self.renderer.ui(lang, "center_closed_at", first=first, day=name, time=clock, hours=spans)
        lines = reply.text.split("\n")
        reply.text = "\n".join([lines[0], line, *lines[1:]])


# Words that join two things named ("cans and bottles", "latas con botellas", "罐和瓶子", "缶とびん").
JOINERS = frozenset({"and", "or", "with", "y", "o", "con", "e", "ou", "com", "và", "va", "hoặc", "hoac", "với", "voi",
                     "at", "dan", "atau", "र", "वा", "和", "与", "與", "跟", "或", "还有", "還有", "と", "や", "・"})


def _joined(folded: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two things named close together and joined by "and", "or", "with" (a few words or characters apart)."""
    between = folded[min(a[1], b[1]):max(a[0], b[0])] if a[1] <= b[0] or b[1] <= a[0] else ""
    if not between or len(between) > 24:
        return False
    spaced = " " in between.strip()  # words written apart (Latin, Devanagari) or characters run together (CJK)
    return any(w in JOINERS for w in between.split()) if spaced or between.strip().isascii() \
        else any(j in between for j in JOINERS if not j.isascii())
