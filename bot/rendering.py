"""Answer key + language -> the text a resident reads, with its source and date lines.

The wording comes from translations/<lang>.yaml, the facts from knowledge/: placeholders such as
{japanese_class.am} or {contact.tabunka} are filled from the knowledge base, so a changed phone number is edited once.
Under each answer: "Source: <label, date>" for the facts it rests on, and "please confirm with <office>" when one of
them is weak (confidence L, inferred or unverified).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import knowledge as kb_mod
from .knowledge import Knowledge
from .language import ENDONYMS
from .translation import PLACEHOLDER, Catalog


@dataclass
class Rendered:
    """A reply text and the facts it used."""

    text: str
    sources: list[str] = field(default_factory=list)
    weak: bool = False


class Renderer:
    """Writes answers in a language from the catalog and the knowledge base."""

    def __init__(self, kb: Knowledge, catalog: Catalog) -> None:
        self.kb = kb
        self.catalog = catalog

    # -- small pieces ------------------------------------------------------------------------------------------------
    def ui(self, lang: str, key: str, **values: Any) -> str:
        """A ui string with its {placeholders} filled."""
        return fill(str(self.catalog.get(lang, "ui", key) or ""), lambda name: values.get(name))

    def date(self, lang: str, day: dt.date) -> str:
        """A short date in the language's format."""
        names = self.catalog.get(lang, "ui", "weekdays")
        return self.ui(lang, "date", weekday=names[day.weekday()], day=day.day, month=day.month, year=day.year)

    def contact(self, lang: str, contact_id: str) -> str:
        """'<name> (<Japanese name>, <phone>)', or in Japanese '<Japanese name>(<phone>)'."""
        c = self.kb.contacts[contact_id]
        if lang == "ja":
            return f"{c['name_ja']}({c['phone']})"
        name = self.catalog.get(lang, "contacts", contact_id) or c["name_en"]
        return f"{name} ({c['name_ja']}, {c['phone']})"

    def language_name(self, lang: str, code: str) -> str:
        """The name of language `code`, written in `lang`."""
        names = self.catalog.get(lang, "ui", "language_names") or {}
        return str(names.get(code) or ENDONYMS.get(code) or self.catalog.name(code))

    def item_name(self, lang: str, item_id: str) -> str:
        """An item's name in a language."""
        return str(self.catalog.get(lang, "items", item_id) or self.kb.items[item_id].name_en)

    def intent_label(self, lang: str, intent: str) -> str:
        """A short button label for an intent."""
        return str(self.catalog.get(lang, "intent_labels", intent) or intent)

    # -- crisis --------------------------------------------------------------------------------------------------------
    def crisis(self, lang: str, situation: str) -> tuple[str, list[tuple[str, str]]]:
        """The answer to a person at risk: 110/119 first, a warm line for the situation, the help lines that fit it
        (in the resident's language where one exists), and that the desk will contact them. No source line: the
        full references are on the desk and in knowledge/crisis.yaml. Returns the text and (label, uri) buttons."""
        texts = self.catalog.get(lang, "crisis", "lines") or {}  # every line id in every language: check-data
        intros = self.catalog.get(lang, "crisis", "situations") or {}
        call = str(self.catalog.get(lang, "crisis", "call") or "{phone}")
        parts = [str(self.catalog.get(lang, "crisis", "danger_now") or ""), str(intros.get(situation) or "")]
        buttons = [(fill(call, {"phone": "110"}.get), "tel:110")]
        for line_id in crisis_lines(self.kb, situation, lang):
            line = self.kb.crisis_lines[line_id]
            values = {"phone": (line.get("phones") or {}).get(lang) or line.get("phone"), "url": line.get("url")}
            text = fill(str(texts.get(line_id) or ""), values.get)
            if line.get("confidence") == "L":
                text += " " + str(self.catalog.get(lang, "crisis", "confirm") or "")
            parts.append("• " + text)
            tel = "".join(ch for ch in str(values["phone"] or "") if ch.isdigit() or ch == "#")
            if tel:
                buttons.append((fill(call, values.get), f"tel:{tel}"))
            elif values["url"]:
                buttons.append((str(self.catalog.get(lang, "crisis", "open") or "chat"), str(values["url"])))
        parts.append(str(self.catalog.get(lang, "crisis", "desk") or ""))
        return "\n".join(p for p in parts if p), buttons[:4]

    # -- answers -----------------------------------------------------------------------------------------------------
    def answer(self, key: str, lang: str, today: dt.date, now: dt.time | None = None, *,
               item: str | None = None, category: str | None = None, **extra: Any) -> Rendered:
        """The full answer for an answer key, with source and confirm lines."""
        values = self._computed(lang, today, now or dt.time(12, 0), item, category, extra)
        template = str(self.catalog.get(lang, "answers", key) or "")
        text = fill(template, lambda name: self._value(lang, name, values))
        facts = [self.kb.facts[f] for f in self.kb.answers.get(key, {}).get("facts") or []]
        if key == "garbage.sorting" and item:
            text = " ".join(p for p in (text, self.catalog.get(lang, "categories", category or ""),
                                        self.catalog.get(lang, "notes", item)) if p)
            it = self.kb.items[item]
            facts.append({"source": it.source, "confidence": it.confidence})
        elif category and key.startswith("garbage.schedule"):
            facts.append(self.kb.categories[category])
        return self.with_lines(key, lang, text, facts)

    def with_lines(self, key: str, lang: str, text: str, facts: list[dict[str, Any]]) -> Rendered:
        """A text with the source, confirm and machine-draft lines of answer `key` and the given facts."""
        spec = self.kb.answers.get(key, {})
        sources = list(dict.fromkeys(self.kb.source_label(str(f["source"])) for f in facts if f.get("source")))
        weak = any(self.kb.is_weak(f) for f in facts)
        lines = [text]
        if self.catalog.is_draft(lang, "answers", key):
            lines.append(self.ui(lang, "machine_draft"))
        if weak and spec.get("confirm"):
            lines.append(self.ui(lang, "confirm", contact=self.contact(lang, spec["confirm"])))
        if sources and spec.get("sources", True):
            lines.append(self.ui(lang, "source", sources="; ".join(sources)))
        return Rendered("\n".join(lines), sources, weak)

    def _value(self, lang: str, name: str, computed: dict[str, Any]) -> Any:
        if name in computed:
            return computed[name]
        head, _, attr = name.partition(".")
        if head == "contact":
            return self.contact(lang, attr)
        fact = self.kb.facts.get(head)
        if fact is not None and attr not in fact:
            return self._localized(lang, fact, attr)
        value = self.kb.value(name)
        if isinstance(value, dict) and "month" in value:
            return self.catalog.get(lang, "ui", "months")[int(value["month"]) - 1]
        return value

    @staticmethod
    def _localized(lang: str, fact: dict[str, Any], attr: str) -> Any:
        """{fact.place} -> place_<lang> if the fact has it; in Japanese place_ja; else 'place_en (place_ja)'."""
        own, ja, en = fact.get(f"{attr}_{lang}"), fact.get(f"{attr}_ja"), fact.get(f"{attr}_en")
        if own:
            return own
        if lang == "ja" or not en:
            return ja
        return f"{en} ({ja})" if ja else en

    def _computed(self, lang: str, today: dt.date, now: dt.time, item: str | None, category: str | None,
                  extra: dict[str, Any]) -> dict[str, Any]:
        center = self.kb.facts["multicultural_center"]
        values: dict[str, Any] = {
            "item": self.item_name(lang, item) if item else None,
            "category": self.catalog.get(lang, "category_names", category) if category else None,
            "desk_languages": ", ".join(self.language_name(lang, c) for c in center.get("languages", [])),
        }
        for key, code in extra.items():
            values[key] = self.language_name(lang, code) if key in ("language", "reply_language") else code
        # Date-aware pieces are computed only when the template asks for them.
        values["desk_today"] = lambda: self._desk_today(lang, center, today)
        values["desk_week"] = lambda: self._desk_week(lang)
        values["desk_when"] = lambda: self._desk_when(lang, center, today, now)
        values["class_term"] = lambda: self._class_term(lang, today)
        return values

    def _desk_today(self, lang: str, center: dict[str, Any], today: dt.date) -> str:
        if kb_mod.desk_open(center, today):
            return self.ui(lang, "desk_open_today", date=self.date(lang, today))
        nxt = kb_mod.next_open_day(center, today)
        return self.ui(lang, "desk_closed_today", date=self.date(lang, today),
                       next=self.date(lang, nxt) if nxt else "?")

    def _desk_week(self, lang: str) -> str:
        table = self.kb.facts["weekday_languages"]
        if not table.get("verified"):
            return self.ui(lang, "desk_week_unknown")
        names = self.catalog.get(lang, "ui", "weekdays")
        parts = [f"{names[i]}: " + ", ".join(self.language_name(lang, c) for c in table.get(wd) or [])
                 for i, wd in enumerate(kb_mod.WEEKDAYS) if table.get(wd)]
        return self.ui(lang, "desk_week", table="; ".join(parts))

    def language_days(self, lang: str, code: str) -> str | None:
        """'A counsellor who speaks X is there on: Monday, Thursday.' when the weekday table is confirmed."""
        table = self.kb.facts["weekday_languages"]
        if not table.get("verified"):
            return None
        names = self.catalog.get(lang, "ui", "weekdays")
        days = [names[i] for i, wd in enumerate(kb_mod.WEEKDAYS) if code in (table.get(wd) or [])]
        if not days:
            return None
        return self.ui(lang, "desk_language_days", language=self.language_name(lang, code), days=", ".join(days))

    def _desk_when(self, lang: str, center: dict[str, Any], today: dt.date, now: dt.time) -> str:
        hour, minute = (int(x) for x in str(center.get("close", "17:15")).split(":"))
        close = dt.time(hour, minute)
        if kb_mod.desk_open(center, today) and now < close:
            return self.ui(lang, "desk_when_open")
        nxt = kb_mod.next_open_day(center, today)
        return self.ui(lang, "desk_when_next", next=self.date(lang, nxt) if nxt else "?")

    def _class_term(self, lang: str, today: dt.date) -> str:
        state, term = kb_mod.class_term(self.kb.facts["japanese_class_terms"]["terms"], today)
        if state == "running":
            return self.ui(lang, "class_term_running", end=self.date(lang, term["end"]))
        if state == "next":
            return self.ui(lang, "class_term_next", start=self.date(lang, term["start"]))
        # An old term is shown with its year, in ISO form, so nobody takes it for this year's.
        return self.ui(lang, "class_term_unknown", start=term["start"].isoformat(), end=term["end"].isoformat(),
                       contact=self.contact(lang, "tabunka"))


def fill(template: str, lookup: Callable[[str], Any]) -> str:
    """Replace {name} placeholders using `lookup`; an unknown one is left visible rather than guessed."""
    def one(match: Any) -> str:
        value = lookup(match.group(1))
        if callable(value):
            value = value()
        return match.group(0) if value is None else str(value)
    return PLACEHOLDER.sub(one, template)


MAX_CRISIS_LINES = 3


def crisis_lines(kb: Knowledge, situation: str, lang: str) -> list[str]:
    """The help lines a person in `situation` who writes in `lang` is shown, best first: up to two lines that serve
    their language, then a line open day and night if none of those is; lines in other languages only when no line
    of the situation serves theirs."""
    ids = [i for i in kb.crisis_situations.get(situation) or kb.crisis_situations.get("general", [])
           if i in kb.crisis_lines]
    lines = kb.crisis_lines
    chosen = [i for i in ids if lang in (lines[i].get("languages") or []) or lang in (lines[i].get("phones") or {})][:2]
    if not chosen:
        chosen = ids[:2]
    if not any(lines[i].get("always_open") for i in chosen):
        chosen += [i for i in ids if lines[i].get("always_open") and i not in chosen][:1]
    return chosen[:MAX_CRISIS_LINES]
