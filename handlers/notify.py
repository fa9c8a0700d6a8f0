"""The sender: messages the bot initiates, taken from the outbox, rendered in the
recipient's language of the moment, sent, and each result recorded.

It runs in the process's sender task (`app/sender.py`), woken right after a use case
queued messages and every few seconds (retries, anything a stopped process left).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from app.context import AllianceContext
from app.pacing import Traffic
from core.clock import Clock
from core.delivery import Failure
from core.i18n import Translator
from core.screens import Screen
from handlers import reply
from screens import notices as notice_screens
from screens import procedures as procedure_screens
from services import outbox
from services import reminders as reminder_service
from services.outbox import Delivery, DueReminder
from storage.db import SessionFactory
from storage.reminders import ReminderKind

log = logging.getLogger(__name__)

CONCURRENCY = 8  # chats served at once: 30 a second with Telegram answering in 250 ms;
# what is in flight when the process is killed may go twice (docs/reliability.md)


async def deliver_outbox(context: AllianceContext) -> int:
    """Send everything due in the outbox, paced as bulk traffic; returns how many were sent.
    Each chat's messages go in order; different chats at once."""
    s = context.services
    results = _Results(s.db, s.clock)
    slots = asyncio.Semaphore(CONCURRENCY)

    async def to_chat(deliveries: list[Delivery]) -> None:
        async with slots:
            for delivery in deliveries:
                result = await _deliver(context, delivery)
                if result is not None:
                    results.add(result)

    try:
        while not s.sender.stopping and (deliveries := await outbox.claim(s.db, s.clock.now())):
            by_chat: dict[int, list[Delivery]] = defaultdict(list)
            for delivery in deliveries:
                by_chat[delivery.chat_id].append(delivery)
            await asyncio.gather(*(to_chat(d) for d in by_chat.values()))
            await results.written()  # what a result queues (a referent told) is claimable
    finally:
        await results.written()
    return results.sent


class _Results:
    """Results recorded as they come, in one transaction for all those that arrived while
    the previous one was being written (a group commit). The window in which a stopped
    process forgets that Telegram took a message, and sends it again once its claim's
    lease ends, stays about one commit long, while a wave of 30 messages a second costs a
    handful of transactions a second instead of 30 (the database is the conversations'
    too)."""

    def __init__(self, db: SessionFactory, clock: Clock) -> None:
        self._db, self._clock = db, clock
        self._pending: list[outbox.Result] = []
        self._writer: asyncio.Task[None] | None = None
        self.sent = 0

    def add(self, result: outbox.Result) -> None:
        self._pending.append(result)
        self.sent += isinstance(result, outbox.Sent)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())

    async def written(self) -> None:
        while self._writer is not None and not self._writer.done():
            await self._writer

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await outbox.record(self._db, batch, self._clock.now())
            except Exception:
                log.exception("%s delivery results not recorded; sent again later", len(batch))


async def send_due_reminders(context: AllianceContext) -> None:
    """Reminders that are due, paced (quiet hours, 3 a day, 7 a week), queued once; the
    sender takes them from there."""
    s = context.services
    await reminder_service.queue_due(s.db, s.clock.now(), s.settings.zone)
    s.sender.wake()


async def wake_sender(context: AllianceContext) -> None:
    """Retries coming due, and whatever a stopped process left claimed past its lease."""
    context.services.sender.wake()


async def _deliver(context: AllianceContext, delivery: Delivery) -> outbox.Result | None:
    """Render and send one message; None when its claim is about to end (not tried)."""
    s = context.services
    t = s.translations.get(delivery.language).in_zone(delivery.zone or s.settings.zone)
    screen = _screen(context, t, delivery)
    if screen is None:  # a reminder of a flow taken out of service
        return outbox.Failed(delivery, Failure.REJECTED)
    if not delivery.may_send(s.clock.now()):  # its claim ends soon: the next pass takes it
        return None
    try:
        (message,) = await reply.send(context, delivery.chat_id, t, screen, traffic=Traffic.BULK)
    except TelegramError as error:
        failure, wait = _failure(error)
        log.info("%s not delivered (%s)", type(delivery.message).__name__, failure)
        return outbox.Failed(delivery, failure, wait)
    return outbox.Sent(delivery, message.message_id)


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
