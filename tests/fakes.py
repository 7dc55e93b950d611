"""Local stand-ins for the LINE Messaging API and the Graph API: real HTTP servers on 127.0.0.1 that record what the
bot sends and answer like the platforms (including LINE's 409 for a repeated X-Line-Retry-Key), with failures that a
test can script."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeAPI:
    """A recording HTTP server; `fail(path, 500, 500)` makes the next calls to that path fail with those statuses."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: dict[str, list[int]] = {}
        self.accepted_keys: set[str] = set()
        self.lock = threading.Lock()
        self.profile_language: str | None = "pt-BR"
        self.fail_rate = 0.0  # share of message sends answered with a 500 (load tests inject failures)
        self._random = random.Random(7)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body = fake.respond(self.command, self.path, dict(self.headers), raw)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail(self, path: str, *statuses: int) -> None:
        """The next calls to a path (prefix) get these statuses, in order."""
        with self.lock:
            self.script.setdefault(path, []).extend(statuses)

    def respond(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        status, body = self._respond(method, path, headers, raw)
        with self.lock:
            self.requests[-1]["status"] = status
        return status, body

    def _respond(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:  # an image upload
            body = {"bytes": len(raw)}
        record = {"method": method, "path": path, "headers": headers, "json": body, "at": time.monotonic()}
        with self.lock:
            self.requests.append(record)
            for prefix, statuses in self.script.items():
                if path.startswith(prefix) and statuses:
                    return statuses.pop(0), {"message": "scripted failure"}
            if self.fail_rate and ("/message/" in path or "/me/messages" in path) and \
                    self._random.random() < self.fail_rate:
                return 500, {"message": "injected failure"}
            key = headers.get("X-Line-Retry-Key")
            if key:
                if key in self.accepted_keys:
                    return 409, {"message": "The retry key is already accepted"}
                self.accepted_keys.add(key)
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
        if path.startswith("/v2/bot/message/"):
            return 200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
        if "/me/messages" in path:
            return 200, {"recipient_id": (body or {}).get("recipient", {}).get("id"), "message_id": "m_1"}
        return 404, {"message": "not found"}

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
        self.server.shutdown()
        self.server.server_close()
