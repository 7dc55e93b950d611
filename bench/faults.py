"""Faults: N events through real HTTP into gunicorn, answered through the LINE-strict fake APIs with 30 % of the
message calls failing and worker processes killed with SIGKILL mid-run; reports duplicates and lost.

    .venv/bin/python bench/faults.py [--events 300] [--rate 20] [--database-url URL --redis-url URL] [--kills 2]

- Setup: the release step (flask db-upgrade), then gunicorn with 2 web processes; on SQLite each runs its worker
  thread, with --redis-url the queue is Redis and 2 `flask worker` processes do the work (restarted when killed, as
  a supervisor would). --database-url is the URL of a PostgreSQL server: a fresh database is made and dropped.
- Traffic: every event is one resident's message, alternately on LINE and on Messenger, at a steady rate.
- Faults at the fake APIs (tests/fakes.py), on message sends: 15 % refused with a 500 before anything happened,
  7.5 % accepted and then left without an answer (as a timeout), 7.5 % accepted and then answered 500; a reply token
  works once, a retry key is accepted once (409 after). `--kills` times during the run one worker process (a gunicorn
  worker, or a `flask worker`) is killed with SIGKILL.
- Counted at the fake: every message a resident would see. Duplicates: events answered more than once; lost: events
  never answered. Also from the database: rows 'outcome unknown' (failed and in doubt) and failed.
All traffic stays on 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures as cf
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import stop  # noqa: E402
from tests.fakes import FakeAPI  # noqa: E402

LINE_SECRET, FB_SECRET = "faults-line-secret", "faults-fb-secret"
TEXTS = ["onde jogo pilhas?", "Khi nào đổ rác nhựa?", "how do I get rid of a sofa", "日本語教室はいつ?",
         "kailan kinukuha ang lata?", "hello", "क्लास कहिले हुन्छ?", "粗大垃圾怎么扔"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def line_body(n: int, stamp: int, redelivery: bool = False) -> tuple[bytes, dict[str, str]]:
    event = {"type": "message", "mode": "active", "timestamp": stamp, "replyToken": f"rt-{n}",
             "source": {"type": "user", "userId": f"Ufault{n}"}, "webhookEventId": f"01FAULT{n:019d}",
             "deliveryContext": {"isRedelivery": redelivery},
             "message": {"id": f"m{n}", "type": "text", "text": TEXTS[n % len(TEXTS)], "quoteToken": "q"}}
    body = json.dumps({"destination": "Ubot", "events": [event]}).encode()
    sig = base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return body, {"Content-Type": "application/json", "X-Line-Signature": sig}


def messenger_body(n: int, stamp: int) -> tuple[bytes, dict[str, str]]:
    item = {"sender": {"id": f"Pfault{n}"}, "recipient": {"id": "PAGE"}, "timestamp": stamp,
            "message": {"mid": f"m.fault.{n}", "text": TEXTS[n % len(TEXTS)]}}
    body = json.dumps({"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": [item]}]}).encode()
    sig = "sha256=" + hmac.new(FB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": sig}


def deliver(session: requests.Session, port: int, n: int) -> int:
    """One event as the platform sends it: again (a redelivery: the same event, LINE marks it) while it gets no
    2xx, at most 5 times."""
    path = "/webhooks/line" if n % 2 == 0 else "/webhooks/messenger"
    stamp = int(time.time() * 1000)
    for attempt in range(5):
        body, headers = line_body(n, stamp, attempt > 0) if n % 2 == 0 else messenger_body(n, stamp)
        try:
            res = session.post(f"http://127.0.0.1:{port}{path}", data=body, headers=headers, timeout=15)
            if res.status_code < 300:
                return res.status_code
        except requests.RequestException:  # the web process was killed mid-request
            pass
        time.sleep(1.0 + attempt)
    return 0


def children(pid: int) -> list[int]:
    """The child processes of one of this script's processes (gunicorn's workers)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn ended: {proc.stderr.read().decode()[-3000:] if proc.stderr else ''}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def fresh_postgres(base: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tomoni_faults_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def drop_postgres(base: str, url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def database_counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        try:
            rows = conn.execute(text("SELECT status, in_doubt, count(*) FROM outbox GROUP BY status, in_doubt")).all()
        except Exception:  # noqa: BLE001 - a schema before outbox.in_doubt (the 'before' figures)
            conn.rollback()
            rows = conn.execute(text("SELECT status, false, count(*) FROM outbox GROUP BY status")).all()
        unprocessed = conn.execute(text("SELECT count(*) FROM messages WHERE direction = 'in' AND NOT processed"))
        out = {"unprocessed": int(unprocessed.scalar() or 0)}
    engine.dispose()
    for status, doubt, n in rows:
        key = "unknown" if status == "failed" and doubt else str(status)
        out[key] = out.get(key, 0) + int(n)
    return out


def run(args: argparse.Namespace, tmp: Path, database_url: str) -> dict[str, Any]:
    fake = FakeAPI(seed=args.seed)
    env = dict(os.environ, LINE_CHANNEL_SECRET=LINE_SECRET, LINE_CHANNEL_ACCESS_TOKEN="faults-token",
               LINE_API_BASE_URL=fake.url, MESSENGER_APP_SECRET=FB_SECRET, MESSENGER_VERIFY_TOKEN="v",
               MESSENGER_PAGE_ACCESS_TOKEN="faults-page", GRAPH_API_BASE_URL=fake.url, SECRET_KEY="faults",
               TOMONI_ENV="production", TOMONI_LOG_LEVEL="ERROR", DATABASE_URL=database_url,
               TOMONI_AUTO_MIGRATE="0")
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        import redis

        redis.Redis.from_url(args.redis_url).delete("tomoni:events")
    flask = str(ROOT / ".venv/bin/flask")
    subprocess.run([flask, "--app", "app", "db-upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp / "service.log").open("wb")
    web = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                            "--log-level", "warning", "app:app"], cwd=ROOT, env=env, stdout=log, stderr=log)
    workers: list[subprocess.Popen[bytes]] = []

    def start_worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen([flask, "--app", "app", "worker"], cwd=ROOT, env=env, stdout=log, stderr=log)

    kills: list[str] = []
    try:
        wait_healthy(port, web)
        if args.redis_url:
            workers = [start_worker() for _ in range(2)]
        fake.fail_rate, fake.drop_rate, fake.late_fail_rate = args.fail / 2, args.fail / 4, args.fail / 4
        session = requests.Session()
        kill_at = {int(args.events * (k + 1) / (args.kills + 1)) for k in range(args.kills)}
        codes: list[int] = []
        t0 = time.monotonic()
        with cf.ThreadPoolExecutor(8) as pool:
            futures = []
            for n in range(args.events):
                time.sleep(max(0.0, t0 + n / args.rate - time.monotonic()))
                futures.append(pool.submit(deliver, session, port, n))
                if n in kill_at:
                    if workers:
                        victim = workers.pop(0)
                        os.kill(victim.pid, signal.SIGKILL)
                        victim.wait(timeout=10)
                        kills.append(f"flask worker {victim.pid}")
                        workers.append(start_worker())  # the supervisor starts it again
                    else:
                        pids = children(web.pid)
                        if pids:
                            os.kill(pids[0], signal.SIGKILL)  # gunicorn's master starts a new one
                            kills.append(f"gunicorn worker {pids[0]}")
            codes = [f.result() for f in futures]

        def answered() -> dict[int, int]:
            seen: dict[int, int] = {}
            with fake.lock:
                delivered = list(fake.delivered)
            for d in delivered:
                key = d.get("replyToken") or d.get("to") or ""
                digits = "".join(ch for ch in str(key) if ch.isdigit())
                if digits:
                    seen[int(digits)] = seen.get(int(digits), 0) + 1
            return seen

        fake.wait_for(lambda: len(answered()) >= args.events, timeout=args.wait)
        time.sleep(3.0)  # late duplicates, if any, arrive before counting
        seen = answered()
    finally:
        for w in workers:
            stop(w)
        stop(web)
        log.close()
        fake.close()
    counts = database_counts(database_url)
    return {"events": args.events, "accepted": sum(c == 200 for c in codes),
            "answered": sum(1 for n in range(args.events) if seen.get(n)),
            "lost": sum(1 for n in range(args.events) if not seen.get(n)),
            "twice": sum(1 for n in range(args.events) if seen.get(n, 0) > 1),
            "line_twice": sum(1 for n in range(0, args.events, 2) if seen.get(n, 0) > 1),
            "messenger_twice": sum(1 for n in range(1, args.events, 2) if seen.get(n, 0) > 1),
            "calls": len(fake.requests), "kills": kills, "db": counts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--fail", type=float, default=0.3, help="share of message calls that fail")
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL (a fresh database is made)")
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for the last answers")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_postgres(args.database_url) if args.database_url else f"sqlite:///{tmp}/faults.sqlite"
        try:
            result = run(args, Path(tmp), url)
        finally:
            if args.database_url:
                drop_postgres(args.database_url, url)
    setup = ("PostgreSQL + Redis queue + 2 `flask worker`" if args.redis_url else
             "PostgreSQL, in-process workers" if args.database_url else "SQLite, in-process workers")
    print(f"setup: gunicorn 2 web processes, {setup}; {args.fail:.0%} failing message calls; "
          f"kill -9: {', '.join(result['kills']) or 'none'}")
    print("| events | webhooks 200 | answered | lost | answered twice (LINE / Messenger) | outbox in the database |")
    print("|---|---|---|---|---|---|")
    db = ", ".join(f"{k} {v}" for k, v in sorted(result["db"].items()))
    print(f"| {result['events']} | {result['accepted']} | {result['answered']} | {result['lost']} | "
          f"{result['twice']} ({result['line_twice']} / {result['messenger_twice']}) | {db} |")


if __name__ == "__main__":
    main()
