"""Import a city's garbage calendar published in the open 5374.jp CSV format (code4sabae's 5374 project).

area_days.csv  地名,センター,<one column per category>: cells of space-separated codes, optionally ':' and months
               月 木 (every Monday and Thursday), 水2 (2nd Wednesday), *1 (see remarks.csv row 1), 20261205 (a date),
               隔月20261205 (every other week from that date, as some forks write it), "月 木:4 5 6" (those months only)
center.csv     センター名,開始日,終了日 (YYYY/MM/DD): the centre does not collect in that period (year end)
remarks.csv    id,text: remarks referred to by *n
description.csv, target.csv: category descriptions and items (read for the category labels only)

Writes knowledge/garbage/areas.yaml and calendar.yaml (the sample files are replaced; `sample: false`), keeping the
districts, the district rules and each known town's district and aliases from the areas.yaml it replaces.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

WEEKDAY = {"月": "mon", "火": "tue", "水": "wed", "木": "thu", "金": "fri", "土": "sat", "日": "sun"}
# Japanese category labels -> our categories (the first key found in the label wins, in this order)
LABELS = [("不燃", "non_burnable"), ("燃えない", "non_burnable"), ("燃やさない", "non_burnable"),
          ("もえない", "non_burnable"), ("可燃", "burnable"), ("燃える", "burnable"), ("燃やす", "burnable"),
          ("もえる", "burnable"), ("プラ", "plastic"), ("びん", "bottles"), ("ビン", "bottles"), ("瓶", "bottles"),
          ("缶", "cans"), ("かん", "cans"), ("カン", "cans"), ("有害", "hazardous"), ("危険", "hazardous"),
          ("粗大", "oversized"), ("資源", "resources"), ("古紙", "resources"), ("ペット", "resources"),
          ("紙", "resources"), ("布", "resources")]


class ImportError5374(Exception):
    """The files are not in the 5374 format; the message says where."""


def category_of(label: str) -> str | None:
    """Our category for a 5374 column label, or None."""
    return next((ours for key, ours in LABELS if key in label), None)


def parse_cell(cell: str) -> dict[str, Any]:
    """One area_days.csv cell as a calendar rule."""
    days, _, months = cell.partition(":")
    rule: dict[str, Any] = {}
    for code in days.split():
        if len(code) == 1 and code in WEEKDAY:
            rule.setdefault("weekly", []).append(WEEKDAY[code])
        elif len(code) == 2 and code[0] in WEEKDAY and code[1].isdigit():
            rule.setdefault("nth", []).append([WEEKDAY[code[0]], int(code[1])])
        elif code.startswith("*"):
            rule.setdefault("remarks", []).append(code[1:])
        elif code.startswith("隔") and len(code) == 10:
            start = dt.datetime.strptime(code[2:], "%Y%m%d").date()
            rule["every_other"] = {"from": start.isoformat(), "day": WEEKDAY[code[1]]}
        elif len(code) == 8 and code.isdigit():
            rule.setdefault("dates", []).append(dt.datetime.strptime(code, "%Y%m%d").date().isoformat())
        else:
            raise ImportError5374(f"unknown code {code!r} in cell {cell!r}")
    if months.strip():
        rule["months"] = [int(m) for m in months.split()]
    return rule


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [row for row in csv.reader(f) if any(c.strip() for c in row)]


def convert(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the 5374 files; return (areas.yaml, calendar.yaml) contents."""
    rows = _rows(folder / "area_days.csv")
    header, body = rows[0], rows[1:]
    categories = [category_of(label) for label in header[2:]]
    unknown = [label for label, cat in zip(header[2:], categories, strict=True) if cat is None]
    if unknown:
        raise ImportError5374(f"area_days.csv: no category for column(s) {', '.join(unknown)}")
    centers: dict[str, list[list[str]]] = {}
    if (folder / "center.csv").exists():
        for row in _rows(folder / "center.csv")[1:]:
            start, end = (dt.datetime.strptime(x.strip(), "%Y/%m/%d").date().isoformat() for x in row[1:3])
            centers.setdefault(row[0].strip(), []).append([start, end])
    remarks = {r[0].strip(): r[1].strip() for r in _rows(folder / "remarks.csv")[1:]} \
        if (folder / "remarks.csv").exists() else {}
    areas, groups = {}, {}
    for n, row in enumerate(body, 1):
        name, center = row[0].strip(), row[1].strip()
        key = f"area-{n:03d}"
        areas[key] = {"name_ja": name, "name_en": name, "group": key, "aliases": [name]}
        rules: dict[str, Any] = {}
        for cat, cell in zip(categories, row[2:], strict=False):
            if cell.strip():
                rule = parse_cell(cell.strip())
                for rid in rule.pop("remarks", []):
                    rule.setdefault("notes", []).append(remarks.get(rid, f"*{rid}"))
                rules[str(cat)] = rule
        if centers.get(center):
            rules["closed_ranges"] = centers[center]
        groups[key] = rules
    areas_doc = {"sample": False, "areas": areas}
    calendar_doc = {"source": "ise-gomi-dictionary", "confidence": "M", "sample": False, "closed": [],
                    "holidays": "collect", "groups": groups}
    return areas_doc, calendar_doc


def keep_places(areas_doc: dict[str, Any], calendar_doc: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """The imported towns with what the previous areas.yaml knew and 5374 does not: the districts, the city's
    names, the district rules, and each town's id (residents remember it), district and aliases, matched by its
    Japanese name. A town the old file did not have gets no district: unknown, never guessed from its name."""
    known = {str(a.get("name_ja")): (key, a) for key, a in (old.get("areas") or {}).items()}
    areas: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    for key, area in areas_doc["areas"].items():
        old_key, before = known.get(area["name_ja"], (key, {}))
        if old_key in areas or old_key in areas_doc["areas"] and old_key != key:
            old_key, before = key, {}  # a name listed twice, or an old id another imported town has
        if before:
            area["name_en"] = before.get("name_en", area["name_en"])
            area["aliases"] = list(dict.fromkeys([*area["aliases"], *(before.get("aliases") or [])]))
            if before.get("district"):
                area["district"] = before["district"]
        area["group"] = old_key
        groups[old_key] = calendar_doc["groups"][key]
        areas[old_key] = area
    calendar_doc["groups"] = groups
    kept = {key: old[key] for key in ("districts", "city", "district_rules") if old.get(key)}
    return {"sample": False, **kept, "areas": areas}


def write(folder: Path, target: Path) -> int:
    """Convert and write into knowledge/garbage; returns the number of areas."""
    areas_doc, calendar_doc = convert(folder)
    old_path = target / "areas.yaml"
    old = (yaml.safe_load(old_path.read_text(encoding="utf-8")) or {}) if old_path.exists() else {}
    areas_doc = keep_places(areas_doc, calendar_doc, old)
    header = "# Imported from 5374-format CSV files by `flask --app app calendar import-5374`.\n"
    (target / "areas.yaml").write_text(header + yaml.safe_dump(areas_doc, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    (target / "calendar.yaml").write_text(header + yaml.safe_dump(calendar_doc, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    return len(areas_doc["areas"])
