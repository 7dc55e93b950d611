"""Answer key + language -> the text a resident reads, with its source and date lines.

The wording comes from translations/<lang>.yaml, the facts from knowledge/: placeholders such as
{japanese_class.am} or {contact.tabunka} are filled from the knowledge base, so a changed phone number is edited once.
Under each answer: "Source: <label, date>" for the facts it rests on, and "please confirm with <office>" when one of
them is weak (confidence L, inferred or unverified).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal

from ..understanding.language import ENDONYMS
from . import hours as hours_mod
from . import knowledge as kb_mod
from .catalog import PLACEHOLDER, Catalog
from .knowledge import Knowledge

# Babel locale of each served language (Tagalog answers use Filipino's locale data, Chinese the simplified script).
# English is international English (en_001: "Mon, 7 Dec", "14 May 2023"): its readers here are Filipinos, Nepalis,
# Indians and others who read 7/12 as 7 December, never the US month-first form.
LOCALES = {"pt": "pt_BR", "tl": "fil", "zh": "zh_Hans", "es": "es_419",  # es: Latin American (1,500), as Peruvians write
           "en": "en_001"}
# {contact.tabunka}: an office with its Japanese name and phone; {phone.tabunka}: its phone number alone.
CONTACT = re.compile(r"\{(?:contact|phone)\.([a-z0-9_]+)\}")
# Clock times of the knowledge base ("8:30", "9:00–17:00") as a locale writes them: Brazilians 8h30, Indonesians
# 08.30 (the native reviewers of both languages); the other languages keep 8:30.
_CLOCK_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")
CLOCK: dict[str, Any] = {"pt": r"\1h\2", "id": lambda m: f"{int(m.group(1)):02d}.{m.group(2)}"}
# Where a locale's data spells a word otherwise than its readers do: CLDR's Nepali abbreviates Thursday "बिहि", the
# Nepali reviewers (docs/reviews/ne-2.md, ne-6.md) and the translation file's own weekdays write "बिही" (बिहीबार).
SPELLING: dict[str, tuple[tuple[str, str], ...]] = {"ne": (("बिहि", "बिही"),)}
FALLBACK_CONFIRM = "tabunka"
BAGGABLE = ("burnable", "non_burnable", "plastic", "resources", "cans", "bottles")  # kinds that go out in a bag


@dataclass(frozen=True)
class Punct:
    """How a script writes the pieces the bot joins: brackets, commas in lists, and the space between sentences."""

    open: str = " ("
    close: str = ")"
    comma: str = ", "
    list: str = ", "
    semicolon: str = "; "
    space: str = " "


PUNCT = {"zh": Punct("（", "）", "，", "、", "；", ""), "ja": Punct("（", "）", "、", "、", "、", "")}


def punct(lang: str) -> Punct:
    """The punctuation of `lang`'s script (full-width for Chinese, Japanese joins without spaces)."""
    return PUNCT.get(lang, Punct())  # the association's own division, when the office to confirm with is itself unconfirmed


@dataclass
class Rendered:
    """A reply text and the facts it used."""

    text: str
    sources: list[str] = field(default_factory=list)
    weak: bool = False
    # (label, url) buttons: the full reference of the answer's first source.
    links: list[tuple[str, str]] = field(default_factory=list)
    main: str = ""  # the answer itself, without the source, confirm and draft lines (the length budget's part)
    caveats: list[str] = field(default_factory=list)  # the "please confirm with <office>" phrases it carries


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
        """A short date with its weekday in the locale's own order and words (Babel): 'Mon, December 7',
        '7 de dezembro', '12月7日月曜日' — never '7/12', which reads as 12 July to some."""
        text = format_skeleton("MMMEd", day, locale=LOCALES.get(lang, lang))
        for found, spelt in SPELLING.get(lang, ()):
            text = text.replace(found, spelt)
        return text

    def dates(self, lang: str, days: list[dt.date]) -> str:
        """Several dates as the locale lists them ('Sat, 12 Dec and Sat, 26 Dec', '12月12日(土)、12月26日(土)'):
        a date that holds a comma is never split by a list comma."""
        return format_list([self.date(lang, d) for d in days], locale=LOCALES.get(lang, lang))

    def term(self, lang: str, first: dt.date, last: dt.date) -> str:
        """A span of dates with its year, as the locale writes one: '14 May – 16 Jul 2023', '2023年5月14日～7月16日'."""
        return str(format_interval(first, last, "yMMMMd", locale=LOCALES.get(lang, lang)))

    def day_month(self, lang: str, day: dt.date) -> str:
        """A day and month in the locale's form, without the weekday: '29 December', '29 de dezembro', '12月29日'."""
        return format_skeleton("MMMMd", day, locale=LOCALES.get(lang, lang))

    def contact(self, lang: str, contact_id: str) -> str:
        """'<name> (<Japanese name>, <phone>)', or in Japanese '<Japanese name>(<phone>)'; without a phone number
        when none is verified."""
        c = self.kb.contacts[contact_id]
        phone = c.get("phone")
        if lang == "ja":
            return f"{c['name_ja']}（{phone}）" if phone else str(c["name_ja"])
        p = punct(lang)
        name = self.catalog.get(lang, "contacts", contact_id) or c["name_en"]
        inner = f"{c['name_ja']}{p.comma}{phone}" if phone else str(c["name_ja"])
        return f"{name}{p.open}{inner}{p.close}"

    def call(self, lang: str, contact_id: str) -> str:
        """'<name> (<phone>)': an office to phone, in the resident's language; its name alone without a phone."""
        phone = self.kb.contacts[contact_id].get("phone")
        p = punct(lang)
        name = self.contact_name(lang, contact_id)
        return f"{name}{p.open}{phone}{p.close}" if phone else name

    def contact_name(self, lang: str, contact_id: str) -> str:
        """An office's name alone, in the resident's language (Japanese for Japanese)."""
        c = self.kb.contacts[contact_id]
        return str(c["name_ja"] if lang == "ja" else self.catalog.get(lang, "contacts", contact_id) or c["name_en"])

    def source_names(self, lang: str, source_ids: list[str]) -> list[str]:
        """Sources as a resident reads them: each short name in their language once, with the years it is from
        ('Isesaki City website (2025, 2023)')."""
        years: dict[str, list[str]] = {}
        for sid in source_ids:
            src = self.kb.sources[sid]
            name = str(self.catalog.get(lang, "sources", sid) or src["label"])
            year = kb_mod.source_year(src)
            years.setdefault(name, [])
            if year and year not in years[name]:
                years[name].append(year)
        p = punct(lang)
        return [f"{name}{p.open}{p.comma.join(ys)}{p.close}" if ys else name for name, ys in years.items()]

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

    @staticmethod
    def clock(lang: str, value: str) -> str:
        """A clock time of the knowledge base ('8:30') as the locale writes it (8h30, 08.30)."""
        return _CLOCK_TIME.sub(CLOCK[lang], value) if lang in CLOCK else value

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
            text, values = self.help_line(lang, line_id, texts)
            parts.append("• " + text)
            tel = "".join(ch for ch in str(values["phone"] or "") if ch.isdigit() or ch == "#")
            if tel:
                buttons.append((fill(call, values.get), f"tel:{tel}"))
            elif values["url"]:
                buttons.append((str(self.catalog.get(lang, "crisis", "open") or "chat"), str(values["url"])))
        parts.append(str(self.catalog.get(lang, "crisis", "desk") or ""))
        return "\n".join(p for p in parts if p), buttons[:4]

    def help_line(self, lang: str, line_id: str, texts: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """One help line of knowledge/crisis.yaml in the resident's language (its number in that language where it has
        one; "please confirm" when the number is weak), and the values it was filled with."""
        texts = texts if texts is not None else (self.catalog.get(lang, "crisis", "lines") or {})
        line = self.kb.crisis_lines[line_id]
        values = {"phone": (line.get("phones") or {}).get(lang) or line.get("phone"), "url": line.get("url")}
        text = fill(str(texts.get(line_id) or ""), values.get)
        if line.get("confidence") == "L":
            text = _with_note(text, str(self.catalog.get(lang, "crisis", "confirm") or ""), punct(lang).space)
        return text, values

    def _labour_lines(self, lang: str, intern: bool = False) -> str:
        """Trouble at work that is not a crisis: two lines, the first one that speaks the resident's language (the
        interns' line for a technical intern, else the legal information line), then the labour-standards line
        (knowledge/crisis.yaml; the same texts as the crisis answers, so a number is changed in one place). A worker
        who is no intern is not sent to the interns' hotline."""
        lines = self.kb.crisis_lines
        own = [i for i in LABOUR_LINES if i in lines and (intern or i not in INTERN_LINES)
               and (lang in (lines[i].get("languages") or []) or lang in (lines[i].get("phones") or {}))]
        ids = [*own[:1], "labour_hotline"] if "labour_hotline" in lines else own[:1]
        return "\n".join("• " + self.help_line(lang, i)[0] for i in ids)

    # -- answers -----------------------------------------------------------------------------------------------------
    def answer(self, key: str, lang: str, today: dt.date, now: dt.time | None = None, *,
               item: str | None = None, category: str | None = None, item_notes: list[str] | None = None,
               item_facts: list[dict[str, Any]] | None = None, timed: bool = False, **extra: Any) -> Rendered:
        """The full answer for an answer key, with source and confirm lines. An item's answer may take lines of
        its own (`item_notes`: the day in the resident's district) and the facts they rest on. `timed`: the
        resident named the day or time they ask about ("at 3 on Saturday"), so nothing is said about now or today."""
        values = self._computed(lang, today, now or dt.time(12, 0), item, category, extra)
        if timed:
            values["desk_today"] = values["now_8000"] = ""
        at = extra.get("at")
        if isinstance(at, tuple) and len(at) == 2:  # "Saturday, 3 pm": open or closed at the day and hour named
            values["now_8000"] = lambda: self._then_8000(lang, *at)
        on = extra.get("on")
        if isinstance(on, dt.date):  # "on 16 December": open or closed that day, instead of today
            values["desk_today"] = capitalised(self._desk_day(lang, self.kb.facts["multicultural_center"], on, "on"))
        template = str(self.catalog.get(lang, "answers", key) or "")
        text = fill(template, lambda name: self._value(lang, name, values))
        if timed:
            text = re.sub(r"(?<=\S) {2,}", " ", text)  # where a dropped "open today" stood
        facts = [self.kb.facts[f] for f in self.kb.answers.get(key, {}).get("facts") or []]
        contacts = tuple(dict.fromkeys(CONTACT.findall(template)))
        # A fact the text uses without listing it (its source is not shown) still makes the answer weak.
        used = [self.kb.facts[name.partition(".")[0]] for name in PLACEHOLDER.findall(template)
                if name.partition(".")[0] in self.kb.facts]
        notes: list[str] = []
        none_here = self.no_counsellor(lang) if key in ("consultation.desk", "consultation.desk.city") else None
        if none_here:
            # Who speaks the resident's language, on a line of its own; the centre's unconfirmed languages say
            # nothing to this resident, so neither they nor their "please confirm" are shown.
            notes.append(none_here)
            facts = [f for f in facts if f is not self.kb.facts.get("center_other_languages")]
            if self._onestop_speaks(lang):
                contacts += ("onestop",)  # its number (2019, L) named on that line: "please confirm" as for any
        if key == "garbage.sorting" and item:
            text = punct(lang).space.join(p for p in (text, self.catalog.get(lang, "categories", category or ""),
                                        self.catalog.get(lang, "notes", item)) if p)
            text = capitalised(text)  # an item name opens the sentence
            it = self.kb.items[item]
            facts.append({"source": it.source, "confidence": it.confidence})
            notes += item_notes or []
            facts += item_facts or []
        elif key == "garbage.material" and category:
            size = self.ui(lang, "material_size") if category in BAGGABLE else ""
            text = punct(lang).space.join(p for p in (text, self.catalog.get(lang, "categories", category), size) if p)
        elif category and key.startswith("garbage.schedule"):
            facts.append(self.kb.categories[category])
        inline = self._desk_caveat(lang) if "{desk_languages}" in template and not none_here else ""
        rendered = self.with_lines(key, lang, text, facts, contacts, notes, used=used,
                                   inline=inline if inline and inline in text else "")
        return rendered

    def with_lines(self, key: str, lang: str, text: str, facts: list[dict[str, Any]],
                   contacts: tuple[str, ...] = (), notes: list[str] | None = None, *,
                   used: list[dict[str, Any]] | None = None, inline: str = "") -> Rendered:
        """A text with the source, confirm and machine-draft lines of answer `key`, the given facts and the
        contacts it names. A weak fact or contact gets "please confirm with <office>": the answer's own `confirm`
        office, or the Multicultural Coexistence Division when that office is itself the weak one. `used`: facts
        the text uses without showing their source (they count for the confirm line); `inline`: a please-confirm
        the text already carries, naming the answer's own office (no second line then)."""
        spec = self.kb.answers.get(key, {})
        source_ids = list(dict.fromkeys(str(f["source"]) for f in facts if f.get("source")))
        weak_contacts = [c for c in contacts if self.kb.is_weak(self.kb.contacts[c])]
        weak = any(self.kb.is_weak(f) for f in [*facts, *(used or [])]) or bool(weak_contacts)
        lines = [text, *(notes or [])]
        caveats = [inline] if inline else []
        if self.catalog.is_draft(lang, "answers", key):
            lines.append(self.ui(lang, "machine_draft"))
        confirm = spec.get("confirm")
        if weak and confirm and not self._only_inline(inline, facts, used or [], weak_contacts):
            if confirm in weak_contacts or self.kb.is_weak(self.kb.contacts[confirm]):
                confirm = FALLBACK_CONFIRM
            # An office the answer already shows with its number is named again without it; another one is named
            # with its number only (the Japanese name is for the counter, this line is for a phone call).
            office = self.contact_name(lang, confirm) if confirm in contacts else self.call(lang, confirm)
            lines.append(self.ui(lang, "confirm", contact=office))
            caveats.append(lines[-1])
        shown = spec.get("sources", True)
        # An inference or an unconfirmed fact has no source to show: its "please confirm" line says so.
        names = self.source_names(lang, [s for s in source_ids
                                         if self.kb.sources[s].get("tag") not in ("INFERRED", "UNVERIFIED")])
        if names and shown:
            lines.append(self.ui(lang, "source", sources=punct(lang).semicolon.join(names)))
        links: list[tuple[str, str]] = []
        url = next((self.kb.sources[s].get("url") for s in source_ids if self.kb.sources[s].get("url")), None)
        if url and shown:
            links.append((self.ui(lang, "source_button"), str(url)))
        for source_id in [spec["map"]] if spec.get("map") and shown else []:
            # A button to the page the answer sends the resident to (the disaster map), before the source's.
            map_url = str(self.kb.sources[source_id].get("url") or "")
            links = [(self.ui(lang, "map_button"), map_url), *[link for link in links if link[1] != map_url]]
        return Rendered("\n".join(lines), names, weak, links, text, caveats)

    def _only_inline(self, inline: str, facts: list[dict[str, Any]], used: list[dict[str, Any]],
                     weak_contacts: list[str]) -> bool:
        """The only weak thing is the centre's unconfirmed languages, already said with their please-confirm."""
        other = self.kb.facts.get("center_other_languages")
        weak = [f for f in [*facts, *used] if self.kb.is_weak(f) and f is not other]
        return bool(inline) and not weak and not weak_contacts

    def _desk_caveat(self, lang: str) -> str:
        """'(Vietnamese, Tagalog: please confirm with the Multicultural Coexistence Division)': the centre's
        counsellor languages that no source confirms (confidence L), never said as fact nor as 'probably'."""
        other = (self.kb.facts.get("center_other_languages") or {}).get("languages") or []
        if not other:
            return ""
        likely = punct(lang).list.join(self.language_name(lang, c) for c in other)
        return self.ui(lang, "desk_other_languages", languages=likely, contact=self.contact_name(lang, FALLBACK_CONFIRM))

    def _value(self, lang: str, name: str, computed: dict[str, Any]) -> Any:
        if name in computed:
            return computed[name]
        head, _, attr = name.partition(".")
        if head == "contact":
            return self.contact(lang, attr)
        if head == "phone":
            return self.kb.contacts[attr].get("phone")
        fact = self.kb.facts.get(head)
        if fact is not None and attr not in fact:
            return self._localized(lang, fact, attr, self.catalog.get(lang, "places", name))
        value = self.kb.value(name)
        if isinstance(value, dict) and "month" in value:
            return self.catalog.get(lang, "ui", "months")[int(value["month"]) - 1]
        if isinstance(value, str) and lang in CLOCK:
            return _CLOCK_TIME.sub(CLOCK[lang], value)  # "8:30–17:15" as each locale writes it
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1000 and not attr.endswith("year"):
            # Amounts are grouped as each locale reads them (1,500 / 1.500 / 1 500); years never are.
            return format_decimal(value, locale=LOCALES.get(lang, lang))
        return value

    @staticmethod
    def _localized(lang: str, fact: dict[str, Any], attr: str, own: Any = None) -> Any:
        """{fact.place} -> in Japanese place_ja; else the name in the resident's language (translations/<lang>.yaml
        under `places:`, else place_en) with the Japanese name beside it, to show at the counter or to a driver."""
        ja, en = fact.get(f"{attr}_ja"), fact.get(f"{attr}_en")
        if lang == "ja" or not (own or en):
            return ja
        name = own or en
        p = punct(lang)
        return f"{name}{p.open}{ja}{p.close}" if ja else name

    def _computed(self, lang: str, today: dt.date, now: dt.time, item: str | None, category: str | None,
                  extra: dict[str, Any]) -> dict[str, Any]:
        center = self.kb.facts["multicultural_center"]
        values: dict[str, Any] = {
            "item": self.item_name(lang, item) if item else None,
            "category": self.catalog.get(lang, "category_names", category) if category else None,
            "desk_languages": self._desk_languages(lang, center, with_others=self.no_counsellor(lang) is None),
        }
        for key, code in extra.items():
            values[key] = self.language_name(lang, code) if key in ("language", "reply_language") else code
        # Date-aware pieces are computed only when the template asks for them.
        values["desk_today"] = lambda: self._desk_day(lang, center, today, "today")
        values["desk_week"] = lambda: self._desk_week(lang)
        values["desk_when"] = lambda: self._desk_when(lang, center, today, now)
        values["class_term"] = lambda: self._class_term(lang, today)
        values["desk_closed_from"] = lambda: self._year_end(lang, center, today)[0]
        values["desk_closed_to"] = lambda: self._year_end(lang, center, today)[1]
        values["labour_lines"] = lambda: self._labour_lines(lang, bool(extra.get("intern")))
        values["now_8000"] = lambda: self._now_8000(lang, today, now)
        return values

    def _desk_languages(self, lang: str, center: dict[str, Any], with_others: bool = True) -> str:
        """'English, Spanish, Portuguese (Vietnamese, Tagalog: please confirm with …)'."""
        sep = punct(lang).list
        named = sep.join(self.language_name(lang, c) for c in center.get("languages", []))
        caveat = self._desk_caveat(lang) if with_others else ""
        return named + punct(lang).space + caveat if caveat else named

    def no_counsellor(self, lang: str, code: str | None = None) -> str | None:
        """For a resident whose language (or the language `code` they ask about) no counsellor at the centre
        speaks: who does speak it."""
        code = code or lang
        center = self.kb.facts["multicultural_center"]
        other = (self.kb.facts.get("center_other_languages") or {}).get("languages") or []
        if code in ("ja", "en") or code in center.get("languages", []) or code in other:
            return None
        name = self.language_name(lang, code)
        parts = [self.ui(lang, "desk_no_language", language=name)]
        if self._onestop_speaks(code):
            parts.append(self.ui(lang, "desk_onestop_language", contact=self.contact(lang, "onestop"), language=name))
        houterasu = self.kb.facts.get("houterasu") or {}
        if code in houterasu.get("languages", []):
            parts.append(self.ui(lang, "desk_houterasu_language", phone=houterasu.get("phone"), language=name))
        return punct(lang).space.join(parts)

    def speakers(self, lang: str, code: str) -> str | None:
        """'Is there someone who speaks X?' told from the facts: the City Hall desk's counsellors of that language
        (on certain weekdays: the phone number to ask which), or who else speaks it; None for Japanese."""
        if code == "ja":
            return None
        if code in self.kb.facts["city_desk"].get("languages", []):
            return self.ui(lang, "desk_speaks", language=self.language_name(lang, code),
                           phone=self.kb.contacts["tabunka"].get("phone"))
        return self.no_counsellor(lang, code)

    def _onestop_speaks(self, lang: str) -> bool:
        """The One-Stop Center has staff who speak `lang` (named to residents whose language the desk lacks)."""
        return lang in (self.kb.facts.get("onestop_center") or {}).get("languages", [])

    def _desk_day(self, lang: str, center: dict[str, Any], day: dt.date, when: str) -> str:
        """Open or closed on `day` ('today', or 'on' a date the resident names: "Wed, 16 Dec: closed; next open:
        Thu, 17 Dec")."""
        if kb_mod.desk_open(center, day):
            return self.ui(lang, f"desk_open_{when}", date=self.date(lang, day))
        nxt = kb_mod.next_open_day(center, day)
        return self.ui(lang, f"desk_closed_{when}", date=self.date(lang, day), next=self.date(lang, nxt) if nxt else "?")

    def _year_end(self, lang: str, center: dict[str, Any], today: dt.date) -> tuple[str, str]:
        """The first and last day of the centre's year-end closure (desks.yaml: '12-29' … '01-03') in the locale's
        own form ('29 December', '12月29日'); empty when it has none."""
        closed = [str(d) for d in center.get("closed_dates", [])]
        late, early = sorted(d for d in closed if d >= "07"), sorted(d for d in closed if d < "07")
        if not late or not early:
            return "", ""
        year = today.year if today.month >= 7 else today.year - 1
        first = dt.date(year, *(int(x) for x in late[0].split("-")))
        last = dt.date(year + 1, *(int(x) for x in early[-1].split("-")))
        return self.day_month(lang, first), self.day_month(lang, last)

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
        close = hours_mod.clock_of(str(center.get("close", "17:15")))
        if kb_mod.desk_open(center, today) and now < close:
            return self.ui(lang, "desk_when_open")
        nxt = kb_mod.next_open_day(center, today)
        return self.ui(lang, "desk_when_next", next=self.date(lang, nxt) if nxt else "?")

    def _now_8000(self, lang: str, today: dt.date, now: dt.time) -> str:
        """#8000 (children's medical line) is closed Mon-Sat 8:00-18:00 except on holidays (knowledge/life.yaml
        medical_8000): ' (open now)' or ' (closed now; opens at 18:00)'."""
        opens = str(self.kb.facts["medical_8000"].get("weekdays", "18:00")).split("–")[0]
        closed = (today.weekday() < 6 and not kb_mod.is_holiday(today)
                  and dt.time(8, 0) <= now < hours_mod.clock_of(opens))
        return self.ui(lang, "line_closed_now", time=opens) if closed else self.ui(lang, "line_open_now")

    def _then_8000(self, lang: str, weekday: int, at: dt.time) -> str:
        """#8000 at the weekday (0 = Monday) and hour the resident names ("Saturday, 3 pm"): ' (closed then; opens at
        18:00)' or ' (open then)'. Holidays are not known for a weekday named: only Sunday counts as one."""
        opens = str(self.kb.facts["medical_8000"].get("weekdays", "18:00")).split("–")[0]
        closed = weekday < 6 and dt.time(8, 0) <= at < hours_mod.clock_of(opens)
        return self.ui(lang, "line_closed_then", time=opens) if closed else self.ui(lang, "line_open_then")

    def _class_term(self, lang: str, today: dt.date) -> str:
        state, term = kb_mod.class_term(self.kb.facts["japanese_class_terms"]["terms"], today)
        if state == "running":
            return self.ui(lang, "class_term_running", end=self.date(lang, term["end"]))
        if state == "next":
            return self.ui(lang, "class_term_next", start=self.date(lang, term["start"]))
        # An old term is shown with its year, so nobody takes it for this year's.
        return self.ui(lang, "class_term_unknown", term=self.term(lang, term["start"], term["end"]))


# The length budget of a reply on a phone: the answer itself, and the whole reply with its source lines. The answer
# keeps a margin below its budget (10 characters, Japanese 5): the dates, names and numbers filled in vary by day.
MAIN_BUDGET = {"ja": 150}
MAIN_DEFAULT, WHOLE_BUDGET = 300, 450
MARGIN = {"ja": 5}
MARGIN_DEFAULT = 10


def every_answer(renderer: Renderer, lang: str, today: dt.date) -> Iterator[tuple[str, dict[str, Any], Rendered]]:
    """Every answer key written in `lang`, and every garbage item, rendered on `today` at 10:00: (key, args, reply)."""
    cases: list[tuple[str, dict[str, Any]]] = [(key, {}) for key in renderer.kb.answers if key != "garbage.sorting"]
    cases += [("garbage.sorting", {"item": i.id, "category": i.category}) for i in renderer.kb.items.values()]
    for key, args in cases:
        if renderer.catalog.get(lang, "answers", key) or key == "garbage.sorting":
            yield key, args, renderer.answer(key, lang, today, dt.time(10, 0), **args)


def over_budget(renderer: Renderer, lang: str, today: dt.date) -> list[str]:
    """Every answer key (and every garbage item) whose reply in `lang` is longer than the budget (the answer: less
    its margin), with its lengths."""
    budget = MAIN_BUDGET.get(lang, MAIN_DEFAULT)
    limit = budget - MARGIN.get(lang, MARGIN_DEFAULT)
    problems = []
    for key, args, out in every_answer(renderer, lang, today):
        if len(out.main) > limit or len(out.text) > WHOLE_BUDGET:
            problems.append(f"{lang} {key} {args.get('item', '')}: answer {len(out.main)}/{limit} ({budget} less "
                            f"its margin), whole {len(out.text)}/{WHOLE_BUDGET}")
    return problems


def uncaveated(renderer: Renderer, lang: str, today: dt.date) -> list[str]:
    """Every answer (and garbage item) in `lang` that rests on a weak fact or office but does not say "please
    confirm with <office>" in its text: the proof `check-data` gives that every weak fact and contact is caveated."""
    problems = []
    for key, args, out in every_answer(renderer, lang, today):
        where = f"{lang} {key} {args.get('item', '')}".rstrip()
        if out.weak and not out.caveats:
            problems.append(f"knowledge/answers.yaml: {where}: rests on a weak fact or office (confidence L, inferred, "
                            "unverified, or M from an unofficial source) but says no 'please confirm' (give it "
                            "`confirm:`)")
        offices = [renderer.contact_name(lang, c) for c in renderer.kb.contacts]
        for caveat in out.caveats:
            if caveat not in out.text or not any(office in caveat for office in offices):
                problems.append(f"translations/{lang}.yaml: {where}: the 'please confirm' phrase {caveat!r} is not "
                                "shown or names no office")
    return problems


DOUBLE_PERIOD = re.compile(r"(?<!\.)\.\.(?!\.)")


def fill(template: str, lookup: Callable[[str], Any]) -> str:
    """Replace {name} placeholders using `lookup`; an unknown one is left visible rather than guessed."""
    def one(match: Any) -> str:
        value = lookup(match.group(1))
        if callable(value):
            value = value()
        return match.group(0) if value is None else str(value)
    # A value that ends with a period ("4 de jan.") before the template's own period leaves one, not two.
    return DOUBLE_PERIOD.sub(".", PLACEHOLDER.sub(one, template))


MAX_CRISIS_LINES = 3


# Help lines in the resident's language for trouble at work (unpaid wages, pay below the contract, dismissal).
LABOUR_LINES = ("otit", "houterasu")  # then the labour-standards line (Japanese, free, evenings and weekends)
INTERN_LINES = ("otit",)  # for technical interns only


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


def _with_note(text: str, note: str, space: str) -> str:
    """A bracketed note after a text; one that already ends in brackets takes the note inside them:
    "… (English, Portuguese; please check this number …)" rather than ") (".
    Full-width brackets (Chinese, Japanese) get a full-width semicolon and no space."""
    for close, sep in ((")", "; "), ("）", "；")):
        if text.endswith(close) and note[:1] in "(（" and note[-1:] in ")）":
            return text[:-1] + sep + note[1:-1] + close
    return text + space + note if note else text


def capitalised(text: str) -> str:
    """The text with its first letter upper-cased, for a name or a date that opens a sentence ("sáb., 2 de jan.")."""
    return text[:1].upper() + text[1:]
