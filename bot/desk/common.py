"""What the desk's pages share: the blueprint, CSRF protection, the bot and translator of the app, staff labels."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from flask import Blueprint, current_app, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..answering.mt import MachineTranslator
from ..answering.pipeline import Bot
from ..current import current_bot, current_runtime, current_translator
from ..messages import Channel
from ..storage.models import URGENT

blueprint: Blueprint = Blueprint("desk", __name__, url_prefix="/desk", template_folder="templates")
csrf: CSRFProtect = CSRFProtect()
CHANNELS = {"line": "LINE", "messenger": "Messenger", "web": "チャット画面(テスト)", "cli": "コマンド(テスト)"}
# Furigana written after kanji in the residents' easy Japanese ("出(だ)し方(かた)"): staff menus drop it.
_RUBY = re.compile(r"(?<=[\u3400-\u9fff々])[(（][\u3041-\u309fー]+[)）]")
_GAP = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff々])\s+(?=[\u3040-\u30ff\u3400-\u9fff々])")


def _bot() -> Bot:
    return current_bot(current_app)


def _channels() -> dict[str, Channel]:
    """The messaging channels that are on, by name (announcements go out through them)."""
    return current_runtime(current_app).channels


def _mt() -> MachineTranslator:
    return current_translator(current_app)


def plain(text: str) -> str:
    """Staff Japanese from the residents' easy Japanese: no furigana, no spaces between Japanese words."""
    return _GAP.sub("", _RUBY.sub("", text))


def language_names() -> dict[str, str]:
    """Language code -> its Japanese name."""
    return {code: plain(str(name)) for code, name in (_bot().catalog.get("ja", "ui", "language_names") or {}).items()}


def answer_labels() -> dict[str, str]:
    """Answer key -> its Japanese label, for every answer that has one."""
    bot = _bot()
    return {key: plain(str(label)) for key in bot.kb.answers
            if (label := bot.catalog.get("ja", "intent_labels", key))}


@functools.cache
def labels() -> dict[str, Any]:
    """bot/desk/labels.yaml: staff Japanese for concepts and weekdays."""
    data: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "labels.yaml").read_text(encoding="utf-8"))
    return data


def topic(concepts: str) -> str:
    """What a handed-off message was about ("fee,money_case"), in staff Japanese (料金・お金、税金・お金の手続き)."""
    names = labels()["concepts"]
    return "、".join(names.get(c, f"その他({c})") for c in concepts.split(",") if c) or concepts


@blueprint.app_template_filter("localtime")
def localtime(value: dt.datetime | None, fmt: str = "%m/%d %H:%M") -> str:
    """A stored time (naive UTC) in the city's time zone."""
    if value is None:
        return "—"
    zone = ZoneInfo(current_app.config["TOMONI"].timezone)
    return value.replace(tzinfo=dt.UTC).astimezone(zone).strftime(fmt)


@blueprint.app_context_processor
def _globals() -> dict[str, Any]:
    return {"urgent": URGENT, "channel_names": CHANNELS, "weekday_names": labels()["weekdays"],
            "topic": topic}


@blueprint.app_errorhandler(CSRFError)
def _csrf_error(error: CSRFError) -> Any:
    return render_template("desk/error.html", message="フォームの有効期限が切れたか、正しくありません。"
                           "ページを読み込み直して、もう一度ためしてください。"), 400


def _deliver_now() -> None:
    """Send staff replies at once when this process delivers (a failure stays in the outbox for the retries)."""
    current_runtime(current_app).deliverer.deliver_due()
