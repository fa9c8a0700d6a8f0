"""Hand-offs: the person asks for a human (🙋, /parler) and follows their request; staff
claim, pass and close (/alertes); the relay carries what each writes to the other; what
a person types is first read for distress and secrets. Thin: one use case an update."""

from __future__ import annotations

import logging
from typing import assert_never

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from app.context import AllianceContext
from core.handoffs import Reason, Share, Who
from core.intents import (
    AskHuman,
    AskHumanNow,
    ClaimHandoff,
    CloseHandoff,
    CloseWith,
    DeclineHuman,
    HandoffIntent,
    HandoffStaffIntent,
    OpenHandoff,
    PassHandoff,
    PickHandoff,
    ShareMessages,
    ShowAlerts,
    ShowMyRequest,
    TalkToSomeone,
    WithdrawRequest,
)
from core.relay import Incoming, MessageKind
from core.screens import Edited, MovedOn, Screen, Shown
from handlers import reply
from handlers.common import flow_of, ready_person, visitor_of, way_on
from screens import handoffs as screens
from screens import staff as staff_screens
from services import handoff_staff, relay
from services import handoffs as handoff_service
from services import typed as typed_service
from services.authorisation import NotAllowed
from services.handoff_staff import Card, Gone, Taken
from services.handoffs import Nobody, Waiting
from services.onboarding import PersonView
from services.relay import FromPerson
from services.staff import StaffView
from services.typed import Read

log = logging.getLogger(__name__)


async def talk_command(update: Update, context: AllianceContext) -> None:
    """/parler"""
    await handoff_tap(update, context, TalkToSomeone())


async def alerts_command(update: Update, context: AllianceContext) -> None:
    """/alertes"""
    await staff_tap(update, context, ShowAlerts())


async def handoff_tap(update: Update, context: AllianceContext, tap: HandoffIntent) -> None:
    if await ready_person(update, context) is None:
        return
    shown = await _person_step(context, tap)
    await reply.show(update, context, context.scope.t, shown)
    context.services.work.outbox_changed()  # the alerts, or the holder told


async def _person_step(context: AllianceContext, tap: HandoffIntent) -> Shown:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    visitor = visitor_of(context)
    match tap:
        case TalkToSomeone():
            choice = await handoff_service.choices(s.db, visitor, now)
            if isinstance(choice, Nobody):
                return MovedOn(screens.nobody(t, choice))
            return MovedOn(screens.choose_who(t, choice))
        case AskHuman(who=who, reason=reason):
            asked = await handoff_service.ask(s.db, visitor, who, now, reason)
            return MovedOn(_request_screen(context, asked))
        case AskHumanNow(who=who, concern=concern):
            asked = await handoff_service.ask(s.db, visitor, who, now, Reason.DISTRESS, concern)
            return MovedOn(_request_screen(context, asked))
        case ShowMyRequest():
            request = await handoff_service.request(s.db, visitor, now)
            return Edited(screens.waiting(t, request) if request else screens.nothing_open(t))
        case ShareMessages(handoff=handoff_id, on=on):
            share = Share.MESSAGES if on else Share.STEP
            request = await handoff_service.set_share(s.db, visitor, handoff_id, share, now)
            if request is None:
                return Edited(screens.nothing_open(t))
            if on:
                return MovedOn(screens.write_now(t))
            return Edited(screens.waiting(t, request))
        case WithdrawRequest(handoff=handoff_id):
            done = await handoff_service.withdraw(s.db, visitor, handoff_id, now)
            return MovedOn(screens.withdrawn(t) if done else screens.nothing_open(t))
        case DeclineHuman():
            return MovedOn(screens.declined(t))
        case _:
            assert_never(tap)


def _request_screen(context: AllianceContext, asked: Waiting | Nobody) -> Screen:
    t = context.scope.t
    if isinstance(asked, Nobody):
        return screens.nobody(t, asked)
    return screens.waiting(t, asked)


async def staff_tap(update: Update, context: AllianceContext, tap: HandoffStaffIntent) -> None:
    """A staff member's action on a request, each checked again (and audited)."""
    account, t = context.scope.account, context.scope.t
    if not isinstance(account, StaffView):
        await reply.answer(update, context, t, way_on(account, t))
        return
    try:
        shown = await _staff_step(context, tap)
    except NotAllowed as refusal:
        log.info("hand-off action refused: %s", refusal)
        shown = staff_screens.not_allowed(t)
    await reply.show(update, context, t, shown)
    context.services.work.outbox_changed()


async def _staff_step(context: AllianceContext, tap: HandoffStaffIntent) -> Shown:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id = visitor_of(context).telegram_user_id
    match tap:
        case ShowAlerts():
            cards = await handoff_staff.alerts_page(s.db, user_id, now)
            return Edited(screens.alerts_list(t, cards, now))
        case OpenHandoff(handoff=handoff_id):
            return Edited(_card(context, await handoff_staff.card(s.db, user_id, handoff_id, now)))
        case ClaimHandoff(handoff=handoff_id):
            claimed = await handoff_staff.claim(s.db, user_id, handoff_id, now)
            return Edited(_card(context, claimed))
        case PickHandoff(handoff=handoff_id):
            return Edited(_card(context, await handoff_staff.pick(s.db, user_id, handoff_id, now)))
        case PassHandoff(handoff=handoff_id, to=to):
            passed = await handoff_staff.pass_to(s.db, user_id, handoff_id, to, now)
            return Edited(_card(context, passed))
        case CloseHandoff(handoff=handoff_id):
            return Edited(screens.ask_outcome(t, handoff_id))
        case CloseWith(handoff=handoff_id, outcome=outcome):
            closed = await handoff_staff.close(s.db, user_id, handoff_id, outcome, now)
            return Edited(_card(context, closed))
        case _:
            assert_never(tap)


def _card(context: AllianceContext, found: Card | Taken | Gone) -> Screen:
    t, now = context.scope.t, context.services.clock.now()
    match found:
        case Card():
            return screens.card(t, found, now, flow_of(context, found.flow_id))
        case Taken():
            return screens.taken(t, found)
        case Gone():
            return screens.gone(t, found)


# -- what people write ---------------------------------------------------------------------


async def person_wrote(update: Update, context: AllianceContext, relaying: bool = True) -> bool:
    """Typed text or a file from a person, read before anything else: distress gets the
    numbers and a human offered; a secret gets a warning; a held conversation gets the
    message (unless the bot asked for an answer: `relaying` False). True when handled
    here (else the bot answers as usual)."""
    message, account = update.effective_message, context.scope.account
    if not isinstance(message, Message) or not isinstance(account, PersonView) or not account.ready:
        return False
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    visitor = visitor_of(context)
    incoming = incoming_of(message)
    if incoming is None:
        return False
    read = await typed_service.read(s.db, s.distress, visitor, incoming.text, now)
    if read.secret:
        await reply.answer(update, context, t, screens.secret_warning(t))
        return True
    relayed = FromPerson.NONE
    if relaying:
        relayed = await relay.from_person(s.db, visitor, incoming, now)
    if relayed is not FromPerson.NONE:
        s.work.outbox_changed()
    if read.concerns:
        await _answer_distress(update, context, read, relayed)
        return True
    return await _answer_relayed(update, context, relayed)


async def _answer_distress(
    update: Update, context: AllianceContext, read: Read, relayed: FromPerson
) -> None:
    """The numbers that fit, at once, and a human offered; in a conversation a human
    holds, the request becomes urgent too (the message itself went to them)."""
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    worst = read.worst
    assert worst is not None  # concerns were seen
    who = Who.REFERENT if read.referent else Who.FIRST
    if relayed in (FromPerson.RELAYED, FromPerson.REOPENED):
        await handoff_service.ask(s.db, visitor_of(context), who, now, Reason.DISTRESS, worst)
        s.work.outbox_changed()
    await reply.answer(update, context, t, screens.distress(t, worst, who, read.referent))


async def _answer_relayed(update: Update, context: AllianceContext, relayed: FromPerson) -> bool:
    """What the person hears of a message the relay took (mostly nothing: it went on)."""
    s, t = context.services, context.scope.t
    match relayed:
        case FromPerson.RELAYED | FromPerson.SHARED:
            return True
        case FromPerson.REOPENED:
            await reply.answer(update, context, t, screens.reopened(t))
            return True
        case FromPerson.HELD_BACK:
            request = await handoff_service.request(s.db, visitor_of(context), s.clock.now())
            if request is None:
                return False
            await reply.answer(update, context, t, screens.held_back(t, request.handoff_id))
            return True
        case FromPerson.OFFER_HUMAN:  # twice in a row: their referent, else the team
            offer = screens.not_understood_twice(t, Who.REFERENT)
            await reply.answer(update, context, t, offer)
            return True
        case FromPerson.NONE:
            return False


async def staff_wrote(update: Update, context: AllianceContext) -> bool:
    """A staff member's text or file goes to the person of the conversation they hold.
    True when relayed."""
    message, account = update.effective_message, context.scope.account
    if not isinstance(message, Message) or not isinstance(account, StaffView):
        return False
    incoming = incoming_of(message)
    if incoming is None:
        return False
    s, t = context.services, context.scope.t
    user_id = visitor_of(context).telegram_user_id
    sent = await relay.from_staff(s.db, user_id, incoming, s.clock.now())
    if sent is None:
        return False
    s.work.outbox_changed()
    if sent.several:
        await reply.answer(update, context, t, screens.relayed_to(t, sent.person_label))
    return True


async def on_file(update: Update, context: AllianceContext) -> None:
    """A photo or a document: relayed in a held conversation, else the usual answer."""
    if isinstance(context.scope.account, StaffView):
        if await staff_wrote(update, context):
            return
    elif await person_wrote(update, context):
        return
    from handlers import fallback  # the catch-all answers what nobody else took

    await fallback.answer_unusable(update, context)


async def on_edit(update: Update, context: AllianceContext) -> None:
    """An edit of a relayed message is mirrored on its copy; any other edit gets the
    usual answer."""
    message = update.edited_message
    text = (message.text or message.caption) if message else None
    if message is not None and text is not None:
        s = context.services
        user_id = visitor_of(context).telegram_user_id
        if await relay.edited(s.db, user_id, message.message_id, text, s.clock.now()):
            s.work.outbox_changed()
            return
    from handlers import fallback

    await fallback.answer_unusable(update, context)


def incoming_of(message: Message) -> Incoming | None:
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    if message.text is not None:
        if message.text.startswith("/"):
            return None
        return Incoming(message.message_id, MessageKind.TEXT, message.text, reply_to)
    if message.photo:
        return Incoming(message.message_id, MessageKind.PHOTO, message.caption, reply_to)
    if message.document is not None:
        return Incoming(message.message_id, MessageKind.DOCUMENT, message.caption, reply_to)
    return None


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("parler", talk_command, filters=private),
        CommandHandler(["alertes", "alerts"], alerts_command, filters=private),
        MessageHandler(
            private & filters.UpdateType.MESSAGE & (filters.PHOTO | filters.Document.ALL),
            on_file,
        ),
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, on_edit),
    ]
