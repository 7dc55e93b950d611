"""Settings: the only place that reads the environment (every variable, with its default, in docs/settings.md)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting is missing or wrong: the message is one sentence for the person who starts the service."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the zero-setup defaults (SQLite, in-process worker, no channels)."""

    database_url: str = f"sqlite:///{ROOT / 'instance' / 'tomoni.sqlite'}"
    redis_url: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_hex(16))
    timezone: str = "Asia/Tokyo"
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_base_url: str = "https://api.line.me"
    messenger_app_secret: str | None = None
    messenger_verify_token: str | None = None
    messenger_page_access_token: str | None = None
    graph_api_base_url: str = "https://graph.facebook.com"
    data_dir: Path = ROOT
    auto_migrate: bool = True
    development: bool = True
    web_chat: bool = False
    in_process_worker: bool = True  # without REDIS_URL each web process runs a worker (its threads)
    worker_threads: int = 4  # threads of each worker (in-process or `flask worker`): docs/performance.md
    # With REDIS_URL: the processes `flask worker` starts, each taking the residents of its lane (web processes
    # route by the same number, so both read this one setting): docs/performance.md
    worker_processes: int = 2
    retention_days: int = 365  # conversation text and translation caches are emptied after this many days
    log_format: str | None = None  # text | json; None: leave logging as it is (tests)
    log_level: str = "INFO"
    metrics_token: str | None = None  # /metrics answers only with this bearer token; unset: no /metrics
    desk_active_hours: float = 2.0  # the bot stays silent only this long after a staff member's last reply
    desk_idle_minutes: float = 60.0  # a desk session ends after this long without use
    desk_session_hours: float = 12.0  # and this long after login, used or not
    test_tickets: bool = False  # `flask ask`/`chat` and the chat page open desk tickets (otherwise only when asked)
    max_event_tries: int = 5  # an inbound event whose processing fails this many times is given up (shown to staff)
    trusted_proxies: int = 0  # reverse proxies in front (Caddy, nginx: 1) whose X-Forwarded-For/-Proto are believed
    max_request_bytes: int = 1_000_000  # larger requests are refused with 413 before their body is read

    @property
    def line_on(self) -> bool:
        """LINE is on when both its credentials are set."""
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def messenger_on(self) -> bool:
        """Messenger is on when all three of its credentials are set."""
        return bool(self.messenger_app_secret and self.messenger_verify_token and self.messenger_page_access_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the environment; outside development SECRET_KEY is required."""
        env = os.environ if env is None else env
        development = env.get("TOMONI_ENV", "development") == "development"
        secret = env.get("SECRET_KEY")
        if not secret and not development:
            raise SettingsError("SECRET_KEY is not set. Outside development (TOMONI_ENV=production) the desk's "
                                "sessions need a fixed secret: add SECRET_KEY=<64 random hex characters, from "
                                "python3 -c 'import secrets; print(secrets.token_hex(32))'> to the service's "
                                "environment (docs/deploy.md, docs/settings.md).")
        defaults = cls()
        if not secret:  # development: one key kept in instance/, so every process shares desk sessions
            key_file = ROOT / "instance" / "secret_key"
            key_file.parent.mkdir(parents=True, exist_ok=True)
            if not key_file.exists():
                key_file.write_text(secrets.token_hex(32))
                key_file.chmod(0o600)
            secret = key_file.read_text().strip()
        database_url = env.get("DATABASE_URL") or defaults.database_url
        if database_url.startswith("postgres://"):  # Heroku-style URLs
            database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
        elif database_url.startswith("postgresql://"):
            database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
        return cls(
            database_url=database_url,
            redis_url=env.get("REDIS_URL") or None,
            secret_key=secret or defaults.secret_key,
            timezone=_timezone(env.get("TOMONI_TIMEZONE") or "Asia/Tokyo"),
            line_channel_secret=env.get("LINE_CHANNEL_SECRET") or None,
            line_channel_access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN") or None,
            line_api_base_url=env.get("LINE_API_BASE_URL") or defaults.line_api_base_url,
            messenger_app_secret=env.get("MESSENGER_APP_SECRET") or None,
            messenger_verify_token=env.get("MESSENGER_VERIFY_TOKEN") or None,
            messenger_page_access_token=env.get("MESSENGER_PAGE_ACCESS_TOKEN") or None,
            graph_api_base_url=env.get("GRAPH_API_BASE_URL") or defaults.graph_api_base_url,
            auto_migrate=env.get("TOMONI_AUTO_MIGRATE", "1") != "0",
            development=development,
            web_chat=env.get("TOMONI_WEB_CHAT", "0") == "1",
            retention_days=_number(env, "TOMONI_RETENTION_DAYS", 365, int),
            # servers outside development log (text, or json); development and `flask` commands stay quiet
            log_format=env.get("TOMONI_LOG_FORMAT") or (None if development else "text"),
            log_level=env.get("TOMONI_LOG_LEVEL", "INFO"),
            metrics_token=env.get("TOMONI_METRICS_TOKEN") or None,
            desk_active_hours=_number(env, "TOMONI_DESK_ACTIVE_HOURS", 2, float),
            desk_idle_minutes=_number(env, "TOMONI_DESK_IDLE_MINUTES", 60, float),
            desk_session_hours=_number(env, "TOMONI_DESK_SESSION_HOURS", 12, float),
            test_tickets=env.get("TOMONI_TEST_TICKETS", "0") == "1",
            max_event_tries=_number(env, "TOMONI_MAX_EVENT_TRIES", 5, int),
            trusted_proxies=_number(env, "TOMONI_TRUSTED_PROXIES", 0, int, zero=True),
            max_request_bytes=_number(env, "TOMONI_MAX_REQUEST_BYTES", 1_000_000, int),
            in_process_worker=not env.get("REDIS_URL") and env.get("TOMONI_IN_PROCESS_WORKER", "1") != "0",
            worker_threads=_number(env, "TOMONI_WORKER_THREADS", 4, int),
            worker_processes=_number(env, "TOMONI_WORKER_PROCESSES", 2, int),
        )


def _number(env: Mapping[str, str], name: str, default: float, kind: type[int] | type[float],
            zero: bool = False) -> Any:
    """A numeric setting, or a sentence that names it."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return kind(default)
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a {'whole ' if kind is int else ''}number (it is {raw!r}); "
                            f"unset, it is {default}.") from None
    if value < 0 or (value == 0 and not zero):
        raise SettingsError(f"{name} must be {'0 or more' if zero else 'more than 0'} (it is {raw!r}).")
    return value


def _timezone(name: str) -> str:
    """A time zone name the system knows (Asia/Tokyo), or a sentence that says so."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"TOMONI_TIMEZONE {name!r} is not a time zone name such as Asia/Tokyo.") from None
    return name
