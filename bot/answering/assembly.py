"""Builds the bot from its data folders and settings, with no web framework involved (tests use this directly)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..messages import Channel
from ..settings import Settings
from ..storage.store import Store, make_engine, upgrade
from ..understanding import language, lexicon, matching
from . import calendar as garbage_calendar
from . import catalog as translation
from . import knowledge, overrides
from .mt import MachineTranslator
from .pipeline import Bot
from .rendering import Renderer

log = logging.getLogger(__name__)


@dataclass
class Data:
    """Everything loaded from knowledge/, intents/ and translations/."""

    kb: knowledge.Knowledge
    catalog: translation.Catalog
    lexicon: lexicon.Lexicon
    rules: list[matching.Rule]
    calendar: garbage_calendar.Calendar


def load_data(root: Path) -> Data:
    """Load and check the data folders; raise knowledge.DataError naming every problem."""
    kb = knowledge.load(root / "knowledge")
    catalog = translation.load(root / "translations")
    lex = lexicon.load(root / "intents")
    rules = matching.load_rules(root / "intents" / "rules.yaml")
    cal = garbage_calendar.load(root / "knowledge" / "garbage")
    for area in cal.areas.values():
        for alias in area.aliases:
            entry = lexicon.make_entry("area", area.id, lexicon.AREA_LANG, alias)
            if entry:
                lex.add(entry)
    errors = translation.check(catalog) + check_vocabulary(root, kb, lex, rules)
    if errors:
        raise knowledge.DataError("\n".join(errors))
    return Data(kb, catalog, lex, rules, cal)


def check_vocabulary(root: Path, kb: knowledge.Knowledge, lex: lexicon.Lexicon, rules: list[matching.Rule]) -> list[str]:
    """Language files name only known concepts, items and categories; rules use only known concepts."""
    concepts_file = (root / "intents" / "concepts.yaml").read_text(encoding="utf-8")
    concepts = set(yaml.load(concepts_file, Loader=yaml.CSafeLoader)["concepts"])
    known = {"concept": concepts, "item": set(kb.items), "category": set(knowledge.CATEGORIES)}
    errors = []
    for entry in lex.entries:
        if entry.kind in known and entry.key not in known[entry.kind]:
            errors.append(f"intents/{entry.lang}.yaml: {entry.kind} {entry.key!r} is not known "
                          f"(concepts.yaml, knowledge/garbage/items.csv or the categories)")
    for rule in rules:
        for name in rule.concepts() | set(rule.none):
            if name not in concepts and name not in matching.PSEUDO:
                errors.append(f"intents/rules.yaml: {rule.intent}: unknown concept {name!r}")
    for code in language.SERVED:
        if code not in lex.files:
            errors.append(f"intents/{code}.yaml: missing (every served language needs its vocabulary)")
        elif not any(e.lang == code and e.kind == "item" for e in lex.entries):
            errors.append(f"intents/{code}.yaml: items: no item names")
    return sorted(set(errors))


def build_bot(settings: Settings, data: Data | None = None, channels: Mapping[str, Channel] | None = None) -> Bot:
    """The bot with its storage and every collaborator, built in one call, ready to handle messages."""
    data = data or load_data(settings.data_dir)
    if settings.auto_migrate:
        upgrade(settings.database_url)
    store = Store(make_engine(settings.database_url))
    language.warm_up()
    matcher = matching.Matcher(data.lexicon, data.rules, {i.id: i.category for i in data.kb.items.values()})
    kb = overrides.apply(data.kb, overrides.load(store))  # hours and languages staff saved, over the files
    bot = Bot(store, kb, data.catalog, data.lexicon, matcher, Renderer(kb, data.catalog), settings.timezone,
              channels=dict(channels or {}), translator=MachineTranslator(data.catalog, store), calendar=data.calendar,
              knowledge_dir=settings.data_dir / "knowledge", retention_days=settings.retention_days,
              desk_active_hours=settings.desk_active_hours, test_tickets=settings.test_tickets,
              max_tries=settings.max_event_tries)
    bot.learn()
    bot.refresh_knowledge()
    return bot
