"""The arrows point one way: the core imports no web framework, no platform SDK and no channel; no import of bot/
runs back up to a package face or round a loop; an import inside a function says why it waits
(scripts/import_plan.py computes the plan; docs/architecture.md explains it)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
CORE = ("bot.understanding", "bot.answering", "bot.storage", "bot.messages", "bot.settings", "bot.redact",
        "bot.observability")
ABOVE_CORE = ("bot.app", "bot.current", "bot.cli", "bot.web", "bot.runtime", "bot.worker", "bot.channels", "bot.desk")
FRAMEWORKS = ("flask", "werkzeug", "click", "requests", "linebot", "flask_login", "flask_wtf")


def _plan_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_plan", ROOT / "scripts" / "import_plan.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


plan_mod = _plan_module()


def _in(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_pipeline_loads_no_framework_sdk_or_http_client() -> None:
    """In a fresh process, the pipeline and the bot's assembly leave Flask, requests and the LINE SDK unloaded."""
    code = ("import sys, bot.answering.pipeline, bot.answering.assembly, bot.storage.outbox; "
            f"print(sorted(m for m in {FRAMEWORKS!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_app_does_load_them() -> None:
    """The same check on the app factory finds Flask: the check above can fail."""
    code = "import sys, bot.app; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_no_import_runs_back_up_or_round_a_loop() -> None:
    plan = plan_mod.read(ROOT)
    assert plan.back_up == []
    assert plan.loops() == []


def test_the_core_imports_nothing_above_it() -> None:
    """Understanding, answering and storage never import a channel, the desk, the pages, the CLI or the app."""
    plan = plan_mod.read(ROOT)
    wrong = sorted((m, t) for m, targets in plan.edges.items() if _in(m, CORE)
                   for t in targets if _in(t, ABOVE_CORE))
    assert wrong == []


def test_imports_inside_functions_say_why() -> None:
    """An import that waits for its function names its reason in a comment on its line."""
    plan = plan_mod.read(ROOT)
    silent = [f"{m}:{line}" for m, line, _text, comment in plan.in_functions if not comment]
    assert silent == []


def test_the_checker_finds_a_back_up_import_and_a_loop(tmp_path: Path) -> None:
    pkg = tmp_path / "bot"
    (pkg / "desk").mkdir(parents=True)
    (pkg / "__init__.py").write_text("def current_bot():\n    return None\n")
    (pkg / "web.py").write_text("from . import current_bot\n")
    (pkg / "desk" / "__init__.py").write_text("from . import pages\n")
    (pkg / "desk" / "pages.py").write_text("from . import desk_name\n\n\ndef later():\n    import json\n")
    plan = plan_mod.read(tmp_path)
    assert sorted(set(plan.back_up)) == [("bot.desk.pages", "bot.desk"), ("bot.web", "bot")]
    assert plan.loops() == [["bot.desk", "bot.desk.pages"]]
    assert [(m, text, comment) for m, _line, text, comment in plan.in_functions] == [("bot.desk.pages", "import json", "")]
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "import_plan.py"), "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "imports running back up: 0" in result.stdout


def test_floors_follow_the_longest_chain(tmp_path: Path) -> None:
    pkg = tmp_path / "bot"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "text.py").write_text("import re\n")
    (pkg / "matching.py").write_text("from .text import fold\n")
    (pkg / "app.py").write_text("from . import matching, text\n")
    floors = plan_mod.read(tmp_path).floors()
    assert floors == {"bot": 1, "bot.text": 1, "bot.matching": 2, "bot.app": 3}
