"""No resident text, platform ids, tokens or SQL parameters in any log record, at any level.

Installed for the whole process when `bot` is imported: every record of every logger (the app's, SQLAlchemy's,
Flask's, gunicorn's access and error logs) is scrubbed when it is made, before any handler sees it:
- the message is formatted and scrubbed; the arguments are dropped;
- an exception is formatted here, its traceback kept (file, line, code) and each exception's message replaced by a
  scrubbed one; database errors are reduced to the driver's error class, its first line without values (quoted
  values that are not names of the schema are withheld; PostgreSQL's DETAIL lines, which carry key values, are
  dropped) and the SQL statement, which holds placeholders only (engines are made with hide_parameters=True, and
  "[parameters: ...]" is cut if it appears anyway);
- while an event is handled (`sensitive(...)`: its text, the platform user id, event id and reply token), any
  occurrence of those values is withheld wherever it appears;
- patterns: LINE user/group/room ids, Messenger ids (15+ digits), verify and access tokens in query strings, JSON
  "text" fields.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import traceback
from collections.abc import Iterator
from typing import Any

from sqlalchemy.exc import StatementError

from .storage.models import Base

WITHHELD = "[withheld]"
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_SENSITIVE: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("tomoni_sensitive", default=())
_PATTERNS = [
    (re.compile(r"(?i)\b((?:hub\.)?verify_token|access_token|token|password)=[^&\s\"']*"), r"\1=[withheld]"),
    (re.compile(r"\b[UCR][0-9a-f]{32}\b"), "[line-id]"),
    (re.compile(r"(?<![\w.])\d{15,}(?![\w.])"), "[id]"),
    (re.compile(r"\[parameters: .*?\](?=\n\(Background on this error|\s*$)", re.S), "[parameters withheld]"),
    (re.compile(r"(?m)^\s*DETAIL:.*$"), "DETAIL: [withheld]"),
    (re.compile(r"\"(text|body|payload|message|japanese)\"\s*:\s*\"(?:[^\"\\]|\\.)*\""), r'"\1": "[withheld]"'),
]
_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_installed = False


@contextlib.contextmanager
def sensitive(*values: str | None) -> Iterator[None]:
    """While this block runs (in this thread or task), these values are withheld from every log record."""
    kept = tuple(v for v in values if v and len(v) >= 3)
    kept += tuple(_lines(kept))
    token = _SENSITIVE.set(_SENSITIVE.get() + kept)
    try:
        yield
    except BaseException as exc:
        # the values travel with the exception: it is often logged after this block has ended (by the worker, by
        # Flask's error handler)
        with contextlib.suppress(AttributeError, TypeError):
            exc.__dict__["_tomoni_sensitive"] = exc.__dict__.get("_tomoni_sensitive", ()) + kept
        raise
    finally:
        _SENSITIVE.reset(token)


def _lines(values: tuple[str, ...]) -> list[str]:
    """Parts of a multi-line or long text that may appear on their own (a line, a long word)."""
    parts = []
    for value in values:
        parts += [ln.strip() for ln in value.splitlines() if len(ln.strip()) >= 6]
        parts += [w for w in value.split() if len(w) >= 8]
    return parts


def scrub(text: str) -> str:
    """A log text without the values being handled now and without ids, tokens and parameters."""
    for value in sorted(set(_SENSITIVE.get()), key=len, reverse=True):
        if value in text:
            text = text.replace(value, WITHHELD)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _schema_names() -> set[str]:
    names = set()
    for table in Base.metadata.sorted_tables:
        names.add(table.name)
        names.update(c.name for c in table.columns)
        names.update(str(c.name) for c in table.constraints if c.name)
        names.update(str(i.name) for i in table.indexes if i.name)
    return names


def _database_error(exc: BaseException) -> str | None:
    """The safe summary of a database error (SQLAlchemy's, or the driver's), or None for other exceptions."""
    if isinstance(exc, StatementError):
        orig = exc.orig
        name = f"{type(orig).__module__}.{type(orig).__name__}" if orig is not None else type(exc).__name__
        first = _driver_line(orig) if orig is not None else ""
        return f"({name}) {first}\n[SQL: {exc.statement}]"
    module = type(exc).__module__
    if module.startswith(("psycopg", "sqlite3", "psycopg2")):
        return _driver_line(exc)
    return None


def _driver_line(exc: BaseException) -> str:
    """A driver error's first line, its quoted values withheld unless they name the schema (a table, a column,
    a constraint), with the SQLSTATE when the driver gives one."""
    names = _schema_names()
    first = (str(exc).strip().splitlines() or [""])[0]

    def keep(m: re.Match[str]) -> str:
        value = m.group(1) if m.group(1) is not None else m.group(2)
        return m.group(0) if value in names else '"…"'

    state = getattr(exc, "sqlstate", None) or getattr(getattr(exc, "diag", None), "sqlstate", None)
    return _QUOTED.sub(keep, first) + (f" (SQLSTATE {state})" if state else "")


def format_exception(exc: BaseException) -> str:
    """A traceback like Python's, each exception's message scrubbed (database errors: their safe summary)."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "\nThe above exception was the direct cause of the following exception:\n"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, ("\nDuring handling of the above exception, another exception "
                                                  "occurred:\n")
        else:
            current = None
    out = []
    for item, joined in reversed(chain):
        message = _database_error(item)
        if message is None:
            message = str(item)
        lines = "".join(traceback.format_tb(item.__traceback__))
        head = "Traceback (most recent call last):\n" + lines if lines else ""
        name = f"{type(item).__module__}.{type(item).__qualname__}".removeprefix("builtins.")
        out.append(f"{head}{name}: {scrub(message)}" if message else f"{head}{name}")
        if joined:
            out.append(joined)
    return "\n".join(out)


def _carried(exc: BaseException) -> list[str]:
    """The sensitive values attached to an exception and the exceptions it was raised from."""
    values: list[str] = []
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        values += list(getattr(item, "__dict__", {}).get("_tomoni_sensitive", ()))
        stack += [item.__cause__, item.__context__]
    return values


def scrub_record(record: logging.LogRecord) -> None:
    """Make a record safe in place (see the module docstring)."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a wrong format string must not lose the record
        message = str(record.msg)
    record.msg, record.args = scrub(message), None
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        with sensitive(*_carried(exc)):
            record.msg = scrub(record.msg)
            record.exc_text = format_exception(exc)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    for key, value in list(vars(record).items()):
        if key not in _STANDARD and isinstance(value, str):
            setattr(record, key, scrub(value))


def install() -> None:
    """Scrub every log record of this process when it is made, extra fields included (idempotent): records are
    made by Logger.makeRecord, which every logger of the process shares."""
    global _installed
    if _installed:
        return
    make = logging.Logger.makeRecord

    def make_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(self, *args, **kwargs)
        scrub_record(record)
        return record

    logging.Logger.makeRecord = make_record  # type: ignore[method-assign]
    _installed = True
