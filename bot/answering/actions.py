"""The bot's answers that are actions rather than knowledge: collection days for the resident's town, reminders,
deleting the resident's data. A mixin of `pipeline.Bot`, kept apart so the pipeline reads as the message's path."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..messages import Choice, Reply
from ..understanding.matching import Understanding
from .announce import TOPICS, set_topics
from .calendar import DAY_CATEGORY, Area, District, DistrictRule, Place
from .privacy import forget
from .reminders import parse_time, subscribe, unsubscribe
from .rendering import WHOLE_BUDGET, capitalised, punct

if TYPE_CHECKING:
    from ..storage.models import User
    from ..storage.store import Store
    from .calendar import Calendar
    from .catalog import Catalog
    from .knowledge import Knowledge
    from .mt import MachineTranslator
    from .rendering import Renderer


TOPIC_CONCEPTS = (("garbage", "garbage"), ("class", "classes"), ("japanese", "classes"), ("disaster", "disaster"),
                  ("events", "events"))


KANJI_READERS = ("ja", "zh")  # town names in kanji only: 今泉町, not "Imaizumi-cho", for readers of Chinese too

class Commands:
    """Collection days, reminders and data deletion (see the module docstring)."""

    if TYPE_CHECKING:
        store: Store
        kb: Knowledge
        catalog: Catalog
        renderer: Renderer
        calendar: Calendar | None
        translator: MachineTranslator | None

        def learn(self) -> None: ...

        def _reply(self, key: str, msg_lang: str | None, reply_lang: str, intent: str, now: dt.datetime,
                   item: str | None = None, category: str | None = None, confidence: float = 0.95,
                   **render: Any) -> Reply: ...

    def _schedule(self, u: Understanding, msg_lang: str | None, lang: str, user: User, now: dt.datetime) -> Reply:
        """When to put something out: the dates for the resident's town when a real calendar has them; otherwise
        what the sources give (the kind of day in their district, the calendar, 8:30), and never a date."""
        assert self.calendar is not None
        cal = self.calendar
        place = cal.place(user.area)
        rule = cal.rule_for(u.item)
        category = u.category
        if u.item:
            user.last_item = u.item  # "Akabori" next (typed or tapped) answers for this item
        if rule is not None:  # batteries, clothing: dates only where their kind of day is a calendar category
            district = cal.district_of(place)
            category = DAY_CATEGORY.get(rule.days.get(district.id, "") if district else "")
        if isinstance(place, Area) and cal.has_dates(place.id, category) and (rule is None or category):
            return self._dated(u, category, place, msg_lang, lang, now)
        return self._dateless(u, rule, place, msg_lang, lang, now)

    def _dated(self, u: Understanding, category: str | None, area: Area, msg_lang: str | None, lang: str,
               now: dt.datetime) -> Reply:
        """The next dates of a category, or the days of today and tomorrow (or the week), from a real calendar."""
        assert self.calendar is not None
        name = self._place_name(lang, area)
        r, today = self.renderer, now.date()
        facts = [self.calendar.source, self.kb.facts["garbage_rules"]]
        rule = self.calendar.rule_for(u.item)
        if rule is not None:
            facts.append(rule.fact)  # batteries, clothing: their district's day (here a category of the calendar)
        if category:
            dates = r.dates(lang, self.calendar.next_days(area.id, category, today))
            what = str(r.item_name(lang, str(u.item)) if rule else self.catalog.get(lang, "category_names", category))
            # A name opens the sentence ("Dry-cell battery in …") or stands inside it ("Coleta de pilha comum em …").
            opens = str(self.catalog.get(lang, "ui", "schedule_next") or "").startswith("{category}")
            if opens or what[1:2].islower():  # never "pET bottle"
                what = (what[:1].upper() if opens else what[:1].lower()) + what[1:]
            text = r.ui(lang, "schedule_next", category=what, area=name, dates=dates)
        else:
            span = 2 if "today_tomorrow" in u.concepts else 7
            days = [today + dt.timedelta(days=n) for n in range(span)]
            listed = [r.ui(lang, "schedule_day", date=r.date(lang, d), categories=punct(lang).list.join(
                str(self.catalog.get(lang, "category_names", c)) for c in self.calendar.on(area.id, d))
                or r.ui(lang, "schedule_nothing")) for d in days if span == 2 or self.calendar.on(area.id, d)]
            text = r.ui(lang, "schedule_days", area=name, days=punct(lang).semicolon.join(listed))
        lines = [r.ui(lang, "area_set", area=name)] if u.area else []
        lines += [text, str(self.catalog.get(lang, "answers", "garbage.rules.time") or "")]
        rendered = r.with_lines("garbage.schedule", lang, "\n".join(x for x in lines if x), facts)
        rendered_text = rendered.text.replace("{garbage_rules.deadline}", str(self.kb.value("garbage_rules.deadline")))
        return Reply(rendered_text, msg_lang, lang, "garbage.schedule", entry="garbage.schedule",
                     confidence=u.confidence)

    def _dateless(self, u: Understanding, rule: DistrictRule | None, place: Place | None, msg_lang: str | None,
                  lang: str, now: dt.datetime) -> Reply:
        """No date to give (a sample calendar, or no rule for this town or category): the kind of day in the
        resident's district where it differs by district, the calendar and the 8:30 rule, whom to ask, and the
        source; the district (or, with a real calendar, the town) asked for when it would change the answer."""
        assert self.calendar is not None
        r = self.renderer
        facts = [self.kb.facts["calendar"], self.kb.facts["garbage_rules"]]
        lines: list[str] = []
        if u.area and place is not None and (rule is None or isinstance(place, Area)):  # (a rule names the district)
            lines.append(r.ui(lang, "district_set" if isinstance(place, District) else "area_set",
                              district=self._place_name(lang, place), area=self._place_name(lang, place)))
        if rule is not None and u.item:
            more, choices = self._rule_answer(lang, u.item, rule, place)
            facts.insert(0, rule.fact)
        else:
            more, choices = self._general_answer(lang, u, place, now)
            if u.answer_key.endswith(".category") and u.category:
                facts.append(self.kb.categories[u.category])
        rendered = r.with_lines("garbage.schedule", lang, "\n".join(lines + more), facts, ("environment",))
        reply = Reply(rendered.text, msg_lang, lang, "garbage.schedule", entry="garbage.schedule",
                      confidence=u.confidence)
        reply.choices = choices + [Choice(label, url) for label, url in rendered.links]
        return reply

    def _rule_answer(self, lang: str, item: str, rule: DistrictRule, place: Place | None) -> tuple[list[str],
                                                                                                   list[Choice]]:
        """Batteries, clothing: the kind of day in the district (or in each, and which is theirs?), the calendar,
        8:30 and whom to ask; a button to how the item goes out."""
        assert self.calendar is not None
        r, district = self.renderer, self.calendar.district_of(place)
        name = r.item_name(lang, item)
        lines = [r.ui(lang, "rule_when", item=capitalised(name), days=self._rule_days(lang, rule, district))]
        choices: list[Choice] = []
        if district is None:  # every district's day is said; the buttons give theirs
            ask = "district_unknown" if place is not None else "district_ask"
            lines.append(r.ui(lang, ask, area=self._place_name(lang, place) if place else ""))
            choices = self._district_choices(lang, item)
        lines.append(r.ui(lang, "schedule_rule_dates", month=self._handed_out(lang),
                          contact=r.contact(lang, "environment"),
                          deadline=r.clock(lang, str(self.kb.value("garbage_rules.deadline")))))
        return lines, choices + [Choice(r.intent_label(lang, "garbage.sorting"), f"item:{item}")]  # taped, which box

    def _general_answer(self, lang: str, u: Understanding, place: Place | None, now: dt.datetime) -> tuple[
            list[str], list[Choice]]:
        """Any other kind: where the days are (the calendar, 8:30) and whom to ask; with a real calendar, the town
        asked for (the towns of their district as buttons)."""
        assert self.calendar is not None
        r, cal = self.renderer, self.calendar
        key = u.answer_key if u.answer_key in self.kb.answers else "garbage.schedule"
        answer = r.answer(key, lang, now.date(), category=u.category if key.endswith(".category") else None)
        lines = [answer.main, r.ui(lang, "schedule_no_dates", contact=r.contact(lang, "environment"))]
        choices: list[Choice] = []
        if not cal.sample and not isinstance(place, Area):  # a real calendar: the town gives the dates
            lines.append(r.ui(lang, "schedule_ask_area"))
            towns = cal.towns_in(cal.district_of(place))
            if len(towns) <= 12:
                choices = [Choice(self._place_name(lang, a, short=True), f"area:{a.key}") for a in towns]
        return lines, choices

    def _rule_days(self, lang: str, rule: DistrictRule, district: District | None) -> str:
        """'the “other” day (その他) in Akabori (赤堀地区)', or every district's kind of day when it is unknown."""
        assert self.calendar is not None
        kinds = self.catalog.get(lang, "ui", "day_kinds") or {}
        by_kind: dict[str, list[str]] = {}
        for district_id, kind in rule.days.items():
            if district is None or district_id == district.id:
                name = self._place_name(lang, self.calendar.districts[district_id], short=district is None)
                by_kind.setdefault(kind, []).append(name)
        sep = self.renderer.ui(lang, "names_and")  # 伊勢崎地区・東地区は…、赤堀地区・境地区は… ("Isesaki and Azuma")
        return punct(lang).semicolon.join(self.renderer.ui(lang, "district_day", day=kinds.get(kind, kind),
                                                           districts=sep.join(names))
                                          for kind, names in by_kind.items())

    def _with_district(self, reply: Reply, key: str, u: Understanding, user: User, now: dt.datetime) -> Reply:
        """An item's answer (batteries, clothing) with the kind of day in the resident's district, or in each
        district; when every district's day would make it too long for a phone, buttons ask for theirs instead."""
        cal = self.calendar
        rule = cal.rule_for(u.item) if cal else None
        if cal is None or rule is None or u.item is None:
            return reply
        lang = reply.reply_language
        district = cal.district_of(cal.place(user.area))
        notes = [self.renderer.ui(lang, "rule_day", days=self._rule_days(lang, rule, district))]
        fuller = self._reply(key, reply.language, lang, u.intent, now, item=u.item, category=u.category,
                             confidence=u.confidence, item_notes=notes, item_facts=[rule.fact])
        if district is not None or len(fuller.text) <= WHOLE_BUDGET:
            return fuller
        reply.choices = self._district_choices(lang, u.item) + reply.choices
        return reply

    def _district_choices(self, lang: str, item: str) -> list[Choice]:
        """A button per district, each leading to the day of `item` there."""
        assert self.calendar is not None
        return [Choice(self._place_name(lang, d, short=True), f"area:{d.key}|{item}")
                for d in self.calendar.districts.values()]

    def _handed_out(self, lang: str) -> str:
        """The month the city hands its calendar out, in the resident's language."""
        month = int(self.kb.facts["calendar"]["handed_out"]["month"])
        return str((self.catalog.get(lang, "ui", "months") or [""] * 12)[month - 1])

    @staticmethod
    def _place_name(lang: str, place: Place, short: bool = False) -> str:
        """A town or district as a resident reads it: kanji for readers of kanji, else '<romaji> (<kanji>)'."""
        if lang in KANJI_READERS:
            return place.name_ja
        return place.name_en if short else f"{place.name_en} ({place.name_ja})"

    def _known_place(self, key: str | None) -> str | None:
        """The key of a town or district the calendar knows (the city's own name is none)."""
        return key if self.calendar is not None and self.calendar.place(key) is not None else None

    def _item_days(self, reply: Reply, item: str | None, category: str | None, lang: str, user: User,
                   now: dt.datetime) -> None:
        """Under an item's answer, when the resident's town is known and a real calendar has the days: the next
        days it goes out there (batteries and clothing on their district's kind of day, where that is a category
        of the calendar). Never from a sample calendar."""
        cal = self.calendar
        area = cal.place(user.area) if cal else None
        if cal is None or not isinstance(area, Area) or not category or not item:
            return
        rule = cal.rule_for(item)
        if rule is not None:
            category = DAY_CATEGORY.get(rule.days.get(area.district or "", ""))
        if not category or not cal.has_dates(area.id, category):
            return
        days = cal.next_days(area.id, category, now.date())
        if not days:
            return
        line = self.renderer.ui(lang, "item_days", area=self._place_name(lang, area),
                                dates=self.renderer.dates(lang, days))
        head, sep, rest = reply.text.partition("\n")  # after the answer, before its confirm and source lines
        reply.text = "\n".join([head, line]) + (sep + rest if sep else "")

    def _reminder(self, u: Understanding, text: str, lang: str, user: User, now: dt.datetime) -> Reply:
        if u.area:
            user.area = u.area
        if u.answer_key == "reminder.off":
            unsubscribe(self.store, user.id)
            return self._ui_reply("reminder_off", lang, "garbage.schedule")
        cal = self.calendar
        if cal is None or cal.sample:  # no date to remind of: said plainly, and nothing is switched on
            return Reply(self.renderer.ui(lang, "reminder_no_dates", month=self._handed_out(lang),
                                          contact=self.renderer.contact(lang, "environment")),
                         lang, lang, "garbage.schedule", entry="garbage.schedule", confidence=u.confidence)
        area = cal.place(user.area)
        if not isinstance(area, Area) or not cal.has_dates(area.id):  # the town first; "remind me" again afterwards
            return self._schedule(Understanding("garbage.schedule", u.confidence, "garbage.schedule"), lang, lang,
                                  user, now)
        at = subscribe(self.store, user.id, parse_time(text))
        return Reply(self.renderer.ui(lang, "reminder_on", area=self._place_name(lang, area), time=at), lang, lang,
                     "garbage.schedule", entry="garbage.schedule", confidence=u.confidence)

    def _confirm_delete(self, lang: str, now: dt.datetime) -> Reply:
        reply = self._ui_reply("delete_confirm", lang, "privacy.delete")
        reply.choices = [Choice(self.renderer.ui(lang, "delete_yes"), "privacy:delete-yes"),
                         Choice(self.renderer.ui(lang, "delete_no"), "privacy:delete-no")]
        return reply

    def _privacy(self, action: str, user: User, lang: str, now: dt.datetime) -> Reply:
        if action == "delete":
            return self._confirm_delete(lang, now)
        if action == "delete-yes":
            keys = forget(self.store, user)
            if self.translator is not None:
                self.translator.drop(keys)
            self.learn()  # approved suggestions made from their words are gone: the matcher forgets them
            return self._ui_reply("delete_done", lang, "privacy.delete")
        return self._ui_reply("delete_cancelled", lang, "privacy.delete")

    def _ui_reply(self, key: str, lang: str, intent: str) -> Reply:
        return Reply(self.renderer.ui(lang, key), lang, lang, intent, confidence=1.0)

    def _announcements(self, u: Understanding, lang: str, user: User) -> Reply:
        """Stop all announcements, or join or leave topics (named ones, else all)."""
        named = [topic for concept, topic in TOPIC_CONCEPTS if concept in u.concepts]
        names = self.catalog.get(lang, "ui", "topics") or {}
        if u.answer_key == "announcements.off":
            user.announcements_off = True
            return self._ui_reply("announcements_off", lang, "announcements")
        topics = named or list(TOPICS)
        joining = u.answer_key == "announcements.join"
        set_topics(self.store, user.id, topics, joining)
        if joining:
            user.announcements_off = False
        listed = punct(lang).list.join(str(names.get(t, t)) for t in topics)
        key = "announcements_joined" if joining else "announcements_left"
        return Reply(self.renderer.ui(lang, key, topics=listed), lang, lang, "announcements", confidence=1.0)
