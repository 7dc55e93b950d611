"""The knowledge base: facts with their sources, garbage items, offices, and the date-aware look-ups.

Everything lives in knowledge/ as YAML and CSV that editors change without touching code. `load` reads and checks
it; a broken file stops the bot with an error naming the file and the entry (`flask check-data` prints them all).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
import yaml

CATEGORIES = ("burnable", "non_burnable", "plastic", "bottles", "cans", "resources", "hazardous", "oversized",
              "shop_takeback", "self_delivery", "not_collected")
CONFIDENCE = ("H", "M", "L")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FACT_FILES = ("garbage/rules.yaml", "desks.yaml", "classes.yaml", "life.yaml")


class DataError(Exception):
    """A knowledge or language file is wrong; the message names the file and the entry."""


# Source tags with no official Isesaki page behind them: an M fact from one of them is said with "please confirm".
UNOFFICIAL = ("ISE-UNOFF", "OTHER")


@dataclass(frozen=True)
class Item:
    """A garbage item of knowledge/garbage/items.csv."""

    id: str
    name_en: str
    name_ja: str
    category: str
    basis: str
    source: str
    confidence: str
    note: str


@dataclass
class Knowledge:
    """Everything under knowledge/, checked."""

    sources: dict[str, dict[str, Any]]
    contacts: dict[str, dict[str, Any]]
    facts: dict[str, dict[str, Any]]
    categories: dict[str, dict[str, Any]]
    items: dict[str, Item]
    answers: dict[str, dict[str, Any]]
    # Help lines for danger and crisis (knowledge/crisis.yaml): lines by id, and situation -> line ids.
    crisis_lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    crisis_situations: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def value(self, path: str) -> Any:
        """A fact's value by dotted path ('japanese_class.am'), or None."""
        fact_id, _, attr = path.partition(".")
        fact = self.facts.get(fact_id)
        return None if fact is None or not attr else fact.get(attr)

    def is_weak(self, record: dict[str, Any]) -> bool:
        """True when a fact must be said with a 'please confirm' line: confidence L, an inference or an unverified
        fact, or an M that only an unofficial page or another place's rule gives (no official Isesaki source)."""
        tag = self.sources.get(str(record.get("source")), {}).get("tag")
        confidence = record.get("confidence")
        return confidence == "L" or tag in ("UNVERIFIED", "INFERRED") or (confidence == "M" and tag in UNOFFICIAL)


def _yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from exc


def load(folder: Path) -> Knowledge:
    """Read knowledge/ and check every reference; raise DataError listing all problems."""
    facts: dict[str, dict[str, Any]] = {}
    for name in FACT_FILES:
        for key, value in (_yaml(folder / name).get("facts") or {}).items():
            facts[str(key)] = dict(value or {}, _file=name)
    kb = Knowledge(
        sources=_yaml(folder / "sources.yaml").get("sources") or {},
        contacts=_yaml(folder / "contacts.yaml").get("contacts") or {},
        facts=facts,
        categories=_yaml(folder / "garbage/rules.yaml").get("categories") or {},
        items=_load_items(folder / "garbage/items.csv"),
        answers=_yaml(folder / "answers.yaml").get("answers") or {},
    )
    crisis = _yaml(folder / "crisis.yaml") if (folder / "crisis.yaml").exists() else {}
    kb.crisis_lines = {str(k): dict(v or {}) for k, v in (crisis.get("lines") or {}).items()}
    kb.crisis_situations = {str(k): [str(x) for x in v or []] for k, v in (crisis.get("situations") or {}).items()}
    for key, src in (crisis.get("sources") or {}).items():
        kb.sources.setdefault(str(key), src)
    kb.errors = check(kb)
    if kb.errors:
        raise DataError("\n".join(kb.errors))
    return kb


def _load_items(path: Path) -> dict[str, Item]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    items = {}
    for row in rows:
        item = Item(**{k: (row.get(k) or "").strip() for k in Item.__dataclass_fields__})
        items[item.id] = item
    return items


# What an answer's facts may not give (answers.yaml `unknown`): a weekday named, a concept, where it is sold.
UNKNOWN_ASKS = ("weekday", "discount", "payment", "buy")

def check(kb: Knowledge) -> list[str]:
    """Every problem in the knowledge base, each naming its file and entry."""
    errors = []
    records = [("contacts.yaml", k, v) for k, v in kb.contacts.items()]
    records += [(v.get("_file", "?"), k, v) for k, v in kb.facts.items()]
    records += [("garbage/rules.yaml", f"categories.{k}", v) for k, v in kb.categories.items()]
    for file, key, rec in records:
        if rec.get("source") not in kb.sources:
            errors.append(f"knowledge/{file}: {key}: unknown source {rec.get('source')!r} (see sources.yaml)")
        if rec.get("confidence") not in CONFIDENCE:
            errors.append(f"knowledge/{file}: {key}: confidence must be one of H, M, L")
    for cat in CATEGORIES:
        if cat not in kb.categories:
            errors.append(f"knowledge/garbage/rules.yaml: categories: {cat} is missing")
    for item in kb.items.values():
        where = f"knowledge/garbage/items.csv: {item.id or '(no id)'}"
        if item.category not in CATEGORIES:
            errors.append(f"{where}: unknown category {item.category!r} (one of {', '.join(CATEGORIES)})")
        if item.source not in kb.sources:
            errors.append(f"{where}: unknown source {item.source!r}")
        if item.confidence not in CONFIDENCE:
            errors.append(f"{where}: confidence must be one of H, M, L")
    errors += _check_crisis(kb)
    for key, spec in kb.answers.items():
        for fact in spec.get("facts") or []:
            if fact not in kb.facts:
                errors.append(f"knowledge/answers.yaml: {key}: unknown fact {fact!r}")
        if spec.get("confirm") and spec["confirm"] not in kb.contacts:
            errors.append(f"knowledge/answers.yaml: {key}: unknown contact {spec['confirm']!r}")
        for ask in spec.get("unknown") or []:
            if ask not in UNKNOWN_ASKS or not spec.get("confirm"):
                errors.append(f"knowledge/answers.yaml: {key}: unknown: {ask!r} needs a confirm office and one of "
                              f"{', '.join(UNKNOWN_ASKS)}")
    return errors


SITUATIONS = ("self_harm", "violence_home", "child_abuse", "sexual_violence", "stalking", "exploitation", "general")


def _check_crisis(kb: Knowledge) -> list[str]:
    """Every help line has a number or a link, a known source and a confidence; every situation has lines."""
    errors = []
    for key, line in kb.crisis_lines.items():
        where = f"knowledge/crisis.yaml: lines.{key}"
        if line.get("source") not in kb.sources:
            errors.append(f"{where}: unknown source {line.get('source')!r}")
        if line.get("confidence") not in CONFIDENCE:
            errors.append(f"{where}: confidence must be one of H, M, L")
        if not (line.get("phone") or line.get("url") or line.get("phones") or line.get("note")):
            errors.append(f"{where}: needs a phone, phones or url (or a note saying how to reach it)")
    if kb.crisis_lines:
        for situation in SITUATIONS:
            ids = kb.crisis_situations.get(situation)
            if not ids:
                errors.append(f"knowledge/crisis.yaml: situations.{situation}: missing")
            for line_id in ids or []:
                if line_id not in kb.crisis_lines:
                    errors.append(f"knowledge/crisis.yaml: situations.{situation}: unknown line {line_id!r}")
    return errors


def source_year(src: dict[str, Any]) -> str | None:
    """The year a source is from: `year`, else the year of its `date` (only dates the source itself gives)."""
    if src.get("year"):
        return str(src["year"])
    return str(src["date"])[:4] if src.get("date") else None


# --- date-aware look-ups -------------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year)


def is_holiday(day: dt.date, new_year: bool = True) -> bool:
    """A Japanese national holiday (or, with `new_year`, 29 December to 3 January, when lines keep holiday hours)."""
    return day in _holidays(day.year) or (new_year and ((day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3)))


def weekday(day: dt.date) -> str:
    """'mon' … 'sun'."""
    return WEEKDAYS[day.weekday()]


def desk_open(fact: dict[str, Any], day: dt.date) -> bool:
    """Whether a desk with opening days, closed n-th weekdays, holidays and dates is open on a day."""
    if weekday(day) not in fact.get("days", []):
        return False
    nth = (day.day - 1) // 7 + 1
    if [weekday(day), nth] in [list(x) for x in fact.get("closed_nth_weekdays", [])]:
        return False
    if fact.get("closed_holidays") and is_holiday(day, new_year=False):
        return False
    return day.strftime("%m-%d") not in fact.get("closed_dates", [])


def next_open_day(fact: dict[str, Any], day: dt.date) -> dt.date | None:
    """The first open day after `day` (within 30 days)."""
    for n in range(1, 31):
        later = day + dt.timedelta(days=n)
        if desk_open(fact, later):
            return later
    return None


def class_term(terms: list[dict[str, Any]], day: dt.date) -> tuple[str, dict[str, Any]]:
    """('running', term) / ('next', term) / ('unknown', last known term) for the Japanese class on a day."""
    ordered = sorted(terms, key=lambda t: t["start"])
    for term in ordered:
        if term["start"] <= day <= term["end"]:
            return "running", term
        if term["start"] > day:
            return "next", term
    return "unknown", ordered[-1] if ordered else {}
