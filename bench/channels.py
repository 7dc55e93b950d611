"""Benchmark: signed LINE webhooks at a steady rate into gunicorn (2 workers), answered through a local fake LINE API.

    .venv/bin/python bench/channels.py [--rate 20] [--seconds 15] [--database-url URL] [--redis-url URL]

Reports, for docs/channels.md:
- the webhook acknowledgement rate at full speed (requests/s, 8 concurrent senders) of Tomoni and, in the same run
  and on the same gunicorn setup, of a bare Flask app that only checks the signature — the ratio is the result;
- at a steady rate: p50/p95 from sending the webhook to the reply arriving at the fake LINE API, and messages lost
  (events sent minus distinct replies received; must be 0).
All traffic stays on 127.0.0.1; every loop is bounded in count and time.
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
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeAPI  # noqa: E402

SECRET = "bench-secret"
TEXTS = ["onde jogo pilhas?", "Khi nào đổ rác nhựa?", "how do I get rid of a sofa", "日本語教室はいつ?",
         "kailan kinukuha ang lata?", "hello", "tolong ada kebakaran", "क्लास कहिले हुन्छ?", "粗大垃圾怎么扔"]
BARE_APP = '''
import base64, hashlib, hmac, os
from flask import Flask, abort, request
app = Flask(__name__)
SECRET = os.environ["LINE_CHANNEL_SECRET"].encode()
@app.post("/webhooks/line")
def hook():
    body = request.get_data()
    good = base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(good, request.headers.get("X-Line-Signature", "")):
        abort(400)
    return "OK"
@app.get("/healthz")
def health():
    return "ok"
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def event_body(n: int, now_ms: int, redelivery: bool = False) -> bytes:
    event = {"type": "message", "mode": "active", "timestamp": now_ms, "replyToken": f"rt-{n}",
             "source": {"type": "user", "userId": f"Ubench{n}"}, "webhookEventId": f"01BENCH{n:019d}",
             "deliveryContext": {"isRedelivery": redelivery},
             "message": {"id": f"m{n}", "type": "text", "text": TEXTS[n % len(TEXTS)], "quoteToken": "q"}}
    return json.dumps({"destination": "Ubot", "events": [event]}).encode()


def signed(body: bytes) -> dict[str, str]:
    sig = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return {"Content-Type": "application/json", "X-Line-Signature": sig}


def start(app: str, port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                             "--log-level", "warning", app], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{app} did not start: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def ack_rate(port: int, count: int, offset: int) -> float:
    """Requests per second acknowledged at full speed by 8 concurrent senders."""
    session = requests.Session()
    bodies = [event_body(offset + i, int(time.time() * 1000)) for i in range(count)]

    def send(body: bytes) -> int:
        return session.post(f"http://127.0.0.1:{port}/webhooks/line", data=body, headers=signed(body),
                            timeout=10).status_code

    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(send, bodies))
    elapsed = time.perf_counter() - t0
    assert all(c == 200 for c in codes), codes[:5]
    return count / elapsed


def steady(port: int, fake: FakeAPI, rate: float, seconds: float, offset: int,
           redeliver_every: int = 0) -> dict[str, float]:
    """Send at a steady rate; measure webhook -> reply latency at the fake API and count what never arrived,
    and what arrived twice (each event has its own user, so a push is matched to its event by its recipient)."""
    total = int(rate * seconds)
    sent_at: dict[str, float] = {}
    session = requests.Session()
    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(8) as pool:
        futures = []
        for i in range(total):
            n = offset + i
            target = t0 + i / rate
            time.sleep(max(0.0, target - time.monotonic()))
            stamp = int(time.time() * 1000)
            body = event_body(n, stamp)
            sent_at[f"rt-{n}"] = time.monotonic()
            futures.append(pool.submit(session.post, f"http://127.0.0.1:{port}/webhooks/line", data=body,
                                       headers=signed(body), timeout=10))
            if redeliver_every and i % redeliver_every == 0:  # LINE sends the same event again
                again = event_body(n, stamp, redelivery=True)  # a redelivery keeps the event's own time
                futures.append(pool.submit(session.post, f"http://127.0.0.1:{port}/webhooks/line", data=again,
                                           headers=signed(again), timeout=10))
        codes = [f.result().status_code for f in futures]
    send_elapsed = time.monotonic() - t0

    def delivered() -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for call in fake.calls("/v2/bot/message/"):
            if call.get("status") != 200:
                continue
            body = call["json"] or {}
            token = body.get("replyToken") or ("rt-" + str(body.get("to", "")).removeprefix("Ubench"))
            if token in sent_at:
                out.setdefault(token, []).append(call["at"])
        return out

    fake.wait_for(lambda: len(delivered()) >= total, timeout=120)
    time.sleep(2.0)  # let late duplicates, if any, arrive before counting
    deliveries = delivered()
    got = {k: v[0] for k, v in deliveries.items()}
    twice = sum(len(v) > 1 for v in deliveries.values())
    latencies = sorted((got[k] - sent_at[k]) * 1000 for k in got)
    pushes = [c for c in fake.calls("/v2/bot/message/push")]
    return {"sent": total, "accepted": sum(c == 200 for c in codes), "replied": len(got), "lost": total - len(got),
            "twice": twice, "posted": len(codes),
            "pushed_instead": len(pushes), "rate": total / send_elapsed,
            "p50": statistics.median(latencies) if latencies else float("nan"),
            "p95": latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--ack-requests", type=int, default=400)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--redeliver-every", type=int, default=0, help="send every Nth event twice")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of LINE API calls answered 500")
    args = parser.parse_args()
    fake = FakeAPI()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="bench-token",
                   LINE_API_BASE_URL=fake.url, SECRET_KEY="bench", TOMONI_ENV="production",
                   DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite")
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
        subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "db-upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        (Path(tmp) / "bare.py").write_text(BARE_APP)
        bare_port, port = free_port(), free_port()
        bare = start("bare:app", bare_port, env, Path(tmp))
        bare_rate = ack_rate(bare_port, args.ack_requests, 0)
        stop(bare)
        workers = []
        tomoni = start("app:app", port, env, ROOT)
        if args.redis_url:
            workers = [subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "app", "worker"], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
        try:
            rate = ack_rate(port, args.ack_requests, 1_000_000)
            fake.wait_for(lambda: len(fake.calls("/v2/bot/message/")) >= args.ack_requests, timeout=120)
            fake.fail_rate = args.fail_rate
            result = steady(port, fake, args.rate, args.seconds, 2_000_000, args.redeliver_every)
        finally:
            stop(tomoni)
            for w in workers:
                stop(w)
    fake.close()
    setup = f"gunicorn 2 web processes, {'PostgreSQL' if args.database_url else 'SQLite'}, " \
            f"{'Redis queue + 2 worker processes' if args.redis_url else 'in-process workers'}"
    print(f"setup: {setup}; Python {sys.version.split()[0]}")
    print("| measure | value |\n|---|---|")
    print(f"| webhook acknowledgements at full speed, bare Flask (signature check only) | {bare_rate:.0f} req/s |")
    print(f"| webhook acknowledgements at full speed, Tomoni (verify, parse, store) | {rate:.0f} req/s "
          f"({rate / bare_rate:.2f} of bare Flask) |")
    print(f"| steady rate; webhooks accepted / events | {result['rate']:.1f} msg/s; "
          f"{result['accepted']} / {result['sent']} |")
    print(f"| webhook -> reply at the fake LINE API, p50 / p95 | {result['p50']:.0f} / {result['p95']:.0f} ms |")
    print(f"| events answered / lost / answered twice | {result['replied']} / {result['lost']} / {result['twice']} |")
    if args.redeliver_every or args.fail_rate:
        print(f"| redeliveries sent / injected API failure rate | {result['posted'] - result['sent']} / "
              f"{args.fail_rate:.0%} |")


if __name__ == "__main__":
    main()
