"""Garbage collection days by area and category, in the city's calendar (knowledge/garbage/areas.yaml and
calendar.yaml): weekly days, n-th weekdays of the month, listed dates, every other week, closed dates (year end)
and national holidays (collected as usual, or skipped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
import yaml

from .knowledge import CATEGORIES, WEEKDAYS, DataError

HORIZON = 62  # days searched for the next collection


@dataclass(frozen=True)
class Area:
    """A town with its names as residents type them."""

    id: str
    name_ja: str
    name_en: str
    group: str
    aliases: tuple[str, ...]


@dataclass
class Calendar:
    """The areas and the rules of each area group."""

    areas: dict[str, Area]
    groups: dict[str, dict[str, dict[str, Any]]]
    closed: frozenset[str]
    skip_holidays: bool
    sample: bool
    source: dict[str, Any]

    def collects(self, area_id: str, category: str, day: dt.date) -> bool:
        """Whether `category` is collected in the area on `day`."""
        if day.strftime("%m-%d") in self.closed or (self.skip_holidays and day in _holidays(day.year)):
            return False
        rules: dict[str, Any] = self.groups.get(self.areas[area_id].group, {})
        for period in rules.get("closed_ranges") or []:  # a centre's closure (5374's center.csv)
            if _date(period[0]) <= day <= _date(period[1]):
                return False
        rule = rules.get(category)
        return rule is not None and _matches(rule, day)

    def on(self, area_id: str, day: dt.date) -> list[str]:
        """The categories collected in the area on `day` (in the order of CATEGORIES)."""
        return [c for c in CATEGORIES if self.collects(area_id, c, day)]

    def next_days(self, area_id: str, category: str, today: dt.date, count: int = 2) -> list[dt.date]:
        """The next `count` collection days of a category, today included."""
        found = []
        for n in range(HORIZON):
            day = today + dt.timedelta(days=n)
            if self.collects(area_id, category, day):
                found.append(day)
                if len(found) == count:
                    break
        return found


def _matches(rule: dict[str, Any], day: dt.date) -> bool:
    if rule.get("months") and day.month not in rule["months"]:
        return False
    wd = WEEKDAYS[day.weekday()]
    if wd in (rule.get("weekly") or []):
        return True
    nth = (day.day - 1) // 7 + 1
    if [wd, nth] in [list(x) for x in rule.get("nth") or []]:
        return True
    if day in [_date(d) for d in rule.get("dates") or []]:
        return True
    other = rule.get("every_other")
    if other and wd == other["day"]:
        return ((day - _date(other["from"])).days // 7) % 2 == 0 and day >= _date(other["from"])
    return False


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@lru_cache(maxsize=8)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year)


def load(folder: Path) -> Calendar:
    """Read areas.yaml and calendar.yaml; raise DataError naming the file and entry of any problem."""
    areas_raw = yaml.load((folder / "areas.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    cal = yaml.load((folder / "calendar.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    areas = {key: Area(key, str(a["name_ja"]), str(a["name_en"]), str(a["group"]),
                       tuple(str(x) for x in a.get("aliases") or []))
             for key, a in (areas_raw.get("areas") or {}).items()}
    groups = cal.get("groups") or {}
    errors = [f"knowledge/garbage/areas.yaml: {a.id}: unknown group {a.group!r}" for a in areas.values()
              if a.group not in groups]
    for group, rules in groups.items():
        for category, rule in (rules or {}).items():
            if category == "closed_ranges":
                continue
            where = f"knowledge/garbage/calendar.yaml: {group}.{category}"
            if category not in CATEGORIES:
                errors.append(f"{where}: unknown category")
            for wd in (rule or {}).get("weekly") or []:
                if wd not in WEEKDAYS:
                    errors.append(f"{where}: unknown weekday {wd!r}")
    if errors:
        raise DataError("\n".join(errors))
    return Calendar(areas, groups, frozenset(str(x) for x in cal.get("closed") or []),
                    cal.get("holidays") == "skip", bool(cal.get("sample") or areas_raw.get("sample")),
                    {"source": cal.get("source", "inferred"), "confidence": cal.get("confidence", "L")})
