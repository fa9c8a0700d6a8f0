"""Everything no other handler took: a short friendly answer, then the way forward."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from app.context import AllianceContext
from handlers import reply
from handlers.common import account_of, main_menu, staff_home, translator_of
from screens import fallback, home, onboarding
from screens.fallback import Unusable
from services.onboarding import PersonView


async def answer_unusable(update: Update, context: AllianceContext) -> None:
    """The person sent something the bot cannot use: say so kindly and show the way on."""
    person, t = await account_of(update, context)
    kind = _kind_of(update)
    if not isinstance(person, PersonView):
        await reply.answer(update, context, t, fallback.unusable(t, kind), staff_home(t, person))
    elif person.ready:
        menu = await main_menu(update, context, t)
        await reply.answer(update, context, t, fallback.unusable(t, kind), menu)
    else:
        await reply.answer(
            update,
            context,
            t,
            fallback.onboarding_first(t),
            onboarding.resume(t, person.stage, person.language),
        )


async def answer_stale_button(update: Update, context: AllianceContext) -> None:
    """A button this version no longer knows (old message, or forged data)."""
    person, t = await account_of(update, context)
    if not isinstance(person, PersonView):
        await reply.answer(update, context, t, home.stale_button(t), staff_home(t, person))
    elif person.ready:
        await reply.answer(update, context, t, home.stale_button(t), home.menu(t))
    else:
        await reply.answer(update, context, t, onboarding.resume(t, person.stage, person.language))


async def answer_in_group(update: Update, context: AllianceContext) -> None:
    """Alliance only talks in private: nothing personal is said in a group."""
    t = await translator_of(update, context)
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
    """Registered last: groups first, then any private message, edit or button left over."""
    addressed_in_group = (
        filters.ChatType.GROUPS
        & filters.UpdateType.MESSAGE
        & (filters.COMMAND | filters.Entity("mention"))
    )
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGES
    return [
        MessageHandler(addressed_in_group, answer_in_group),
        MessageHandler(private & ~filters.StatusUpdate.ALL, answer_unusable),
        CallbackQueryHandler(answer_stale_button),
    ]
