"""Offline translation through Tomoni's installer into argostranslate's package folder and real
CTranslate2/SentencePiece models (tiny packages built here, with random weights: the words are nonsense, every path is
real). No network. The install is the light one (argostranslate without torch, spaCy, stanza, onnxruntime): a test
checks that none of them was needed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering.mt import MachineTranslator, Package, discover, install, split_sentences, unpack
from bot.settings import ROOT

from .tiny_argos import build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny packages en<->ja and en->vi, built once."""
    folder = tmp_path_factory.mktemp("argosmodels")
    for src, tgt in (("en", "ja"), ("ja", "en"), ("en", "vi")):
        build(folder, src, tgt)
    return folder


@pytest.fixture()
def installed(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh Argos package folder (argostranslate's setting) with the tiny packages installed."""
    from argostranslate import settings

    folder = tmp_path / "packages"
    folder.mkdir()
    monkeypatch.setattr(settings, "package_data_dir", folder)
    monkeypatch.setattr(settings, "package_dirs", [folder])
    install([str(built)])
    yield folder


def test_install_from_files_and_folders(installed: Path, built: Path) -> None:
    names = sorted(p.name for p in discover(installed))
    assert names == ["argos:en-ja@0.0.1", "argos:en-vi@0.0.1", "argos:ja-en@0.0.1"]
    assert install([str(built / "translate-en_ja.argosmodel")]) == ["translate-en_ja.argosmodel"]  # reinstall
    with pytest.raises(FileNotFoundError):
        install([str(built / "nope.argosmodel")])


def test_a_reinstall_replaces_the_package_whole(installed: Path, built: Path) -> None:
    stale = installed / "translate-en_ja" / "model" / "stale.bin"
    stale.write_bytes(b"left from an older version")
    install([str(built / "translate-en_ja.argosmodel")])
    assert not stale.exists() and (installed / "translate-en_ja" / "model" / "model.bin").exists()
    assert sorted(p.name for p in installed.iterdir()) == ["translate-en_ja", "translate-en_vi", "translate-ja_en"]


@pytest.mark.parametrize("members", [
    {"../evil/metadata.json": "{}"},  # a path leaving the package folder
    {"/abs/metadata.json": "{}"},
    {"a/metadata.json": "{}", "b/metadata.json": "{}"},  # two folders
    {"a/model.bin": "x"},  # no metadata.json
    {"a/metadata.json": "not json"},
])
def test_archives_that_are_not_argos_packages_are_refused_before_anything_is_written(
        tmp_path: Path, members: dict[str, str]) -> None:
    import zipfile

    archive, folder = tmp_path / "bad.argosmodel", tmp_path / "packages"
    folder.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    with pytest.raises(RuntimeError, match="not an Argos package"):
        unpack(archive, folder)
    assert not (tmp_path / "evil").exists() and list(folder.iterdir()) == []
    (tmp_path / "plain.argosmodel").write_text("not a zip")
    with pytest.raises(RuntimeError, match="not a zip archive"):
        unpack(tmp_path / "plain.argosmodel", folder)


def test_installing_and_translating_import_no_torch_spacy_stanza_or_onnxruntime(built: Path, tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    # A fresh interpreter: install into argostranslate's package folder, load, translate, then list what was imported.
    code = ("import json, sys; from bot.answering.mt import MachineTranslator, install; "
            "from bot.answering.catalog import Catalog;"
            f"install([{str(built)!r}]);"
            "result = MachineTranslator(Catalog({})).translate('hello there', 'en', 'ja');"
            "print(json.dumps([result.kind, sorted({m.split('.')[0] for m in sys.modules})]))")
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(tmp_path / "packages")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    kind, imported = json.loads(out.stdout.splitlines()[-1])
    assert kind == "machine" and {"argostranslate", "ctranslate2", "sentencepiece"} <= set(imported)
    assert not set(imported) & {"torch", "spacy", "stanza", "onnxruntime", "minisbd"}
    assert (tmp_path / "packages" / "translate-en_ja" / "metadata.json").exists()


def test_installing_by_language_code_offline_says_what_to_do(installed: Path) -> None:
    with pytest.raises(RuntimeError, match="offline server|no package"):
        install(["vi"])


def test_direct_pivot_and_missing(installed: Path, data) -> None:
    mt = MachineTranslator(data.catalog, packages=discover(installed))
    assert (mt.coverage("en", "ja"), mt.coverage("ja", "vi"), mt.coverage("ne", "ja"), mt.coverage("vi", "ja")) == (
        "direct", "pivot", "none", "none")
    direct = mt.translate("when is the garbage day?", "en", "ja")
    assert direct.kind == "machine" and direct.text and direct.engine == "argos:en-ja@0.0.1"
    pivot = mt.translate("ゴミの日はいつですか", "ja", "vi")
    assert pivot.kind == "machine" and pivot.engine == "argos:ja-en@0.0.1+argos:en-vi@0.0.1"
    missing = mt.translate("फोहोर कहिले फाल्ने?", "ne", "ja")
    assert (missing.kind, missing.text) == ("none", "फोहोर कहिले फाल्ने?")
    assert mt.translate("hello", "en", "en").kind == "same"


def test_curated_text_wins_over_the_machine(installed: Path, data) -> None:
    mt = MachineTranslator(data.catalog, packages=discover(installed))
    english = data.catalog.get("en", "answers", "life.moving")
    assert "{" in english  # answers with placeholders are rendered, not translated; a note is a plain text:
    note = data.catalog.get("en", "notes", "spray-can")
    result = mt.translate(note, "en", "vi")
    assert (result.kind, result.text) == ("curated", data.catalog.get("vi", "notes", "spray-can"))


def test_the_cache_answers_a_repeated_sentence_without_the_model(installed: Path, bot) -> None:
    first = MachineTranslator(bot.catalog, bot.store, discover(installed))
    made = first.translate("thank you", "en", "ja")
    assert made.kind == "machine" and first.translate("thank you", "en", "ja").kind == "cache"
    again = MachineTranslator(bot.catalog, bot.store, discover(installed))  # another process, same database
    hit = again.translate("thank you", "en", "ja")
    assert (hit.kind, hit.text) == ("cache", made.text)
    assert not any(p.loaded for p in again.packages.values())  # the model was never loaded


def test_models_load_once_and_are_shared_by_threads(installed: Path, data, monkeypatch, at_once) -> None:
    import ctranslate2

    loads: list[tuple[Any, ...]] = []
    real = ctranslate2.Translator

    def translator(*args: Any, **kwargs: Any) -> Any:
        loads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", translator)
    mt = MachineTranslator(data.catalog, packages=discover(installed), memory_size=0)
    numbers = iter(range(8))
    results = at_once(lambda: mt.translate(f"hello {next(numbers)}", "en", "ja").text, 8)
    assert len(results) == 8 and all(results) and len(loads) == 1


def test_long_texts_are_split_into_sentences_short_ones_not() -> None:
    assert split_sentences("hello. thank you!") == ["hello. thank you!"]
    long = "The garbage day changed. " * 20 + "Please check the calendar! ゴミの日は月曜日です。電池は？"
    parts = split_sentences(long)
    assert len(parts) == 23 and parts[-2:] == ["ゴミの日は月曜日です。", "電池は？"]


def test_a_target_prefix_is_given_to_the_model_and_removed(built: Path, tmp_path: Path, data) -> None:
    import zipfile

    pkg = build(tmp_path, "en", "ne", target_prefix="▁hello")
    with zipfile.ZipFile(pkg) as z:
        z.extractall(tmp_path / "x")
    package = discover(tmp_path / "x")[0]
    assert package.target_prefix == "▁hello"
    out = package.translate(["thank you"])[0]
    assert package._model is not None and package._sp is not None
    tokens = package._sp.encode("thank you", out_type=str)
    told = package._model.translate_batch([tokens], beam_size=2, max_decoding_length=256, target_prefix=[["▁hello"]],
                                          replace_unknowns=True)[0].hypotheses[0]
    assert told[0] == "▁hello"  # a model told the prefix starts with it …
    assert out == package._sp.decode(told[1:]).strip() and not out.startswith("hello")  # … and it is removed


def test_cli_install_status_draft_reviewed(installed: Path, built: Path, data_copy: Path, copy_runner) -> None:
    vi = data_copy / "translations/vi.yaml"
    text = vi.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith(("life.bus:", "greeting:"))]
    vi.write_text("# Vietnamese: reviewed by volunteers\n" + "\n".join(lines) + "\n", encoding="utf-8")
    runner = copy_runner
    assert "installed translate-en_vi.argosmodel" in runner.invoke(
        args=["translations", "install", str(built / "translate-en_vi.argosmodel")]).output
    status = runner.invoke(args=["translations", "status"]).output
    assert "vi" in status and "pivot" in status and "ne" in status and "none" in status
    result = runner.invoke(args=["translations", "draft", "vi"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(vi.read_text(encoding="utf-8"))
    assert {"answers.life.bus", "answers.greeting"} <= set(data["meta"]["machine_drafts"])
    assert "{aozora_bus.fare}" in data["answers"]["life.bus"] and "{contact.transport}" in data["answers"]["life.bus"]
    assert vi.read_text(encoding="utf-8").startswith("# Vietnamese: reviewed by volunteers")
    assert runner.invoke(args=["check-data"]).output.strip() == "ok"
    from bot.answering.assembly import load_data
    from bot.answering.rendering import Renderer

    loaded = load_data(data_copy)
    rendered = Renderer(loaded.kb, loaded.catalog).answer("life.bus", "vi", dt.date(2026, 11, 30))
    assert loaded.catalog.get("vi", "ui", "machine_draft") in rendered.text
    assert "2 draft(s) marked reviewed" in runner.invoke(
        args=["translations", "reviewed", "vi", "answers.life.bus", "answers.greeting"]).output
    assert runner.invoke(args=["translations", "draft", "ne"]).exit_code != 0  # no model: said plainly


def test_healthz_lists_installed_and_loaded_models(installed: Path, app, client) -> None:
    from bot.current import current_translator

    service = current_translator(app)
    service.packages = {(p.source, p.target): p for p in discover(installed)}
    service.translate("hello", "en", "ja")
    body = client.get("/healthz").get_json()
    assert "argos:en-ja@0.0.1" in body["translation"]["installed"]
    assert body["translation"]["models"] == ["argos:en-ja@0.0.1"]


def test_package_objects_are_plain(installed: Path) -> None:
    package = discover(installed)[0]
    assert isinstance(package, Package) and not package.loaded


def test_a_resident_without_machine_translation_is_told_plainly(say, bot) -> None:
    assert bot.translator is not None and bot.translator.coverage("ne", "ja") == "none"
    reply = say("मेरो घरबेटीले डिपोजिट फिर्ता गर्दैन, के गर्ने?", user="ne1")
    assert reply.handoff and reply.reply_language == "ne"
    expected = bot.renderer.ui("ne", "no_machine_translation", language=bot.renderer.language_name("ne", "ne"))
    assert reply.text.splitlines()[-1] == expected
    japanese = say("大家さんが敷金を返してくれません", user="ja1")  # staff read Japanese: nothing to say
    assert japanese.handoff and bot.catalog.get("ja", "ui", "no_machine_translation")[:6] not in japanese.text
