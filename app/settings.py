"""Operator configuration, read once from the environment (and `.env`) and validated.

Nothing reads the environment anywhere else: the composition root builds one `Settings`
and passes it down, so tests build their own without touching `os.environ`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.languages import SUPPORTED_LANGUAGES

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite:///data/alliance.db"
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")


class ConfigError(ValueError):
    """One configuration variable is wrong; the message names it and says why."""


class Queue(StrEnum):
    """Where updates, the outbox and scheduled work are done (`ALLIANCE_QUEUE`)."""

    LOCAL = "local"  # this process alone: SQLite, or PostgreSQL with one process
    PROCRASTINATE = "procrastinate"  # several processes on PostgreSQL's job queue


@dataclass(frozen=True)
class Settings:
    """Everything the operator can set. The token has no default, on purpose."""

    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    default_language: str = "fr"
    timezone: str = "Europe/Paris"
    retention_months: int = 24
    flows_dir: Path | None = None  # None: the flows shipped in flows/definitions
    webhook_secret: str | None = field(default=None, repr=False)
    queue: Queue = Queue.LOCAL

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_token(self) -> str:
        if not self.telegram_token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather")
        return self.telegram_token


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: Path | None = Path(".env")
) -> Settings:
    """Merge `.env` (if present) under the real environment, then validate every variable."""
    values: dict[str, str] = {}
    if dotenv_path is not None and dotenv_path.is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    database_url = _check_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    return Settings(
        telegram_token=_check_token(get("TELEGRAM_BOT_TOKEN")),
        telegram_api_url=_check_api_url(get("TELEGRAM_API_URL") or DEFAULT_API_URL),
        database_url=database_url,
        default_language=_check_language(get("ALLIANCE_DEFAULT_LANGUAGE") or "fr"),
        timezone=_check_timezone(get("ALLIANCE_TIMEZONE") or "Europe/Paris"),
        retention_months=_check_months(get("ALLIANCE_RETENTION_MONTHS") or "24"),
        flows_dir=_check_directory(get("ALLIANCE_FLOWS_DIR")),
        webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
        queue=_check_queue(get("ALLIANCE_QUEUE") or Queue.LOCAL, database_url),
    )


def _check_queue(value: str, database_url: str) -> Queue:
    if value not in {queue.value for queue in Queue}:
        raise ConfigError(f"ALLIANCE_QUEUE is {value!r}: choose local or procrastinate")
    queue = Queue(value)
    if queue is Queue.PROCRASTINATE and make_url(database_url).get_backend_name() != "postgresql":
        raise ConfigError(
            "ALLIANCE_QUEUE=procrastinate needs PostgreSQL (DATABASE_URL=postgresql://…): "
            "several processes cannot share a SQLite file"
        )
    return queue


def _check_token(token: str | None) -> str | None:
    if token is not None and not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed: expected '<digits>:<letters>' as given by @BotFather"
        )
    return token


def _check_api_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            f"TELEGRAM_API_URL is not an http(s) URL: {url!r} (example: http://127.0.0.1:8081/bot)"
        )
    return url


def _check_database_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a SQLAlchemy URL "
            "(examples: sqlite:///data/alliance.db, postgresql://user@host/db)"
        ) from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(
            f"DATABASE_URL uses {parsed.get_backend_name()!r}: only sqlite and postgresql "
            "are supported"
        )
    return url


def _check_language(language: str) -> str:
    if language not in SUPPORTED_LANGUAGES:
        raise ConfigError(
            f"ALLIANCE_DEFAULT_LANGUAGE is {language!r}: choose one of "
            + ", ".join(SUPPORTED_LANGUAGES)
        )
    return language


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"ALLIANCE_TIMEZONE is {name!r}, not a known time zone (example: Europe/Paris)"
        ) from None
    return name


def _check_months(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 120:
        raise ConfigError(
            f"ALLIANCE_RETENTION_MONTHS is {value!r}: a whole number of months from 1 to 120"
        )
    return int(value)


def _check_directory(value: str | None) -> Path | None:
    if value is None:
        return None
    if not Path(value).is_dir():
        raise ConfigError(f"ALLIANCE_FLOWS_DIR is {value!r}: not a directory")
    return Path(value)
