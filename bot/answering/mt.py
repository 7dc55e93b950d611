"""Offline machine translation with Argos Translate packages; residents' messages never leave the server.

One service for the whole bot (desk, announcements, translators' drafts):
1. the same language, or nothing to translate: the text as it is;
2. a curated text: when the text is one of the curated answers, the curated answer in the target language;
3. the cache (memory, then database), keyed by text, language pair and model version;
4. Argos: the installed package for the pair, or two through English (ja -> en -> vi);
5. no model: said plainly ("none"), never guessed.

Packages are unpacked here (`flask --app app translations install`; an Argos package is a zip of one folder with a
CTranslate2 model, a SentencePiece model and a metadata.json) into argostranslate's package folder, and run directly
with CTranslate2 and SentencePiece, loaded lazily, once per process, shared by threads. argostranslate itself only
gives the package folder and, on an online server, its package index and downloads: its own installer and translator
import stanza (hence torch) at module level, so Tomoni installs it without its dependencies (docs/install.md).
Short chat messages are translated whole; long texts are split into sentences first. A package's `target_prefix`
(multilingual models such as NLLB-200 converted to CTranslate2) is honoured, so a deployer can fill a gap (Nepali) with
any such model through the same installer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import urllib.request
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import select

from ..storage.models import TranslationCache
from ..storage.store import Store
from .catalog import Catalog

log = logging.getLogger(__name__)
PIVOT = "en"
INDEX_TIMEOUT = 8.0  # seconds to reach the Argos package index before saying the server is offline
# Seconds a translation is kept in a process's memory before it is read from the database again (a resident's
# deletion in another process empties the database at once, this process's memory within this time).
MEMORY_SECONDS = 600.0
LONG = 400  # characters above which a text is split into sentences
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n+")
ARGOS_CODES = {"zh": "zh", "pt": "pt", "tl": "tl"}  # our code -> Argos code (Argos uses "zt" for traditional)


@dataclass(frozen=True)
class Translation:
    """A translated text and how it was made: same | curated | cache | machine | none."""

    text: str
    kind: str
    engine: str = ""

    @property
    def machine(self) -> bool:
        return self.kind in ("machine", "cache")


@dataclass
class Package:
    """One installed Argos package (a language pair), loaded on first use."""

    path: Path
    source: str
    target: str
    version: str
    target_prefix: str = ""
    source_prefix: str = ""  # multilingual models (NLLB-200) also want the source language token first

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        self._sp: Any = None

    @property
    def name(self) -> str:
        return f"argos:{self.source}-{self.target}@{self.version}"

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load the CTranslate2 model and the SentencePiece tokenizer (once; threads wait for the first load)."""
        with self._lock:
            if self._model is None:
                import ctranslate2  # optional and heavy: only where translation models are installed
                import sentencepiece  # optional: installed with ctranslate2

                self._sp = sentencepiece.SentencePieceProcessor(model_file=str(self.path / "sentencepiece.model"))
                threads = int(os.environ.get("ARGOS_INTRA_THREADS", "0") or 0)
                self._model = ctranslate2.Translator(str(self.path / "model"), device="cpu", inter_threads=1,
                                                     intra_threads=threads)
                log.info("translation model loaded", extra={"package": self.name})

    def translate(self, sentences: list[str], beam_size: int = 2) -> list[str]:
        """Translate sentences in one batch."""
        self.load()
        head = [self.source_prefix] if self.source_prefix else []
        tail = ["</s>"] if self.source_prefix else []
        tokens = [head + self._sp.encode(s, out_type=str) + tail for s in sentences]
        prefix = [[self.target_prefix]] * len(tokens) if self.target_prefix else None
        results = self._model.translate_batch(tokens, beam_size=beam_size, max_decoding_length=256,
                                              target_prefix=prefix, replace_unknowns=True)
        out = []
        for result in results:
            pieces = result.hypotheses[0]
            if self.target_prefix and pieces[:1] == [self.target_prefix]:
                pieces = pieces[1:]  # the language tag the model was told to start with
            out.append(self._sp.decode(pieces).strip())
        return out


def packages_dir() -> Path:
    """Where Argos packages are installed (ARGOS_PACKAGES_DIR, else argostranslate's default)."""
    from argostranslate import settings  # optional: the translation install only

    return Path(settings.package_data_dir)


def discover(folder: Path | None = None) -> list[Package]:
    """The installed packages: every folder with a metadata.json of type 'translate'."""
    try:
        folder = folder or packages_dir()
    except ImportError:
        return []
    found = []
    for meta_path in sorted(folder.glob("*/metadata.json")) if folder.exists() else []:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("unreadable Argos package metadata", extra={"path": str(meta_path)})
            continue
        if meta.get("type", "translate") != "translate":
            continue
        found.append(Package(meta_path.parent, _ours(str(meta["from_code"])), _ours(str(meta["to_code"])),
                             str(meta.get("package_version", "0")), str(meta.get("target_prefix", "") or ""),
                             str(meta.get("source_prefix", "") or "")))
    return found


def _ours(code: str) -> str:
    return {"zt": "zh", "pb": "pt"}.get(code, code)


def cache_key(engine: str, text: str) -> str:
    """The translation cache's key of a text under an engine (bot.privacy recomputes it to delete a resident's)."""
    return hashlib.sha256(f"{engine}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def split_sentences(text: str) -> list[str]:
    """Sentences of a long text (simple punctuation rules for all our scripts); a short text stays whole."""
    if len(text) <= LONG:
        return [text]
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


class MachineTranslator:
    """The translation service (see the module docstring)."""

    def __init__(self, catalog: Catalog, store: Store | None = None, packages: list[Package] | None = None,
                 memory_size: int = 5000) -> None:
        self.catalog = catalog
        self.store = store
        self.packages = {(p.source, p.target): p for p in (discover() if packages is None else packages)}
        self._memory: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._memory_size = memory_size
        self._memory_lock = threading.Lock()
        self._curated = self._curated_index()

    # -- what is possible ----------------------------------------------------------------------------------------------
    def route(self, source: str, target: str) -> list[Package] | None:
        """The packages that translate source -> target: one (direct), two (through English), or None."""
        if (source, target) in self.packages:
            return [self.packages[(source, target)]]
        first, second = self.packages.get((source, PIVOT)), self.packages.get((PIVOT, target))
        if first and second:
            return [first, second]
        return None

    def coverage(self, source: str, target: str) -> str:
        """'direct', 'pivot', or 'none'."""
        route = self.route(source, target)
        return "none" if route is None else ("direct" if len(route) == 1 else "pivot")

    # -- translating ---------------------------------------------------------------------------------------------------
    def translate(self, text: str, source: str, target: str) -> Translation:
        """Translate a free text (see the module docstring for the order)."""
        if source == target or not text.strip():
            return Translation(text, "same")
        curated = self._curated.get((source, text.strip()))
        if curated:
            section, key = curated
            value = self.catalog.get(target, section, key)
            if value and target in self.catalog.texts:
                return Translation(str(value), "curated")
        route = self.route(source, target)
        if route is None:
            return Translation(text, "none")
        engine = "+".join(p.name for p in route)
        key = cache_key(engine, text)
        cached = self._cached(key)
        if cached is not None:
            return Translation(cached, "cache", engine)
        result = text
        for package in route:
            result = " ".join(package.translate(split_sentences(result)))
        self._remember(key, source, target, engine, result)
        return Translation(result, "machine", engine)

    def _curated_index(self) -> dict[tuple[str, str], tuple[str, str]]:
        index = {}
        for lang, data in self.catalog.texts.items():
            for section in ("answers", "categories", "notes"):
                for key, value in (data.get(section) or {}).items():
                    if isinstance(value, str) and "{" not in value:
                        index[(lang, value.strip())] = (section, key)
        return index

    def _cached(self, key: str) -> str | None:
        with self._memory_lock:
            if key in self._memory:
                kept, text = self._memory[key]
                if time.monotonic() - kept < MEMORY_SECONDS:
                    self._memory.move_to_end(key)
                    return text
                del self._memory[key]  # read again from the database: a deletion in another process is seen
        if self.store is None:
            return None
        with self.store.session() as s:
            stored = s.scalar(select(TranslationCache.result).where(TranslationCache.key == key))
        if stored is not None:
            self._keep(key, stored)
        return stored

    def _remember(self, key: str, source: str, target: str, engine: str, result: str) -> None:
        self._keep(key, result)
        if self.store is not None:
            self.store.cache_translation(key, source, target, engine, result)

    def _keep(self, key: str, text: str) -> None:
        with self._memory_lock:
            self._memory[key] = (time.monotonic(), text)
            self._memory.move_to_end(key)
            while len(self._memory) > self._memory_size:
                self._memory.popitem(last=False)

    def drop(self, keys: set[str]) -> None:
        """Forget cached translations in this process's memory (a resident's, deleted from the database)."""
        with self._memory_lock:
            for key in keys:
                self._memory.pop(key, None)

    def loaded(self) -> list[str]:
        """Names of the models loaded in this process (for /healthz)."""
        return [p.name for p in self.packages.values() if p.loaded]


def install(sources: list[str]) -> list[str]:
    """Install Argos packages from .argosmodel files, folders of them, or (online) language codes; returns what
    was installed. Language codes install the packages to and from English from the Argos index."""
    done = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            for file in sorted(path.glob("*.argosmodel")):
                unpack(file, packages_dir())
                done.append(file.name)
        elif path.suffix == ".argosmodel":
            if not path.exists():
                raise FileNotFoundError(f"{source}: no such file")
            unpack(path, packages_dir())
            done.append(path.name)
        else:
            done += _install_code(source)
    return done


def unpack(archive: Path, folder: Path) -> Path:
    """Install one .argosmodel file into `folder` and return the package's folder. The archive is checked before
    anything is written (a zip of exactly one folder holding a readable metadata.json, no path leaving it); an older
    copy of the same package is replaced whole, never mixed with the new files."""
    if not zipfile.is_zipfile(archive):
        raise RuntimeError(f"{archive.name}: not an Argos package (not a zip archive)")
    with zipfile.ZipFile(archive) as z:
        names = [PurePosixPath(n) for n in z.namelist()]
        tops = {n.parts[0] for n in names if n.parts}
        if len(tops) != 1 or any(n.is_absolute() or ".." in n.parts or "\\" in str(n) for n in names):
            raise RuntimeError(f"{archive.name}: not an Argos package (one folder expected, nothing outside it)")
        top = tops.pop()
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=folder))
        try:
            z.extractall(staging)
            try:
                json.loads((staging / top / "metadata.json").read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise RuntimeError(f"{archive.name}: not an Argos package (no readable {top}/metadata.json)") from exc
            target = folder / top
            if target.exists():
                shutil.rmtree(target)
            (staging / top).rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _install_code(code: str) -> list[str]:
    from argostranslate import package, settings  # optional: the translation install only

    try:
        # argostranslate's own download has no time limit; find out quickly whether the index is reachable.
        urllib.request.urlopen(settings.remote_package_index, timeout=INDEX_TIMEOUT).close()  # noqa: S310
        package.update_package_index()
        available = package.get_available_packages()
    except Exception as exc:  # noqa: BLE001 - offline servers: say what to do instead
        raise RuntimeError(f"cannot reach the Argos package index ({type(exc).__name__}); on an offline server "
                           f"download the .argosmodel files elsewhere and install them from files") from exc
    argos = ARGOS_CODES.get(code, code)
    wanted = [p for p in available if (p.from_code, p.to_code) in ((argos, PIVOT), (PIVOT, argos))]
    if not wanted:
        raise RuntimeError(f"the Argos index has no package between {code} and English; see docs/translation.md "
                           f"for packaging another CTranslate2 model (for example NLLB-200)")
    names = []
    for pkg in wanted:
        unpack(pkg.download(), packages_dir())
        names.append(f"{pkg.from_code}-{pkg.to_code}")
    return names
