"""Benchmark: CPU time per event of the webhook path, in one thread, apart from the machine's load.

    .venv/bin/python bench/webhook_cpu.py [--events 300] [--database-url postgresql+psycopg://…/an_empty_database]

A signed LINE webhook (one text event, a new resident each time) goes through the Flask app (test client) and is
acknowledged; then this thread does what a worker does with it: stores it (Store.take), answers it and sends the
reply to the fake LINE API (tests/fakes.py, in a process of its own, so its CPU is not counted; HTTP/1.1 with
keep-alive, as LINE's servers and as bench/channels.py serves it). Prints the CPU
milliseconds of this process per event: the acknowledgement, and the rest. CPU time, unlike wall time, hardly
depends on what else the machine runs, so figures from a busy machine can be compared (docs/performance.md).
With --database-url (an empty database: it is migrated) the same path runs on that database (PostgreSQL's own CPU,
that of the backends connected to that database, is printed beside this process's); each run also counts the
statements, transactions (BEGIN) and commits per event, all processes' connections of this one included.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import multiprocessing as mp
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from bench.channels import TEXTS, ServerCPU  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.current import current_runtime  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.store import upgrade  # noqa: E402

SECRET = b"cpu-secret"


def fake_apis(conn: Connection) -> None:
    from tests.fakes import FakeAPI

    fake = FakeAPI()
    fake.server.RequestHandlerClass.protocol_version = "HTTP/1.1"  # type: ignore[attr-defined]  # keep-alive, as LINE
    conn.send(fake.url)
    conn.recv()
    fake.close()


def webhook(n: int) -> tuple[bytes, dict[str, str]]:
    event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000), "replyToken": f"rt-{n}",
             "source": {"type": "user", "userId": f"Ucpu{n}"}, "webhookEventId": f"01CPU{n:021d}",
             "deliveryContext": {"isRedelivery": False},
             "message": {"id": f"m{n}", "type": "text", "text": TEXTS[n % len(TEXTS)], "quoteToken": "q"}}
    body = json.dumps({"destination": "Ubot", "events": [event]}).encode()
    return body, {"Content-Type": "application/json",
                  "X-Line-Signature": base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest()).decode()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1, help="repeat, and print each run and the lowest total")
    parser.add_argument("--database-url", default="", help="an empty database to use instead of a new SQLite file")
    args = parser.parse_args()
    ctx = mp.get_context("fork")
    here, there = ctx.Pipe()
    fake = ctx.Process(target=fake_apis, args=(there,), daemon=True)
    fake.start()
    url = str(here.recv())
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database_url or f"sqlite:///{tmp}/cpu.sqlite"
        upgrade(database)
        settings = Settings(database_url=database, secret_key="cpu", auto_migrate=False,
                            line_channel_secret=SECRET.decode(), line_channel_access_token="t", line_api_base_url=url,
                            in_process_worker=False)
        app = create_app(settings)
        client = app.test_client()
        runtime = current_runtime(app)
        worker = runtime.new_worker()
        counts = {"statements": 0, "begins": 0, "commits": 0, "rollbacks": 0}

        def count(name: str) -> Any:
            def counted(*_args: Any, **_kwargs: Any) -> None:
                counts[name] += 1
            return counted

        engine = runtime.bot.store.engine
        event.listen(engine, "before_cursor_execute", count("statements"))
        event.listen(engine, "begin", count("begins"))
        event.listen(engine, "commit", count("commits"))
        event.listen(engine, "rollback", count("rollbacks"))

        def one(n: int) -> tuple[float, float]:
            body, headers = webhook(n)
            t0 = time.process_time()
            assert client.post("/webhooks/line", data=body, headers=headers).status_code == 200
            t1 = time.process_time()
            inbox_id = runtime.work.get(0)
            assert inbox_id is not None
            for message_id in worker.take(inbox_id):
                worker._process(message_id)
            return t1 - t0, time.process_time() - t1

        for n in range(30):  # warm up
            one(n)
        results = []
        for run in range(args.runs):
            ack = work = 0.0
            counts.update(statements=0, begins=0, commits=0, rollbacks=0)
            server = ServerCPU(args.database_url or None, None)  # PostgreSQL's backends of this database
            server.start()
            for n in range(1000 + run * args.events, 1000 + (run + 1) * args.events):
                a, w = one(n)
                ack, work = ack + a, work + w
            backends = server.stop().get("postgres", 0.0)
            results.append((ack / args.events * 1000, work / args.events * 1000,
                            {k: v / args.events for k, v in counts.items()}, backends / args.events * 1000))
    here.send("stop")
    fake.join(timeout=10)
    for ack_ms, work_ms, per_event, backend_ms in results:
        server = f" | PostgreSQL's backends {backend_ms:.2f} ms" if args.database_url else ""
        print(f"| CPU per event, one thread ({args.events} events) | acknowledgement {ack_ms:.2f} ms "
              f"| store, answer and send {work_ms:.2f} ms | total {ack_ms + work_ms:.2f} ms{server} "
              f"| per event: {per_event['statements']:.1f} statements, {per_event['begins']:.1f} transactions, "
              f"{per_event['commits']:.1f} commits, {per_event['rollbacks']:.1f} rollbacks |")
    if len(results) > 1:
        low = min(results, key=lambda r: r[0] + r[1])
        server = f", PostgreSQL's backends in that run {low[3]:.2f} ms" if args.database_url else ""
        print(f"lowest total of {len(results)} runs: {low[0] + low[1]:.2f} ms{server} "
              f"(load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])})")


if __name__ == "__main__":
    main()
