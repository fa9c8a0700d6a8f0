"""Settings and logging (the engines that handle updates: tests/test_work_contract.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.logs import REDACTED, RedactingFormatter
from app.settings import DEFAULT_DATABASE_URL, ConfigError, Queue, load_settings
from core.i18n import RIGHT_TO_LEFT_MARK, Safe, load_translations

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def test_defaults_need_nothing(tmp_path: Path) -> None:
    settings = load_settings({}, dotenv_path=tmp_path / "absent")
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.default_language == "fr" and settings.timezone == "Europe/Paris"
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        settings.require_token()


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nALLIANCE_TIMEZONE=Indian/Reunion\nALLIANCE_DEFAULT_LANGUAGE=en\n"
    )
    settings = load_settings({"ALLIANCE_DEFAULT_LANGUAGE": "ar"}, dotenv_path=dotenv)
    assert settings.require_token() == TOKEN
    assert settings.zone == ZoneInfo("Indian/Reunion")
    assert settings.default_language == "ar"
    assert TOKEN not in repr(settings)


def test_the_shared_queue_is_chosen_for_postgresql_only(tmp_path: Path) -> None:
    absent = tmp_path / "absent"
    shared = {"ALLIANCE_QUEUE": "procrastinate", "DATABASE_URL": "postgresql://u@h/db"}
    assert load_settings(shared, dotenv_path=absent).queue is Queue.PROCRASTINATE
    assert load_settings({}, dotenv_path=absent).queue is Queue.LOCAL
    with pytest.raises(ConfigError, match="needs PostgreSQL"):
        load_settings({"ALLIANCE_QUEUE": "procrastinate"}, dotenv_path=absent)
    with pytest.raises(ConfigError, match="local or procrastinate"):
        load_settings({"ALLIANCE_QUEUE": "celery"}, dotenv_path=absent)


def test_the_token_never_reaches_the_logs() -> None:
    formatter = RedactingFormatter("%(message)s", [TOKEN])
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "url %s", (f"/bot{TOKEN}/x",), None
        )
        import sys

        record.exc_info = sys.exc_info()
    text = formatter.format(record)
    assert TOKEN not in text and REDACTED in text


def test_arabic_lines_are_anchored_right_to_left_and_parameters_escaped() -> None:
    translations = load_translations("fr", ZoneInfo("Europe/Paris"))
    arabic, french = translations.get("ar"), translations.get("fr")
    assert arabic.directional("a\n\nb") == f"{RIGHT_TO_LEFT_MARK}a\n\n{RIGHT_TO_LEFT_MARK}b"
    assert french.directional("a\nb") == "a\nb"
    # Back and next point the other way when reading from the right.
    assert arabic.directional("⬅️ رجوع") == f"{RIGHT_TO_LEFT_MARK}➡️ رجوع"
    assert arabic.directional("→ نعم") == f"{RIGHT_TO_LEFT_MARK}← نعم"
    assert french.directional("⬅️ Retour") == "⬅️ Retour"
    assert "&lt;b&gt;" in french._("• Votre langue : {language}", language="<b>")
    assert (
        french._("• Votre langue : {language}", language="d'accord") == "• Votre langue : d'accord"
    )
    assert french._("• Votre langue : {language}", language=Safe("<b>x</b>")).endswith("<b>x</b>")
    assert translations.get("xx").code == "fr"
