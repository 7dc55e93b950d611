"""The dependency files agree: every pin of a requirements file is the lock's version and lies in the range that
pyproject.toml declares; the lock pins every package exactly; the torch line cannot take a CUDA build."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.settings import ROOT

FILES = ("requirements.txt", "requirements-dev.txt", "requirements-lint.txt", "requirements-translate.txt",
         "requirements-translate-nodeps.txt")


def _lines(name: str) -> list[str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return [ln.split("#")[0].strip() for ln in text.splitlines() if ln.split("#")[0].strip()]


def _pins(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in _lines(name):
        if line.startswith("-r "):
            continue
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{name}: {line} is not pinned"
        pins[canonicalize_name(req.name)] = spec.version
    return pins


def test_every_pin_is_the_locks_version_and_in_the_declared_range() -> None:
    lock: dict[str, str] = {canonicalize_name(Requirement(ln).name): str(Requirement(ln).specifier)[2:]
                            for ln in _lines("constraints.txt")}
    assert all(re.fullmatch(r"[\w.+-]+", v) for v in lock.values()) and len(lock) > 50
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared: dict[str, Requirement] = {canonicalize_name(Requirement(r).name): Requirement(r)
                                        for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared.update({canonicalize_name(Requirement(r).name): Requirement(r) for r in extra})
    for name in FILES:
        for package, version in _pins(name).items():
            assert lock.get(package) == version, f"{name}: {package}=={version}, the lock has {lock.get(package)}"
            assert package in declared and declared[package].specifier.contains(version), f"pyproject: {package}"
    runtime = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    assert runtime == set(_pins("requirements.txt"))


def test_the_full_translation_file_takes_torch_from_the_cpu_index() -> None:
    lines = _lines("requirements-translate-full.txt")
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    (torch,) = [Requirement(ln) for ln in lines if ln.startswith("torch")]
    (spec,) = torch.specifier
    assert spec.operator == "==" and spec.version.endswith("+cpu")  # plain PyPI has no +cpu build: no CUDA by accident
