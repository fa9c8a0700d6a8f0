"""Messages the bot sends on its own initiative (to staff or persons), after a use case."""

from __future__ import annotations

import logging

from telegram.error import Forbidden, TelegramError

from app.context import AllianceContext
from core.i18n import Translator
from core.screens import Screen
from flows.model import Flow
from handlers import reply
from screens import privacy
from screens import procedures as procedure_screens
from screens import staff as staff_screens
from services import reminders as reminder_service
from services.reminders import DueReminder
from services.staff import Notice

log = logging.getLogger(__name__)

_PERSON_NOTICES = {
    "retention_warning": privacy.retention_warning,
    "retention_erased": privacy.retention_erased,
    "sharing_ends": privacy.sharing_ends,
}


async def send_notices(context: AllianceContext, notices: list[Notice]) -> None:
    """Best effort: someone who blocked the bot must not break the action that caused it."""
    for notice in notices:
        t = context.services.translations.get(notice.language)
        screen: Screen
        build = _PERSON_NOTICES.get(notice.kind)
        screen = build(t) if build is not None else staff_screens.notice(t, notice)
        try:
            await reply.send(context, notice.telegram_user_id, t, screen)
        except Forbidden:
            log.info("notice %s not delivered: the bot is blocked", notice.kind)
        except TelegramError:
            log.warning("notice %s not delivered", notice.kind, exc_info=True)


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
    if due.kind == "deadline" and due.deadline_on is not None:
        rule = next((d for d in flow.deadlines if d.id == due.deadline_id), None)
        return (
            None
            if rule is None
            else procedure_screens.deadline_reminder(t, flow, rule.text, due.deadline_on)
        )
    if due.kind == "check" and due.step_id is not None:
        return procedure_screens.check_question(t, flow, due.step_id)
    return procedure_screens.later_reminder(t, flow)
