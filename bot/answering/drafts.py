"""Machine drafts for translators: fill the keys a language file lacks, marked for review in `meta.machine_drafts`.

The file is edited round-trip (ruamel.yaml), so translators' comments and order stay as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .catalog import PLACEHOLDER, REFERENCE, TEXT_SECTIONS
from .mt import MachineTranslator


def _yaml() -> Any:
    from ruamel.yaml import YAML  # only the translators' draft commands need it

    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    return y


def draft(folder: Path, lang: str, mt: MachineTranslator) -> list[str]:
    """Translate every missing text key of translations/<lang>.yaml from English; returns the keys drafted."""
    y = _yaml()
    ref = y.load((folder / f"{REFERENCE}.yaml").read_text(encoding="utf-8"))
    path = folder / f"{lang}.yaml"
    data = y.load(path.read_text(encoding="utf-8")) if path.exists() else {}
    if mt.route(REFERENCE, lang) is None:
        raise RuntimeError(f"no machine translation from English to {lang}: install a package first "
                           f"(flask --app app translations install ...)")
    drafted = []
    for section in (*TEXT_SECTIONS, "category_names", "items", "contacts", "intent_labels"):
        for key, english in (ref.get(section) or {}).items():
            target = data.setdefault(section, {})
            if key in target or not isinstance(english, str):
                continue
            target[key] = _translate_keeping_placeholders(english, lang, mt)
            drafted.append(f"{section}.{key}")
    meta = data.setdefault("meta", {})
    meta.setdefault("language", lang)
    marks = list(meta.get("machine_drafts") or [])
    meta["machine_drafts"] = marks + [k for k in drafted if k not in marks]
    with path.open("w", encoding="utf-8") as f:
        y.dump(data, f)
    return drafted


def _translate_keeping_placeholders(text: str, lang: str, mt: MachineTranslator) -> str:
    """Translate the words between placeholders; {placeholders} are kept exactly, in their order."""
    parts = PLACEHOLDER.split(text)  # text, name, text, name, ...
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append("{" + part + "}")
        elif part.strip():
            lead, trail = part[: len(part) - len(part.lstrip())], part[len(part.rstrip()):]
            out.append(lead + mt.translate(part.strip(), REFERENCE, lang).text + trail)
        else:
            out.append(part)
    return "".join(out)


def mark_reviewed(folder: Path, lang: str, keys: list[str]) -> list[str]:
    """Remove keys from meta.machine_drafts (a reviewer checked them); returns the keys that were drafts."""
    y = _yaml()
    path = folder / f"{lang}.yaml"
    data = y.load(path.read_text(encoding="utf-8"))
    drafts = list((data.get("meta") or {}).get("machine_drafts") or [])
    done = [k for k in keys if k in drafts] if keys else drafts
    data["meta"]["machine_drafts"] = [k for k in drafts if k not in done]
    with path.open("w", encoding="utf-8") as f:
        y.dump(data, f)
    return done
