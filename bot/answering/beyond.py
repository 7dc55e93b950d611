"""Languages beyond the nine: reviewed answers machine-translated offline, messages read through English, and one-line
notices that translators write (translations/beyond/<lang>.yaml).

For a resident who writes a language without curated answers (Korean, Thai, French, Russian ...):
- with an installed model English -> that language (bot.mt: Argos, offline), the curated English answer is
  machine-translated at answer time, sentence by sentence, and labelled as machine translation in that language, with
  buttons that switch to the reviewed English or easy Japanese. A sentence whose numbers or links the model did not
  keep (a phone number, a time, a fee, a URL) stays in English; Japanese names it dropped are put back after it.
  Sentences are cached by the translation service (memory, then the `translation_cache` table): answers repeat across
  residents, workers and restarts, and that table is shared by every process, survives a restart and is emptied by
  the retention job, so no second cache is needed; a cached sentence is a curated text, never a resident's words.
- without a model: the English answer, after a line in that language saying so when translators wrote one.
- emergencies and crises never depend on a model: the English answer and the easy Japanese one, after the notice's
  emergency line when one exists. Nothing is machine-translated for them, so nothing waits on a model.
- a message no vocabulary reads is translated to English (within READ_SECONDS) and read as English; the original
  reading is kept whenever it found anything (never worse than answering in English without the model).
Every failure of a model falls back to the English answer, logged with the error's type, never the resident's words.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import distinct, func, select

from ..messages import Choice, Reply
from ..storage.models import Message, User
from ..storage.store import Store
from ..understanding.language import SERVED
from .catalog import NOTICES, REFERENCE
from .mt import MachineTranslator
from .rendering import Renderer

log = logging.getLogger(__name__)
URGENT = ("emergency", "crisis")
KEYS = ("machine", "announcement", "english", "emergency")
READ_SECONDS = 3.0  # the longest a message waits for its English reading; the answer then goes on without it
SEEN_DAYS = 90  # `translations status` and the desk's figures: languages residents wrote in, in this many days
EASY_JAPANESE = "やさしい日本語"  # the button's label, as every notice names it
TRANSLATED_CHOICES = ("item:", "intent:", "https:", "http:")  # buttons whose labels are machine-translated
NOT_RESIDENTS = ("cli", "web")  # test traffic (`flask ask`, the chat page) is not counted among residents
_FACT = re.compile(r"https?://\S+|#?\d(?:[\d:.,/\-–]*\d)?")  # links, phone numbers, times, fees, dates
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々ー]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_pool: ThreadPoolExecutor | None = None


def load(folder: Path) -> dict[str, dict[str, str]]:
    """translations/beyond/<lang>.yaml: each language's notices (only the keys it has)."""
    notices = {}
    for path in sorted((folder / NOTICES).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        notices[path.stem] = {str(k): str(v) for k, v in (data.get("beyond") or {}).items()}
    return notices


def check(folder: Path) -> list[str]:
    """Errors in the notices files: an unknown key, a placeholder, a file whose meta.language is not its name."""
    errors = []
    for path in sorted((folder / NOTICES).glob("*.yaml")):
        where = f"translations/{NOTICES}/{path.name}"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            errors.append(f"{where}: not YAML ({exc.__class__.__name__})")
            continue
        if (data.get("meta") or {}).get("language") != path.stem:
            errors.append(f"{where}: meta.language should be {path.stem!r}")
        for key, value in (data.get("beyond") or {}).items():
            if key not in KEYS:
                errors.append(f"{where}: beyond.{key}: not one of {', '.join(KEYS)}")
            elif not isinstance(value, str) or "{" in value:
                errors.append(f"{where}: beyond.{key}: one line of text without placeholders")
    if not (folder / NOTICES / f"{REFERENCE}.yaml").exists():
        errors.append(f"translations/{NOTICES}/{REFERENCE}.yaml: missing (the reference of every notice)")
    return errors


@dataclass
class Beyond:
    """Answers, readings and notices for languages beyond the nine (see the module docstring)."""

    renderer: Renderer
    translator: MachineTranslator | None = None
    notices: dict[str, dict[str, str]] | None = None
    read_seconds: float = READ_SECONDS

    # -- what is possible ----------------------------------------------------------------------------------------------
    def translates(self, lang: str) -> bool:
        """Whether answers can be machine-translated into `lang` (a model English -> lang is installed)."""
        return translates(self.translator, lang)

    def notice(self, lang: str, key: str) -> str | None:
        """A notice written by translators in `lang`, or None."""
        return (self.notices or {}).get(lang, {}).get(key)

    # -- answering -----------------------------------------------------------------------------------------------------
    def localize(self, reply: Reply, lang: str, chosen: bool, today: dt.date) -> Reply:
        """A reply rendered in a served language (English unless the resident chose another) for a resident who
        wrote `lang`, outside the nine: emergency, machine translation, or the English with a notice."""
        if reply.intent in URGENT:
            return self._urgent(reply, lang, today)
        if reply.reply_language == REFERENCE and not chosen and self.translates(lang):
            translated = self._machine(reply, lang)
            if translated is not None:
                return translated
        note = self.notice(lang, "english") if reply.reply_language == REFERENCE else None
        note = note or self.renderer.answer("language.unsupported", reply.reply_language, today, language=lang,
                                            reply_language=reply.reply_language).text
        reply.text = f"{note}\n{reply.text}"
        return reply

    def _urgent(self, reply: Reply, lang: str, today: dt.date) -> Reply:
        """English (or the resident's chosen language) and easy Japanese, after the notice's emergency line."""
        japanese = None
        if reply.reply_language != "ja":
            if reply.intent == "crisis":
                japanese = self.renderer.crisis("ja", (reply.entry or "crisis.general").split(".", 1)[1])[0]
            else:
                japanese = self.renderer.answer(reply.entry or "emergency", "ja", today).text
        reply.text = "\n".join(p for p in (self.notice(lang, "emergency"), reply.text, japanese) if p)
        return reply

    def _machine(self, reply: Reply, lang: str) -> Reply | None:
        """The reply machine-translated into `lang`, labelled, with buttons for the reviewed texts; None when no
        sentence could be translated (then the English answer stands)."""
        try:
            lines = [self.sentences(line, lang) for line in reply.text.split("\n")]
            if not any(done for _, done in lines):
                return None
            # Item names, answer labels and the source button; never a town's name or a phone button
            choices = [Choice(self.sentences(c.label, lang)[0], c.payload) if c.payload.startswith(TRANSLATED_CHOICES)
                       else c for c in reply.choices]
            label = self.label(lang, "machine")
        except Exception as exc:  # noqa: BLE001 - a model must never cost the resident the answer
            log.warning("machine translation of an answer failed; answered in English",
                        extra={"language": lang, "error": type(exc).__name__})
            return None
        reply.text = "\n".join([text for text, _ in lines] + [label])
        reply.reply_language = lang  # what the resident reads (the contract's `reply_language`), labelled as machine
        entry = f":{reply.entry}" if reply.entry else ""
        reply.choices = choices + [Choice(self.renderer.catalog.name(REFERENCE), f"lang:{REFERENCE}{entry}"),
                                   Choice(EASY_JAPANESE, f"lang:ja{entry}")]
        return reply

    def sentences(self, text: str, lang: str) -> tuple[str, bool]:
        """An English text in `lang`, sentence by sentence; a sentence the model did not translate faithfully
        (a number or link lost) stays English. Returns the text and whether any sentence was machine-translated."""
        assert self.translator is not None
        out, done = [], False
        for sentence in _SENTENCE.split(text):
            result = self.translator.translate(sentence, REFERENCE, lang)
            if result.kind in ("machine", "cache") and result.text.strip() and keeps_facts(sentence, result.text):
                out.append(with_japanese(sentence, result.text))
                done = True
            else:
                out.append(sentence)
        return " ".join(out), done

    def label(self, lang: str, key: str) -> str:
        """The notice `key` in `lang`: the translators' line, else the English one machine-translated (and the
        English beside it, since nobody checked that translation), else the English."""
        own = self.notice(lang, key)
        english = self.notice(REFERENCE, key) or ""
        if own or not english:
            return own or english
        made, done = self.sentences(english, lang) if self.translates(lang) else (english, False)
        return f"{made} {english}" if done else english

    # -- reading -------------------------------------------------------------------------------------------------------
    def read(self, text: str, lang: str | None) -> str | None:
        """A resident's message in English, for reading it with the English vocabulary; None without a model, on a
        failure, or after `read_seconds` (the translation then finishes in the background and fills the cache)."""
        if not text.strip() or lang is None or lang in SERVED or self.translator is None \
                or self.translator.route(lang, REFERENCE) is None:
            return None
        future = _executor().submit(self.translator.translate, text, lang, REFERENCE)
        try:
            result = future.result(timeout=self.read_seconds)
        except Late:
            log.warning("a message's machine translation was too slow; read without it", extra={"language": lang})
            return None
        except Exception as exc:  # noqa: BLE001 - read as today, without the translation
            log.warning("machine translation of a message failed; read without it",
                        extra={"language": lang, "error": type(exc).__name__})
            return None
        return result.text if result.kind in ("machine", "cache") else None


def translates(mt: MachineTranslator | None, lang: str) -> bool:
    """Whether answers can be machine-translated into `lang`, beyond the nine (a model English -> lang)."""
    return bool(mt and lang not in SERVED and mt.route(REFERENCE, lang))


def coverage(mt: MachineTranslator | None, lang: str) -> str:
    """curated | machine direct | machine pivot | none: how residents who write `lang` are answered. Machine answers
    are translated from English by one package; 'pivot' says the desk's Japanese (replies, announcements) reaches
    them only through English (ja -> en -> lang)."""
    if lang in SERVED:
        return "curated"
    if mt is None or not translates(mt, lang):
        return "none"
    return "machine pivot" if mt.coverage("ja", lang) == "pivot" else "machine direct"


def keeps_facts(source: str, translated: str) -> bool:
    """Every number and link of `source` is in `translated` as written (dashes aside)."""
    def norm(s: str) -> str:
        return s.replace("–", "-").replace("—", "-")

    target = norm(translated)
    return all(norm(fact) in target for fact in _FACT.findall(source))


def with_japanese(source: str, translated: str) -> str:
    """The translation, with the Japanese names of the source it dropped (shown at a counter, on a sign) after it."""
    missing = [j for j in dict.fromkeys(_JAPANESE.findall(source)) if j not in translated]
    return f"{translated} ({'、'.join(missing)})" if missing else translated


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mt-read")
    return _pool


# -- which languages to curate next ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seen:
    """A language residents wrote in lately: how many, and how the bot serves it."""

    language: str
    residents: int
    coverage: str
    answers: str  # en -> lang: direct | pivot | none ('curated' for the nine)
    reading: str  # lang -> en
    desk: str  # ja -> lang (staff replies, announcements)


def seen(store: Store, mt: MachineTranslator | None, now: dt.datetime | None = None,
         days: int = SEEN_DAYS) -> list[Seen]:
    """Every language residents wrote in during the last `days` days, most residents first, with its coverage."""
    since = (now or dt.datetime.now(dt.UTC).replace(tzinfo=None)) - dt.timedelta(days=days)
    with store.session() as s:
        rows = s.execute(select(Message.language, func.count(distinct(Message.user_id)))
                         .join(User, User.id == Message.user_id)
                         .where(Message.direction == "in", Message.language.is_not(None), Message.created_at >= since,
                                User.channel.not_in(NOT_RESIDENTS))
                         .group_by(Message.language)).all()

    def route(source: str, target: str) -> str:
        return "curated" if source == target else (mt.coverage(source, target) if mt else "none")

    out = []
    for lang, residents in rows:
        code = str(lang)
        if code in SERVED:
            routes = ("curated", "curated", route("ja", code))
        else:
            routes = (route(REFERENCE, code), route(code, REFERENCE), route("ja", code))
        out.append(Seen(code, int(residents), coverage(mt, code), *routes))
    return sorted(out, key=lambda r: (-r.residents, r.language))


def resident_languages(store: Store) -> list[str]:
    """Languages beyond the nine that active residents write (announcements get a machine draft for each)."""
    with store.session() as s:
        codes = s.scalars(select(User.language).distinct().where(User.active.is_(True), User.language.is_not(None),
                                                                 User.channel.not_in(NOT_RESIDENTS)))
        return sorted(str(c) for c in codes if c not in SERVED)
