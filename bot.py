"""Alliance's command line. The wiring itself is `app.wiring.build_application`.

    python bot.py run                      long polling
    python bot.py run --webhook URL --listen HOST:PORT   (secret: TELEGRAM_WEBHOOK_SECRET)
    python bot.py worker                   a process that only works (ALLIANCE_QUEUE=procrastinate)
    python bot.py demo [--db FILE]         the real bot on an in-process Bot API, in a terminal
    python bot.py db upgrade               migrate the database to the latest schema
    python bot.py db backup|restore PATH   SQLite online backup / pg_dump, and back
    python bot.py flows check | graph ID   validate the flows / draw one (Mermaid and SVG)
    python bot.py site add --name N --timezone TZ --holidays REGION [--town T --postcode P]
    python bot.py invite admin|referent|mediator|peer --site SITE [--name NAME]

Nothing connects, reads the environment or loads catalogs at import time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError

from app import admin_cli
from app.backup import backup, restore
from app.clock import SystemClock
from app.context import SERVICES_KEY, Services
from app.lifecycle import Webhook, serve
from app.logs import configure_logging
from app.settings import ConfigError, Queue, Settings, load_settings
from app.wiring import ALLOWED_UPDATES, build_application
from core.i18n import LOCALES_DIR
from core.languages import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES
from flows import cli as flows_cli
from storage.db import create_engine
from storage.migrate import upgrade_to_head

log = logging.getLogger("alliance")

SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Telegram unreachable at start (a network blip) is retried this often, with backoff.
START_RETRIES = 5
TOKEN_REJECTED = "Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather"  # noqa: S105
UNREACHABLE = "Telegram cannot be reached at TELEGRAM_API_URL"
EXIT_TELEGRAM_UNREACHABLE = 4  # temporary: a supervisor should try again, unlike 2


def run(settings: Settings, webhook: str | None, listen: str | None, secret: str | None) -> int:
    """Until stopped by a signal (exit 0) or by the watchdog (the database gone: exit 3)."""
    token = settings.require_token()
    configure_logging(secrets=[token, secret or ""])
    application = build_application(settings)
    if webhook is None:
        log.info("starting in long-polling mode")
        application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=START_RETRIES)
    else:
        host, port = _parse_listen(listen or "0.0.0.0:8443")
        log.info("starting in webhook mode on %s:%s", host, port)
        path = urlsplit(webhook).path.lstrip("/")
        hook = Webhook(url=webhook, listen=host, port=port, path=path, secret=secret or "")
        serve(application, ALLOWED_UPDATES, hook)
    services: Services = application.bot_data[SERVICES_KEY]
    return services.exit_code


def worker(settings: Settings) -> int:
    """Handles updates, sends the outbox and runs scheduled work from the job queue;
    receives nothing (`bot.py run` processes do). As many as the load needs."""
    if settings.queue is not Queue.PROCRASTINATE:
        raise ConfigError(
            "bot.py worker needs ALLIANCE_QUEUE=procrastinate (and PostgreSQL): "
            "with the local queue, `bot.py run` does all the work in one process"
        )
    token = settings.require_token()
    configure_logging(secrets=[token])
    application = build_application(settings)
    log.info("starting a worker")
    serve(application, ALLOWED_UPDATES, None)
    services: Services = application.bot_data[SERVICES_KEY]
    return services.exit_code


def _parse_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--listen is {listen!r}: expected HOST:PORT, e.g. 127.0.0.1:8443")
    return host, int(port)


def _check_webhook_arguments(webhook: str | None, secret: str | None) -> None:
    if webhook is None:
        return
    if urlsplit(webhook).scheme not in {"http", "https"}:
        raise ConfigError(f"--webhook is {webhook!r}: expected the public https URL of the bot")
    if secret is None or not SECRET_PATTERN.match(secret):
        raise ConfigError(
            "TELEGRAM_WEBHOOK_SECRET (or --secret) is required with --webhook: "
            "1-256 of A-Z a-z 0-9 _ -"
        )


async def _upgrade(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


def _database(settings: Settings, action: str, path: str | None) -> int:
    configure_logging()
    if action == "upgrade":
        asyncio.run(_upgrade(settings))
        print("database is up to date")
        return 0
    if path is None:
        raise ConfigError(f"db {action} needs a file: python bot.py db {action} PATH")
    done = (backup if action == "backup" else restore)(settings.database_url, Path(path))
    print(done)
    return 0


def _demo(settings: Settings, db: str | None, language: str) -> int:
    """The demo runs on the Bot API emulator, an optional part (the `demo` extra)."""
    try:
        from app.demo import run_demo
    except ModuleNotFoundError as missing:
        raise ConfigError(
            f"the demo needs {missing.name}: install the demo extra (pip install -e '.[demo]')"
        ) from None
    try:
        return asyncio.run(run_demo(settings, db, language))
    except KeyboardInterrupt:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="Alliance Telegram bot")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the bot (long polling or webhook)")
    run_parser.add_argument("--webhook", metavar="URL", help="public URL Telegram posts to")
    run_parser.add_argument("--listen", metavar="HOST:PORT", help="where the webhook listens")
    run_parser.add_argument(
        "--secret",
        metavar="TOKEN",
        help="webhook secret token (better: TELEGRAM_WEBHOOK_SECRET, not shown by ps)",
    )
    commands.add_parser("worker", help="only work: updates, outbox, schedule (procrastinate)")
    demo_parser = commands.add_parser("demo", help="chat with the bot in this terminal")
    demo_parser.add_argument("--db", metavar="FILE", help="keep the demo database in FILE")
    demo_parser.add_argument(
        "--language", default="fr", help="the Telegram language of the demo user (default fr)"
    )
    db_parser = commands.add_parser("db", help="database maintenance")
    db_parser.add_argument("action", choices=["upgrade", "backup", "restore"])
    db_parser.add_argument("path", nargs="?", help="the backup file (backup, restore)")
    admin_cli.add_parsers(commands)
    flows_cli.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = load_settings()
        if arguments.command == "run":
            secret = arguments.secret or settings.webhook_secret
            _check_webhook_arguments(arguments.webhook, secret)
            if arguments.listen:
                _parse_listen(arguments.listen)
            return run(settings, arguments.webhook, arguments.listen, secret)
        if arguments.command == "worker":
            return worker(settings)
        if arguments.command == "demo":
            return _demo(settings, arguments.db, arguments.language)
        if arguments.command == "flows":
            return flows_cli.run(
                arguments,
                today=SystemClock().now().astimezone(settings.zone).date(),
                languages=[code for code in SUPPORTED_LANGUAGES if code != SOURCE_LANGUAGE],
                locales_dir=LOCALES_DIR,
            )
        if arguments.command in {"site", "invite", "dispos", "distress"}:
            configure_logging(logging.WARNING)
            return asyncio.run(admin_cli.run(settings, arguments, sys.stdout))
        if arguments.command == "db":
            return _database(settings, arguments.action, arguments.path)
    except ConfigError as error:
        print(f"alliance: configuration error: {error}", file=sys.stderr)
        return 2
    except InvalidToken:
        print(f"alliance: {TOKEN_REJECTED}", file=sys.stderr)
        return 2
    except NetworkError as error:
        reason = _redacted(str(error), settings.telegram_token if settings else None)
        print(f"alliance: {UNREACHABLE} ({reason}); try again later", file=sys.stderr)
        return EXIT_TELEGRAM_UNREACHABLE
    return 0


def _redacted(text: str, token: str | None) -> str:
    """Nothing printed ever holds the token, even an error message from a library."""
    return text.replace(token, "<token>") if token else text


if __name__ == "__main__":
    sys.exit(main())
