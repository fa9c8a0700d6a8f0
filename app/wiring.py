"""The composition root: `build_application` wires the whole bot, and nothing else does.

Entry points (`bot.py run`, the demo, the tests) call it; it imports none of them.
Nothing connects, reads the environment or loads catalogs at import time.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from app.clock import SystemClock
from app.context import SERVICES_KEY, AllianceApplication, AllianceContext, Services
from app.distress_file import DISTRESS_RULES, read_rules
from app.health import EXIT_DATABASE_GONE, GIVE_UP_AFTER, HealthWatch
from app.inbox import ConfirmAfterStoring, InboxQueue
from app.local_work import LocalWork
from app.metrics import Metrics
from app.pacing import Limits, Pacer
from app.settings import ConfigError, Queue, Settings
from app.shared_work import SharedWork
from app.work import Periodic, Work
from core.clock import Clock
from core.distress import DistressRules
from core.i18n import load_translations
from core.quiet_hours import is_quiet
from flows.catalog import FlowCatalog
from flows.cli import format_error
from handlers import (
    dispatch,
    fallback,
    flow_admin,
    handoffs,
    home,
    meetings,
    onboarding,
    privacy,
    procedures,
    staff,
    support,
    system,
    team,
)
from handlers.commands import register_commands
from handlers.notify import (
    alert_slot_shortages,
    deliver_outbox,
    escalate_handoffs,
    release_waiting_holds,
    send_due_reminders,
    wake_sender,
    watch_deadlines,
)
from services import botinfo, outbox
from services import inbox as inbox_service
from services import privacy as privacy_service
from storage.db import SessionFactory, create_engine, create_session_factory
from storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)

# Due reminders are queued in passes a little larger than what Telegram lets leave in
# the meantime (services/reminders.PER_PASS).
REMINDERS_EVERY = timedelta(seconds=10)

# The update types Alliance reads; anything else is never fetched.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,  # a person who blocks the bot: their request's topic is told
]


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    base_url: str | None = None,
    clock: Clock | None = None,
    limits: Limits | None = None,
) -> AllianceApplication:
    """The whole bot, wired; started by PTB (`run_polling`, `run_webhook`) or by the demo."""
    clock = clock or SystemClock()
    catalog = load_flows(settings, clock)
    engine = create_engine(settings.database_url)
    db = create_session_factory(engine)
    metrics = Metrics()
    work = _work(settings, db, clock)
    queue = InboxQueue()
    application: AllianceApplication = (
        ApplicationBuilder()
        .token(token or settings.require_token())
        .base_url(base_url or settings.telegram_api_url)
        .context_types(ContextTypes(context=AllianceContext))
        .update_queue(queue)  # stores each update and hands it to `work`, never to PTB
        # Telegram allows a bot about 30 messages a second: replies go at once, and a
        # 9:00 wave of reminders takes what they leave (app/pacing.py).
        .rate_limiter(Pacer(limits))
        # A `getUpdates` confirms the batch before it: it waits until that batch is stored.
        .get_updates_request(ConfirmAfterStoring(queue.stored))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_on_start)
        .post_stop(_stop_working)
        .post_shutdown(_on_stop)
        .build()
    )
    translations = load_translations(settings.default_language, settings.zone)
    queue.bind(
        work.receive, lambda update: system.tell_to_wait(update, application.bot, translations)
    )
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        engine=engine,
        db=db,
        translations=translations,
        clock=clock,
        work=work,
        flows=catalog,
        distress=load_distress_rules(),
        metrics=metrics,
        health=HealthWatch(db, clock, metrics),
    )
    # Who is writing is resolved first (and a redelivered update stops there); then the
    # commands of each journey; then every button and every typed answer, each routed by
    # type from one place; the catch-all fallbacks last.
    application.add_handlers(system.handlers(), group=-1)
    journeys = (onboarding, home, privacy, procedures, flow_admin, staff, support, meetings)
    for journey in (*journeys, handoffs, team):
        application.add_handlers(journey.handlers())
    application.add_handlers(dispatch.handlers())
    application.add_handlers(fallback.handlers())
    application.add_error_handler(system.report_error)
    return application


def load_flows(settings: Settings, clock: Clock) -> FlowCatalog:
    """The bot refuses to start on an invalid flow: every error, then exit code 2."""
    today = clock.now().astimezone(settings.zone).date()
    catalog = FlowCatalog.load(settings.flows_dir, today)
    if isinstance(catalog, FlowCatalog):
        return catalog
    details = "; ".join(format_error(error) for error in catalog[:5])
    raise ConfigError(
        f"flows are invalid ({len(catalog)} errors; see `bot.py flows check`): {details}"
    )


def load_distress_rules(path: Path = DISTRESS_RULES) -> DistressRules:
    """The bot refuses to start on an invalid rules file, like on an invalid flow."""
    rules = read_rules(path)
    if isinstance(rules, DistressRules):
        return rules
    details = "; ".join(rules[:5])
    raise ConfigError(f"distress rules are invalid ({len(rules)} errors): {details}")


async def _on_start(application: AllianceApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await upgrade_to_head(services.engine)
    if services.engine.dialect.name == "sqlite":  # one process sends: none of its claims live
        await outbox.release_claims(services.db)
    await register_commands(application.bot, services.translations)
    await botinfo.remember(services.db, botinfo.BOT_USERNAME, application.bot.username)
    jobs = AllianceContext(application)

    async def handle(update_id: int, payload: str) -> None:
        update = _read_back(application, update_id, payload)
        if update is not None:
            await application.process_update(update)
        services.metrics.updates.inc()

    await services.work.start(handle, lambda: deliver_outbox(jobs), _scheduled(jobs))


def _scheduled(jobs: AllianceContext) -> list[Periodic]:
    """The bot's scheduled work: rows in the database, looked at on these ticks."""
    return [
        Periodic("forget-old-updates", timedelta(hours=6), lambda: forget_old_updates(jobs)),
        Periodic(
            "privacy-housekeeping",
            timedelta(hours=1),
            lambda: housekeeping(jobs),
            first=timedelta(seconds=60),
        ),
        Periodic(
            "reminders",
            REMINDERS_EVERY,
            lambda: send_due_reminders(jobs),
            first=timedelta(seconds=5),
        ),
        Periodic(
            "waiting-list",
            timedelta(minutes=1),
            lambda: release_waiting_holds(jobs),
            first=timedelta(seconds=20),
        ),
        Periodic(
            "hand-off-escalation",
            timedelta(minutes=1),
            lambda: escalate_handoffs(jobs),
            first=timedelta(seconds=15),
        ),
        Periodic(
            "deadline-watch",
            timedelta(hours=1),
            lambda: watch_deadlines(jobs),
            first=timedelta(minutes=3),
        ),
        Periodic(
            "slot-shortage",
            timedelta(hours=1),
            lambda: alert_slot_shortages(jobs),
            first=timedelta(minutes=2),
        ),
        # Retries, and anything a crashed process left claimed once its lease ended.
        Periodic(
            "outbox",
            timedelta(seconds=5),
            lambda: wake_sender(jobs),
            first=timedelta(seconds=5),
        ),
        Periodic(
            "watchdog",
            timedelta(seconds=30),
            lambda: watch_database(jobs),
            first=timedelta(seconds=30),
            each_process=True,
        ),
    ]


def _work(settings: Settings, db: SessionFactory, clock: Clock) -> Work:
    if settings.queue is Queue.PROCRASTINATE:
        return SharedWork(db, clock, settings.database_url)
    return LocalWork(db, clock)


def _read_back(application: AllianceApplication, update_id: int, payload: str) -> Update | None:
    """The update as Telegram sent it; an unreadable one must not block its chat."""
    try:
        return Update.de_json(json.loads(payload), application.bot)
    except Exception:
        log.error("update %s cannot be read back; given up", update_id)
        return None


async def _stop_working(application: AllianceApplication) -> None:
    """Updates are no longer taken: those in flight and the batch being sent are finished
    while the bot's connection to Telegram is still open."""
    services: Services = application.bot_data[SERVICES_KEY]
    await services.work.stop()


async def _on_stop(application: AllianceApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await services.work.stop()  # stopped already, unless the start failed half-way
    await services.engine.dispose()


async def housekeeping(context: AllianceContext) -> None:
    """Retention warnings and erasures, sharing reminders; never at night."""
    services = context.services
    now = services.clock.now()
    if is_quiet(now, services.settings.zone):
        return
    await privacy_service.housekeeping(services.db, now, services.settings.retention_months)
    services.work.outbox_changed()


async def watch_database(context: AllianceContext) -> None:
    """Stop the bot (exit code 3) when the database has been gone for too long."""
    services = context.services
    try:
        await services.health.check()
    except Exception:
        log.warning("the database does not answer")
    if services.health.given_up():
        log.critical("the database has not answered for %s; stopping", GIVE_UP_AFTER)
        services.exit_code = EXIT_DATABASE_GONE
        context.application.stop_running()


async def forget_old_updates(context: AllianceContext) -> None:
    services = context.services
    await inbox_service.forget_old(services.db, services.clock.now())
