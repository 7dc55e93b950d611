"""Operations: the health check, metrics that are not public by default, JSON logs without residents' words."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
from pathlib import Path

from bot.app import create_app
from bot.observability import JsonFormatter
from bot.settings import ROOT

from .helpers import MONDAY


def test_metrics_are_off_without_a_token_and_count_from_the_database(settings, bot, say) -> None:
    assert create_app(settings, bot=bot).test_client().get("/metrics").status_code == 404
    app = create_app(dataclasses.replace(settings, metrics_token="s3cret"), bot=bot)
    client = app.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    say("onde jogo pilhas?")
    say("I want to talk to a real person", user="u2")
    body = client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).get_data(as_text=True)
    found = samples(body)
    assert found["tomoni_messages_total", (("direction", "in"), ("intent", "garbage.sorting"), ("language", "pt"))] == 1
    assert found["tomoni_handoffs_total", ()] == 1 and found["tomoni_outbox", (("status", "failed"),)] == 0
    assert found["tomoni_answer_seconds_count", ()] == 2


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Prometheus text as {(sample name, sorted labels): value}, read by prometheus_client's own parser."""
    from prometheus_client.parser import text_string_to_metric_families

    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_answer_latency_observed_in_two_processes_is_summed(tmp_path, settings, bot) -> None:
    """gunicorn runs several web processes: /metrics, whichever serves it, counts every process's answers
    (prometheus_client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR as gunicorn.conf.py sets it)."""
    import subprocess
    import sys

    from bot.observability import exposition

    child = ("import sys; from bot.observability import Latency; latency = Latency(); "
             "[latency.observe(float(s)) for s in sys.argv[1:]]")
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    for seconds in (["0.003", "0.2"], ["0.02", "0.02", "3"]):  # two processes, one after the other (pids differ)
        subprocess.run([sys.executable, "-c", child, *seconds], env=env, check=True, cwd=ROOT)
    assert len(list(tmp_path.glob("histogram_*.db"))) == 2
    found = samples(exposition(bot.store, bot.latency, folder=str(tmp_path)).decode())
    assert found["tomoni_answer_seconds_count", ()] == 5
    assert abs(found["tomoni_answer_seconds_sum", ()] - 3.243) < 1e-9
    assert found["tomoni_answer_seconds_bucket", (("le", "0.005"),)] == 1
    assert found["tomoni_answer_seconds_bucket", (("le", "0.025"),)] == 3
    assert found["tomoni_answer_seconds_bucket", (("le", "2.5"),)] == 4
    assert found["tomoni_outbox", (("status", "sent"),)] == 0  # the database's metrics are there too


def test_gunicorn_config_gives_the_workers_a_metrics_folder_and_removes_it(monkeypatch) -> None:
    import runpy

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    try:
        assert folder.is_dir()
        (folder / "gauge_livesum_4242.db").write_bytes(b"")
        config["child_exit"](None, type("W", (), {"pid": 4242})())
        assert not (folder / "gauge_livesum_4242.db").exists()
        config["on_exit"](None)
        assert not folder.exists()
    finally:
        # Not monkeypatch: it would restore the (removed) folder at teardown, and a later gunicorn started by this
        # test process would inherit a metrics folder that no longer exists (its worker then fails to boot).
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)


def test_json_logs_one_object_per_line_with_extra_fields() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("tomoni-test-json")
    log.addHandler(handler)
    log.propagate = False
    log.warning("send will be retried", extra={"outbox": 7, "attempt": 2})
    line = json.loads(stream.getvalue())
    assert (line["level"], line["message"], line["outbox"], line["attempt"]) == ("WARNING", "send will be retried", 7, 2)


def test_no_words_names_or_platform_ids_in_logs_at_info(settings, bot, caplog) -> None:
    from bot.messages import Inbound

    caplog.set_level(logging.INFO)
    secret_words, platform_id = "my passport number is TK1234567", "U4f2a9c3b1d"
    bot.handle(Inbound(channel="line", user_id=platform_id, text=secret_words, event_id="e1"), now=MONDAY)
    bot.handle(Inbound(channel="line", user_id=platform_id, text="delete my data", event_id="e2"), now=MONDAY)
    bot.handle(Inbound(channel="line", user_id=platform_id, kind="postback", payload="privacy:delete-yes",
                       event_id="e3"), now=MONDAY)
    assert any("deleted on request" in r.getMessage() for r in caplog.records)  # the records were captured
    for record in caplog.records:
        text = record.getMessage() + json.dumps({k: str(v) for k, v in vars(record).items()})
        assert "TK1234567" not in text and platform_id not in text


def test_cookies_are_http_only_and_secure_outside_development(settings, bot) -> None:
    app = create_app(dataclasses.replace(settings, development=False), bot=bot)
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SECURE"]
    res = app.test_client().get("/desk/login")
    cookie = res.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
