"""Ask every question of a questions file as a new resident, tap each "More" and choice button, write JSON lines.

    DATABASE_URL=sqlite:////tmp/q.sqlite .venv/bin/python eval/questions/run_answers.py eval/questions/q5.jsonl out.jsonl
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from typing import Any

sys.path.insert(0, os.getcwd())

from app import app  # noqa: E402  (the project root's app, as `flask --app app` loads it)
from bot.cli.talk import ask_one  # noqa: E402


def summary(reply: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    data = reply.as_json(None)
    return {"text": data["text"], "intent": data["intent"], "category": data.get("category"),
            "handoff": data["handoff"], "reply_language": data["reply_language"],
            "buttons": [o["label"] for o in data.get("options") or []]}, data


def main(source: str, target: str) -> None:
    with app.app_context(), open(target, "w", encoding="utf-8") as out:
        for line in open(source, encoding="utf-8"):
            question = json.loads(line)
            user = f"q-{uuid.uuid4().hex[:8]}"
            reply, data = summary(ask_one(question["text"], user))
            for option in data.get("options") or []:
                if option["payload"].startswith(("intent:", "item:")):
                    tapped = ask_one("", user, payload=option["payload"])
                    if tapped is not None:
                        reply.setdefault("taps", []).append({"button": option["label"],
                                                             "reply": tapped.as_json(None)["text"]})
            out.write(json.dumps({**question, "reply": reply}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
