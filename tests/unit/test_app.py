"""Settings, logging and the update processor."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Chat, Message, Update, User

from app.logs import REDACTED, RedactingFormatter
from app.processor import ChatOrderedProcessor
from app.settings import DEFAULT_DATABASE_URL, ConfigError, load_settings
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
    assert "&lt;b&gt;" in french._("• Votre langue : {language}", language="<b>")
    assert (
        french._("• Votre langue : {language}", language="d'accord") == "• Votre langue : d'accord"
    )
    assert french._("• Votre langue : {language}", language=Safe("<b>x</b>")).endswith("<b>x</b>")
    assert translations.get("xx").code == "fr"


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "P", False)
    message = Message(update_id, None, Chat(chat_id, "private"), from_user=user)  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_one_chat_is_sequential_and_different_chats_run_together() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=8)
    events: list[str] = []
    release_first = asyncio.Event()
    second_chat_done = asyncio.Event()

    async def work(name: str, wait: asyncio.Event | None = None) -> None:
        events.append(f"start {name}")
        if wait is not None:
            await wait.wait()
        events.append(f"end {name}")
        if name == "b1":
            second_chat_done.set()

    tasks = [
        asyncio.create_task(processor.process_update(_update(1, 10), work("a1", release_first))),
        asyncio.create_task(processor.process_update(_update(2, 10), work("a2"))),
        asyncio.create_task(processor.process_update(_update(3, 20), work("b1"))),
    ]
    await second_chat_done.wait()
    assert "start a2" not in events, "the second update of a chat waits for the first"
    release_first.set()
    await asyncio.gather(*tasks)
    await processor.wait_done(2, within=1)
    assert events.index("end a1") < events.index("start a2")
