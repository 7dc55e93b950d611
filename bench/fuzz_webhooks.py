"""Fuzzing: validly signed odd webhook bodies into gunicorn over real HTTP; every answer must be 2xx (never a 5xx).

    .venv/bin/python bench/fuzz_webhooks.py [--bodies 6000] [--database-url URL] [--seed 1]

Half LINE, half Messenger. Each body is a real-looking batch of 1-3 events in which fields are replaced by odd values
(None, numbers, lists, objects, empty and 10,000-character strings, NUL bytes, lone surrogates, ids of 129-500
characters, negative and huge timestamps), fields are deleted, events are replaced by non-objects, or the body itself
is not JSON, not UTF-8, or JSON of another shape. Reports the status codes, the 5xx count with examples, and what
the database holds afterwards (messages, rejected events). --database-url: a PostgreSQL server (a fresh database
is made and dropped). Deterministic for a seed; all traffic on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import collections
import concurrent.futures as cf
import copy
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faults import drop_postgres, free_port, fresh_postgres, stop, wait_healthy  # noqa: E402
from tests.fakes import FakeAPI  # noqa: E402

LINE_SECRET, FB_SECRET = "fuzz-line-secret", "fuzz-fb-secret"
ODD: list[Any] = [None, 0, -1, 2 ** 63, 1.5, True, [], [1, "x"], {}, {"a": None}, "", " ", "x" * 10_000, "\x00",
                  "a\x00b", "\ud800", "x\udfffy", "U" * 129, "U" * 500, "🙂" * 50, "<script>alert(1)</script>",
                  "' OR 1=1 --", "../../etc/passwd", "%s%n", "\u202e", "null"]


def line_event(rng: random.Random, n: int) -> dict[str, Any]:
    kind = rng.choice(["text", "sticker", "image", "postback", "follow", "unfollow", "join", "beacon"])
    base: dict[str, Any] = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
                            "source": {"type": "user", "userId": f"Ufuzz{n}"}, "webhookEventId": f"01FUZZ{n:020d}",
                            "deliveryContext": {"isRedelivery": False}, "replyToken": f"rt-fuzz-{n}"}
    if kind == "text":
        base["message"] = {"id": f"m{n}", "type": "text", "text": "onde jogo pilhas?", "quoteToken": "q"}
    elif kind in ("sticker", "image"):
        base["message"] = {"id": f"m{n}", "type": kind, "packageId": "1", "stickerId": "2",
                           "contentProvider": {"type": "line"}, "quoteToken": "q"}
    elif kind == "postback":
        base.update(type="postback", postback={"data": "lang:vi"})
    else:
        base["type"] = kind
        if kind == "beacon":
            base["beacon"] = {"hwid": "d41d8cd98f", "type": "enter"}
    return base


def messenger_item(rng: random.Random, n: int) -> dict[str, Any]:
    kind = rng.choice(["text", "quick", "postback", "attachment", "echo", "read"])
    base: dict[str, Any] = {"sender": {"id": f"Pfuzz{n}"}, "recipient": {"id": "PAGE"}, "timestamp": 1}
    if kind == "text":
        base["message"] = {"mid": f"m.fuzz.{n}", "text": "onde jogo pilhas?"}
    elif kind == "quick":
        base["message"] = {"mid": f"m.fuzz.{n}", "text": "ok", "quick_reply": {"payload": "lang:tl"}}
    elif kind == "postback":
        base["postback"] = {"title": "x", "payload": "intent:human", "mid": f"m.fuzz.{n}"}
    elif kind == "attachment":
        base["message"] = {"mid": f"m.fuzz.{n}", "attachments": [{"type": "image", "payload": {"url": "https://x"}}]}
    elif kind == "echo":
        base["message"] = {"mid": f"m.fuzz.{n}", "text": "echo", "is_echo": True}
    else:
        base["read"] = {"watermark": 1}
    return base


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a JSON value."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*prefix, i))
    return out


def mutate(rng: random.Random, doc: Any) -> Any:
    """1-4 odd changes: a value replaced, a key deleted, an event replaced by a non-object."""
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 4)):
        where = rng.choice(paths(doc))
        parent = doc
        for step in where[:-1]:
            parent = parent[step]
        action = rng.random()
        if action < 0.7:
            parent[where[-1]] = copy.deepcopy(rng.choice(ODD))
        elif action < 0.9 and isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent[where[-1]] = rng.choice([42, "event", [None], None])
        if not paths(doc):
            break
    return doc


def body_for(rng: random.Random, n: int, platform: str) -> bytes:
    roll = rng.random()
    if roll < 0.04:
        return rng.choice([b"", b"{", b"\xff\xfe\x00", b"null", b"[]", b"42", b'"text"', b"{}" * 3,
                           json.dumps({"events": None}).encode(), b'{"object": "page"}'])
    if platform == "line":
        doc: Any = {"destination": "Ubot", "events": [line_event(rng, n * 10 + i) for i in range(rng.randint(1, 3))]}
    else:
        doc = {"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": [
            messenger_item(rng, n * 10 + i) for i in range(rng.randint(1, 3))]}]}
    return json.dumps(mutate(rng, doc)).encode()


def sign(platform: str, body: bytes) -> dict[str, str]:
    if platform == "line":
        sig = base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()).decode()
        return {"Content-Type": "application/json", "X-Line-Signature": sig}
    return {"Content-Type": "application/json",
            "X-Hub-Signature-256": "sha256=" + hmac.new(FB_SECRET.encode(), body, hashlib.sha256).hexdigest()}


def counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    with engine.connect() as conn:
        out = {"messages in": int(conn.execute(text("SELECT count(*) FROM messages WHERE direction = 'in'")).scalar()
                                  or 0)}
        if "rejected_events" in inspect(engine).get_table_names():
            out["rejected events"] = int(conn.execute(text("SELECT count(*) FROM rejected_events")).scalar() or 0)
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=6000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = [(n, "line" if n % 2 == 0 else "messenger") for n in range(args.bodies)]
    bodies = [(platform, body_for(rng, n, platform)) for n, platform in work]
    fake = FakeAPI()
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_postgres(args.database_url) if args.database_url else f"sqlite:///{tmp}/fuzz.sqlite"
        env = dict(os.environ, LINE_CHANNEL_SECRET=LINE_SECRET, LINE_CHANNEL_ACCESS_TOKEN="t",
                   LINE_API_BASE_URL=fake.url, MESSENGER_APP_SECRET=FB_SECRET, MESSENGER_VERIFY_TOKEN="v",
                   MESSENGER_PAGE_ACCESS_TOKEN="p", GRAPH_API_BASE_URL=fake.url, SECRET_KEY="fuzz",
                   TOMONI_ENV="production", TOMONI_LOG_LEVEL="CRITICAL", DATABASE_URL=url, TOMONI_AUTO_MIGRATE="0")
        env.pop("REDIS_URL", None)
        try:
            subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "db-upgrade"], cwd=ROOT, env=env,
                           check=True, capture_output=True)
            port = free_port()
            web = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers",
                                    "2", "--log-level", "critical", "app:app"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                wait_healthy(port, web)
                session = requests.Session()

                def send(item: tuple[str, bytes]) -> int:
                    platform, body = item
                    try:
                        return session.post(f"http://127.0.0.1:{port}/webhooks/{platform}", data=body,
                                            headers=sign(platform, body), timeout=30).status_code
                    except requests.RequestException:
                        return -1

                with cf.ThreadPoolExecutor(8) as pool:
                    codes = list(pool.map(send, bodies))
                time.sleep(2.0)
            finally:
                stop(web)
            stored = counts(url)
        finally:
            if args.database_url:
                drop_postgres(args.database_url, url)
    fake.close()
    by_code = collections.Counter(codes)
    errors = [(platform, body[:160]) for (platform, body), code in zip(bodies, codes, strict=True)
              if code >= 500 or code < 0]
    print(f"setup: gunicorn 2 web processes, {'PostgreSQL' if args.database_url else 'SQLite'}; seed {args.seed}")
    print("| bodies | 5xx or no answer | status codes | stored |\n|---|---|---|---|")
    print(f"| {len(bodies)} | {len(errors)} ({len(errors) / len(bodies):.1%}) | "
          f"{', '.join(f'{c}: {n}' for c, n in sorted(by_code.items()))} | "
          f"{', '.join(f'{k} {v}' for k, v in stored.items())} |")
    for platform, body in errors[:5]:
        print(f"  e.g. {platform}: {body!r}")


if __name__ == "__main__":
    main()
