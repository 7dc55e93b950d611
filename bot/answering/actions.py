"""The bot's answers that are actions rather than knowledge: collection days for the resident's town, reminders,
deleting the resident's data. A mixin of `pipeline.Bot`, kept apart so the pipeline reads as the message's path."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..messages import Choice, Reply
from ..understanding.matching import Understanding
from .announce import TOPICS, set_topics
from .privacy import forget
from .reminders import parse_time, subscribe, unsubscribe
from .rendering import punct

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
                   item: str | None = None, category: str | None = None, confidence: float = 0.95) -> Reply: ...

    def _schedule(self, u: Understanding, msg_lang: str | None, lang: str, user: User, now: dt.datetime) -> Reply:
        """Collection days for the resident's town, or the general answer and a request for the town."""
        assert self.calendar is not None
        area = self.calendar.areas.get(user.area or "")
        if area is None:
            reply = self._reply(u.answer_key, msg_lang, lang, u.intent, now, category=u.category,
                                confidence=u.confidence)
            reply.text += "\n" + self.renderer.ui(lang, "schedule_ask_area")
            if len(self.calendar.areas) <= 12:
                reply.choices = [Choice(a.name_ja if lang in KANJI_READERS else a.name_en, f"area:{a.id}")
                                 for a in self.calendar.areas.values()]
            return reply
        name = area.name_ja if lang in KANJI_READERS else f"{area.name_en} ({area.name_ja})"
        r, today = self.renderer, now.date()
        facts = [self.calendar.source, self.kb.facts["garbage_rules"]]
        day_of = self._day_category(u.item, u.category, area.group)
        if day_of:
            # Batteries go out on their district's day (the city's notice), not on the hazardous day everywhere.
            facts.append(self.kb.facts["battery_days"])
        if u.category:
            dates = r.dates(lang, self.calendar.next_days(area.id, day_of or u.category, today))
            what = str(r.item_name(lang, str(u.item)) if day_of else
                       self.catalog.get(lang, "category_names", u.category))
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
        if self.calendar.sample:
            lines.append(r.ui(lang, "schedule_sample"))
        rendered = r.with_lines("garbage.schedule", lang, "\n".join(x for x in lines if x), facts)
        rendered_text = rendered.text.replace("{garbage_rules.deadline}", str(self.kb.value("garbage_rules.deadline")))
        return Reply(rendered_text, msg_lang, lang, "garbage.schedule", entry="garbage.schedule",
                     confidence=u.confidence)

    def _day_category(self, item: str | None, category: str | None, group: str) -> str | None:
        """The calendar category whose day an item goes out on in an area group, when it is not the item's own:
        batteries on the resources or the "other" day of their district (knowledge/garbage/rules.yaml)."""
        batteries = self.kb.facts.get("battery_days") or {}
        if not category or item not in (batteries.get("items") or []):
            return None
        day_of = (batteries.get("groups") or {}).get(group)
        return str(day_of) if day_of else None

    def _item_days(self, reply: Reply, item: str | None, category: str | None, lang: str, user: User,
                   now: dt.datetime) -> None:
        """Under an item's answer, when the resident's town is known: the next days it goes out there (batteries on
        their district's day, knowledge/garbage/rules.yaml `battery_days`), and that the dates are a sample."""
        area = self.calendar.areas.get(user.area or "") if self.calendar else None
        if area is None or self.calendar is None or not category or not item:
            return
        days = self.calendar.next_days(area.id, self._day_category(item, category, area.group) or category,
                                       now.date())
        if not days:
            return
        r = self.renderer
        name = area.name_ja if lang in KANJI_READERS else f"{area.name_en} ({area.name_ja})"
        lines = [r.ui(lang, "item_days", area=name, dates=r.dates(lang, days))]
        if self.calendar.sample:
            lines.append(r.ui(lang, "schedule_sample"))
        head, sep, rest = reply.text.partition("\n")  # after the answer, before its confirm and source lines
        reply.text = "\n".join([head, *lines]) + (sep + rest if sep else "")

    def _reminder(self, u: Understanding, text: str, lang: str, user: User, now: dt.datetime) -> Reply:
        if u.area:
            user.area = u.area
        if u.answer_key == "reminder.off":
            unsubscribe(self.store, user.id)
            return self._ui_reply("reminder_off", lang, "garbage.schedule")
        area = self.calendar.areas.get(user.area or "") if self.calendar else None
        if area is None:  # the town first; "remind me" again afterwards
            return self._schedule(Understanding("garbage.schedule", u.confidence, "garbage.schedule"), lang, lang,
                                  user, now)
        at = subscribe(self.store, user.id, parse_time(text))
        name = area.name_ja if lang in KANJI_READERS else f"{area.name_en} ({area.name_ja})"
        return Reply(self.renderer.ui(lang, "reminder_on", area=name, time=at), lang, lang, "garbage.schedule",
                     entry="garbage.schedule", confidence=u.confidence)

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
