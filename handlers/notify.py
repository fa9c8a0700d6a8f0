"""The sender: messages the bot initiates, taken from the outbox, rendered in the
recipient's language of the moment, sent, and each result recorded.

It runs right after a use case that queued messages (so a staff action's notices leave at
once), and from a job every few seconds (retries, reminders, anything a crash left).
"""

from __future__ import annotations

import logging

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from app.context import AllianceContext
from core.delivery import Failure
from core.i18n import Translator
from core.screens import Screen
from handlers import reply
from screens import notices as notice_screens
from screens import procedures as procedure_screens
from services import outbox
from services import reminders as reminder_service
from services.outbox import Delivery, DueReminder
from storage.reminders import ReminderKind

log = logging.getLogger(__name__)

ROUNDS = 20  # batches per pass at most; the job's next pass takes the rest


async def deliver_outbox(context: AllianceContext) -> int:
    """Send what is due in the outbox; returns how many were sent."""
    s = context.services
    delivered = 0
    for _ in range(ROUNDS):  # what a send queues (a referent told) leaves in the same pass
        deliveries = await outbox.claim(s.db, s.clock.now())
        for delivery in deliveries:
            delivered += await _deliver(context, delivery)
        if not deliveries:
            break
    return delivered


async def send_due_reminders(context: AllianceContext) -> None:
    """Reminders that are due, paced (quiet hours, 3 a day, 7 a week), queued once, sent."""
    s = context.services
    await reminder_service.queue_due(s.db, s.clock.now(), s.settings.zone)
    await deliver_outbox(context)


async def _deliver(context: AllianceContext, delivery: Delivery) -> int:
    s = context.services
    t = s.translations.get(delivery.language).in_zone(delivery.zone or s.settings.zone)
    screen = _screen(context, t, delivery)
    if screen is None:  # a reminder of a flow taken out of service
        await outbox.failed(s.db, delivery, Failure.REJECTED, s.clock.now())
        return 0
    if not delivery.may_send(s.clock.now()):  # its claim ends soon: the next pass takes it
        return 0
    try:
        (message,) = await reply.send(context, delivery.chat_id, t, screen)
    except TelegramError as error:
        failure, wait = _failure(error)
        log.info("%s not delivered (%s)", type(delivery.message).__name__, failure)
        await outbox.failed(s.db, delivery, failure, s.clock.now(), wait)
        return 0
    await outbox.sent(s.db, delivery, message.message_id, s.clock.now())
    return 1


def _failure(error: TelegramError) -> tuple[Failure, float | None]:
    """What Telegram's answer means for the outbox (and how long it asked to wait)."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return Failure.FLOOD, wait if isinstance(wait, int | float) else wait.total_seconds()
    if isinstance(error, Forbidden):
        return Failure.BLOCKED, None
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return Failure.NETWORK, None
    return Failure.REJECTED, None


def _screen(context: AllianceContext, t: Translator, delivery: Delivery) -> Screen | None:
    message = delivery.message
    if not isinstance(message, DueReminder):
        return notice_screens.notice(t, message)
    flow = context.services.flows.registry.get(message.flow_id)
    if flow is None:
        return None
    match message.kind:
        case ReminderKind.DEADLINE:
            rule = next((d for d in flow.deadlines if d.id == message.deadline_id), None)
            if rule is None or message.deadline_on is None:
                return None
            return procedure_screens.deadline_reminder(t, flow, rule.text, message.deadline_on)
        case ReminderKind.CHECK:
            if message.step_id is None:
                return None
            return procedure_screens.check_question(t, flow, message.step_id)
        case ReminderKind.LATER:
            return procedure_screens.later_reminder(t, flow)
