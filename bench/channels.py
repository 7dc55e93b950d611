"""Benchmark: signed webhooks at a steady rate into Tomoni run as the Procfile runs it, answered through fake APIs.

    .venv/bin/python bench/channels.py [--rate 250] [--seconds 30] [--channels line,messenger]
                                       [--database-url URL --redis-url URL] [--ack-requests 4000]
    .venv/bin/python bench/channels.py --bare-only   # the load generator against a bare Flask app, nothing else

What it starts (all on 127.0.0.1):
- the fake LINE and Graph APIs (tests/fakes.py, strict: a reply token works once, a retry key once) in a process of
  their own, answering HTTP/1.1 with keep-alive as the platforms do, recording every call with its time;
- Tomoni as the Procfile says: its `web:` line (gunicorn, gunicorn.conf.py, WEB_CONCURRENCY processes, in-process
  workers on SQLite) and, with --redis-url, its `worker:` line (one `flask worker`);
- the load generator: several sender processes, each with several threads, each request a new `http.client`
  connection (gunicorn's sync workers close every connection after one response, so keep-alive would change nothing
  on the server's side and would hide the connection cost a platform's webhook pays).

What it reports (Markdown, for docs/performance.md):
- full-speed acknowledgements per second (every sender thread sending its next webhook as soon as the last one is
  answered) of a bare Flask app that only checks the signature, on the same gunicorn setup, and of Tomoni;
- at a steady rate: how late the senders were against their schedule (the generator is not the bottleneck when this
  stays small), the acknowledgement time, webhook -> reply at the fake API (p50 / p95 / max, from the moment the
  webhook request started to the moment the fake API received the reply), events not answered within the wait
  (lost, when the run was long enough for the workers to catch up; else still queued) and answered twice (two
  messages accepted for one event: reply + push, or two sends); CPU time per event of each side; the load average.
Each event comes from its own resident (a first contact: user created, LINE profile looked up, rich menu linked),
the heaviest case; the texts are real questions in several languages.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import hashlib
import hmac
import http.client
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import stop  # noqa: E402

LINE_SECRET, FB_SECRET = "bench-line-secret", "bench-fb-secret"
TEXTS = ["onde jogo pilhas?", "Khi nào đổ rác nhựa?", "how do I get rid of a sofa", "日本語教室はいつ?",
         "kailan kinukuha ang lata?", "hello", "tolong ada kebakaran", "क्लास कहिले हुन्छ?", "粗大垃圾怎么扔"]
BARE_APP = '''
import base64, hashlib, hmac, os
from flask import Flask, abort, request
app = Flask(__name__)
SECRET = os.environ["LINE_CHANNEL_SECRET"].encode()
FB = os.environ["MESSENGER_APP_SECRET"].encode()
@app.post("/webhooks/line")
def line():
    body = request.get_data()
    good = base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest())
    if not hmac.compare_digest(good, request.headers.get("X-Line-Signature", "").encode()):
        abort(400)
    return "OK"
@app.post("/webhooks/messenger")
def messenger():
    body = request.get_data()
    good = hmac.new(FB, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, request.headers.get("X-Hub-Signature-256", "").removeprefix("sha256=")):
        abort(403)
    return "EVENT_RECEIVED"
@app.get("/healthz")
def health():
    return "ok"
'''
SENDS = ("/v2/bot/message/reply", "/v2/bot/message/push", "/v21.0/me/messages")


# -- the webhooks ----------------------------------------------------------------------------------------------------
def webhook(n: int, channel: str, redelivery: bool = False) -> tuple[str, bytes, dict[str, str]]:
    """Event n as its platform sends it: path, body, headers (signed). Resident n writes it (a first contact)."""
    stamp = int(time.time() * 1000)
    text = TEXTS[n % len(TEXTS)]
    if channel == "line":
        event = {"type": "message", "mode": "active", "timestamp": stamp, "replyToken": f"rt-{n}",
                 "source": {"type": "user", "userId": f"Ubench{n}"}, "webhookEventId": f"01BENCH{n:019d}",
                 "deliveryContext": {"isRedelivery": redelivery},
                 "message": {"id": f"m{n}", "type": "text", "text": text, "quoteToken": "q"}}
        body = json.dumps({"destination": "Ubot", "events": [event]}).encode()
        sig = base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()).decode()
        return "/webhooks/line", body, {"Content-Type": "application/json", "X-Line-Signature": sig}
    item = {"sender": {"id": f"Pbench{n}"}, "recipient": {"id": "PAGE"}, "timestamp": stamp,
            "message": {"mid": f"m.bench.{n}", "text": text}}
    body = json.dumps({"object": "page", "entry": [{"id": "PAGE", "time": stamp, "messaging": [item]}]}).encode()
    sig = "sha256=" + hmac.new(FB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return "/webhooks/messenger", body, {"Content-Type": "application/json", "X-Hub-Signature-256": sig}


def event_of(path: str, body: dict[str, Any]) -> int | None:
    """The event number a message sent to the fake API answers (reply token, push recipient or PSID)."""
    if path.startswith("/v2/bot/message/reply"):
        key = str(body.get("replyToken", ""))
        return int(key[3:]) if key.startswith("rt-") and key[3:].isdigit() else None
    if path.startswith("/v2/bot/message/push"):
        key = str(body.get("to", ""))
        return int(key[6:]) if key.startswith("Ubench") and key[6:].isdigit() else None
    key = str((body.get("recipient") or {}).get("id", ""))
    return int(key[6:]) if key.startswith("Pbench") and key[6:].isdigit() else None


def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    """One webhook on a new connection; the status (0: no answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body, headers)
        res = conn.getresponse()
        res.read()
        return res.status
    except OSError:
        return 0
    finally:
        conn.close()


# -- the load generator ----------------------------------------------------------------------------------------------
def sender(plan: dict[str, Any], part: int, out: Connection) -> None:
    """One sender process: its share of the events (every `procs`-th), over `threads` threads; each thread sends its
    events at their scheduled times (t0 + i / rate), or back to back when rate is 0. Sends back one record per
    request: (event, channel index, started, acknowledged, status, lateness)."""
    procs, threads, total = plan["procs"], plan["threads"], plan["total"]
    mine = list(range(part, total, procs))
    records: list[tuple[int, int, float, float, int, float]] = []
    lock = threading.Lock()

    def run(indices: list[int]) -> None:
        local = []
        for i in indices:
            n = plan["offset"] + i
            channel = plan["channels"][i % len(plan["channels"])]
            if plan["rate"]:
                target = plan["t0"] + i / plan["rate"]
                delay = target - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            else:
                target = time.monotonic()
            for again in ((False, True) if plan["redeliver"] and i % plan["redeliver"] == 0 else (False,)):
                path, body, headers = webhook(n, channel, redelivery=again)
                started = time.monotonic()
                status = post(plan["port"], path, body, headers)
                if not again:
                    local.append((n, plan["channels"].index(channel), started, time.monotonic(), status,
                                  started - target))
        with lock:
            records.extend(local)

    workers = [threading.Thread(target=run, args=(mine[t::threads],)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.send((records, time.process_time()))
    out.close()


SENDER_CPU: list[float] = []  # CPU seconds of each sender process of the last send_all


def send_all(port: int, total: int, offset: int, rate: float, channels: list[str], procs: int, threads: int,
             redeliver: int = 0) -> list[tuple[int, int, float, float, int, float]]:
    """Send `total` events from `procs` processes x `threads` threads; rate 0 = full speed. One record per event."""
    ctx = mp.get_context("fork")
    plan = {"port": port, "total": total, "offset": offset, "rate": rate, "channels": channels, "procs": procs,
            "threads": threads, "redeliver": redeliver, "t0": time.monotonic() + 0.5}
    pipes, children = [], []
    for part in range(procs):
        here, there = ctx.Pipe(duplex=False)
        child = ctx.Process(target=sender, args=(plan, part, there), daemon=True)
        child.start()
        there.close()
        pipes.append(here)
        children.append(child)
    records = []
    SENDER_CPU.clear()
    for pipe in pipes:
        part, cpu = pipe.recv()
        records += part
        SENDER_CPU.append(cpu)
    for child in children:
        child.join(timeout=10)
    return records


def full_speed(port: int, count: int, offset: int, channels: list[str], procs: int, threads: int) -> float:
    """Webhooks acknowledged per second with every sender thread sending back to back."""
    records = send_all(port, count, offset, 0.0, channels, procs, threads)
    bad = [r for r in records if r[4] != 200]
    if bad:
        raise SystemExit(f"{len(bad)} webhooks not acknowledged at full speed (statuses {sorted({r[4] for r in bad})})")
    return count / (max(r[3] for r in records) - min(r[2] for r in records))


# -- the fake APIs, in their own process -----------------------------------------------------------------------------
def fake_apis(conn: Connection) -> None:
    """Serve tests/fakes.py's FakeAPI (HTTP/1.1, keep-alive) and answer the bench's questions over `conn`."""
    from tests.fakes import FakeAPI

    fake = FakeAPI()
    fake.server.RequestHandlerClass.protocol_version = "HTTP/1.1"  # type: ignore[attr-defined]
    conn.send(fake.url)
    accepted: list[tuple[int, float]] = []  # every message accepted so far: (event, time)
    scanned = 0  # requests already looked at (each poll reads only the new ones: the fake's CPU is the environment)
    while True:
        command, arg = conn.recv()
        if command == "stop":
            fake.close()
            return
        if command == "fail_rate":
            fake.fail_rate = float(arg)
            conn.send(True)
        elif command == "sends":  # every message accepted for a resident: (event, time)
            with fake.lock:
                done = scanned
                while done < len(fake.requests) and "status" in fake.requests[done]:
                    done += 1  # up to the first call still being answered: the rest next time
                calls = [(r["path"], r.get("status"), r["json"], r["at"]) for r in fake.requests[scanned:done]]
            scanned = max(scanned, done)
            for path, status, body, at in calls:
                if path.startswith(SENDS) and status == 200 and isinstance(body, dict):
                    n = event_of(path, body)
                    if n is not None:
                        accepted.append((n, at))
            conn.send(accepted)
        elif command == "count":
            with fake.lock:
                conn.send(len(fake.requests))
        elif command == "paths":  # calls so far by kind (the path without the user's id)
            with fake.lock:
                paths = [str(r["path"]) for r in fake.requests]
            conn.send(collections.Counter("/v2/bot/profile" if p.startswith("/v2/bot/profile/") else p.split("?")[0]
                                          for p in paths))


class Fakes:
    """The fake APIs' process and the bench's line to it."""

    def __init__(self) -> None:
        ctx = mp.get_context("fork")
        self.conn, there = ctx.Pipe()
        self.proc = ctx.Process(target=fake_apis, args=(there,), daemon=True)
        self.proc.start()
        self.url = str(self.conn.recv())

    def ask(self, command: str, arg: Any = None) -> Any:
        self.conn.send((command, arg))
        return self.conn.recv()

    def sends(self) -> dict[int, list[float]]:
        out: dict[int, list[float]] = {}
        for n, at in self.ask("sends"):
            out.setdefault(n, []).append(at)
        return out

    def close(self) -> None:
        self.conn.send(("stop", None))
        self.proc.join(timeout=10)


# -- the servers -----------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def procfile(kind: str) -> str:
    """A process type's command line from the Procfile."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"no {kind}: line in the Procfile")


STDERR_KEPT = 200  # lines of each server's stderr kept for an error message (the rest is counted and dropped)
STDERR: dict[int, tuple[collections.deque[bytes], list[int]]] = {}  # by pid: the last lines, and how many in all


def start(command: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    """A Procfile command through the shell (for its ${PORT:-8000}), with .venv/bin first on PATH. Its stderr is read
    all the time by a thread of this process (the last lines kept, all counted): a pipe nobody reads fills up (64 KiB)
    and then blocks the server at its next log line, under a long run or a chatty error."""
    env = dict(env, PATH=f"{ROOT / '.venv/bin'}:{env.get('PATH', '')}")
    proc = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    lines: collections.deque[bytes] = collections.deque(maxlen=STDERR_KEPT)
    count = [0]
    STDERR[proc.pid] = lines, count

    def drain(pipe: Any) -> None:
        with pipe:  # closed at the end (the server's exit)
            for line in pipe:
                lines.append(line)
                count[0] += 1

    threading.Thread(target=drain, args=(proc.stderr,), name=f"stderr-{proc.pid}", daemon=True).start()
    return proc


def stderr_tail(proc: subprocess.Popen[bytes], chars: int = 3000) -> str:
    """The last lines a server wrote to its stderr."""
    return b"".join(STDERR.get(proc.pid, ((), []))[0]).decode(errors="replace")[-chars:]


def stderr_lines(proc: subprocess.Popen[bytes]) -> int:
    """How many lines a server wrote to its stderr so far."""
    found = STDERR.get(proc.pid)
    return found[1][0] if found else 0


def wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            time.sleep(0.2)  # the reading thread gets the last lines
            raise SystemExit(f"server ended: {stderr_tail(proc)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


# -- the runs --------------------------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants alive now (gunicorn's workers)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    except (OSError, IndexError, ValueError):
        pass
    return total


class ServerCPU:
    """CPU seconds of the database's and the queue's own processes over a run: PostgreSQL's backends connected to the
    bench's database (pg_stat_activity; sampled every half second, so a backend that ends between samples loses at
    most that much), and the Redis server (its process and its commands, the whole server: other users of the same
    server count too). Nothing for SQLite (its CPU is the processes' own)."""

    def __init__(self, database_url: str | None, redis_url: str | None) -> None:
        self.database_url = database_url if database_url and database_url.startswith("postgresql") else None
        self.redis_url = redis_url
        self.seen: dict[int, float] = {}  # backend pid -> its CPU seconds when last sampled
        self.first: dict[int, float] = {}  # backend pid -> its CPU seconds when first sampled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.redis0: tuple[float, int] = (0.0, 0)

    def _backends(self) -> list[int]:
        import psycopg

        url = self.database_url.replace("postgresql+psycopg://", "postgresql://")  # type: ignore[union-attr]
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'").fetchall()
        return [int(r[0]) for r in rows]

    def _sample(self) -> None:
        for pid in self._backends():
            cpu = own_cpu(pid)
            if cpu is not None:
                self.first.setdefault(pid, cpu)
                self.seen[pid] = cpu

    def _redis(self) -> tuple[float, int]:
        import redis

        info = redis.Redis.from_url(self.redis_url).info()  # type: ignore[arg-type]
        return float(info["used_cpu_sys"]) + float(info["used_cpu_user"]), int(info["total_commands_processed"])

    def start(self) -> None:
        if self.redis_url:
            self.redis0 = self._redis()
        if self.database_url:
            self._sample()
            self.first = dict(self.seen)  # backends alive now count from now; new ones from their first sample

            def loop() -> None:
                while not self._stop.wait(0.5):
                    with contextlib.suppress(Exception):
                        self._sample()

            self._thread = threading.Thread(target=loop, daemon=True)
            self._thread.start()

    def stop(self) -> dict[str, float]:
        """CPU seconds (and Redis commands) since start."""
        out: dict[str, float] = {}
        if self.database_url:
            self._stop.set()
            if self._thread:
                self._thread.join()
            with contextlib.suppress(Exception):
                self._sample()
            out["postgres"] = sum(self.seen[pid] - self.first.get(pid, 0.0) for pid in self.seen)
            out["backends"] = len(self.seen)
        if self.redis_url:
            cpu, commands = self._redis()
            out["redis"], out["redis_commands"] = cpu - self.redis0[0], commands - self.redis0[1]
        return out


def own_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of one process, without its children; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def steady(port: int, fakes: Fakes, args: argparse.Namespace, offset: int, servers: list[int]) -> dict[str, Any]:
    """Events at a steady rate; then wait (bounded) for every reply, and a little longer for late second copies.
    CPU seconds are counted for the servers' processes, the fake APIs' and the senders' over the whole run."""
    total = int(args.rate * args.seconds)
    each0 = [cpu_seconds(pid) for pid in servers]
    cpu0 = sum(each0), cpu_seconds(fakes.proc.pid or 0)
    backing = ServerCPU(args.database_url, args.redis_url)
    backing.start()
    paths0 = fakes.ask("paths")
    print(f"{time.strftime('%H:%M:%S')} the steady run starts", file=sys.stderr, flush=True)  # (for a profiler)
    load0 = load_average()
    records = send_all(port, total, offset, args.rate, args.channels, args.procs, args.threads, args.redeliver)
    load1 = load_average()
    wanted = {r[0] for r in records}
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline and len(wanted & set(fakes.sends())) < total:
        time.sleep(0.5)
    each1 = [cpu_seconds(pid) for pid in servers]
    cpu1 = sum(each1), cpu_seconds(fakes.proc.pid or 0)
    backed = backing.stop()
    calls = fakes.ask("paths") - paths0
    time.sleep(3.0)  # a retried or duplicated send would come within this
    sends = fakes.sends()
    latencies = [(min(sends[r[0]]) - r[2]) * 1000 for r in records if r[0] in sends]
    acks = [(r[3] - r[2]) * 1000 for r in records]
    return {"sent": total, "acknowledged": sum(r[4] == 200 for r in records), "answered": len(wanted & set(sends)),
            "lost": len(wanted - set(sends)), "twice": sum(len(sends[n]) > 1 for n in wanted if n in sends),
            "late_p95": percentile([r[5] * 1000 for r in records], 0.95),
            "late_max": max(r[5] for r in records) * 1000,
            "ack_p50": percentile(acks, 0.5), "ack_p95": percentile(acks, 0.95),
            "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
            "max": max(latencies, default=float("nan")), "mean": statistics.fmean(latencies) if latencies else 0.0,
            "cpu_server": (cpu1[0] - cpu0[0]) / total * 1000,
            "cpu_each": [(b - a) / total * 1000 for a, b in zip(each0, each1, strict=True)],
            "cpu_fake": (cpu1[1] - cpu0[1]) / total * 1000,
            "cpu_senders": sum(SENDER_CPU) / total * 1000, "load": f"{load0} -> {load1}",
            "cpu_postgres": backed.get("postgres", 0.0) / total * 1000, "backends": backed.get("backends", 0),
            "cpu_redis": backed.get("redis", 0.0) / total * 1000,
            "redis_commands": backed.get("redis_commands", 0) / total,
            "calls": {path: n / total for path, n in sorted(calls.items())}}


def environment(args: argparse.Namespace, fakes_url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOMONI_", "REDIS_URL", "DATABASE_URL"))}
    env.update(LINE_CHANNEL_SECRET=LINE_SECRET, LINE_CHANNEL_ACCESS_TOKEN="bench-token", LINE_API_BASE_URL=fakes_url,
               MESSENGER_APP_SECRET=FB_SECRET, MESSENGER_VERIFY_TOKEN="bench-verify",
               MESSENGER_PAGE_ACCESS_TOKEN="bench-page-token", GRAPH_API_BASE_URL=fakes_url, SECRET_KEY="bench",
               TOMONI_ENV="production", DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite")
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def bare_rate(args: argparse.Namespace, env: dict[str, str], tmp: Path) -> float:
    """The load generator against a bare Flask app (signature check only) under the Procfile's gunicorn line."""
    (tmp / "bare.py").write_text(BARE_APP)
    port = free_port()
    command = procfile("web").replace("app:app", "bare:app")
    server = start(command, dict(env, PORT=str(port)), tmp)
    try:
        wait_healthy(port, server)
        full_speed(port, 200, 0, args.channels, args.procs, args.threads)  # warm up
        return full_speed(port, args.ack_requests, 0, args.channels, args.procs, args.threads)
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=250.0, help="events per second (steady)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--channels", default="line", help="line, messenger or line,messenger (alternately)")
    parser.add_argument("--ack-requests", type=int, default=4000, help="webhooks sent at full speed")
    parser.add_argument("--procs", type=int, default=2, help="sender processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per sender process")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--redis-url", default=None, help="Redis as the queue, with the Procfile's worker")
    parser.add_argument("--redeliver", type=int, default=0, help="send every Nth event twice (a redelivery)")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of message sends answered 500")
    parser.add_argument("--wait", type=float, default=180.0, help="seconds to wait for the last replies")
    parser.add_argument("--bare-only", action="store_true", help="measure the generator against bare Flask only")
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument("--skip-full-speed", action="store_true")
    args = parser.parse_args()
    args.channels = args.channels.split(",")
    fakes = Fakes()
    rows: list[tuple[str, str]] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            env = environment(args, fakes.url, tmp)
            bare = None if args.skip_bare else bare_rate(args, env, tmp)
            if bare is not None:
                rows.append(("acknowledgements at full speed, bare Flask (signature check only)", f"{bare:.0f}/s"))
            if args.bare_only:
                return
            subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "db-upgrade"], cwd=ROOT, env=env,
                           check=True, capture_output=True)
            port = free_port()
            env["PORT"] = str(port)
            procs = [start(procfile("web"), env, ROOT)]
            if args.redis_url:
                procs.append(start(procfile("worker"), env, ROOT))
            try:
                wait_healthy(port, procs[0])
                if not args.skip_full_speed:
                    rate = full_speed(port, args.ack_requests, 1_000_000, args.channels, args.procs, args.threads)
                    ratio = f" ({rate / bare:.2f} of bare Flask)" if bare else ""
                    rows.append(("acknowledgements at full speed, Tomoni", f"{rate:.0f}/s{ratio}"))
                    drained = wait_drained(fakes, args, 1_000_000)
                    rows.append(("full-speed run's events all answered (the steady run starts from an empty queue)",
                                 f"{drained:.1f} s after its last acknowledgement" if drained is not None else
                                 f"not within {args.wait:.0f} s: the steady run starts behind them"))
                fakes.ask("fail_rate", args.fail_rate)
                r = steady(port, fakes, args, 2_000_000, [p.pid for p in procs])
            finally:
                for proc in reversed(procs):
                    stop(proc)
    finally:
        print_report(args, rows, locals().get("r"))
        fakes.close()


def wait_drained(fakes: Fakes, args: argparse.Namespace, offset: int) -> float | None:
    """After the full-speed run: wait (bounded) until its events are answered, so the steady run starts from an empty
    queue; the seconds that took (None: not within the wait)."""
    started = time.monotonic()
    while time.monotonic() - started < args.wait:
        if sum(offset <= n < offset + args.ack_requests for n in fakes.sends()) >= args.ack_requests:
            return time.monotonic() - started
        time.sleep(0.2)
    print(f"warning: the full-speed run's events were not all answered within {args.wait:.0f} s", file=sys.stderr)
    return None


def print_report(args: argparse.Namespace, rows: list[tuple[str, str]], r: dict[str, Any] | None) -> None:
    setup = (f"{'PostgreSQL' if args.database_url else 'SQLite'}, "
             f"{'Redis + the Procfile worker' if args.redis_url else 'in-process workers'}; web: "
             f"{procfile('web')}; WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', 'unset')}")
    print(f"setup: {setup}; channels {','.join(args.channels)}; senders {args.procs} x {args.threads} threads; "
          f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    if r is not None:
        rows += [
            ("steady rate; events / acknowledged (200)", f"{args.rate:.0f}/s for {args.seconds:.0f} s; "
                                                        f"{r['sent']} / {r['acknowledged']}"),
            ("senders behind schedule, p95 / max", f"{r['late_p95']:.1f} / {r['late_max']:.0f} ms"),
            ("acknowledgement time, p50 / p95", f"{r['ack_p50']:.1f} / {r['ack_p95']:.1f} ms"),
            ("webhook -> reply at the fake API, p50 / p95 / max", f"{r['p50']:.0f} / {r['p95']:.0f} / {r['max']:.0f} ms"),
            ("events answered within the wait / not answered by then / answered twice",
             f"{r['answered']} / {r['lost']} / {r['twice']}"),
            ("CPU per event: Tomoni's processes / fake APIs / senders",
             f"{r['cpu_server']:.2f} / {r['cpu_fake']:.2f} / {r['cpu_senders']:.2f} ms" + (
                 "" if r["answered"] >= r["sent"] or not r["answered"] else
                 f" (not all answered within the wait: the CPU of a run that answered {r['answered']} of "
                 f"{r['sent']}, per event sent; compare runs that answered all, or use a longer --wait)")),
            ("machine load average (1, 5, 15 min) before -> after sending", r["load"]),
        ]
        rows.append(("calls to the fake APIs per event, by path", ", ".join(
            f"{path.removeprefix('/v2/bot/')} {n:.2f}" for path, n in r["calls"].items())))
        if len(r["cpu_each"]) > 1:
            rows.append(("CPU per event: Tomoni's web processes (gunicorn) / worker processes (flask worker)",
                         " / ".join(f"{ms:.2f}" for ms in r["cpu_each"]) + " ms"))
        if args.database_url:
            rows.append(("CPU per event: PostgreSQL's backends of this database", f"{r['cpu_postgres']:.2f} ms "
                                                                                 f"({r['backends']} backends)"))
        if args.redis_url:
            rows.append(("CPU per event / commands per event: the Redis server (all its users)",
                         f"{r['cpu_redis']:.2f} ms / {r['redis_commands']:.1f}"))
        if args.redeliver or args.fail_rate:
            rows.append(("redelivered every Nth / sends answered 500", f"{args.redeliver} / {args.fail_rate:.0%}"))
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
