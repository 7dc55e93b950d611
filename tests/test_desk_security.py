"""Desk sessions and the web server's limits, checked over the paths an attacker uses: revocation on the next
request (logout, deactivation, demotion), slowing guessing down without letting a stranger lock anyone out, one
password hash per login attempt whatever the username, CSRF on the login form without a session, security headers,
a 300 MB request refused before its body is read, and no verify token in gunicorn's access log."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.desk import add_user, auth
from bot.settings import ROOT
from bot.storage.models import Message, Outbox

from .helpers import PASSWORD, csrf_of, login_form, serve_http


def client(app: Flask, address: str = "198.51.100.7") -> FlaskClient:
    """A browser at an address of its own."""
    c = app.test_client()
    c.environ_base.update(REMOTE_ADDR=address)
    return c


def test_a_stranger_cannot_lock_a_staff_member_out(desk_app) -> None:
    mine = client(desk_app)
    assert login_form(mine).status_code == 302  # this browser has logged in before
    assert mine.post("/desk/logout", data={"csrf_token": csrf_of(mine.get("/desk/").get_data(as_text=True))}
                     ).status_code == 302
    stranger = client(desk_app, "203.0.113.66")
    for _ in range(12):
        assert login_form(stranger, "wrong password!").status_code == 401
    slowed = login_form(stranger)  # now even the right password waits there
    assert slowed.status_code == 401 and "しばらく待って" in slowed.get_data(as_text=True)
    new_browser = client(desk_app, "198.51.100.8")  # a browser the account has never used waits a little
    assert "しばらく待って" in login_form(new_browser).get_data(as_text=True)
    assert login_form(mine).status_code == 302  # the staff member's browser is not held back


def test_spraying_one_password_across_usernames_is_slowed_per_address(desk_app, bot) -> None:
    add_user(bot.store, "suzuki", "another good password")
    sprayer = client(desk_app, "203.0.113.99")
    for n in range(auth.ADDRESS_LIMIT):
        assert "違います" in login_form(sprayer, "Summer2026!", f"user{n}").get_data(as_text=True)
    assert "しばらく待って" in login_form(sprayer, "another good password", "suzuki").get_data(as_text=True)
    assert login_form(client(desk_app, "198.51.100.20"), "another good password", "suzuki").status_code == 302


def test_a_taken_device_cookie_gets_a_few_guesses_only(desk_app) -> None:
    mine = client(desk_app)
    assert login_form(mine).status_code == 302
    for _ in range(auth.ACCOUNT_LIMIT + auth.DEVICE_LIMIT):
        assert login_form(mine, "wrong password!").status_code == 401
    assert "しばらく待って" in login_form(mine).get_data(as_text=True)


def test_one_password_hash_per_attempt_known_username_or_not(desk_app, bot, monkeypatch) -> None:
    add_user(bot.store, "former", "a former password", "staff")
    auth.change_account(bot.store, "former", active=False)
    calls: list[str] = []
    real = auth.check_password_hash

    def check_password_hash(pwhash: str, password: str) -> bool:
        calls.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", check_password_hash)
    with bot.store.session() as s:
        method = s.scalars(select(auth.StaffUser.password_hash)).first()
    assert method is not None
    method = method.split("$")[0]
    for username, password in (("sato", "wrong password!"), ("nobody", "wrong password!"), ("former", "a former password"),
                               ("sato", PASSWORD)):
        calls.clear()
        auth.authenticate(bot.store, username, password, "192.0.2.1")
        assert calls == [method], (username, calls)  # the same work: one hash, made the same way


def test_a_deactivated_staff_members_reply_never_reaches_the_resident(staff, hand_off, bot, fake) -> None:
    ticket = hand_off("my landlord keeps my deposit")
    auth.change_account(bot.store, "sato", active=False)
    res = staff.post(f"/desk/tickets/{ticket}/reply", text="Sent after I was removed.")
    assert res.status_code == 302 and "/desk/login" in res.headers["Location"]
    with bot.store.session() as s:
        assert not list(s.scalars(select(Outbox).where(Outbox.origin == "staff")))
        assert not list(s.scalars(select(Message).where(Message.text == "Sent after I was removed.")))
    assert not fake.calls("/v2/bot/message/push")


def test_desk_pages_carry_security_headers_and_scripts_their_nonce(desk_app) -> None:
    staff = desk_app.test_client()
    for res in (staff.get("/desk/login"), login_form(staff), staff.get("/desk/")):
        assert res.status_code in (200, 302)
        assert res.headers["X-Content-Type-Options"] == "nosniff" and res.headers["X-Frame-Options"] == "DENY"
        assert res.headers["Cache-Control"] == "no-store" and res.headers["Referrer-Policy"] == "same-origin"
        assert "frame-ancestors 'none'" in res.headers["Content-Security-Policy"]
    page = staff.get("/desk/")
    found = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"])
    assert found
    nonce = found.group(1)
    html = page.get_data(as_text=True)
    assert html.count("<script") == html.count(f'<script nonce="{nonce}"') >= 1
    assert not re.search(r"\son[a-z]+=", html)  # no inline handlers (the policy would block them)
    assert staff.get("/desk/").headers["Content-Security-Policy"] != page.headers["Content-Security-Policy"]


@pytest.fixture()
def served(desk_app) -> Iterator[str]:
    """The desk app over real HTTP on 127.0.0.1: host:port."""
    with serve_http(desk_app) as url:
        yield url.removeprefix("http://")


def test_login_refuses_a_missing_csrf_token_without_a_session(served) -> None:
    form = {"username": "sato", "password": PASSWORD}
    fresh = requests.post(f"http://{served}/desk/login", data=form, allow_redirects=False, timeout=10)
    assert fresh.status_code == 400 and "session" not in fresh.headers.get("Set-Cookie", "").split("=")[0]
    browser = requests.Session()
    browser.get(f"http://{served}/desk/login", timeout=10)  # a session exists now, the token is still missing
    assert browser.post(f"http://{served}/desk/login", data=form, allow_redirects=False, timeout=10).status_code == 400
    token = csrf_of(browser.get(f"http://{served}/desk/login", timeout=10).text)
    assert browser.post(f"http://{served}/desk/login", data={**form, "csrf_token": token}, allow_redirects=False,
                        timeout=10).status_code == 302


def _status_line(sock: socket.socket) -> str:
    sock.settimeout(10)
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode()


@pytest.mark.parametrize("path", ["/webhooks/line", "/desk/login", "/chat/api/message"])
def test_a_300_mb_request_is_refused_before_its_body_is_read(served, path) -> None:
    host, port = served.split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {served}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {300 * 1024 * 1024}\r\n\r\n".encode() + b"{" * 65536)
        assert _status_line(sock).split(" ")[1] == "413"  # answered after 64 KiB of the 300 MB


def test_a_body_without_a_length_is_cut_at_the_limit(served, bot) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):  # 2.5 MB in chunks, more than the 1 MB limit
            yield b"x" * 65536

    res = requests.post(f"http://{served}/chat/api/message", data=chunks(), timeout=30,
                        headers={"Content-Type": "application/json"})
    assert res.status_code == 400  # only the first megabyte was read: not JSON
    hook = requests.post(f"http://{served}/webhooks/line", data=chunks(), timeout=30,
                         headers={"Content-Type": "application/json", "X-Line-Signature": "x"})
    assert hook.status_code == 400  # the first megabyte does not carry a valid signature
    with bot.store.session() as s:
        assert not list(s.scalars(select(Message)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_messenger_verify_token_is_not_in_gunicorns_access_log(tmp_path: Path, migrated_db) -> None:
    import shutil

    shutil.copy(migrated_db, tmp_path / "db.sqlite")
    port, log = _free_port(), tmp_path / "access.log"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}", SECRET_KEY="k" * 64,
               TOMONI_ENV="production", TOMONI_AUTO_MIGRATE="0", MESSENGER_APP_SECRET="s",
               MESSENGER_VERIFY_TOKEN="verify-s3cret-7731", MESSENGER_PAGE_ACCESS_TOKEN="p",
               TOMONI_IN_PROCESS_WORKER="0", TOMONI_LOG_FORMAT="json")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile",
                             str(log), "app:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/webhooks/messenger"
        res = None
        for _ in range(1800):  # bounded (3 minutes on a loaded machine): the socket opens, then the data loads
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            try:
                res = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "verify-s3cret-7731",
                                                "hub.challenge": "4242"}, timeout=120)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert res is not None, "gunicorn did not open its socket within 3 minutes"
        assert res.status_code == 200 and res.text == "4242"
        requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "wrong-verify-9921",
                                  "hub.challenge": "1"}, timeout=5)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    written = log.read_text()
    assert "/webhooks/messenger" in written and written.count("\n") >= 2
    assert "verify-s3cret-7731" not in written + stderr.decode() and "wrong-verify-9921" not in written


def test_a_small_body_without_a_length_is_read_whole(served) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"user": "chunked-1", '
        yield b'"text": "where do I throw batteries?"}'

    res = requests.post(f"http://{served}/chat/api/message", data=chunks(), timeout=30,
                        headers={"Content-Type": "application/json"})
    assert res.status_code == 200 and "batter" in res.json()["text"].lower()
