"""Curated, human-reviewed texts: one translations/<lang>.yaml per language, English as the reference.

Curated text always wins. A key missing in a language is an error for `check-data` and a test; at run time the bot
falls back to English rather than say nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REFERENCE = "en"
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.\-]*)\}")
# Sections whose values are whole texts (placeholders must match English); the others hold names and labels.
TEXT_SECTIONS = ("answers", "categories", "notes", "ui", "crisis")
OPTIONAL_SECTIONS = ("sources", "places")  # names that fall back to English until a translator adds them


class Catalog:
    """All curated texts by language."""

    def __init__(self, texts: dict[str, dict[str, Any]]) -> None:
        self.texts = texts

    @property
    def languages(self) -> list[str]:
        return sorted(self.texts)

    def get(self, lang: str, section: str, key: str) -> Any:
        """The text for (section, key) in `lang`, else English, else None."""
        for code in (lang, REFERENCE):
            value = (self.texts.get(code, {}).get(section) or {}).get(key)
            if value is not None:
                return value
        return None

    def status(self, lang: str) -> str:
        """'reviewed' or 'draft' (meta.status of the file)."""
        return str((self.texts.get(lang, {}).get("meta") or {}).get("status", "draft"))

    def is_draft(self, lang: str, section: str, key: str) -> bool:
        """Whether (section, key) in `lang` is a machine draft nobody has reviewed (meta.machine_drafts)."""
        drafts = (self.texts.get(lang, {}).get("meta") or {}).get("machine_drafts") or []
        return f"{section}.{key}" in drafts

    def name(self, lang: str) -> str:
        """The language's own name ('Tiếng Việt')."""
        return str((self.texts.get(lang, {}).get("meta") or {}).get("name", lang))


def load(folder: Path) -> Catalog:
    """Read every translations/<lang>.yaml, and the sections kept in sub-folders (translations/crisis/<lang>.yaml
    holds the `crisis` section: written and reviewed apart, checked against English like the rest)."""
    texts: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yaml")):
        texts[path.stem] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    for path in sorted(folder.glob("*/*.yaml")):
        extra = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        target = texts.setdefault(path.stem, {})
        for section, value in extra.items():
            if section != "meta":
                target[section] = value
    return Catalog(texts)


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and key != "language_names":
            out.update(_flat(value, name + "."))
        else:
            out[name] = value
    return out


def check(catalog: Catalog) -> list[str]:
    """Missing or extra keys and placeholder mismatches, per file and key."""
    errors = []
    ref = _flat({k: v for k, v in catalog.texts.get(REFERENCE, {}).items() if k != "meta"})
    for lang in catalog.languages:
        flat = _flat({k: v for k, v in catalog.texts[lang].items() if k != "meta"})
        where = f"translations/{lang}.yaml"
        for key in sorted(set(ref) - set(flat)):
            if key.split(".")[0] in OPTIONAL_SECTIONS:
                continue  # a source or place name not yet translated is shown in English
            errors.append(f"{where}: {key}: missing (English: {str(ref[key])[:60]!r})")
        for key in sorted(set(flat) - set(ref)):
            errors.append(f"{where}: {key}: not a key of translations/en.yaml")
        for key, value in ref.items():
            if key.split(".")[0] in TEXT_SECTIONS and isinstance(value, str) and key in flat:
                want, got = sorted(PLACEHOLDER.findall(value)), sorted(PLACEHOLDER.findall(str(flat[key])))
                if want != got:
                    errors.append(f"{where}: {key}: placeholders {got} should be {want}")
        if lang != REFERENCE and len(flat.get("ui.weekdays") or []) != 7:
            errors.append(f"{where}: ui.weekdays: needs 7 names, Monday first")
    return errors
