"""Everything no other handler took: a short friendly answer, then the way forward."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from app.context import AllianceContext
from core.screens import joined
from handlers import reply
from handlers.common import main_menu, ready_person, way_on
from screens import fallback, home
from screens.fallback import Unusable
from services.onboarding import PersonView


async def answer_unusable(update: Update, context: AllianceContext) -> None:
    """The person sent something the bot cannot use: say so kindly and show the way on."""
    account, t, kind = context.scope.account, context.scope.t, _kind_of(update)
    if account is None or isinstance(account, PersonView):
        if await ready_person(update, context) is not None:
            menu = await main_menu(context, t)
            await reply.answer(update, context, t, joined(fallback.unusable(t, kind), menu))
        return
    await reply.answer(update, context, t, joined(fallback.unusable(t, kind), way_on(account, t)))


async def answer_stale_button(update: Update, context: AllianceContext) -> None:
    """A button this version did not write (an old message, or forged or cut data)."""
    account, t = context.scope.account, context.scope.t
    if account is None:
        await ready_person(update, context)  # someone new: onboarding starts
        return
    if isinstance(account, PersonView) and not account.ready:
        await reply.answer(update, context, t, way_on(account, t))
        return
    await reply.answer(update, context, t, joined(home.stale_button(t), way_on(account, t)))


async def answer_in_group(update: Update, context: AllianceContext) -> None:
    """Alliance only talks in private: nothing personal is said in a group."""
    t = context.scope.t
    await reply.answer(update, context, t, fallback.private_only(t, context.bot.username))


def _kind_of(update: Update) -> Unusable:
    if update.edited_message is not None:
        return Unusable.EDIT
    message = update.effective_message
    if not isinstance(message, Message):
        return Unusable.OTHER
    if message.text is not None:
        return Unusable.COMMAND if message.text.startswith("/") else Unusable.TEXT
    if message.sticker is not None:
        return Unusable.STICKER
    if message.voice or message.audio or message.video_note:
        return Unusable.AUDIO
    if message.photo or message.document or message.video or message.animation:
        return Unusable.MEDIA
    if message.location or message.venue or message.contact:
        return Unusable.PLACE
    return Unusable.OTHER


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    """Registered last: groups first, then any private message or edit left over."""
    addressed_in_group = (
        filters.ChatType.GROUPS
        & filters.UpdateType.MESSAGE
        & (filters.COMMAND | filters.Entity("mention"))
    )
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGES
    return [
        MessageHandler(addressed_in_group, answer_in_group),
        MessageHandler(private & ~filters.StatusUpdate.ALL, answer_unusable),
    ]
