"""Local stand-ins for the LINE Messaging API and the Graph API: real HTTP servers on 127.0.0.1 that record what the
bot sends and answer like the platforms, strictly where delivery depends on it: a LINE reply token works once (then
400 "Invalid reply token"), a LINE retry key is accepted once (then 409), Graph gives every sent message an id and
lists a conversation's messages (Conversations API). Failures can be scripted per path or injected at a rate, of
three kinds: refused before anything happens (500), accepted and then no answer (the connection dropped, as a
timeout would), accepted and then a 500. `delivered` lists every message a resident would see."""

from __future__ import annotations

import json
import random
import selectors
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DROP = 0  # a status that means: accept the call, then close the connection without an answer
SENDS = ("/v2/bot/message/", "/me/messages")  # paths whose calls deliver messages to residents


class FakeAPI:
    """A recording HTTP server. `fail(path, 500, 500)`: the next calls to that path are refused with those statuses;
    `fail(path, "drop")` / `fail(path, "late500")`: the next call is accepted, then dropped / answered 500."""

    def __init__(self, seed: int = 7) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: dict[str, list[int | str]] = {}
        self.accepted_keys: set[str] = set()
        self.used_tokens: set[str] = set()
        self.delivered: list[dict[str, Any]] = []  # every message accepted for a resident (even if unanswered)
        self.conversations: dict[str, list[dict[str, Any]]] = {}  # Messenger: PSID -> the page's messages
        self.lock = threading.Lock()
        self.profile_language: str | None = "pt-BR"
        self.fail_rate = 0.0  # share of message sends refused with a 500 (load tests inject failures)
        self.drop_rate = 0.0  # share accepted and then left without an answer
        self.late_fail_rate = 0.0  # share accepted and then answered 500
        self._random = random.Random(seed)
        self._ids = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # TCP_NODELAY: an answer is written as headers, then body; on a kept-alive connection the body otherwise
            # waits for the caller's delayed ACK (Nagle), ~40 ms on every call (as LINE's servers do not).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body = fake.respond(self.command, self.path, dict(self.headers), raw)
                if status == DROP:  # accepted, but the caller never hears back
                    self.close_connection = True
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._wake, self._waker = socket.socketpair()  # close() writes to _waker: the loop stops at once, no polling
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        """Accept connections until close() rings (socketserver's serve_forever notices a shutdown only at its next
        0.5 s poll, which made every test with a fake API wait that long)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.server, selectors.EVENT_READ)
            selector.register(self._wake, selectors.EVENT_READ)
            while True:
                ready = [key.fileobj for key, _ in selector.select()]
                if self._wake in ready:
                    return
                try:
                    request, address = self.server.get_request()  # one accept
                except OSError:
                    continue
                self.server.process_request(request, address)  # handled in its own thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def fail(self, path: str, *statuses: int) -> None:
        """The next calls to a path (prefix) get these statuses, in order."""
        with self.lock:
            self.script.setdefault(path, []).extend(statuses)

    def respond(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        record: dict[str, Any] = {}
        status, body = self._respond(method, path, headers, raw, record)
        with self.lock:
            record["status"] = status  # this call's record (the last one may be another thread's call)
        return status, body

    def _respond(self, method: str, path: str, headers: dict[str, str], raw: bytes, record: dict[str, Any]
                 ) -> tuple[int, Any]:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:  # an image upload
            body = {"bytes": len(raw)}
        record.update(method=method, path=path, headers=headers, json=body, at=time.monotonic())
        after: int | str | None = None  # what happens once a send is accepted
        with self.lock:
            self.requests.append(record)
            for prefix, statuses in self.script.items():
                if path.startswith(prefix) and statuses:
                    if statuses[0] in ("drop", "late500"):
                        after = statuses.pop(0)
                        break
                    return int(statuses.pop(0)), {"message": "scripted failure"}
            sending = method == "POST" and any(p in path for p in SENDS)
            if sending and after is None:
                roll = self._random.random()
                if roll < self.fail_rate:
                    return 500, {"message": "injected failure"}
                if roll < self.fail_rate + self.drop_rate:
                    after = "drop"
                elif roll < self.fail_rate + self.drop_rate + self.late_fail_rate:
                    after = "late500"
            key = headers.get("X-Line-Retry-Key")
            if key:
                if key in self.accepted_keys:
                    return 409, {"message": "The retry key is already accepted"}
                self.accepted_keys.add(key)
            if path.startswith("/v2/bot/message/reply"):
                token = str((body or {}).get("replyToken"))
                if token in self.used_tokens:
                    return 400, {"message": "Invalid reply token"}
                self.used_tokens.add(token)
            if sending:
                status, answer = self._accept(path, body or {})
                if after == "drop":
                    return DROP, None
                if after == "late500":
                    return 500, {"message": "injected failure after the message was accepted"}
                return status, answer
        if "/me/conversations" in path:
            user = (parse_qs(urlsplit(path).query).get("user_id") or [""])[0]
            with self.lock:
                messages = list(reversed(self.conversations.get(user, [])))[:25]
            return 200, {"data": [{"id": f"t_{user}", "messages": {"data": messages}}] if messages else []}
        if path.startswith("/v2/bot/profile/"):
            profile = {"displayName": "Resident", "userId": path.rsplit("/", 1)[-1]}
            if self.profile_language:
                profile["language"] = self.profile_language
            return 200, profile
        if path.startswith("/v2/bot/chat/loading"):
            return 202, {}
        if path == "/v2/bot/richmenu" and method == "POST":
            return 200, {"richMenuId": f"rm-{(body or {}).get('name', 'x')}"}
        if path.startswith("/v2/bot/richmenu/alias/") and method == "GET":
            alias = path.rsplit("/", 1)[-1]
            known = [r for r in self.requests if r["path"] == "/v2/bot/richmenu/alias" and
                     (r["json"] or {}).get("richMenuAliasId") == alias]
            if not known:
                return 404, {"message": "not found"}
            return 200, {"richMenuAliasId": alias, "richMenuId": known[-1]["json"]["richMenuId"]}
        if path.startswith(("/v2/bot/richmenu", "/v2/bot/user/")):
            return 200, {}
        return 404, {"message": "not found"}

    def _accept(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """A message send the platform accepted (the lock is held): what the resident sees, and the answer."""
        self._ids += 1
        mid = f"{self._ids:08d}"
        if "/me/messages" in path:
            psid = str((body.get("recipient") or {}).get("id"))
            text = (body.get("message") or {}).get("text")
            self.delivered.append({"to": psid, "text": text, "id": f"m_{mid}"})
            self.conversations.setdefault(psid, []).append({
                "id": f"m_{mid}", "message": text, "from": {"id": "PAGE"},
                "created_time": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime())})
            return 200, {"recipient_id": psid, "message_id": f"m_{mid}"}
        texts = [m.get("text") for m in body.get("messages") or []]
        target = {"replyToken": body["replyToken"]} if "replyToken" in body else {"to": body.get("to")}
        self.delivered.append({**target, "text": texts[0] if texts else None, "id": mid})
        return 200, {"sentMessages": [{"id": mid, "quoteToken": "q"}]}

    def calls(self, path: str) -> list[dict[str, Any]]:
        """Recorded requests whose path starts with `path`."""
        with self.lock:
            return [r for r in self.requests if r["path"].startswith(path)]

    def wait_for(self, check: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Poll until `check()` is true (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.02)
        return check()

    def close(self) -> None:
        """Stop at once: the accept loop ends, the listening socket closes; calls in progress are not waited for."""
        self._waker.send(b"x")
        self.thread.join()
        self.server.server_close()
        self._wake.close()
        self._waker.close()
