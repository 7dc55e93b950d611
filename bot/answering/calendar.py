"""Where residents live and when their garbage is collected (knowledge/garbage/areas.yaml and calendar.yaml).

Places: the city's four districts (地区) and its towns, each town in one district (or in none the data knows). Some
rules differ by district (batteries, clothing: `district_rules`), and hold whatever the calendar. Collection days
are per town, from the calendar's rules: weekly days, n-th weekdays of the month, listed dates, every other week,
closed dates (year end) and national holidays (collected as usual, or skipped). A sample calendar, or a category
it has no rule for, gives no dates: `has_dates` says whether a date may be shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .knowledge import CATEGORIES, CONFIDENCE, WEEKDAYS, DataError, is_holiday

HORIZON = 62  # days searched for the next collection
DISTRICT = "district:"  # a district's key where a town's key could stand (the resident's remembered place)
CITY = "city"  # the key of the whole city's names ("伊勢崎市"): no place is taken from it
# Kinds of day at the neighbourhood resource collection point; the calendar category of each that is one.
DAY_KINDS = ("resources", "other", "paper")
DAY_CATEGORY = {"resources": "resources"}


# What may stand around a bare district name in an answer: "は", "です", "に住んでいます", "のほう", punctuation.
_BARE_AROUND = re.compile(r"^(?:わたしは|私は|うちは)|(?:の方|のほう)?(?:に(?:住|す)んで(?:い)?(?:ます|る)|です|だよ|だ)?"
                          r"(?:よ|ね)?[\s。．.!！?？、,]*$")


@dataclass(frozen=True)
class District:
    """One of the city's districts, with its names as residents type them."""

    id: str
    name_ja: str
    name_en: str
    aliases: tuple[str, ...]

    @property
    def key(self) -> str:
        return DISTRICT + self.id


@dataclass(frozen=True)
class Area:
    """A town with its names as residents type them, its district and its calendar group (None: unknown)."""

    id: str
    name_ja: str
    name_en: str
    group: str | None
    aliases: tuple[str, ...]
    district: str | None = None

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True)
class DistrictRule:
    """Items put out on a different kind of day in each district (batteries: 資源 or その他), with its source."""

    id: str
    items: tuple[str, ...]
    days: dict[str, str]
    source: str
    confidence: str

    @property
    def fact(self) -> dict[str, Any]:
        return {"source": self.source, "confidence": self.confidence}


Place = Area | District


@dataclass
class Calendar:
    """The places and the collection rules of each area group."""

    areas: dict[str, Area]
    groups: dict[str, dict[str, dict[str, Any]]]
    closed: frozenset[str]
    skip_holidays: bool
    sample: bool
    source: dict[str, Any]
    districts: dict[str, District] = field(default_factory=dict)
    rules: dict[str, DistrictRule] = field(default_factory=dict)
    city: tuple[str, ...] = ()

    # -- places --------------------------------------------------------------------------------------------------
    def place(self, key: str | None) -> Place | None:
        """The town or district a key names (a town's id, or 'district:<id>'); None for the city or the unknown."""
        if not key:
            return None
        if key.startswith(DISTRICT):
            return self.districts.get(key[len(DISTRICT):])
        return self.areas.get(key)

    def bare_district(self, text: str) -> District | None:
        """A district named by its bare name (境, 東) as the whole answer to "which district?" ("境です", "東に住んで
        います"): too short to be found inside other words (環境, 東京), so it is read only as a whole answer."""
        core = _BARE_AROUND.sub("", text.strip())
        return next((d for d in self.districts.values() if core and core == d.name_ja.removesuffix("地区")), None)

    def district_of(self, place: Place | None) -> District | None:
        """A district, or a town's district when the data knows it."""
        if isinstance(place, District):
            return place
        return self.districts.get(place.district or "") if place is not None else None

    def aliases(self) -> list[tuple[str, str]]:
        """(key, alias) of every way residents name a place: towns, districts, and the city (key CITY)."""
        out = [(a.key, alias) for a in self.areas.values() for alias in a.aliases]
        out += [(d.key, alias) for d in self.districts.values() for alias in d.aliases]
        return out + [(CITY, alias) for alias in self.city]

    def towns_in(self, district: District | None) -> list[Area]:
        """The towns of a district (every town when it is None)."""
        return [a for a in self.areas.values() if district is None or a.district == district.id]

    def rule_for(self, item: str | None) -> DistrictRule | None:
        """The district rule an item follows, if any."""
        return next((r for r in self.rules.values() if item in r.items), None) if item else None

    # -- dates ---------------------------------------------------------------------------------------------------
    def has_dates(self, area_id: str | None, category: str | None = None) -> bool:
        """Whether dates may be shown for a town (and a category): never from a sample calendar, nor for a town
        or category the calendar has no rule for."""
        area = self.areas.get(area_id or "")
        if self.sample or area is None or area.group not in self.groups:
            return False
        return category is None or category in (self.groups[area.group] or {})

    def collects(self, area_id: str, category: str, day: dt.date) -> bool:
        """Whether `category` is collected in the area on `day`."""
        if day.strftime("%m-%d") in self.closed or (self.skip_holidays and is_holiday(day, new_year=False)):
            return False
        rules: dict[str, Any] = self.groups.get(self.areas[area_id].group or "", {})
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




def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in values or [])


def load(folder: Path) -> Calendar:
    """Read areas.yaml and calendar.yaml; raise DataError naming the file and entry of any problem."""
    areas_raw = yaml.load((folder / "areas.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    cal = yaml.load((folder / "calendar.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    districts = {key: District(key, str(d["name_ja"]), str(d["name_en"]), _strings(d.get("aliases")))
                 for key, d in (areas_raw.get("districts") or {}).items()}
    areas = {key: Area(key, str(a["name_ja"]), str(a["name_en"]), str(a["group"]) if a.get("group") else None,
                       _strings(a.get("aliases")), str(a["district"]) if a.get("district") else None)
             for key, a in (areas_raw.get("areas") or {}).items()}
    rules = {key: DistrictRule(key, _strings(r.get("items")), {str(k): str(v) for k, v in (r.get("days") or {}).items()},
                               str(r.get("source", "")), str(r.get("confidence", "")))
             for key, r in (areas_raw.get("district_rules") or {}).items()}
    groups = cal.get("groups") or {}
    errors = _check(areas, districts, rules, groups)
    if errors:
        raise DataError("\n".join(errors))
    return Calendar(areas, groups, frozenset(str(x) for x in cal.get("closed") or []),
                    cal.get("holidays") == "skip", bool(cal.get("sample") or areas_raw.get("sample")),
                    {"source": cal.get("source", "inferred"), "confidence": cal.get("confidence", "L")},
                    districts, rules, _strings(areas_raw.get("city")))


def _check(areas: dict[str, Area], districts: dict[str, District], rules: dict[str, DistrictRule],
           groups: dict[str, Any]) -> list[str]:
    where = "knowledge/garbage/areas.yaml"
    errors = [f"{where}: {a.id}: unknown group {a.group!r}" for a in areas.values()
              if a.group is not None and a.group not in groups]
    errors += [f"{where}: {a.id}: unknown district {a.district!r}" for a in areas.values()
               if a.district is not None and a.district not in districts]
    for rule in rules.values():
        errors += [f"{where}: district_rules.{rule.id}: unknown district {d!r}" for d in rule.days
                   if d not in districts]
        errors += [f"{where}: district_rules.{rule.id}: {d}: unknown kind of day {k!r} (one of {', '.join(DAY_KINDS)})"
                   for d, k in rule.days.items() if k not in DAY_KINDS]
        if rule.confidence not in CONFIDENCE or not rule.source:
            errors.append(f"{where}: district_rules.{rule.id}: needs a source and a confidence (H, M or L)")
    for group, group_rules in groups.items():
        for category, rule in (group_rules or {}).items():
            if category == "closed_ranges":
                continue
            at = f"knowledge/garbage/calendar.yaml: {group}.{category}"
            if category not in CATEGORIES:
                errors.append(f"{at}: unknown category")
            for wd in (rule or {}).get("weekly") or []:
                if wd not in WEEKDAYS:
                    errors.append(f"{at}: unknown weekday {wd!r}")
    return errors


def check(cal: Calendar, items: set[str], sources: set[str]) -> list[str]:
    """The district rules name only known garbage items and sources (knowledge/garbage/items.csv, sources.yaml)."""
    where = "knowledge/garbage/areas.yaml: district_rules"
    errors = [f"{where}.{r.id}: unknown item {i!r}" for r in cal.rules.values() for i in r.items if i not in items]
    return errors + [f"{where}.{r.id}: unknown source {r.source!r}" for r in cal.rules.values()
                     if r.source not in sources]
