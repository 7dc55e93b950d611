"""The whole desk path in a real headless Chromium (Debian's chromium, driven by Playwright):
a signed LINE webhook from a resident -> the ticket appears in the inbox without reloading -> a staff member logs in
and replies in Japanese -> the translation is shown, edited, sent -> the fake LINE API receives the push in the
resident's language."""

from __future__ import annotations

import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bot.desk import add_user
from bot.mt import discover

from .conftest import channel_app
from .test_line import SECRET, payload, post, text_event
from .tiny_argos import build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture()
def live(settings, bot, fake, tmp_path) -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """The app served over HTTP on 127.0.0.1, LINE on (fake API), a Japanese -> English model installed."""
    with zipfile.ZipFile(build(tmp_path, "ja", "en")) as z:
        z.extractall(tmp_path / "packages")
    bot.translator.packages = {(p.source, p.target): p for p in discover(tmp_path / "packages")}
    with channel_app(settings, bot, line_channel_secret=SECRET, line_channel_access_token="t",
                     line_api_base_url=fake.url) as app:
        add_user(bot.store, "tanaka", "desk password 123")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", app
        finally:
            server.shutdown()


def test_resident_to_desk_to_resident_in_chromium(live, fake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    base, app = live
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page()
        page.goto(f"{base}/desk/")
        page.fill("input[name=username]", "tanaka")
        page.fill("input[name=password]", "desk password 123")
        page.click("button:has-text('ログイン')")
        page.wait_for_selector("text=対応中の相談はありません")
        # the resident writes; the inbox shows the ticket without a reload
        post(app.test_client(), payload(text_event("I want to talk to a real person, my boss does not pay me")))
        page.wait_for_selector("a:has-text('#1')", timeout=15000)
        page.click("a:has-text('#1')")
        page.wait_for_selector("text=my boss does not pay me")
        page.fill("#japanese", "月曜日に窓口に来てください。")
        page.click("#translate")
        page.wait_for_function("document.querySelector('#text').value.length > 0")
        assert page.text_content("#kind") == "機械翻訳(確認してください)"
        translated = page.input_value("#text") + " (Monday, desk)"
        page.fill("#text", translated)  # staff edit the translation before sending
        page.click("#send")
        page.wait_for_selector("text=送信済み", timeout=15000)
        page.screenshot(path=str(tmp_path / "desk.png"), full_page=True)
        # another resident writes about a crisis: it appears at the top of the inbox, marked urgent, without a reload
        page.goto(f"{base}/desk/")
        post(app.test_client(), payload(text_event("my husband hits me every night, I am scared",
                                                   user="U2", event_id="01J0000000000000000000CRIS")))
        page.wait_for_selector("tr.urgent .badge:has-text('緊急')", timeout=15000)
        assert "緊急" in (page.text_content("tbody tr:first-child") or "")
        page.screenshot(path=str(tmp_path / "urgent.png"), full_page=True)
        browser.close()
    pushes = [c["json"]["messages"][0]["text"] for c in fake.calls("/v2/bot/message/push")]
    assert translated in pushes and "月曜日に窓口に来てください。" not in pushes
