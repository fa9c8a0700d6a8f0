"""The sender: messages the bot initiates, taken from the outbox, rendered in the
recipient's language of the moment, sent, and each result recorded.

It runs in the process's sender task (`app/sender.py`) or, on the scale path, in the one
`send_outbox` job running across all workers (`app/shared_work.py`); woken right after a
use case queued messages and every few seconds (retries, anything a stopped process left).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from app.context import AllianceContext
from app.pacing import Traffic, retry_after_seconds
from core.delivery import Failure
from core.i18n import Translator
from core.notices import HandoffAlert, ToTeam
from core.relay import RelayCopy
from core.screens import Screen
from handlers import reply
from handlers.common import flow_of
from screens import handoffs as handoff_screens
from screens import notices as notice_screens
from screens import procedures as procedure_screens
from services import agenda as agenda_service
from services import handoffs as handoff_service
from services import outbox, waiting_list
from services import reminders as reminder_service
from services.outbox import Delivery, DueReminder
from storage.reminders import ReminderKind

log = logging.getLogger(__name__)

CONCURRENCY = 8  # chats served at once: 30 a second with Telegram answering in 250 ms;
# what is in flight when the process is killed may go twice (docs/reliability.md)


async def deliver_outbox(context: AllianceContext) -> int:
    """Send everything due in the outbox, paced as bulk traffic; returns how many were sent.
    Each chat's messages go in order; different chats at once."""
    s = context.services
    results = outbox.GroupCommit(s.db, s.clock.now)
    slots = asyncio.Semaphore(CONCURRENCY)

    async def to_chat(deliveries: list[Delivery]) -> None:
        async with slots:
            for delivery in deliveries:
                if (result := await _deliver(context, delivery)) is not None:
                    results.add(result)

    try:
        while not s.work.stopping and (deliveries := await outbox.claim(s.db, s.clock.now())):
            await asyncio.gather(*(to_chat(d) for d in _by_chat(deliveries)))
            await results.written()  # what a result queues (a referent told) is claimable
    finally:
        await results.written()
    return results.sent


def _by_chat(deliveries: list[Delivery]) -> list[list[Delivery]]:
    """Each chat's messages, in order."""
    chats: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        chats[delivery.chat_id].append(delivery)
    return list(chats.values())


async def send_due_reminders(context: AllianceContext) -> None:
    """Reminders that are due, paced (quiet hours, 3 a day, 7 a week), queued once; the
    sender takes them from there."""
    s = context.services
    await reminder_service.queue_due(s.db, s.clock.now(), s.settings.zone)
    s.work.outbox_changed()


async def release_waiting_holds(context: AllianceContext) -> None:
    """Earlier times held for someone of the waiting list who did not answer in time go
    to the next person; their offers go through the outbox."""
    s = context.services
    if await waiting_list.release_ended_holds(s.db, s.clock.now()):
        s.work.outbox_changed()


async def alert_slot_shortages(context: AllianceContext) -> None:
    """More persons waiting than free times: the staff member and the admins told."""
    s = context.services
    if await agenda_service.alert_shortages(s.db, s.clock.now()):
        s.work.outbox_changed()


async def wake_sender(context: AllianceContext) -> None:
    """Retries coming due, and whatever a stopped process left claimed past its lease."""
    context.services.work.outbox_changed()


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
        if delivery.topic is not None:
            return await _to_topic(context, t, delivery, screen)
        if isinstance(delivery.message, RelayCopy):
            text = handoff_screens.relay_text(t, delivery.message)
            message_id = await reply.relay(context, delivery.chat_id, t, delivery.message, text)
            return outbox.Sent(delivery, message_id)
        (message,) = await reply.send(context, delivery.chat_id, t, screen, traffic=Traffic.BULK)
    except TelegramError as error:
        failure, wait = _failure(error)
        log.info("%s not delivered (%s)", type(delivery.message).__name__, failure)
        return outbox.Failed(delivery, failure, wait)
    return outbox.Sent(delivery, message.message_id)


async def _to_topic(
    context: AllianceContext, t: Translator, delivery: Delivery, screen: Screen
) -> outbox.Result:
    """To the hand-off's topic in the team group: made at its first message, and made
    again if someone deleted it (the person's messages are never dropped for that)."""
    topic = delivery.topic
    assert topic is not None
    thread = topic.thread_id or await _new_topic(context, delivery.chat_id, topic.name)
    try:
        message_id = await _send_in(context, t, delivery, screen, thread)
    except BadRequest as error:
        if "thread not found" not in str(error).lower():
            raise
        log.warning("hand-off %s: its topic was deleted; made again", topic.handoff_id)
        thread = await _new_topic(context, delivery.chat_id, topic.name)
        message_id = await _send_in(context, t, delivery, screen, thread)
    return outbox.Sent(delivery, message_id, thread)


async def _new_topic(context: AllianceContext, chat_id: int, name: str) -> int:
    created = await context.bot.create_forum_topic(chat_id, name[:128])
    return created.message_thread_id


async def _send_in(
    context: AllianceContext, t: Translator, delivery: Delivery, screen: Screen, thread: int
) -> int:
    if isinstance(delivery.message, RelayCopy):
        text = handoff_screens.relay_text(t, delivery.message)
        return await reply.relay(context, delivery.chat_id, t, delivery.message, text, thread)
    (message,) = await reply.send(
        context, delivery.chat_id, t, screen, traffic=Traffic.BULK, thread=thread
    )
    return message.message_id


def _failure(error: TelegramError) -> tuple[Failure, float | None]:
    """What Telegram's answer means for the outbox (and how long it asked to wait)."""
    if isinstance(error, RetryAfter):
        return Failure.FLOOD, retry_after_seconds(error)
    if isinstance(error, Forbidden):
        return Failure.BLOCKED, None
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return Failure.NETWORK, None
    return Failure.REJECTED, None


def _screen(context: AllianceContext, t: Translator, delivery: Delivery) -> Screen | None:
    message, now = delivery.message, context.services.clock.now()
    if isinstance(message, RelayCopy):
        return Screen("")  # a copy, not a screen: `reply.relay` sends it
    if isinstance(message, HandoffAlert):
        flow = flow_of(context, message.flow_id)
        return handoff_screens.alert(t, message, now, flow, team=isinstance(message.to, ToTeam))
    if not isinstance(message, DueReminder):
        return notice_screens.notice(t, message, now)
    flow = context.services.flows.registry.get(message.flow_id)
    if flow is None:
        return None
    match message.kind:
        case ReminderKind.DEADLINE:
            rule = next((d for d in flow.deadlines if d.id == message.deadline_id), None)
            if rule is None or rule.text is None or message.deadline_on is None:
                return None  # a deadline taken out, or no longer reminded of
            return procedure_screens.deadline_reminder(t, flow, rule.text, message.deadline_on)
        case ReminderKind.CHECK:
            if message.step_id is None:
                return None
            return procedure_screens.check_question(t, flow, message.step_id)
        case ReminderKind.LATER:
            return procedure_screens.later_reminder(t, flow, message.step_id)


async def escalate_handoffs(context: AllianceContext) -> None:
    """Requests nobody claimed in time go up the chain (every minute)."""
    s = context.services
    if await handoff_service.escalate(s.db, s.clock.now()):
        s.work.outbox_changed()


async def watch_deadlines(context: AllianceContext) -> None:
    """Rights at risk: deadlines near and procedures not done (hourly)."""
    s = context.services
    now = s.clock.now()
    if await handoff_service.watch_deadlines(s.db, s.flows.registry, now, s.settings.zone):
        s.work.outbox_changed()
