"""Messages the bot sends on its own initiative (to staff or persons), after a use case."""

from __future__ import annotations

import logging

from telegram.error import Forbidden, TelegramError

from app.context import AllianceContext
from core.i18n import Translator
from core.notices import Notice
from core.screens import Screen
from flows.model import Flow
from handlers import reply
from screens import notices as notice_screens
from screens import procedures as procedure_screens
from services import reminders as reminder_service
from services.reminders import DueReminder
from storage.reminders import ReminderKind

log = logging.getLogger(__name__)


async def send_notices(context: AllianceContext, notices: list[Notice]) -> None:
    """Best effort: someone who blocked the bot must not break the action that caused it."""
    for notice in notices:
        t = context.services.translations.get(notice.to.language)
        kind = type(notice).__name__
        try:
            await reply.send(
                context, notice.to.telegram_user_id, t, notice_screens.notice(t, notice)
            )
        except Forbidden:
            log.info("notice %s not delivered: the bot is blocked", kind)
        except TelegramError:
            log.warning("notice %s not delivered", kind, exc_info=True)


async def send_due_reminders(context: AllianceContext) -> None:
    """Stored reminders that are due, paced (quiet hours, 3 a day, 7 a week), sent once."""
    s = context.services
    for due in await reminder_service.claim_due(s.db, s.clock.now(), s.settings.zone):
        flow = s.flows.registry.get(due.flow_id)
        if flow is None:
            continue
        t = s.translations.get(due.language).in_zone(due.zone)
        screen = _reminder_screen(t, flow, due)
        if screen is None:
            continue
        try:
            await reply.send(context, due.telegram_user_id, t, screen)
        except Forbidden:
            log.info("reminder not delivered: the bot is blocked")
        except TelegramError:
            log.warning("reminder not delivered", exc_info=True)


def _reminder_screen(t: Translator, flow: Flow, due: DueReminder) -> Screen | None:
    match due.kind:
        case ReminderKind.DEADLINE:
            rule = next((d for d in flow.deadlines if d.id == due.deadline_id), None)
            if rule is None or due.deadline_on is None:
                return None
            return procedure_screens.deadline_reminder(t, flow, rule.text, due.deadline_on)
        case ReminderKind.CHECK:
            if due.step_id is None:
                return None
            return procedure_screens.check_question(t, flow, due.step_id)
        case ReminderKind.LATER:
            return procedure_screens.later_reminder(t, flow)
