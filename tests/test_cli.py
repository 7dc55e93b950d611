"""`flask ask`, `ask --json`, `ask --jsonl`, `chat` and `check-data` as CONTRACT.md and the editors use them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.settings import ROOT, Settings

from .helpers import count

FIELDS = {"id", "language", "reply_language", "intent", "category", "entry", "handoff", "confidence", "text", "options"}


def test_ask_prints_the_reply_text(runner) -> None:
    result = runner.invoke(args=["ask", "onde jogo pilhas?"])
    assert result.exit_code == 0, result.output
    assert "pilha" in result.output.lower()


def test_ask_json_has_exactly_the_contract_fields(runner) -> None:
    result = runner.invoke(args=["ask", "--json", "onde jogo pilhas?"])
    out = json.loads(result.output)
    assert set(out) == FIELDS
    assert (out["language"], out["intent"], out["category"], out["handoff"]) == ("pt", "garbage.sorting", "hazardous",
                                                                                 False)
    assert 0 <= out["confidence"] <= 1


def test_ask_jsonl_keeps_conversations_by_user(runner) -> None:
    lines = [{"id": "a", "text": "Tiếng Việt", "user": "x"}, {"id": "b", "text": "ok", "user": "x"},
             {"id": "c", "text": "ok"}, {"id": "d", "text": "hello", "lang": "es"}]
    feed = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines) + "not json\n"
    result = runner.invoke(args=["ask", "--jsonl"], input=feed)
    outs = [json.loads(x) for x in result.output.splitlines()]
    assert [o["id"] for o in outs] == ["a", "b", "c", "d", None]
    assert outs[0]["intent"] == "language.change" and outs[1]["reply_language"] == "vi"
    assert outs[2]["reply_language"] == "en"  # a new resident
    assert outs[3]["reply_language"] == "es"  # preferred language given
    assert "error" in outs[4]


def test_chat_numbers_the_choices_and_takes_a_number(runner) -> None:
    result = runner.invoke(args=["chat"], input="change language\n3\n👍\n")
    assert result.exit_code == 0, result.output
    assert "  1. 日本語" in result.output and "  3. Português" in result.output
    after_choice = result.output.split("> ")[2:]
    assert "português" in after_choice[0] and "texto" in after_choice[1]  # chosen, then kept for a sticker-like reply


def test_check_data_says_ok_then_names_errors(copy_runner, data_copy: Path) -> None:
    ok = copy_runner.invoke(args=["check-data"])
    assert (ok.exit_code, ok.output.strip()) == (0, "ok")
    ne = data_copy / "translations/ne.yaml"
    ne.write_text(ne.read_text(encoding="utf-8").replace("{contact.transport}", "{contact.bus}"), encoding="utf-8")
    result = copy_runner.invoke(args=["check-data"])
    assert result.exit_code == 1
    assert "translations/ne.yaml: answers.life.bus: placeholders" in result.output


def test_the_real_command_line_works_on_a_fresh_database(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite", "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "app", "ask", "--json", "救命!火事です"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["intent"] == "emergency" and "119" in out["text"]


def test_test_traffic_opens_no_desk_ticket_unless_asked(app, runner, bot, settings, data) -> None:
    import dataclasses

    from bot.answering.assembly import build_bot
    from bot.messages import Inbound
    from bot.storage.models import Message, Ticket
    said = runner.invoke(args=["ask", "I want to talk to a real person"])
    assert said.exit_code == 0 and "no desk ticket was opened" in said.output
    assert json.loads(runner.invoke(args=["ask", "--json", "I want to talk to a real person"]).output)["handoff"]
    chatted = runner.invoke(args=["chat"], input="I want to talk to a real person\nexit\nnever sent\n")
    assert chatted.exit_code == 0 and "never sent" not in chatted.output
    assert count(bot, Ticket) == 0 and count(bot, Message, text="exit") == 0
    web = app.test_client().post("/chat/api/message", json={"user": "w1", "text": "I want to talk to a real person"})
    assert web.get_json()["handoff"] and web.get_json()["ticket"] is None and count(bot, Ticket) == 0
    # asked for: the flag, the chat page's desk box, or the setting
    assert runner.invoke(args=["ask", "--desk", "I want to talk to a real person"]).exit_code == 0
    assert count(bot, Ticket) == 1
    asked = app.test_client().post("/chat/api/message", json={"user": "w2", "desk": True,
                                                               "text": "I want to talk to a real person"})
    assert asked.get_json()["ticket"] and count(bot, Ticket) == 2
    on = build_bot(dataclasses.replace(settings, test_tickets=True), data)
    reply = on.handle(Inbound(channel="cli", user_id="c9", text="I want to talk to a real person"))
    assert reply is not None and reply.ticket_id
    assert count(bot, Ticket) == 3


def test_a_missing_or_wrong_setting_is_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    import pytest

    from bot.settings import SettingsError

    with pytest.raises(SettingsError, match="SECRET_KEY is not set"):
        Settings.from_env({"TOMONI_ENV": "production"})
    with pytest.raises(SettingsError, match="TOMONI_RETENTION_DAYS must be a whole number"):
        Settings.from_env({"TOMONI_RETENTION_DAYS": "a year"})
    with pytest.raises(SettingsError, match="TOMONI_TIMEZONE"):
        Settings.from_env({"TOMONI_TIMEZONE": "Isesaki"})
    assert Settings.from_env({"TOMONI_DESK_IDLE_MINUTES": "15"}).desk_idle_minutes == 15.0
    env = {"TOMONI_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite",
           "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "app", "check-data"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Tomoni cannot start: SECRET_KEY is not set.")
