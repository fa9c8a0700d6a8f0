"""Alliance: the composition root and the command line.

    python bot.py run                      long polling
    python bot.py run --webhook URL --listen HOST:PORT --secret TOKEN
    python bot.py demo [--db FILE]         the real bot on an in-process Bot API, in a terminal
    python bot.py db upgrade               migrate the database to the latest schema
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
from datetime import timedelta
from urllib.parse import urlsplit

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, Defaults

from app import admin_cli
from app.context import SERVICES_KEY, AllianceApplication, AllianceContext, Services
from app.logs import configure_logging
from app.processor import ChatOrderedProcessor
from app.settings import ConfigError, Settings, load_settings
from core.clock import Clock, SystemClock
from core.i18n import LOCALES_DIR, load_translations
from core.languages import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES
from core.quiet_hours import is_quiet
from flows import cli as flows_cli
from flows.cli import format_error
from flows.registry import FlowRegistry
from flows.registry import load as load_flows_from
from handlers import (
    fallback,
    flow_admin,
    home,
    onboarding,
    privacy,
    procedures,
    staff,
    support,
    system,
)
from handlers.commands import register_commands
from handlers.notify import send_due_reminders, send_notices
from services import botinfo
from services import privacy as privacy_service
from services import updates as update_service
from services.procedures import FlowCatalog
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade_to_head

log = logging.getLogger("alliance")

# The update types Alliance reads; anything else is never fetched.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    base_url: str | None = None,
    clock: Clock | None = None,
) -> AllianceApplication:
    """The whole bot, wired; started by PTB (`run_polling`, `run_webhook`) or by the demo."""
    catalog = FlowCatalog(load_flow_registry(clock or SystemClock()))
    engine = create_engine(settings.database_url)
    processor = ChatOrderedProcessor()
    application: AllianceApplication = (
        ApplicationBuilder()
        .token(token or settings.require_token())
        .base_url(base_url or settings.telegram_api_url)
        .context_types(ContextTypes(context=AllianceContext))
        .concurrent_updates(processor)
        # Telegram allows a bot about 30 messages a second: a 9:00 wave of reminders is
        # paced instead of refused, and a "retry after" answer is waited out.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_on_start)
        .post_shutdown(_on_stop)
        .build()
    )
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        engine=engine,
        db=create_session_factory(engine),
        translations=load_translations(settings.default_language, settings.zone),
        clock=clock or SystemClock(),
        processor=processor,
        flows=catalog,
    )
    # Order matters: de-duplication first, the catch-all fallbacks last.
    application.add_handlers(system.handlers(), group=-1)
    application.add_handlers(onboarding.handlers())
    application.add_handlers(home.handlers())
    application.add_handlers(privacy.handlers())
    application.add_handlers(procedures.handlers())
    application.add_handlers(flow_admin.handlers())
    application.add_handlers(staff.handlers())
    application.add_handlers(support.handlers())  # ends with typed answers to questions
    application.add_handlers(fallback.handlers())
    application.add_error_handler(system.report_error)
    return application


async def _on_start(application: AllianceApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await upgrade_to_head(services.engine)
    await register_commands(application.bot, services.translations)
    await botinfo.remember(services.db, botinfo.BOT_USERNAME, application.bot.username)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _forget_old_updates, interval=timedelta(hours=6), first=0, name="forget-old-updates"
        )
        application.job_queue.run_repeating(
            housekeeping, interval=timedelta(hours=1), first=60, name="privacy-housekeeping"
        )
        application.job_queue.run_repeating(
            send_due_reminders, interval=timedelta(minutes=1), first=5, name="reminders"
        )


async def _on_stop(application: AllianceApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await services.engine.dispose()


async def housekeeping(context: AllianceContext) -> None:
    """Retention warnings and erasures, sharing reminders; never at night."""
    services = context.services
    now = services.clock.now()
    if is_quiet(now, services.settings.zone):
        return
    notices = await privacy_service.housekeeping(
        services.db, now, services.settings.retention_months
    )
    await send_notices(context, notices)


async def _forget_old_updates(context: AllianceContext) -> None:
    services = context.services
    await update_service.forget_old_updates(services.db, services.clock.now())


def load_flow_registry(clock: Clock) -> FlowRegistry:
    """The bot refuses to start on an invalid flow: every error, then exit code 2."""
    registry, errors = load_flows_from(None, clock.now().date())
    if registry is None:
        details = "; ".join(format_error(error) for error in errors[:5])
        raise ConfigError(
            f"flows are invalid ({len(errors)} errors; see `bot.py flows check`): {details}"
        )
    return registry


def run(settings: Settings, webhook: str | None, listen: str | None, secret: str | None) -> None:
    token = settings.require_token()
    configure_logging(secrets=[token])
    application = build_application(settings)
    if webhook is None:
        log.info("starting in long-polling mode")
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    host, port = _parse_listen(listen or "0.0.0.0:8443")
    log.info("starting in webhook mode on %s:%s", host, port)
    application.run_webhook(
        listen=host,
        port=port,
        url_path=urlsplit(webhook).path.lstrip("/"),
        webhook_url=webhook,
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
    )


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
        raise ConfigError("--secret is required with --webhook: 1-256 of A-Z a-z 0-9 _ -")


async def _upgrade(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="Alliance Telegram bot")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the bot (long polling or webhook)")
    run_parser.add_argument("--webhook", metavar="URL", help="public URL Telegram posts to")
    run_parser.add_argument("--listen", metavar="HOST:PORT", help="where the webhook listens")
    run_parser.add_argument("--secret", metavar="TOKEN", help="webhook secret token")
    demo_parser = commands.add_parser("demo", help="chat with the bot in this terminal")
    demo_parser.add_argument("--db", metavar="FILE", help="keep the demo database in FILE")
    demo_parser.add_argument(
        "--language", default="fr", help="the Telegram language of the demo user (default fr)"
    )
    db_parser = commands.add_parser("db", help="database maintenance")
    db_parser.add_argument("action", choices=["upgrade"])
    admin_cli.add_parsers(commands)
    flows_cli.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if arguments.command == "run":
            _check_webhook_arguments(arguments.webhook, arguments.secret)
            if arguments.listen:
                _parse_listen(arguments.listen)
            run(settings, arguments.webhook, arguments.listen, arguments.secret)
        elif arguments.command == "demo":
            from app.demo import run_demo

            try:
                return asyncio.run(run_demo(settings, arguments.db, arguments.language))
            except KeyboardInterrupt:
                return 0
        elif arguments.command == "flows":
            return flows_cli.run(
                arguments,
                today=SystemClock().now().astimezone(settings.zone).date(),
                languages=[code for code in SUPPORTED_LANGUAGES if code != SOURCE_LANGUAGE],
                locales_dir=LOCALES_DIR,
            )
        elif arguments.command in {"site", "invite"}:
            configure_logging(logging.WARNING)
            return asyncio.run(admin_cli.run(settings, arguments, sys.stdout))
        elif arguments.command == "db":
            configure_logging()
            asyncio.run(_upgrade(settings))
            print("database is up to date")
    except ConfigError as error:
        print(f"alliance: configuration error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
