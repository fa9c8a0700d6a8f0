"""`python bot.py demo`: the real bot, an in-process Bot API, and a chat in the terminal.

No token, no network: the emulator the end-to-end tests use plays Telegram. Bot messages
are printed, inline buttons are numbered, a number taps a button, anything else is sent
as a message. Ctrl-D (or Ctrl-C) quits.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from app.context import SERVICES_KEY, Services
from app.demo_data import DEMO_REFERENT_TELEGRAM_ID, DemoData, seed
from app.lifecycle import running
from app.logs import configure_logging
from app.settings import Settings
from app.wiring import ALLOWED_UPDATES, build_application
from emulator import BotApiEmulator, BotMessage, FakeUser
from services import inbox

DEMO_TOKEN = "123456789:DEMO-no-real-token-needed-here"  # noqa: S105 - not a secret
DEMO_BOT = "alliance_demo_bot"
DEMO_USER_ID = 1001
WAIT_FOR_BOT = 30.0
SWITCH = {"@marie": True, "@moi": False}  # whom the demo types as


async def run_demo(settings: Settings, db_file: str | None, language: str) -> int:
    configure_logging(logging.WARNING, secrets=[DEMO_TOKEN])
    with tempfile.TemporaryDirectory(prefix="alliance-demo-") as scratch:
        path = Path(db_file) if db_file else Path(scratch) / "demo.db"
        demo_settings = replace(settings, database_url=f"sqlite:///{path.resolve()}")
        emulator = BotApiEmulator(token=DEMO_TOKEN, bot_username=DEMO_BOT)
        await emulator.start()
        try:
            return await _chat(demo_settings, emulator, language, sys.stdin, sys.stdout)
        finally:
            await emulator.stop()


async def _chat(
    settings: Settings, emulator: BotApiEmulator, language: str, stdin: TextIO, out: TextIO
) -> int:

    application = build_application(settings, token=emulator.token, base_url=emulator.base_url)
    async with running(application, ALLOWED_UPDATES):
        services: Services = application.bot_data[SERVICES_KEY]
        await inbox.forget_all(services.db)
        data = await seed(services.db, services.clock.now())
        person = emulator.user(DEMO_USER_ID, first_name="Camille", language_code=language)
        marie = emulator.user(DEMO_REFERENT_TELEGRAM_ID, first_name="Marie", language_code="fr")
        user, shown = person, {person.id: 0, marie.id: 0}
        _print_banner(out, data)
        lines = _read_lines(stdin)
        tappable: dict[int, tuple[int, str]] = {}
        while (line := await lines.get()) is not None:
            line = line.strip()
            if not line:
                continue
            if line in SWITCH:  # the other side of a conversation: the demo referent
                shown[user.id] = len(user.messages)
                user = marie if SWITCH[line] else person
                out.write(f"\n— {'Marie (référente)' if user is marie else 'Camille'} —\n")
                tappable = _print_unseen(out, user, shown[user.id])
                continue
            out.write(f"\n🧑 {line}\n")
            if line.isdigit() and int(line) in tappable:
                message_id, label = tappable[int(line)]
                update_id = await user.tap(label, message_id=message_id)
            else:
                update_id = await user.send_text(line)
            await services.work.handled.wait_done(update_id, WAIT_FOR_BOT)
            await services.work.quiet()  # what the update queued for others, sent
            tappable = _print_messages(out, user, update_id)
    out.write("\nAu revoir !\n")
    return 0


def _print_banner(out: TextIO, data: DemoData) -> None:
    out.write(
        "Alliance — démo dans le terminal (aucun jeton, aucun réseau)\n"
        "Écrivez /start pour commencer. Un numéro appuie sur le bouton du même numéro.\n"
        f"Pour arriver par le lien de votre référente (démo) : /start {data.invite_code}\n"
        f"Pour essayer l'espace professionnel (administratrice) : /start {data.staff_code}\n"
        "@marie : écrire comme Marie, la référente (ses alertes, ses réponses) ; @moi : revenir.\n"
        "Ctrl-D pour quitter.\n"
    )
    out.flush()


def _print_unseen(out: TextIO, user: FakeUser, seen: int) -> dict[int, tuple[int, str]]:
    """What arrived in this chat while the demo was typing as the other side."""
    tappable: dict[int, tuple[int, str]] = {}
    for message in user.messages[seen:]:
        out.write(_render(message, tappable))
    out.flush()
    return tappable


def _print_messages(out: TextIO, user: FakeUser, update_id: int) -> dict[int, tuple[int, str]]:
    """Print what the bot said since the update; return the numbering of its buttons."""
    tappable: dict[int, tuple[int, str]] = {}
    for message in user.messages_since(update_id):
        out.write(_render(message, tappable))
    out.flush()
    return tappable


def _render(message: BotMessage, tappable: dict[int, tuple[int, str]]) -> str:
    marker = "🤖 (modifié) " if message.edited else "🤖 "
    lines = [marker + message.text.replace("\n", "\n   ")]
    if message.document is not None:
        lines.append(f"   📎 {message.document.get('file_name', 'fichier')}")
    for row in message.buttons:
        for button in row:
            if button.callback_data is not None:
                number = len(tappable) + 1
                tappable[number] = (message.message_id, button.text)
                lines.append(f"   [{number}] {button.text}")
            elif button.url is not None:
                lines.append(f"   [lien] {button.text}: {button.url}")
    return "\n".join(lines) + "\n"


def _read_lines(stdin: TextIO) -> asyncio.Queue[str | None]:
    """Lines from a daemon thread, so a pending read never blocks the exit."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        for line in stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="demo-stdin", daemon=True).start()
    return queue
